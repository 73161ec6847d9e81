import { expect, test, type Locator, type Page } from "@playwright/test";
import { signInAs } from "./signIn";
import { feeders, pointsOfColour, tripFeeder, untilMapSettles } from "./helpers";
import { rewriteTrpc } from "./trpcRewrite";

/** How many labels the map drew per label layer (its `data-rendered-labels`). */
async function labelsDrawn(map: Locator): Promise<Record<string, number>> {
  const text = (await map.getAttribute("data-rendered-labels")) ?? "";
  return Object.fromEntries(text.split(",").filter(Boolean).map((kv) => { const [k, n] = kv.split(":"); return [k!, Number(n)]; }));
}

/** The clusters drawn: customers summed, outages, screen point and their outages' event ids. */
async function clustersDrawn(map: Locator) {
  const text = (await map.getAttribute("data-rendered-clusters")) ?? "";
  return text.split(",").filter(Boolean).map((c) => {
    const m = /^(\d+)\/(\d+)@(-?\d+) (-?\d+)\[(.*)\]$/.exec(c)!;
    return { customers: Number(m[1]), count: Number(m[2]), x: Number(m[3]), y: Number(m[4]), eventIds: m[5]!.split(" ") };
  });
}

type Cluster = Awaited<ReturnType<typeof clustersDrawn>>[number];

/** The open outages as the map's data has them, read now (another test may have added some). */
async function activeOutages(page: Page) {
  return (await (await page.request.get("/api/trpc/outages.active")).json()).result.data.json as Array<{ eventId: string; customersOut: number }>;
}

/** Where a place is on the page, from the map's bounds (Web Mercator), for pixel checks in a small box. */
async function onScreen(map: Locator, lng: number, lat: number) {
  const [w, s, e, n] = (await map.getAttribute("data-bounds"))!.split(",").map(Number) as [number, number, number, number];
  const merc = (l: number) => Math.log(Math.tan(Math.PI / 4 + (l * Math.PI) / 360));
  const box = (await map.boundingBox())!;
  return { x: box.x + ((lng - w) / (e - w)) * box.width, y: box.y + ((merc(n) - merc(lat)) / (merc(n) - merc(s))) * box.height };
}

const zoomOf = async (map: Locator) => Number(await map.getAttribute("data-zoom"));

/** Zooms in with the map's own + button until the map is at `zoom` or more. */
async function zoomInTo(page: Page, map: Locator, zoom: number) {
  while ((await zoomOf(map)) < zoom) {
    await untilMapSettles(page, "data-bounds", () => page.getByRole("button", { name: "Zoom in" }).click());
  }
}

test("the app serves its own glyph ranges and RTL text plugin", async ({ page }) => {
  const res = await page.request.get("/map/glyphs/Noto%20Sans%20Regular/0-255.pbf");
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toBe("application/x-protobuf");
  const body = await res.body();
  // A glyphs message: field 1 (the font stack), length-delimited, naming the stack.
  expect(body[0]).toBe(0x0a);
  expect(body.includes(Buffer.from("Noto Sans Regular"))).toBe(true);
  expect(body.length).toBeGreaterThan(20_000);
  expect((await page.request.get("/map/glyphs/Noto%20Sans%20Regular/0-100.pbf")).status()).toBe(400);
  expect((await page.request.get("/map/glyphs/Arial%20Unicode%20MS/0-255.pbf")).status()).toBe(404);
  const plugin = await page.request.get("/map/mapbox-gl-rtl-text.js");
  expect(plugin.status()).toBe(200);
});

