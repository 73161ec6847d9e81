import { expect, test, type Page } from "@playwright/test";
import { feeders, tripFeeder, untilMapSettles } from "./helpers";
import { signInAs } from "./signIn";

/** A crew no other test uses, so it is available and has never reported a position. */
const CREW = "CRW05";

/** Where the control room's map draws a crew now: its point, and whether at its depot (data-rendered-crews). */
async function drawnCrew(page: Page, code: string): Promise<{ lng: number; lat: number; atDepot: boolean } | null> {
  const drawn = (await page.getByTestId("network-map").getAttribute("data-rendered-crews")) ?? "";
  const hit = drawn.split(";").find((c) => c.startsWith(`${code}@`));
  const m = hit && /@(-?[\d.]+),(-?[\d.]+)(:depot)?$/.exec(hit);
  return m ? { lng: Number(m[1]), lat: Number(m[2]), atDepot: Boolean(m[3]) } : null;
}
/** The crew's point on the screen, from the map's drawn bounds (web Mercator). */
async function crewOnScreen(page: Page, code: string): Promise<{ x: number; y: number }> {
  const map = page.getByTestId("network-map");
  const box = (await map.boundingBox())!;
  const [w, s, e, n] = (await map.getAttribute("data-bounds"))!.split(",").map(Number);
  const p = (await drawnCrew(page, code))!;
  const y = (lat: number) => Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360));
  return { x: box.x + ((p.lng - w) / (e - w)) * box.width, y: box.y + ((y(n) - y(p.lat)) / (y(n) - y(s))) * box.height };
}
const near = (p: { lat: number; lng: number } | null, q: { latitude: number; longitude: number }) =>
  p !== null && Math.abs(p.lat - q.latitude) < 0.0005 && Math.abs(p.lng - q.longitude) < 0.0005;

