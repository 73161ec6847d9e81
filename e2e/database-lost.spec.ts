import { expect, test, type Route } from "@playwright/test";
import { signInAs } from "./signIn";

/**
 * What the server answers every tRPC call while PostgreSQL cannot be reached (server/trpc/errors.ts;
 * tests/dbLoss.test.ts cuts a real PostgreSQL to see it): the e2e server runs on the embedded
 * database, which cannot be lost, so the browser is given that answer here.
 */
async function answerUnavailable(route: Route) {
  const url = new URL(route.request().url());
  const error = { error: { json: { message: "The database is unreachable; try again shortly", code: -32603, data: { code: "SERVICE_UNAVAILABLE", httpStatus: 503 } } } };
  const calls = url.pathname.replace(/^\/api\/trpc\//, "").split(",");
  const body = url.searchParams.has("batch") ? calls.map(() => error) : error;
  await route.fulfill({ status: 503, headers: { "content-type": "application/json", "retry-after": "5" }, body: JSON.stringify(body) });
}

test("a page whose server cannot reach its database shows a banner, keeps the person signed in, and loads by itself when it can", async ({ page }) => {
  await signInAs(page, "dispatcher");
  await page.route("**/api/trpc/**", answerUnavailable);
  await page.reload();
  const banner = page.getByTestId("database-banner");
  await expect(banner).toHaveText("Connection to the server's database lost — retrying");
  // The page keeps asking (every 5 s) and stays where it is: a 503 is not a sign-out.
  await page.waitForRequest((r) => r.url().includes("/api/trpc/"), { timeout: 10_000 });
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId("total-substations")).not.toHaveText(/\d/);
  await page.screenshot({ path: "e2e/screenshots/database-lost.png" });

  await page.unroute("**/api/trpc/**");
  await expect(banner).toBeHidden({ timeout: 15_000 });
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId("total-substations")).toHaveText(/\d/);
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
});
