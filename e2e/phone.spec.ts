import { expect, test, type Locator, type Page } from "@playwright/test";
import { feeders, showOnMap, tripFeeder } from "./helpers";
import { signInAs } from "./signIn";

/** Feeders only this spec trips (of `feeders(page)` order): one for the control room, one for the crew page. */
const FEEDER = 18;
const CREW_FEEDER = 24;
/** A crew no other spec uses, for the crew page's phone check. */
const CREW = "CRW07";

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

/**
 * Nothing on the page is wider than the screen: the page does not scroll sideways, and no element
 * shown runs past the screen's right edge unless a box inside the screen keeps it in by scrolling
 * (a row of tabs) or by clipping on purpose (the map, a row's ellipsis). The page's own layout
 * boxes do not count as keeping it in: what they clip is cut off. Either one is a failure, named.
 */
async function scrollsSideways(page: Page): Promise<string | false> {
  return page.evaluate(() => {
    const width = window.innerWidth;
    if (document.scrollingElement!.scrollWidth > width) return `the page is ${document.scrollingElement!.scrollWidth} px wide`;
    for (const el of document.body.querySelectorAll<HTMLElement>("*")) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.right <= width + 0.5 || getComputedStyle(el).visibility === "hidden") continue;
      let kept = false;
      for (let up = el.parentElement; up && up !== document.body && !kept; up = up.parentElement) {
        const overflow = getComputedStyle(up).overflowX;
        kept = up.getBoundingClientRect().right <= width + 0.5
          && (overflow === "auto" || overflow === "scroll" || (overflow !== "visible" && !up.matches(".shell, .shell > .main, .side, .mapwrap, .page")));
      }
      if (!kept) return `${el.tagName.toLowerCase()}.${el.className} "${(el.textContent ?? "").slice(0, 40)}" ends at ${Math.round(r.right)} px`;
    }
    return false;
  });
}

/** Every visible one of these controls is at least 44 px tall and wide enough to hit (the touch target). */
async function expectTouchTargets(controls: Locator) {
  for (const c of await controls.all()) {
    if (!(await c.isVisible())) continue;
    const box = (await c.boundingBox())!;
    expect(box.height, `${await c.textContent()} is ${box.height} px tall`).toBeGreaterThanOrEqual(44);
    expect(box.width, `${await c.textContent()} is ${box.width} px wide`).toBeGreaterThanOrEqual(44);
  }
}

const intersects = (a: { x: number; y: number; width: number; height: number }, b: typeof a) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

