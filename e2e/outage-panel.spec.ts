import { expect, test, type Page } from "@playwright/test";
import { signInAs } from "./signIn";
import { createKeyOnAdminPage, feeders, hue, pixelsAt, rgb, showOnMap, tripFeeder } from "./helpers";
import { severityColors } from "../components/palette";

/** The details panel's box and the selected outage's point, both in page pixels. */
async function panelAndOutage(page: Page) {
  const map = page.getByTestId("network-map");
  await expect(map).toHaveAttribute("data-selected-point", /\d+,\d+/);
  const [x, y] = (await map.getAttribute("data-selected-point"))!.split(",").map(Number);
  const mapBox = (await map.boundingBox())!;
  const panel = (await page.getByTestId("outage-details").boundingBox())!;
  return { point: { x: mapBox.x + x, y: mapBox.y + y }, panel, mapBox };
}

const under = (p: { x: number; y: number }, r: { x: number; y: number; width: number; height: number }) =>
  p.x >= r.x && p.x <= r.x + r.width && p.y >= r.y && p.y <= r.y + r.height;

test("“show on map” puts the outage beside the details panel, never under it; opening one hidden by the panel brings it out", async ({ page }) => {
  await signInAs(page, "dispatcher");
  const eventId = await tripFeeder(page, (await feeders(page))[19]);
  const row = page.getByTestId("outage-list").locator(`button[data-event-id="${eventId}"]`);
  await row.click();
  await showOnMap(page);
  const map = page.getByTestId("network-map");
  await expect(map).toHaveAttribute("data-selected-point", /\d+,\d+/);
  // Let the flight end (the point is written when the map is idle).
  await expect.poll(async () => { const r = await panelAndOutage(page); return under(r.point, r.panel); }, { timeout: 10_000 }).toBe(false);
  const { point, panel, mapBox } = await panelAndOutage(page);
  expect(under(point, panel)).toBe(false);
  expect(under(point, mapBox)).toBe(true);
  // What a person sees there is the map, not the panel.
  expect(await page.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.className, point)).toContain("maplibregl-canvas");
  await page.screenshot({ path: "e2e/screenshots/show-on-map.png" });

  // Drag the map so the outage goes under the panel, close, and open it again from the list.
  await page.keyboard.press("Escape");
  await page.mouse.move(point.x, point.y);
  await page.mouse.down();
  await page.mouse.move(panel.x + panel.width / 2, point.y, { steps: 10 });
  await page.mouse.up();
  await row.click();
  await expect.poll(async () => { const r = await panelAndOutage(page); return under(r.point, r.panel); }, { timeout: 10_000 }).toBe(false);
});

test("Escape closes the details panel (after an open action form) and focus returns to the outage's row", async ({ page }) => {
  await signInAs(page, "dispatcher");
  const eventId = await tripFeeder(page, (await feeders(page))[23]);
  const row = page.getByTestId("outage-list").locator(`button[data-event-id="${eventId}"]`);
  await row.click();
  const details = page.getByTestId("outage-details");
  await expect(details).toHaveAttribute("data-event-id", eventId);

  // With a form open, the first Escape closes the form only.
  await page.getByRole("button", { name: "Add note" }).click();
  await page.getByRole("textbox", { name: "Note" }).fill("half-typed");
  await page.keyboard.press("Escape");
  await expect(page.getByRole("form", { name: "Add a note" })).toHaveCount(0);
  await expect(details).toBeVisible();

  await page.keyboard.press("Escape");
  await expect(details).toHaveCount(0);
  await expect(row).toBeFocused();
  // And from the keyboard: Enter opens it again, Escape closes it again.
  await page.keyboard.press("Enter");
  await expect(details).toHaveAttribute("data-event-id", eventId);
  await page.keyboard.press("Escape");
  await expect(details).toHaveCount(0);
  await expect(row).toBeFocused();
});

test("one severity, one colour: a HIGH outage's badge in the list and details, the top-bar chip, the legend and the map are the same orange", async ({ page, browser }) => {
  // A lone smart-meter last gasp: confidence 0.8, severity high. Sent two minutes late, so it has
  // already outlasted the momentary window (a fresh one is held for a minute: it might be a blip).
  const kaifaKey = await createKeyOnAdminPage(browser, "kaifa");
  await signInAs(page, "dispatcher");
  const res = await page.request.post("/api/ingest/kaifa", {
    headers: { authorization: `Bearer ${kaifaKey}` },
    data: { message_type: "EndDeviceEvent", timestamp: new Date(Date.now() - 120_000).toISOString(),
      payload: { event_id: `KF-e2e-${Date.now()}`, reason: "Last gasp signal detected", assets: { mrid: "M10019990" } } },
  });
  expect(res.status()).toBe(200);

  const orange = rgb(severityColors.high);
  const row = page.getByTestId("outage-list").locator("button.outage-row", { hasText: "meter M10019990" });
  await expect(row).toBeVisible({ timeout: 30_000 });
  const listBadge = row.locator(".sev");
  await expect(listBadge).toHaveText(/high/i);
  await expect(listBadge).toHaveCSS("color", orange);
  await expect(listBadge).toHaveCSS("border-top-color", orange);
  await expect(page.locator(".sev-count[title=high]")).toHaveCSS("color", orange);
  await expect(page.getByLabel("Legend").locator("[data-severity=high]")).toHaveCSS("background-color", orange);

  await row.click();
  const detailBadge = page.getByTestId("outage-details").locator("h2 .sev");
  await expect(detailBadge).toHaveText(/high/i);
  await expect(detailBadge).toHaveCSS("color", orange);

  // The map's circle, read off the screen: orange (hue ≈ 27° over the dark map), not medium's yellow (≈ 56°) nor critical's rose (≈ 343°).
  await showOnMap(page);
  await expect.poll(async () => { const r = await panelAndOutage(page); return under(r.point, r.panel); }, { timeout: 10_000 }).toBe(false);
  await page.waitForTimeout(500);
  const { point } = await panelAndOutage(page);
  // Beside its centre: the centre carries the customers-out number in white on a dark halo.
  const hues = [...await pixelsAt(page, point.x - 5, point.y, 3), ...await pixelsAt(page, point.x + 5, point.y, 3)].map(hue).sort((a, b) => a - b);
  const median = hues[Math.floor(hues.length / 2)];
  expect(median, `hues at the outage: ${hues.join(", ")}`).toBeGreaterThan(10);
  expect(median).toBeLessThan(32);
  await page.screenshot({ path: "e2e/screenshots/severity-high.png" });
});
