import { expect, test, type Page } from "@playwright/test";
import { feeders, showOnMap, tripFeeder } from "./helpers";
import { signInAs } from "./signIn";

/** Presses `key` until `done` holds (at most `max` times): where Tab lands depends on what the page holds. */
async function pressUntil(page: Page, key: string, done: () => Promise<boolean>, max = 25): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await done()) return;
    await page.keyboard.press(key);
  }
  expect(await done(), `${key} pressed ${max} times`).toBe(true);
}
const focused = (page: Page) => page.evaluate(() => {
  const el = document.activeElement as HTMLElement | null;
  return { label: el?.getAttribute("aria-label") ?? "", text: el?.textContent?.trim() ?? "", row: el?.classList.contains("outage-row") ?? false, eventId: el?.dataset.eventId ?? "" };
});

test("a dispatcher works an outage with the keyboard alone: skip to the list, arrows, filter, open, acknowledge, Escape back to the row", async ({ page }) => {
  await signInAs(page, "dispatcher");
  await page.goto("/");
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
  const all = await feeders(page);
  const feeder = all[9]!;
  const eventId = await tripFeeder(page, feeder);
  await tripFeeder(page, all[13]!);
  const list = page.getByTestId("outage-list");
  await expect(list.locator(`button[data-event-id="${eventId}"]`)).toBeVisible();

  // The first Tab shows the skip link; Enter lands on the list's first row, with a visible ring.
  await page.locator("body").focus();
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to the outage list" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press("Enter");
  const row = page.locator(".outage-row:focus");
  await expect(row).toHaveCount(1);
  await expect(row).toHaveCSS("outline-style", "solid");
  const first = await row.getAttribute("data-id");
  await page.keyboard.press("ArrowDown");
  await expect.poll(() => page.locator(".outage-row:focus").getAttribute("data-id")).not.toBe(first);
  await page.keyboard.press("ArrowUp");
  await expect(page.locator(".outage-row:focus")).toHaveAttribute("data-id", first!);

  // Back to the filters, narrow to the feeder, forward to its row.
  await pressUntil(page, "Shift+Tab", async () => (await focused(page)).label === "Feeder");
  await page.keyboard.type(feeder.code);
  await expect(list).toHaveAttribute("data-count", "1");
  await pressUntil(page, "Tab", async () => (await focused(page)).row);
  expect((await focused(page)).eventId).toBe(eventId);

  // Enter opens it and the panel takes the focus; Tab reaches Acknowledge; Enter acknowledges.
  await page.keyboard.press("Enter");
  const details = page.getByTestId("outage-details");
  await expect(details).toHaveAttribute("data-event-id", eventId);
  await expect(details).toBeFocused();
  await expect(details.getByTestId("detail-alerts")).toBeVisible();
  await pressUntil(page, "Tab", async () => (await focused(page)).text === "Acknowledge");
  await page.keyboard.press("Enter");
  await expect(details.getByTestId("detail-alerts")).toHaveCount(0);

  // Escape closes the panel and gives the focus back to the row it came from.
  await page.keyboard.press("Escape");
  await expect(details).toHaveCount(0);
  await expect(list.locator(`button[data-event-id="${eventId}"]`)).toBeFocused();
});