test("a dispatcher on a phone: the list and the map as tabs, an outage's details full screen with Back, show on map, a menu for the links", async ({ browser }) => {
  const phone = await browser.newContext(PHONE);
  try {
    const page = await phone.newPage();
    await signInAs(page, "dispatcher");
    await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
    const listTab = page.getByRole("tab", { name: /^List/ });
    const mapTab = page.getByRole("tab", { name: "Map", exact: true });
    await expect(listTab).toHaveAttribute("aria-selected", "true");
    await expect(mapTab).toHaveAttribute("aria-selected", "false");
    // The map is laid out under the list, not shown: a tap on the list cannot reach it.
    await expect(page.getByTestId("network-map")).toBeHidden();

    const feeder = (await feeders(page))[FEEDER]!;
    const eventId = await tripFeeder(page, feeder);
    const row = page.getByTestId("outage-list").locator(`button[data-event-id="${eventId}"]`);
    await expect(row).toBeVisible({ timeout: 10_000 });
    // The List tab counts the open outages, the same figure as the top bar.
    await expect.poll(async () => (await page.getByTestId("phone-open-outages").textContent()) === (await page.getByTestId("active-outages").textContent())).toBe(true);
    await expect(page.getByTestId("active-outages")).not.toHaveText("0");
    expect(await scrollsSideways(page)).toBe(false);
    await expectTouchTargets(page.getByRole("tab"));
    await expectTouchTargets(page.locator(".outage-row, .search input, .filters select, .filters input, .phone-menu-button"));
    await page.screenshot({ path: "docs/screenshots/phone-list.png" });

    // The details cover the list, with Back.
    await row.tap();
    const details = page.getByTestId("outage-details");
    await expect(details).toHaveAttribute("data-event-id", eventId);
    const box = (await details.boundingBox())!;
    expect(box.width).toBe(390);
    expect(box.height).toBeGreaterThanOrEqual(800);
    const back = page.getByRole("button", { name: "‹ Back to the list" });
    await expect(back).toBeVisible();
    await expectTouchTargets(back);
    await expectTouchTargets(page.getByRole("button", { name: "show on map" }));
    expect(await scrollsSideways(page)).toBe(false);
    await page.screenshot({ path: "e2e/screenshots/phone-details.png" });

    // Show on map: the Map tab, centred on the outage, drawn.
    await showOnMap(page);
    await expect(mapTab).toHaveAttribute("aria-selected", "true");
    await expect(listTab).toHaveAttribute("aria-selected", "false");
    const map = page.getByTestId("network-map");
    await expect(map).toBeVisible();
    await expect(details).toBeHidden();
    await expect(map).toHaveAttribute("data-rendered-outages", new RegExp(eventId));
    const [lng, lat] = (await map.getAttribute("data-center"))!.split(",").map(Number);
    const outage = ((await (await page.request.get("/api/trpc/outages.active")).json()).result.data.json as Array<{ eventId: string; lat: number; lng: number }>)
      .find((o) => o.eventId === eventId)!;
    expect(Math.abs(lng! - outage.lng)).toBeLessThan(0.002);
    expect(Math.abs(lat! - outage.lat)).toBeLessThan(0.002);
    // The map fills the width under the tabs.
    expect((await map.boundingBox())!.width).toBe(390);
    expect(await scrollsSideways(page)).toBe(false);
    await page.screenshot({ path: "docs/screenshots/phone-map.png" });

    // Back to the List tab: the outage's details where they were left; Back returns to the list.
    await listTab.tap();
    await expect(details).toBeVisible();
    await back.tap();
    await expect(details).toHaveCount(0);
    await expect(row).toBeVisible();
    await expect(map).toBeHidden();

    // The menu: the links the top bar has no room for.
    const reports = page.getByRole("link", { name: "Reports" });
    await expect(reports).toBeHidden();
    await page.getByRole("button", { name: "Menu" }).tap();
    await expect(page.getByRole("button", { name: "Menu" })).toHaveAttribute("aria-expanded", "true");
    await expect(reports).toBeVisible();
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
    await expectTouchTargets(page.getByRole("navigation", { name: "Account" }).locator("a, button"));
    expect(await scrollsSideways(page)).toBe(false);
    await page.screenshot({ path: "e2e/screenshots/phone-menu.png" });
    // The storm switch's popover, opened from the menu, fits the screen too.
    await page.getByTestId("storm-pill").tap();
    await expect(page.getByRole("dialog", { name: "Storm mode" })).toBeVisible();
    expect(await scrollsSideways(page)).toBe(false);
    await page.getByTestId("storm-pill").tap();
    await page.getByRole("button", { name: "Menu" }).tap();
    await expect(reports).toBeHidden();

    // The History tab's range: a date and a 24-hour time whatever the phone's locale; "2:05 PM" is refused.
    await page.getByRole("tab", { name: "History" }).tap();
    const fromTime = page.getByRole("group", { name: "From", exact: true }).getByLabel("Time", { exact: true });
    await expect(fromTime).toHaveValue(/^([01]\d|2[0-3]):[0-5]\d$/);
    await fromTime.fill("2:05 PM");
    await expect(fromTime).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByRole("group", { name: "From", exact: true }).getByRole("alert")).toHaveText("24-hour time, e.g. 14:05");
    await fromTime.fill("1405");
    await fromTime.blur();
    await expect(fromTime).toHaveValue("14:05");
    await expect(fromTime).toHaveAttribute("aria-invalid", "false");
    expect(await scrollsSideways(page)).toBe(false);
    await expectTouchTargets(page.getByTestId("history").locator("input, select, button"));
    await page.screenshot({ path: "e2e/screenshots/phone-history.png" });
    // Playing the range back shows the map, with the playback bar across it.
    await page.getByRole("button", { name: "Play back on the map" }).tap();
    await expect(mapTab).toHaveAttribute("aria-selected", "true");
    await expect(page.getByTestId("playback")).toBeVisible();
    expect(await scrollsSideways(page)).toBe(false);
    await page.screenshot({ path: "e2e/screenshots/phone-playback.png" });
    await page.getByRole("button", { name: "Back to live" }).tap();
    await listTab.tap();
    await page.getByRole("tab", { name: /^Outages/ }).tap();

    // The list's tabs keep their whole labels (the row scrolls sideways within itself, not the page).
    const cut = await page.locator(".side > .tabs button").evaluateAll((tabs) => tabs.filter((t) => t.scrollWidth > t.clientWidth + 1).map((t) => t.textContent));
    expect(cut).toEqual([]);
    // The other tabs of the list.
    for (const name of [/^Momentary/, /^Substations/]) {
      await page.getByRole("tab", { name }).tap();
      await expect(page.getByRole("tab", { name })).toHaveAttribute("aria-selected", "true");
      expect(await scrollsSideways(page)).toBe(false);
    }
    await page.getByRole("tab", { name: /^Outages/ }).tap();

    // A larger phone, and the Map tab there: still nothing sideways.
    await page.setViewportSize({ width: 412, height: 915 });
    expect(await scrollsSideways(page)).toBe(false);
    await mapTab.tap();
    expect(await scrollsSideways(page)).toBe(false);
    expect((await map.boundingBox())!.width).toBe(412);
  } finally {
    await phone.close();
  }
});

