import fs from "node:fs";
import { expect, type Browser, type Locator, type Page } from "@playwright/test";
import { e2eKeyFile } from "../playwright.config";
import { signInAs } from "./signIn";

type FeederRow = { code: string; substationCode: string };

/** The demo network's feeders, read over the tRPC endpoint the page uses. */
export async function feeders(page: Page): Promise<FeederRow[]> {
  const body = await (await page.request.get("/api/trpc/network.feeders")).json();
  return (body.result.data.json.features as Array<{ properties: FeederRow }>).map((f) => f.properties);
}

/** Types a wall-clock "2026-11-30T14:05" into a date and 24-hour time pair (components/time/DateTimeInput.tsx), as a person would. */
export async function fillDateTime(group: Locator, value: string): Promise<void> {
  const [date, time] = value.split("T");
  await group.getByLabel("Date", { exact: true }).fill(date!);
  await group.getByLabel("Time", { exact: true }).fill(time!);
}

/** A breaker trip posted to the SCADA route with the key the e2e server was provisioned with; its outage's OMS_ id. */
export async function tripFeeder(page: Page, feeder: FeederRow): Promise<string> {
  const key = fs.readFileSync(e2eKeyFile("scada"), "utf8").trim();
  const res = await page.request.post("/api/ingest/scada", {
    headers: { authorization: `Bearer ${key}` },
    data: { eventType: "breaker_trip", substationId: feeder.substationCode, feederId: feeder.code, mainStationId: "MS001",
      alarmType: "fault", timestamp: new Date().toISOString(), voltage: 0, severity: "critical", reason: "Overcurrent detected" },
  });
  expect(res.status()).toBe(200);
  return (await res.json()).event_id as string;
}

/** An integration key made by a supervisor on the Users & keys page, as an operator would; the secret shown once. */
export async function createKeyOnAdminPage(browser: Browser, scope: "kaifa" | "onu" | "call_center"): Promise<string> {
  const office = await browser.newContext();
  try {
    const page = await office.newPage();
    await signInAs(page, "supervisor");
    await page.goto("/admin");
    const form = page.getByRole("form", { name: "New API key" });
    await form.getByLabel("Name").fill(`e2e ${scope} ${Date.now()}`);
    await form.getByLabel("For").selectOption(scope);
    await form.getByRole("button", { name: "Create key" }).click();
    return (await page.getByTestId("shown-once").textContent())!.trim();
  } finally {
    await office.close();
  }
}

/**
 * The RGBA bytes of a part of the screen, row by row, read from a screenshot decoded in the page
 * (the map's WebGL canvas cannot be read back).
 */
async function screenPixels(page: Page, clip: { x: number; y: number; width: number; height: number }): Promise<{ width: number; height: number; data: number[] }> {
  const png = await page.screenshot({ clip });
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = img.width;
    canvas.height = img.height;
    const ctx = canvas.getContext("2d")!;
    ctx.drawImage(img, 0, 0);
    return { width: img.width, height: img.height, data: Array.from(ctx.getImageData(0, 0, img.width, img.height).data) };
  }, png.toString("base64"));
}

/** The RGB colours of a small square of the screen. */
export async function pixelsAt(page: Page, x: number, y: number, size = 5): Promise<Array<[number, number, number]>> {
  const half = Math.floor(size / 2);
  const { data } = await screenPixels(page, { x: x - half, y: y - half, width: size, height: size });
  const out: Array<[number, number, number]> = [];
  for (let i = 0; i < data.length; i += 4) out.push([data[i], data[i + 1], data[i + 2]]);
  return out;
}

/**
 * Screen points (page pixels, on a 3-pixel grid) inside `clip` whose colour is within `tolerance`
 * of `hex`: where the map drew something of that colour. At most `max` of them.
 */
export async function pointsOfColour(page: Page, clip: { x: number; y: number; width: number; height: number }, hex: string, tolerance = 12, max = 30, step = 3) {
  const want = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  const { width, height, data } = await screenPixels(page, clip);
  const found: Array<{ x: number; y: number }> = [];
  for (let y = 0; y < height && found.length < max; y += step) {
    for (let x = 0; x < width && found.length < max; x += step) {
      const i = (y * width + x) * 4;
      if (want.every((v, k) => Math.abs(data[i + k] - v) <= tolerance)) found.push({ x: clip.x + x, y: clip.y + y });
    }
  }
  return found;
}

/** Hue in degrees (0 red, 30 orange, 45 yellow, 120 green). */
export function hue([r, g, b]: [number, number, number]): number {
  const max = Math.max(r, g, b), min = Math.min(r, g, b);
  if (max === min) return 0;
  const d = max - min;
  const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return (h * 60 + 360) % 360;
}

/** "rgb(247, 107, 21)" for "#f76b15": how the browser reports a computed colour. */
export function rgb(hex: string): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgb(${n >> 16}, ${(n >> 8) & 255}, ${n & 255})`;
}

/**
 * Clicks "show on map" and waits for the flight to the outage to end: the map's centre has moved
 * and holds still. (The selected outage's point is drawn from the first frame of the flight, so
 * it says nothing about where the flight is; a key pressed mid-flight would stop it short.)
 */
export async function showOnMap(page: Page): Promise<void> {
  await untilMapSettles(page, "data-center", () => page.getByRole("button", { name: "show on map" }).click());
}

/** Does `act`, then waits until the map's `attribute` has changed and holds still (the move has ended). */
export async function untilMapSettles(page: Page, attribute: "data-center" | "data-bounds", act: () => Promise<void>): Promise<void> {
  const map = page.getByTestId("network-map");
  const before = await map.getAttribute(attribute);
  await act();
  let last: string | null = before;
  await expect.poll(async () => {
    const now = await map.getAttribute(attribute);
    const still = now !== before && now === last;
    last = now;
    return still;
  }, { timeout: 15_000, intervals: [300] }).toBe(true);
}