test("names appear on the map at suitable zooms: substations at the overview, feeders closer, distribution points closest", async ({ page }) => {
  const glyphRequests: string[] = [];
  page.on("request", (r) => { if (r.url().includes("/map/glyphs/")) glyphRequests.push(decodeURIComponent(new URL(r.url()).pathname)); });
  await signInAs(page, "viewer");
  const map = page.getByTestId("network-map");
  await expect(map).toHaveAttribute("data-rendered-substations", /SS001/);
  // The overview: substation names, no feeder or distribution-point names yet.
  await expect.poll(async () => (await labelsDrawn(map))["substations-label"] ?? 0).toBeGreaterThan(5);
  expect((await labelsDrawn(map))["feeders-label"]).toBe(0);
  expect(glyphRequests).toContain("/map/glyphs/Noto Sans Bold/0-255.pbf");
  // Text is drawn: the label colour (nothing else is that near-white) under substation SS001.
  const ss001 = ((await (await page.request.get("/api/trpc/network.substations")).json()).result.data.json as Array<{ code: string; lat: number; lng: number }>).find((s) => s.code === "SS001")!;
  const at = await onScreen(map, ss001.lng, ss001.lat);
  expect((await pointsOfColour(page, { x: at.x - 80, y: at.y + 8, width: 160, height: 40 }, "#f3f6fa", 10, 100, 1)).length).toBeGreaterThan(20);
  await page.screenshot({ path: "e2e/screenshots/map-labels-overview.png" });

  await zoomInTo(page, map, 13);
  await expect.poll(async () => (await labelsDrawn(map))["feeders-label"] ?? 0).toBeGreaterThan(0);
  expect(glyphRequests).toContain("/map/glyphs/Noto Sans Regular/0-255.pbf");
  await zoomInTo(page, map, 15.2);
  await expect.poll(async () => (await labelsDrawn(map))["distribution-points-label"] ?? 0, { timeout: 15_000 }).toBeGreaterThan(0);
  await page.screenshot({ path: "e2e/screenshots/map-labels-zoomed.png" });
});

test("outages cluster at low zoom with their customers summed; a cluster opens on a click into outages that show their own counts", async ({ page }) => {
  await signInAs(page, "dispatcher");
  // Two feeders of one substation: out together, close together.
  const all = await feeders(page);
  const sub = all[all.length - 1]!.substationCode;
  const [a, b] = all.filter((f) => f.substationCode === sub);
  const ids = [await tripFeeder(page, a!), await tripFeeder(page, b!)];
  const active = await activeOutages(page);
  const mine = active.filter((o) => ids.includes(o.eventId));
  expect(mine).toHaveLength(2);

  const map = page.getByTestId("network-map");
  await expect(map).toHaveAttribute("data-rendered-substations", /SS001/);
  await expect(map).toHaveAttribute("data-rendered-outages", new RegExp(ids[0]!));
  // At the overview neither is drawn alone: each is in a cluster whose number is its outages'
  // customers summed. Usually one cluster holds both; another test's outage nearby (SS001's feeders
  // are a few kilometres away) may draw one of them into a cluster of its own, so that is not asked.
  const holding = (clusters: Cluster[], id: string) => clusters.find((c) => c.eventIds.includes(id));
  await expect.poll(async () => { const drawn = await clustersDrawn(map); return ids.every((id) => holding(drawn, id)); }, { timeout: 15_000 }).toBe(true);
  const drawn = await clustersDrawn(map);
  const cluster = holding(drawn, ids[0]!)!;
  const byId = new Map((await activeOutages(page)).map((o) => [o.eventId, o.customersOut]));
  for (const c of new Set(ids.map((id) => holding(drawn, id)!))) {
    expect(c.count).toBe(c.eventIds.length);
    expect(c.customers).toBe(c.eventIds.reduce((sum, id) => sum + byId.get(id)!, 0));
  }
  expect((await labelsDrawn(map))["outage-clusters-label"]).toBeGreaterThan(0);
  // Its number is written on it: label-coloured pixels at its centre.
  const mapBox = (await map.boundingBox())!;
  const at = { x: mapBox.x + cluster.x, y: mapBox.y + cluster.y };
  expect((await pointsOfColour(page, { x: at.x - 20, y: at.y - 12, width: 40, height: 24 }, "#f3f6fa", 30, 100, 1)).length).toBeGreaterThan(5);
  await page.screenshot({ path: "e2e/screenshots/map-clusters.png" });

  // A click on the cluster zooms in to where it comes apart.
  const before = await zoomOf(map);
  await untilMapSettles(page, "data-bounds", () => page.mouse.click(at.x, at.y));
  expect(await zoomOf(map)).toBeGreaterThan(before);
  await zoomInTo(page, map, 13);
  await expect.poll(async () => (await clustersDrawn(map)).some((c) => c.eventIds.some((id) => ids.includes(id)))).toBe(false);
  await expect(map).toHaveAttribute("data-rendered-outages", new RegExp(`${ids[0]}.*${ids[1]}|${ids[1]}.*${ids[0]}`));
  expect((await labelsDrawn(map))["outages-label"]).toBeGreaterThanOrEqual(2);
  await page.screenshot({ path: "e2e/screenshots/map-outage-counts.png" });
});