test("a crew shares its phone's position: the control room's map moves the crew without a refetch, and the dispatch suggestion gives its distance and arrival", async ({ page, browser, baseURL }) => {
  // The supervisor gives the crew a member, who will carry the phone.
  const office = await browser.newContext();
  const admin = await office.newPage();
  await signInAs(admin, "supervisor");
  await admin.goto("/admin");
  const form = admin.getByRole("form", { name: "New user" });
  await form.getByLabel("Username", { exact: true }).fill("e2e-driver");
  await form.getByLabel("Full name").fill("Rami Driver");
  await form.getByLabel("Role", { exact: true }).selectOption("crew");
  await form.getByLabel("Crew", { exact: true }).selectOption(CREW);
  await form.getByRole("button", { name: "Create user" }).click();
  const password = (await admin.getByTestId("shown-once").textContent())!.trim();
  await office.close();

  // The dispatcher's control room, counting every fetch of the crew list from here on.
  await signInAs(page, "dispatcher");
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
  const feeder = (await feeders(page))[55]!;
  const substations = (await (await page.request.get("/api/trpc/network.substations")).json()).result.data.json as Array<{ code: string; lat: number; lng: number }>;
  const home = substations.find((s) => s.code === feeder.substationCode)!;
  await expect.poll(() => drawnCrew(page, CREW), { timeout: 30_000 }).toMatchObject({ atDepot: true });
  let crewListFetches = 0;
  page.on("request", (r) => { if (r.url().includes("/api/trpc/") && r.url().includes("crews.list")) crewListFetches++; });

  // The crew's phone, with the browser's geolocation emulated; the member has to switch sharing on.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
  try {
    await phone.grantPermissions(["geolocation"], { origin: baseURL });
    const first = { latitude: home.lat + 0.012, longitude: home.lng + 0.004, accuracy: 15 };
    await phone.setGeolocation(first);
    const crew = await phone.newPage();
    await signInAs(crew, "e2e-driver", password);
    await expect(crew).toHaveURL(/\/crew$/);
    await expect(crew.getByTestId("share-status")).toContainText("Off");
    // Nothing is sent before consent: the map still has the crew at its depot.
    expect((await drawnCrew(page, CREW))?.atDepot).toBe(true);
    await crew.getByRole("switch", { name: /Share my location/ }).check();
    await expect(crew.getByTestId("share-status")).toContainText("Sharing", { timeout: 15_000 });
    await expect(crew.getByTestId("share-status")).toContainText("±15 m");

    await expect.poll(async () => near(await drawnCrew(page, CREW), first), { timeout: 15_000 }).toBe(true);
    expect((await drawnCrew(page, CREW))?.atDepot).toBe(false);

    // The truck drives 1.1 km south: the phone sends it (a move over 50 m, 5 s after the last) and the dot follows.
    const second = { latitude: home.lat + 0.002, longitude: home.lng + 0.004, accuracy: 8 };
    await phone.setGeolocation(second);
    await expect.poll(async () => near(await drawnCrew(page, CREW), second), { timeout: 20_000 }).toBe(true);
    await expect(crew.getByTestId("share-status")).toContainText("±8 m");
    expect(crewListFetches).toBe(0);
    // Closer in, the dispatcher clicks the crew: how fresh and how sure its position is.
    const at = await crewOnScreen(page, CREW);
    await untilMapSettles(page, "data-center", async () => {
      await page.mouse.move(at.x, at.y);
      for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -400);
    });
    const zoomed = await crewOnScreen(page, CREW);
    await page.mouse.click(zoomed.x, zoomed.y);
    const popup = page.locator(".maplibregl-popup");
    await expect(popup).toContainText(`Crew ${CREW}`);
    await expect(popup).toContainText(/Position\s*(just now|\d+ min ago) ±8 m/);
    await page.screenshot({ path: "e2e/screenshots/crew-moving-map.png" });
    await popup.locator(".maplibregl-popup-close-button").click();

    // An outage on the feeder: the dispatch form tells how far the crew is and when it would be there.
    const eventId = await tripFeeder(page, feeder);
    const row = page.getByTestId("outage-list").locator(`button[data-event-id="${eventId}"]`);
    await expect(row).toBeVisible({ timeout: 10_000 });
    await row.click();
    await page.getByRole("button", { name: "Dispatch crew" }).click();
    const dispatch = page.getByRole("form", { name: "Dispatch a crew" });
    const option = dispatch.getByLabel("Crew to dispatch").locator(`option[value="${CREW}"]`);
    await expect(option).toHaveText(/CRW05 .* · \d+\.\d km · \d+ min$/);
    await dispatch.getByLabel("Crew to dispatch").selectOption(CREW);
    const trip = dispatch.getByTestId("suggestion-trip");
    await expect(trip).toHaveText(/^\d+\.\d km away \(\d+\.\d km by road\) · \d+ min · on site by \d+ \w+, \d\d:\d\d · from its position (just now|\d+ min ago)$/);
    const [straight, road] = [...(await trip.textContent())!.matchAll(/(\d+\.\d) km/g)].map((m) => Number(m[1]));
    expect(road).toBeCloseTo(straight * 1.3, 0);
    await page.screenshot({ path: "e2e/screenshots/crew-dispatch-eta.png" });

    // Sent with notes: the crew's phone names the place in words, shows the notes and the way there.
    await dispatch.getByLabel("Notes for the crew").fill("Gate code 4411. Call the site guard on arrival.");
    await dispatch.getByRole("button", { name: "Dispatch" }).click();
    await expect(page.getByTestId("detail-crews")).toContainText(CREW);
    // The panel's Crews tab keeps the arrival the dispatcher sent and what the crew was told.
    await expect(page.getByTestId("outage-details").locator("li").filter({ hasText: CREW }))
      .toContainText(/expected on site \d+ \w+, \d\d:\d\d · told: “Gate code 4411/);
    const assignment = crew.getByTestId("assignment").filter({ hasText: eventId });
    await expect(assignment).toBeVisible({ timeout: 10_000 });
    await expect(assignment.getByTestId("dispatch-notes")).toContainText("Gate code 4411. Call the site guard on arrival.");
    // Signed with the dispatcher's name, not their username.
    await expect(assignment.getByTestId("dispatch-notes")).toContainText(/^From Demo Dispatcher: Gate code 4411/);
    await expect(assignment.getByTestId("place-feeder")).toContainText(feeder.code);
    await expect(assignment.getByTestId("assignment-place")).not.toContainText("distribution_point");
    const navigate = assignment.getByTestId("navigate");
    await expect(navigate).toHaveAttribute("href", /^https:\/\/www\.google\.com\/maps\/dir\/\?api=1&destination=-?\d+\.\d+,-?\d+\.\d+&travelmode=driving$/);
    await expect(assignment.getByRole("link", { name: "the phone's map app" })).toHaveAttribute("href", /^geo:-?\d+\.\d+,-?\d+\.\d+\?q=/);
    await expect(assignment).toContainText("Expected on site");
    await crew.screenshot({ path: "e2e/screenshots/crew-position.png", fullPage: true });

    // Sharing off: no more fixes leave the phone, the crew stays where it was last seen.
    await crew.getByRole("switch", { name: /Share my location/ }).uncheck();
    await expect(crew.getByTestId("share-status")).toContainText("Off");
    await phone.setGeolocation({ latitude: home.lat - 0.02, longitude: home.lng, accuracy: 5 });
    await crew.waitForTimeout(6_000);
    expect(near(await drawnCrew(page, CREW), second)).toBe(true);
  } finally {
    await phone.close();
  }
});
