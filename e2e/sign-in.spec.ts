import { expect, test } from "@playwright/test";
import { signInAs } from "./signIn";

test("nobody sees the control room without signing in, and a wrong password says so without saying which part was wrong", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in\?next=%2F/);
  await page.getByLabel("Username or email").fill("dispatcher");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Wrong username or password.")).toBeVisible();
  // Data behind the page is refused too, not only the page.
  const trpc = await page.request.get("/api/trpc/outages.active");
  expect(trpc.status()).toBe(401);
  await page.screenshot({ path: "e2e/screenshots/sign-in-refused.png" });
});

test("a dispatcher works the map but cannot open the supervisor's page", async ({ page }) => {
  await signInAs(page, "dispatcher");
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId("role")).toHaveText("dispatcher");
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
  await expect(page.getByRole("link", { name: "Users & keys" })).toHaveCount(0);
  await page.goto("/admin");
  await expect(page).toHaveURL(/\/$/);
  const users = await page.request.get("/api/trpc/admin.users.list");
  expect(users.status()).toBe(403);
  await page.screenshot({ path: "e2e/screenshots/dispatcher-home.png" });

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in/);
});

test("a supervisor creates a crew user on the Users page, who signs in on a phone and lands on the crew page", async ({ page, browser }) => {
  await signInAs(page, "supervisor");
  await page.getByRole("link", { name: "Users & keys" }).click();
  await expect(page).toHaveURL(/\/admin$/);
  const form = page.getByRole("form", { name: "New user" });
  await form.getByLabel("Username", { exact: true }).fill("e2e-lineman");
  await form.getByLabel("Full name").fill("Omar Lineman");
  await form.getByLabel("Role", { exact: true }).selectOption("crew");
  // A crew no other test dispatches, so its page starts empty.
  await form.getByLabel("Crew", { exact: true }).selectOption("CRW09");
  await form.getByRole("button", { name: "Create user" }).click();
  const password = (await page.getByTestId("shown-once").textContent())!.trim();
  expect(password).toMatch(/^[A-Za-z0-9_-]{16}$/);
  await expect(page.getByTestId("users-table").getByRole("cell", { name: "e2e-lineman" })).toBeVisible();
  await expect(page.getByTestId("audit-table")).toContainText("user.create");
  await page.screenshot({ path: "e2e/screenshots/supervisor-users.png", fullPage: true });

  const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
  try {
    const crewPage = await phone.newPage();
    await signInAs(crewPage, "e2e-lineman", password);
    await expect(crewPage).toHaveURL(/\/crew$/);
    await expect(crewPage.getByRole("heading", { name: "Assignments" })).toBeVisible();
    await expect(crewPage.getByTestId("no-assignments")).toBeVisible();
    // The control room's map is not a crew's page.
    await crewPage.goto("/");
    await expect(crewPage).toHaveURL(/\/crew$/);
    await crewPage.screenshot({ path: "e2e/screenshots/crew-phone.png" });
  } finally {
    await phone.close();
  }
});