test("the crew page on a 390 px phone: an assignment's event id and its severity never overlap", async ({ browser, page }) => {
  // A crew member of a crew no other spec uses, dispatched to an outage on this spec's feeder.
  await signInAs(page, "supervisor");
  await page.goto("/admin");
  const form = page.getByRole("form", { name: "New user" });
  await form.getByLabel("Username", { exact: true }).fill("e2e-phone-crew");
  await form.getByLabel("Full name").fill("Lina Phone");
  await form.getByLabel("Role", { exact: true }).selectOption("crew");
  await form.getByLabel("Crew", { exact: true }).selectOption(CREW);
  await form.getByRole("button", { name: "Create user" }).click();
  const password = (await page.getByTestId("shown-once").textContent())!.trim();
  const eventId = await tripFeeder(page, (await feeders(page))[CREW_FEEDER]!);
  await page.goto("/");
  await page.getByTestId("outage-list").locator(`button[data-event-id="${eventId}"]`).click();
  await page.getByRole("button", { name: "Dispatch crew" }).click();
  await page.getByLabel("Crew to dispatch").selectOption(CREW);
  await page.getByRole("form", { name: "Dispatch a crew" }).getByRole("button", { name: "Dispatch" }).click();
  await expect(page.getByTestId("detail-crews")).toContainText(CREW);

  const phone = await browser.newContext(PHONE);
  try {
    const crew = await phone.newPage();
    await signInAs(crew, "e2e-phone-crew", password);
    await expect(crew).toHaveURL(/\/crew$/);
    const assignment = crew.getByTestId("assignment").filter({ hasText: eventId });
    await expect(assignment).toBeVisible();
    const id = (await assignment.getByTestId("assignment-event-id").boundingBox())!;
    const badge = (await assignment.locator("h2 .sev").boundingBox())!;
    expect(intersects(id, badge), `event id ${JSON.stringify(id)} and badge ${JSON.stringify(badge)}`).toBe(false);
    // Both inside the card.
    const card = (await assignment.boundingBox())!;
    for (const b of [id, badge]) expect(b.x + b.width).toBeLessThanOrEqual(card.x + card.width);
    expect(await scrollsSideways(crew)).toBe(false);
    await assignment.screenshot({ path: "e2e/screenshots/phone-crew-assignment.png" });
  } finally {
    await phone.close();
  }
});

test("a phone held sideways (844 × 390): the phone layout with the top bar on one row, not the desktop's side list and a sliver of map", async ({ browser }) => {
  const sideways = await browser.newContext({ ...PHONE, viewport: { width: 844, height: 390 } });
  try {
    const page = await sideways.newPage();
    await signInAs(page, "dispatcher");
    await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
    const listTab = page.getByRole("tab", { name: /^List/ });
    const mapTab = page.getByRole("tab", { name: "Map", exact: true });
    await expect(listTab).toBeVisible();
    await expect(page.getByTestId("outage-list")).toBeVisible();
    expect(await scrollsSideways(page)).toBe(false);
    // The top bar leaves most of the 390 px to the list or the map: brand, counts, connection and menu share a row.
    const bar = (await page.locator("#control-room-topbar").boundingBox())!;
    expect(bar.height).toBeLessThanOrEqual(90);
    const menu = (await page.getByRole("button", { name: "Menu", exact: true }).boundingBox())!;
    const live = (await page.getByTestId("connection").boundingBox())!;
    expect(Math.abs(menu.y - bar.y)).toBeLessThan(20);
    expect(live.y).toBeLessThan(bar.y + bar.height / 2);

    await mapTab.click();
    const map = (await page.getByTestId("network-map").boundingBox())!;
    expect(map.width).toBeGreaterThan(800);
    expect(map.height).toBeGreaterThanOrEqual(240);
    // The legend starts folded, so it does not cover the map.
    expect(await page.getByTestId("legend").getAttribute("open")).toBeNull();
    expect(await scrollsSideways(page)).toBe(false);
    await page.screenshot({ path: "e2e/screenshots/phone-landscape-map.png" });
  } finally {
    await sideways.close();
  }
});