test.describe("at 1366 × 768", () => {
  test.use({ viewport: { width: 1366, height: 768 } });

  test("the top bar fits on one line with every count labelled, for the person with the most in it (a supervisor)", async ({ page }) => {
    await signInAs(page, "supervisor");
    await page.goto("/");
    await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
    await expect(page.getByTestId("customers-out")).toHaveText(/^[\d,]+$/);
    const bar = page.locator(".shell > .topbar");
    await page.screenshot({ path: "docs/screenshots/top-bar-1366.png", clip: { x: 0, y: 0, width: 1366, height: 120 } });
    const measure = () => bar.evaluate((el) => {
      const box = el.getBoundingClientRect();
      // Everything visible in the bar: its items, the figures' groups, the account links.
      const parts = [...el.querySelectorAll<HTMLElement>(":scope > *, .stats > *, .user-menu > *")].filter((p) => p.offsetWidth > 0);
      const rects = parts.map((p) => ({ name: (p.textContent ?? "").trim().slice(0, 30), r: p.getBoundingClientRect(), nested: parts.some((q) => q !== p && q.contains(p)) }));
      const overlaps: string[] = [];
      for (const [i, a] of rects.entries()) for (const b of rects.slice(i + 1)) {
        if (a.nested || b.nested) continue;
        const x = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
        const y = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
        if (x > 0.5 && y > 0.5) overlaps.push(`${a.name} / ${b.name}`);
      }
      return {
        scrollWidth: el.scrollWidth, clientWidth: el.clientWidth, height: box.height,
        outside: rects.filter((p) => p.r.right > box.right + 0.5 || p.r.left < box.left - 0.5).map((p) => p.name),
        // One line: every item's middle at the same height.
        rows: new Set(rects.filter((p) => !p.nested).map((p) => Math.round((p.r.top + p.r.bottom) / 2 / 8))).size,
        clipped: parts.filter((p) => p.scrollWidth > p.clientWidth + 1).map((p) => (p.textContent ?? "").trim().slice(0, 30)),
        overlaps,
      };
    });
    const layout = await measure();
    expect(layout.scrollWidth).toBeLessThanOrEqual(layout.clientWidth);
    expect(layout.outside).toEqual([]);
    expect(layout.overlaps).toEqual([]);
    expect(layout.clipped).toEqual([]);
    expect(layout.rows).toBe(1);
    expect(layout.height).toBeLessThanOrEqual(56);
    // A storm's figures are wider than this database's: written into the bar, they must fit too.
    await bar.evaluate((el) => {
      const set = (sel: string, text: string) => el.querySelectorAll(sel).forEach((e) => { e.textContent = text; });
      set('[data-testid="customers-out"]', "48,213"); set('[data-testid="active-outages"]', "1,204"); set(".sev-count .sev-n", "312");
      set('[data-testid="unacknowledged"]', "1,177"); set('[data-testid="crews-busy"]', "20"); set('[data-testid="signals-per-minute"]', "4,310");
    });
    const storm = await measure();
    expect(storm.scrollWidth).toBeLessThanOrEqual(storm.clientWidth);
    expect(storm.overlaps).toEqual([]);
    expect(storm.clipped).toEqual([]);
    expect(storm.rows).toBe(1);
    await page.reload();
    await expect(page.getByTestId("customers-out")).toHaveText(/^[\d,]+$/);
    // Labelled counts: a word beside each number, or a label for the severity chips.
    await expect(bar.getByText(/Customers out/)).toBeVisible();
    await expect(bar.getByText(/^Open \d/)).toBeVisible();
    await expect(bar.getByText(/Unacknowledged/)).toBeVisible();
    for (const s of ["critical", "high", "medium", "low"]) await expect(bar.getByLabel(new RegExp(`^${s} [\\d,]+$`))).toBeVisible();
    // ...and each severity's count says which it is on the screen too (its letter here, where a storm's
    // figures leave no room for the words), not only to screen readers and tooltips.
    const chips = bar.locator(".sev-count");
    expect(await chips.evaluateAll((cs) => cs.map((c) => (c as HTMLElement).innerText.replace(/\s+/g, " ").trim())))
      .toEqual([expect.stringMatching(/^C [\d,]+$/), expect.stringMatching(/^H [\d,]+$/), expect.stringMatching(/^M [\d,]+$/), expect.stringMatching(/^L [\d,]+$/)]);
  });
});

test("at 1440 px the top bar fits on one line with the severities' words beside their counts (Crit, High, Med, Low), for a supervisor", async ({ page }) => {
  await signInAs(page, "supervisor");
  await page.goto("/");
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
  const bar = page.locator(".shell > .topbar");
  const chips = bar.locator(".sev-count");
  await expect(chips).toHaveCount(4);
  expect(await chips.evaluateAll((cs) => cs.map((c) => (c as HTMLElement).innerText.replace(/\s+/g, " ").trim())))
    .toEqual([expect.stringMatching(/^Crit [\d,]+$/), expect.stringMatching(/^High [\d,]+$/), expect.stringMatching(/^Med [\d,]+$/), expect.stringMatching(/^Low [\d,]+$/)]);
  const layout = await bar.evaluate((el) => {
    const box = el.getBoundingClientRect();
    const parts = [...el.querySelectorAll<HTMLElement>(":scope > *, .stats > *, .user-menu > *")].filter((p) => p.offsetWidth > 0);
    return {
      scrolls: el.scrollWidth > el.clientWidth,
      outside: parts.filter((p) => p.getBoundingClientRect().right > box.right + 0.5).map((p) => p.textContent),
      clipped: parts.filter((p) => p.scrollWidth > p.clientWidth + 1).map((p) => p.textContent),
      rows: new Set(parts.filter((p) => !parts.some((q) => q !== p && q.contains(p))).map((p) => { const r = p.getBoundingClientRect(); return Math.round((r.top + r.bottom) / 2 / 8); })).size,
    };
  });
  expect(layout).toEqual({ scrolls: false, outside: [], clipped: [], rows: 1 });
});

