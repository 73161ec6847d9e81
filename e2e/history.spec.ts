import fs from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { e2eKeyFile } from "../playwright.config";
import { signInAs } from "./signIn";
import { feeders, fillDateTime, tripFeeder } from "./helpers";
import { toLocalInput } from "../components/format";

const trpcGet = (path: string, input: unknown) => `/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The outage's id and a person's restoration of it, through the same tRPC call the details panel makes. */
async function restore(page: Page, eventId: string, reason: string) {
  const rows = (await (await page.request.get(trpcGet("outages.list", {}))).json()).result.data.json as Array<{ id: string; eventId: string }>;
  const id = rows.find((r) => r.eventId === eventId)!.id;
  const res = await page.request.post("/api/trpc/outages.restore", {
    headers: { origin: new URL(page.url()).origin },
    data: { json: { outage_event_id: id, restoration_data: { restoration_time: new Date().toISOString(), restoration_reason: reason } } },
  });
  expect(res.status()).toBe(200);
  return id;
}

test("History lists restored outages with filters, opens one with its timeline, and plays the period back on the map: the outage during its interval, not after", async ({ page }) => {
  test.setTimeout(180_000);
  await signInAs(page, "dispatcher");
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
  const timeZone = (await (await page.request.get(trpcGet("system.publicConfig", null))).json()).result.data.json.timeZone as string;
  const network = await feeders(page);
  const map = page.getByTestId("network-map");
  const began = Date.now();

  // Two outages, live on the map for a few seconds each, then restored by a person with a cause.
  // Never FD094 or FD095: the Reports test posts their February with past times, and a trip older
  // than a breaker's last recorded change is recorded, not replayed.
  const a = await tripFeeder(page, network[91]!);
  const b = await tripFeeder(page, network[89]!);
  await expect(map).toHaveAttribute("data-rendered-outages", new RegExp(a));
  const aOpenFrom = Date.now();
  await pause(4_000);
  const aOpenTo = Date.now();
  const aId = await restore(page, a, "Tree on the line");
  await restore(page, b, "Fuse replaced");
  await expect(map).not.toHaveAttribute("data-rendered-outages", new RegExp(a));
  // A third feeder's breaker recloses within seconds: a momentary interruption of the feeder, never an outage on the list.
  const blip = network[95]!;
  await tripFeeder(page, blip);
  const close = await page.request.post("/api/ingest/scada", {
    headers: { authorization: `Bearer ${fs.readFileSync(e2eKeyFile("scada"), "utf8").trim()}` },
    data: { eventType: "breaker_close", substationId: blip.substationCode, feederId: blip.code, mainStationId: "MS001", alarmType: "fault",
      timestamp: new Date().toISOString(), voltage: 0, severity: "critical", reason: "Reclosed" },
  });
  expect(close.status()).toBe(200);
  const restoredAt = Date.now();
  await pause(1_500);

  // History, as it opens: the last 24 hours.
  await page.reload();
  await page.getByRole("tab", { name: "History" }).click();
  const history = page.getByTestId("history");
  const row = (eventId: string) => history.locator(`button[data-event-id="${eventId}"]`);
  await expect(row(a)).toBeVisible();
  await expect(row(b)).toBeVisible();
  await expect(row(a)).toContainText("Tree on the line");
  await expect(row(a)).toContainText("restored");

  // Filtered by the first outage's feeder: it alone, counted.
  await history.getByLabel("Feeder").fill(network[91]!.code);
  await expect(page.getByTestId("history-count")).toHaveText(/^\d+ outages?/);
  await expect(row(b)).toHaveCount(0);
  await expect(row(a)).toBeVisible();
  const byFeeder = Number((await page.getByTestId("history-count").textContent())!.match(/^(\d+)/)![1]);
  expect(await history.locator("button.history-row").count()).toBe(Math.min(byFeeder, 50));
  // By cause: the second one's cause leaves the first out.
  await history.getByLabel("Feeder").fill("");
  await history.getByLabel("Cause").fill("fuse replaced");
  await expect(row(b)).toBeVisible();
  await expect(row(a)).toHaveCount(0);
  await history.getByLabel("Cause").fill("");
  await history.getByLabel("Status").selectOption("cancelled");
  await expect(row(a)).toHaveCount(0);
  await history.getByLabel("Status").selectOption("");

  // The momentary interruptions of the same range: the feeder that reclosed.
  await history.getByLabel("Show").selectOption("momentaries");
  await history.getByLabel("Feeder").fill(blip.code);
  await expect(page.getByTestId("history-count")).toHaveText(/^1 momentary interruption/);
  await expect(history.locator(".momentary-row").first()).toContainText(`feeder ${blip.code}`);
  await page.screenshot({ path: "e2e/screenshots/history-momentaries.png" });
  await history.getByLabel("Feeder").fill("");
  await history.getByLabel("Show").selectOption("outages");
  await expect(row(a)).toBeVisible();

  // A row opens the outage, restored, with its timeline.
  await row(a).click();
  const details = page.getByTestId("outage-details");
  await expect(details).toHaveAttribute("data-event-id", a);
  await expect(details).toHaveAttribute("data-status", "restored");
  await details.getByRole("tab", { name: /Timeline/ }).click();
  await expect(details.getByTestId("timeline")).toContainText("Tree on the line");
  await page.screenshot({ path: "e2e/screenshots/history.png" });
  await details.getByRole("button", { name: "Close details" }).click();

  // Playback of the minutes around them (the inputs are in the utility's zone, to the minute).
  const from = Math.floor((began - 60_000) / 60_000) * 60_000;
  const to = Math.ceil((restoredAt + 60_000) / 60_000) * 60_000;
  await fillDateTime(history.getByRole("group", { name: "From", exact: true }), toLocalInput(new Date(from), timeZone));
  await fillDateTime(history.getByRole("group", { name: "To", exact: true }), toLocalInput(new Date(to), timeZone));
  await expect(row(a)).toBeVisible();
  await history.getByRole("button", { name: "Play back on the map" }).click();
  const bar = page.getByTestId("playback");
  await expect(bar).toContainText("Playback · not live");
  await expect(bar).toHaveAttribute("data-playback-at", new Date(from).toISOString());
  const slider = bar.getByLabel("Playback time");
  await expect(slider).toBeVisible();
  // At the start, before the trips: not on the map.
  await expect(map).not.toHaveAttribute("data-rendered-outages", new RegExp(a));
  // During its interval: on the map.
  const during = Math.round(((aOpenFrom + aOpenTo) / 2 - from) / 1000) * 1000;
  await slider.fill(String(during));
  await expect(bar).toHaveAttribute("data-playback-at", new Date(from + during).toISOString());
  await expect(map).toHaveAttribute("data-rendered-outages", new RegExp(a));
  await expect(bar).toContainText(/[1-9]\d* outages on the map/);
  await page.screenshot({ path: "e2e/screenshots/playback.png" });
  // Playing at 1x: the clock runs on.
  await bar.getByLabel("Speed").selectOption("1");
  await bar.getByRole("button", { name: "Play" }).click();
  await expect(bar).toHaveAttribute("data-playing", "yes");
  await expect.poll(async () => new Date((await bar.getAttribute("data-playback-at"))!).getTime(), { timeout: 10_000 }).toBeGreaterThan(from + during + 1000);
  await bar.getByRole("button", { name: "Pause" }).click();
  // After its restoration: gone from the map.
  await slider.fill(String(Math.ceil((restoredAt + 1000 - from) / 1000) * 1000));
  await expect(map).not.toHaveAttribute("data-rendered-outages", new RegExp(a));
  // Played to the end at 600x: still gone, and stopped at the end.
  await bar.getByLabel("Speed").selectOption("600");
  await bar.getByRole("button", { name: "Play" }).click();
  await expect(bar).toHaveAttribute("data-playing", "no", { timeout: 15_000 });
  await expect(bar).toHaveAttribute("data-playback-at", new Date(to).toISOString());

  // Back to live: the bar goes, the map is the live one again.
  await bar.getByRole("button", { name: "Back to live" }).click();
  await expect(bar).toHaveCount(0);
  const live = (await (await page.request.get(trpcGet("outages.active", null))).json()).result.data.json as Array<{ eventId: string }>;
  expect(live.map((o) => o.eventId)).not.toContain(a);
  expect(aId).toMatch(/^[0-9a-f-]{36}$/);
});