test("with MAP_STYLE_URL the utility's base map shows under the network, its Arabic names drawn with the app's glyphs", async ({ page, baseURL }) => {
  const styleUrl = `${baseURL}/e2e-base-map/style.json`;
  // The server's answer as it is with MAP_STYLE_URL set (server/config.ts; tests/config.test.ts checks the variable).
  await rewriteTrpc(page, { "system.publicConfig": (data) => ({ ...(data as object), mapStyleUrl: styleUrl }) });
  // A utility's style: its own background, a street name in Arabic, and a font server that is out of reach.
  await page.route(styleUrl, (route) => route.fulfill({ contentType: "application/json", body: JSON.stringify({
    version: 8,
    glyphs: "https://fonts.invalid/{fontstack}/{range}.pbf",
    sources: { streets: { type: "geojson", data: { type: "FeatureCollection", features: [
      { type: "Feature", geometry: { type: "Point", coordinates: [35.93, 31.96] }, properties: { name: "شارع الملكة رانيا" } },
    ] } } },
    layers: [
      { id: "land", type: "background", paint: { "background-color": "#2c3e2f" } },
      { id: "street-names", type: "symbol", source: "streets", layout: { "text-field": ["get", "name"], "text-font": ["Open Sans Semibold"], "text-size": 22, "text-allow-overlap": true }, paint: { "text-color": "#ffd400" } },
    ],
  }) }));
  const glyphRequests: string[] = [];
  page.on("request", (r) => { if (/\/map\/|fonts\.invalid/.test(r.url())) glyphRequests.push(decodeURIComponent(r.url())); });
  await signInAs(page, "viewer");
  const map = page.getByTestId("network-map");
  await expect(map).toHaveAttribute("data-rendered-substations", /SS001/);
  await expect.poll(async () => (await labelsDrawn(map))["substations-label"] ?? 0).toBeGreaterThan(5);
  await expect(page.locator(".map-warning")).toHaveCount(0);
  const box = (await map.boundingBox())!;
  // The base map's land, under the network.
  expect((await pointsOfColour(page, { x: box.x + 5, y: box.y + box.height - 60, width: 60, height: 40 }, "#2c3e2f", 6)).length).toBeGreaterThan(20);
  // The Arabic name, shaped by the RTL plugin (its presentation forms asked for), in the base map's yellow.
  await expect.poll(() => glyphRequests.some((u) => u.endsWith("/map/glyphs/Noto Sans Bold/65024-65279.pbf")), { timeout: 15_000 }).toBe(true);
  expect(glyphRequests.some((u) => u.endsWith("/map/mapbox-gl-rtl-text.js"))).toBe(true);
  expect(glyphRequests.some((u) => u.includes("fonts.invalid"))).toBe(false);
  await page.screenshot({ path: "e2e/screenshots/map-base-style.png" });
  const at = await onScreen(map, 35.93, 31.96);
  await expect.poll(async () => (await pointsOfColour(page, { x: at.x - 120, y: at.y - 25, width: 240, height: 50 }, "#ffd400", 40, 100, 1)).length, { timeout: 15_000 }).toBeGreaterThan(30);
});
