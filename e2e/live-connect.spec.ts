import { expect, test } from "@playwright/test";
import { signInAs } from "./signIn";
import { feeders, tripFeeder } from "./helpers";

test("an outage created after the page loaded its list but before it was live is listed once it is live", async ({ page }) => {
  await signInAs(page, "dispatcher");
  const feeder = (await feeders(page))[39];
  // Hold the live connection back until the trip is committed: the change is in neither the
  // list the page fetched nor the pushes it will receive.
  let release!: () => void;
  const connected = new Promise<void>((resolve) => { release = resolve; });
  await page.route("**/socket.io/**", async (route) => { await connected; await route.continue(); });
  const listed = page.waitForResponse((r) => r.url().includes("outages.list"));
  await page.reload();
  await listed;
  await expect(page.getByTestId("connection")).not.toHaveAttribute("data-state", "live");
  const eventId = await tripFeeder(page, feeder);
  release();
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
  await expect(page.getByTestId("outage-list").locator(`button[data-event-id="${eventId}"]`)).toBeVisible({ timeout: 10_000 });
});
