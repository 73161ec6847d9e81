import { expect, test } from "@playwright/test";
import { feeders, tripFeeder } from "./helpers";
import { signInAs } from "./signIn";

test("a new critical outage is announced (highlighted, counted, rung) until a dispatcher acknowledges it; the acknowledgement is on the timeline with the person and reaches the supervisor's screen live", async ({ page, browser }) => {
  await signInAs(page, "dispatcher");
  const supervisorContext = await browser.newContext();
  const supervisor = await supervisorContext.newPage();
  try {
    await signInAs(supervisor, "supervisor");
    await page.goto("/");
    await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
    await expect(supervisor.getByTestId("connection")).toHaveAttribute("data-state", "live");
    await page.getByLabel("Sound").check();
    const rungBefore = Number(await page.locator("html").getAttribute("data-alert-rung"));
    const countBefore = Number(await page.getByTestId("unacknowledged").textContent());

    const eventId = await tripFeeder(page, (await feeders(page))[83]!);
    const row = page.getByTestId("outage-list").locator(`button[data-event-id="${eventId}"]`);
    await expect(row).toHaveAttribute("data-alerts", /new/);
    await expect(row).toHaveAttribute("data-alerts", /critical/);
    await expect(row.getByTestId("row-alerts")).toContainText("New");
    await expect(page.getByTestId("unacknowledged")).toHaveText(String(countBefore + 1));
    await expect.poll(async () => Number(await page.locator("html").getAttribute("data-alert-rung"))).toBeGreaterThan(rungBefore);
    await page.screenshot({ path: "e2e/screenshots/alert-new-outage.png" });

    const supervisorRow = supervisor.getByTestId("outage-list").locator(`button[data-event-id="${eventId}"]`);
    await expect(supervisorRow).toHaveAttribute("data-alerts", /new/);

    await row.click();
    const details = page.getByTestId("outage-details");
    await expect(details.getByTestId("detail-alerts")).toContainText("new outage");
    await details.getByRole("button", { name: "Acknowledge" }).click();
    await expect(details.getByTestId("detail-alerts")).toHaveCount(0);
    await details.getByRole("tab", { name: /Timeline/ }).click();
    await expect(details.getByTestId("timeline")).toContainText(/Acknowledged by .*: new outage, critical/);
    await expect(row).not.toHaveAttribute("data-alerts", /./);
    await expect(page.getByTestId("unacknowledged")).toHaveText(String(countBefore));
    // The other screen follows without a reload.
    await expect(supervisorRow).not.toHaveAttribute("data-alerts", /./);
    await expect(supervisor.getByTestId("unacknowledged")).toHaveText(String(countBefore));
    await page.screenshot({ path: "e2e/screenshots/alert-acknowledged.png" });
  } finally {
    await supervisorContext.close();
  }
});
