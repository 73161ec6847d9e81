import { expect, test, type Page } from "@playwright/test";
import { signInAs } from "./signIn";
import { feeders, pointsOfColour, showOnMap, tripFeeder, untilMapSettles } from "./helpers";
import { meterColors } from "../components/palette";
import { rewriteTrpc } from "./trpcRewrite";

/** Opens the outage, flies the map to it, closes the panel and zooms in two steps: meters in view. */
async function zoomInOnOutage(page: Page, eventId: string) {
  await page.getByTestId("outage-list").locator(`button[data-event-id="${eventId}"]`).click();
  await showOnMap(page);
  const map = page.getByTestId("network-map");
  await expect(map).toHaveAttribute("data-selected-point", /\d+,\d+/);
  await page.keyboard.press("Escape");
  await page.locator(".maplibregl-canvas").focus();
  // One zoom step at a time, each let finish: a second press during the first's animation zooms
  // from the rounded zoom of that moment, which can end a step short of the meters' zoom (15).
  for (let step = 0; step < 2; step++) await untilMapSettles(page, "data-bounds", () => page.keyboard.press("Equal"));
  return map;
}

const METER_STATES = ["on", "off", "assumed", "unknown"] as const;
const SUPPLY_STATES = ["energized", "partial", "de_energized"] as const;

test("meters reported off and assumed off are both drawn dark and told apart; the legend explains every state", async ({ page }) => {
  await signInAs(page, "dispatcher");
  const eventId = await tripFeeder(page, (await feeders(page))[35]);
  // Every state the server may send, side by side in one view (a real storm makes them slowly).
  await rewriteTrpc(page, {
    "network.meters": (rows) => (rows as Array<{ id: number }>).map((m) => ({ ...m, status: METER_STATES[m.id % 4] })),
    "network.distributionPoints": (rows) => (rows as Array<{ id: number }>).map((p) => ({ ...p, status: SUPPLY_STATES[p.id % 3] })),
  });
  await page.reload();

  const legend = page.getByTestId("legend");
  for (const text of ["off (reported)", "off (assumed: under an open device)", "unknown", "partly out", "de-energized", "critical customer"]) {
    await expect(legend).toContainText(text);
  }
  const map = await zoomInOnOutage(page, eventId);
  // What the map drew, by state: all four, each meter once.
  await expect(map).toHaveAttribute("data-rendered-meter-states", /assumed:\d+,off:\d+,on:\d+,unknown:\d+/, { timeout: 15_000 });
  await page.screenshot({ path: "e2e/screenshots/map-meter-states.png" });
  const box = (await map.boundingBox())!;
  await page.screenshot({ path: "e2e/screenshots/map-meter-states-close.png", clip: { x: box.x + box.width / 2 - 200, y: box.y + box.height / 2 - 150, width: 400, height: 300 } });
});

test("a tripped feeder's silent meters are drawn assumed off, from the server's own power state", async ({ page }) => {
  await signInAs(page, "dispatcher");
  const eventId = await tripFeeder(page, (await feeders(page))[43]);
  const map = await zoomInOnOutage(page, eventId);
  // Under an open breaker with no signal of their own: assumed off, none drawn as powered... unless
  // the view also holds meters of a neighbouring feeder, which are on.
  await expect(map).toHaveAttribute("data-rendered-meter-states", /assumed:\d+/, { timeout: 15_000 });
  await page.screenshot({ path: "e2e/screenshots/map-feeder-trip-meters.png" });

  // Clicking one (its hollow centre, found on the screen) says what the ring means.
  await page.waitForTimeout(500);
  const box = (await map.boundingBox())!;
  const hollow = await pointsOfColour(page, { x: box.x + 60, y: box.y + 60, width: box.width - 400, height: box.height - 120 }, meterColors.assumedFill);
  expect(hollow.length).toBeGreaterThan(0);
  const popup = page.locator(".maplibregl-popup");
  for (const p of hollow) {
    await page.mouse.click(p.x, p.y);
    if (/^Meter /.test(await popup.locator("h3").innerText({ timeout: 1_000 }).catch(() => ""))) break;
  }
  await expect(popup.locator("h3")).toHaveText(/^Meter M\d+/);
  await expect(popup).toContainText("off (assumed: under an open device)");
  await page.screenshot({ path: "e2e/screenshots/map-meter-popup.png" });
});

test("distribution points in view follow a trip live, without moving the map", async ({ page }) => {
  await signInAs(page, "dispatcher");
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
  const feeder = (await feeders(page))[47];
  await page.getByRole("tab", { name: /Substations/ }).click();
  await page.getByTestId("substation-list").locator(`button[data-code="${feeder.substationCode}"]`).click();
  const map = page.getByTestId("network-map");
  // The flight has ended (a later moveend would fetch the points anyway and prove nothing).
  const substations = (await (await page.request.get("/api/trpc/network.substations")).json()).result.data.json as Array<{ code: string; lat: number; lng: number }>;
  const at = substations.find((s) => s.code === feeder.substationCode)!;
  await expect(map).toHaveAttribute("data-center", `${at.lng.toFixed(4)},${at.lat.toFixed(4)}`);
  await expect(map).toHaveAttribute("data-point-states", /energized:\d+/);
  const before = await map.getAttribute("data-point-states");
  const dead = (states: string | null) => Number(/de_energized:(\d+)/.exec(states ?? "")?.[1] ?? 0);
  await tripFeeder(page, feeder);
  await expect.poll(async () => dead(await map.getAttribute("data-point-states")), { timeout: 10_000 }).toBeGreaterThan(dead(before));
  await page.screenshot({ path: "e2e/screenshots/map-points-live.png" });
});
