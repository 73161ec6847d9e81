import { expect, test } from "@playwright/test";
import { signInAs } from "./signIn";

/**
 * The Users & keys page is worked with a mouse: every action button must be what a click at its
 * centre lands on. (The audit log's cells once shared a class with the outage details panel,
 * whose absolute positioning stacked them over the page and swallowed every click.)
 */
test("on Users & keys every Disable, Reset password and Revoke button is what a click at its centre hits", async ({ page }) => {
  await signInAs(page, "supervisor");
  await page.goto("/admin");
  // Make sure there is a key to revoke and an audit log with rows (each row once covered the page).
  const form = page.getByRole("form", { name: "New API key" });
  await form.getByLabel("Name").fill(`e2e hit-test key ${Date.now()}`);
  await form.getByRole("button", { name: "Create key" }).click();
  await page.getByRole("button", { name: "Done" }).click();
  await expect(page.getByTestId("audit-table")).toContainText("api_key.create");
  // Who made it is a person's name, not their id.
  await expect(page.getByTestId("keys-table").locator("tr", { hasText: "e2e hit-test key" }).first()).toContainText("by supervisor");
  await expect(page.getByTestId("users-table").getByRole("button", { name: "Disable" }).first()).toBeVisible();

  const buttons = page.getByRole("button", { name: /^(Disable|Enable|Reset password|Revoke)$/ });
  const count = await buttons.count();
  expect(count).toBeGreaterThanOrEqual(3 * 2 + 1);
  const misses: string[] = [];
  for (let i = 0; i < count; i++) {
    const button = buttons.nth(i);
    await button.scrollIntoViewIfNeeded();
    const hit = await button.evaluate((el) => {
      const r = el.getBoundingClientRect();
      const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return { ok: top !== null && el.contains(top), top: top ? `${top.tagName}.${top.className}` : "nothing" };
    });
    if (!hit.ok) misses.push(`${await button.textContent()} #${i} covered by ${hit.top}`);
  }
  expect(misses).toEqual([]);

  // The links of the top bar too.
  for (const name of ["OMS Control Room", "Users & keys", "Account"]) {
    const link = page.getByRole("link", { name }).first();
    if (!(await link.count())) continue;
    await link.scrollIntoViewIfNeeded();
    expect(await link.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return el.contains(document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2));
    }), `${name} link is clickable`).toBe(true);
  }

  // And a real click works: Reset password asks for confirmation (declined here, nothing changes).
  page.once("dialog", (d) => void d.dismiss());
  await page.getByTestId("users-table").getByRole("button", { name: "Reset password" }).first().click();
  await page.screenshot({ path: "e2e/screenshots/admin-page.png", fullPage: true });
});