test("at 1366 and 1440 px the side panel's four tabs show whole, and an outage's dispatch form stays inside its panel", async ({ page }) => {
  await signInAs(page, "dispatcher");
  await page.goto("/");
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
  const tabs = page.locator(".side > .tabs");
  for (const [width, height] of [[1366, 768], [1440, 900]] as const) {
    await page.setViewportSize({ width, height });
    // Chosen last, Substations once scrolled the strip and cut the first tab ("ges (7)").
    for (const name of [/^Substations/, /^Outages/]) {
      await page.getByRole("tab", { name }).click();
      const fit = await tabs.evaluate((el) => {
        const box = el.getBoundingClientRect();
        return {
          scrolls: el.scrollWidth > el.clientWidth + 1 || el.scrollLeft > 0,
          cut: [...el.querySelectorAll<HTMLElement>("[role=tab]")].filter((t) => {
            const r = t.getBoundingClientRect();
            return t.scrollWidth > t.clientWidth + 1 || r.left < box.left - 0.5 || r.right > box.right + 0.5;
          }).map((t) => t.textContent),
        };
      });
      expect(fit, `${width} px, ${name}`).toEqual({ scrolls: false, cut: [] });
      for (const t of await tabs.getByRole("tab").all()) await expect(t).toBeInViewport({ ratio: 1 });
    }
  }
  // The outages the first test opened (FD010, FD014); the crew list's long options once ran ~15 px past the panel's padding.
  await page.getByTestId("outage-list").locator("button.outage-row").first().click();
  await page.getByRole("button", { name: "Dispatch crew" }).click();
  const form = page.getByRole("form", { name: "Dispatch a crew" });
  await expect(form.getByLabel("Crew to dispatch").locator("option").first()).toHaveText(/^CRW\d+ /);
  const over = await page.getByTestId("outage-details").evaluate((panel) => {
    const right = panel.getBoundingClientRect().left + panel.clientLeft + panel.clientWidth - parseFloat(getComputedStyle(panel).paddingRight);
    return [...panel.querySelectorAll<HTMLElement>("form[aria-label='Dispatch a crew'] *")]
      .filter((e) => e.getBoundingClientRect().right > right + 0.5).map((e) => `${e.tagName} ${Math.round(e.getBoundingClientRect().right - right)} px`);
  });
  expect(over).toEqual([]);
  await expect(form.getByRole("button", { name: "Dispatch" })).toBeInViewport({ ratio: 1 });
});

test("the map as someone with deuteranopia sees it: an outage's state reads by ring and dash as well as colour", async ({ page }) => {
  await signInAs(page, "dispatcher");
  await page.goto("/");
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
  const all = await feeders(page);
  // Feeders of substations that stay partly lit whatever else the specs trip (substations have 4
  // to 6 feeders; outage-list-scale trips the first three of each, later): FD034, the fifth of
  // SS007's five, whose fourth no spec trips; and FD078, the fourth of SS016's five, whose fifth
  // no spec trips. Every feeder of a substation out makes it a substation outage that absorbs
  // later trips (utility-time's FD012, once). FD078 is also far from SS020: an outage near it
  // joins map-labels' cluster there and hides one of its outages' symbols.
  const eventId = await tripFeeder(page, all[33]!);
  await tripFeeder(page, all[77]!);
  const row = page.getByTestId("outage-list").locator(`button[data-event-id="${eventId}"]`);
  await row.click();
  await showOnMap(page);
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("outage-details")).toHaveCount(0);
  // Chromium's own simulation of the deficiency (DevTools' "Emulate vision deficiencies").
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Emulation.setEmulatedVisionDeficiency", { type: "deuteranopia" });
  await expect(page.getByTestId("network-map")).toHaveAttribute("data-rendered-outages", new RegExp(eventId));
  await page.waitForTimeout(800);
  await page.screenshot({ path: "docs/screenshots/colour-blind.png" });
  await cdp.send("Emulation.setEmulatedVisionDeficiency", { type: "none" });
  // The legend draws severity with the same rings as the map: critical's is double.
  await expect(page.getByLabel("Legend").locator("[data-severity=critical]")).toHaveCSS("box-shadow", /rgb/);
});
