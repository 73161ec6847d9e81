import { expect, test } from "@playwright/test";
import { signInAs } from "./signIn";
import { rewriteTrpc } from "./trpcRewrite";

test("the Momentary tab lists device blips with their time in the utility's zone, duration and customers", async ({ page }) => {
  await signInAs(page, "dispatcher");
  const started = new Date(Date.now() - 20 * 60_000);
  const at = (offsetMs: number) => new Date(started.getTime() + offsetMs).toISOString();
  let asked: unknown = null;
  await rewriteTrpc(page, {
    // The answer of the contract (the server may not record them yet): two device blips, newest first.
    "outages.momentaries": (_data, input) => {
      asked = input;
      return [
        { id: "m2", level: "feeder", deviceCode: "FD017", startedAt: at(60_000), endedAt: at(60_000 + 6_400), customers: 214, metersReporting: 150 },
        { id: "m1", level: "distribution_point", deviceCode: "DP00042", startedAt: at(0), endedAt: at(4_000), customers: 13, metersReporting: 9 },
      ];
    },
  });
  await page.reload();
  const tab = page.getByRole("tab", { name: /Momentary/ });
  await expect(tab).toHaveText("Momentary (2)");
  expect(asked).toEqual({ hours: 24 });
  await tab.click();
  const rows = page.getByTestId("momentary-list").locator("li");
  await expect(rows).toHaveCount(2);
  const amman = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Amman", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
  await expect(rows.nth(0)).toContainText("feeder FD017");
  await expect(rows.nth(0)).toContainText(amman.format(new Date(at(60_000))));
  await expect(rows.nth(0).getByTestId("momentary-duration")).toHaveText("6 s");
  await expect(rows.nth(0)).toContainText("214 customers");
  await expect(rows.nth(1)).toContainText("distribution point DP00042");
  await expect(rows.nth(1).getByTestId("momentary-duration")).toHaveText("4 s");
  // Never outages: the outage list does not hold them.
  await page.getByRole("tab", { name: /Outages/ }).click();
  await expect(page.getByTestId("outage-list")).not.toContainText("FD017");
  await page.getByRole("tab", { name: /Momentary/ }).click();
  await page.screenshot({ path: "e2e/screenshots/momentary-tab.png" });
});

test("a server without momentary interruptions leaves the page working and says so in the tab", async ({ page }) => {
  await signInAs(page, "viewer");
  // What a server without the procedure answers for it (tRPC's NOT_FOUND), whatever this one does.
  await page.route(/\/api\/trpc\/[^?]*outages\.momentaries/, async (route) => {
    const url = new URL(route.request().url());
    const paths = decodeURIComponent(url.pathname.replace(/^\/api\/trpc\//, "")).split(",");
    const notFound = { error: { json: { message: 'No procedure found on path "outages.momentaries"', code: -32004, data: { code: "NOT_FOUND", httpStatus: 404, path: "outages.momentaries" } } } };
    if (url.searchParams.get("batch") !== "1") return route.fulfill({ status: 404, contentType: "application/json", body: JSON.stringify(notFound) });
    const items = (await (await route.fetch()).json()) as unknown[];
    await route.fulfill({ status: 207, contentType: "application/json", body: JSON.stringify(paths.map((p, i) => (p === "outages.momentaries" ? notFound : items[i]))) });
  });
  await page.reload();
  await expect(page.getByTestId("network-map")).toHaveAttribute("data-rendered-substations", /SS001/);
  const tab = page.getByRole("tab", { name: /Momentary/ });
  await expect(tab).toHaveText("Momentary");
  await tab.click();
  await expect(page.getByTestId("momentaries-unavailable")).toBeVisible();
  await page.getByRole("tab", { name: /Outages/ }).click();
  await expect(page.getByTestId("outage-list")).toBeVisible();
});
