import { expect, test } from "@playwright/test";
import { feeders, tripFeeder } from "./helpers";
import { signInAs } from "./signIn";

const count = async (text: Promise<string | null>) => Number((await text)!.replace(/,/g, ""));

test.describe("wall mode", () => {
  test.use({ viewport: { width: 1920, height: 1080 } });

  test("a viewer opens the wall from the top bar: large live figures that follow a breaker trip, the worst outages, nothing to press, Escape goes back", async ({ page }) => {
    await signInAs(page, "viewer");
    await page.goto("/");
    await page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Wall" }).click();
    await expect(page).toHaveURL(/\/wall$/);
    const wall = page.getByTestId("wall");
    await expect(wall.getByTestId("connection")).toHaveAttribute("data-state", "live");
    await expect(wall.getByTestId("wall-customers-out")).toHaveText(/^[\d,]+$/);
    const customersBefore = await count(wall.getByTestId("wall-customers-out").textContent());
    const openBefore = await count(wall.getByTestId("wall-open-outages").textContent());
    const criticalBefore = await count(wall.getByTestId("wall-sev-critical").textContent());
    await expect(page.getByTestId("network-map")).toBeVisible();

    // Large type, readable across the room.
    const size = (testId: string) => wall.getByTestId(testId).evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(await size("wall-customers-out")).toBeGreaterThanOrEqual(40);
    expect(await size("wall-sev-critical")).toBeGreaterThanOrEqual(30);
    expect(await wall.evaluate((el) => parseFloat(getComputedStyle(el).fontSize))).toBeGreaterThanOrEqual(20);

    // Nothing to act with: the only buttons and links are in the way-out strip (hidden until hovered or focused).
    const outsideExit = await wall.evaluate((el) => [...el.querySelectorAll("button, a[href], input, select, textarea")]
      .filter((c) => !c.closest(".wall-exit") && !c.closest(".maplibregl-ctrl-attrib"))
      .map((c) => c.outerHTML.slice(0, 80)));
    expect(outsideExit).toEqual([]);
    await expect(wall.getByRole("button", { name: /Confirm|Dispatch|Acknowledge|Restore/ })).toHaveCount(0);
    expect(await page.locator(".wall-exit").evaluate((el) => getComputedStyle(el).opacity)).toBe("0");

    // A breaker trips: the wall follows over the live connection, without a reload.
    const feeder = (await feeders(page))[4]!;
    const eventId = await tripFeeder(page, feeder);
    await expect.poll(async () => count(wall.getByTestId("wall-open-outages").textContent())).toBe(openBefore + 1);
    await expect.poll(async () => count(wall.getByTestId("wall-sev-critical").textContent())).toBe(criticalBefore + 1);
    await expect.poll(async () => count(wall.getByTestId("wall-customers-out").textContent())).toBeGreaterThan(customersBefore);
    // The worst outages: the trip is listed, unless the earlier specs of the run left eight at
    // least as bad (critical, with as many customers out) ahead of it.
    const active = (await (await page.request.get("/api/trpc/outages.active")).json()).result.data.json as Array<{ eventId: string; customersOut: number }>;
    const tripOut = active.find((o) => o.eventId === eventId)!.customersOut;
    await expect.poll(async () => {
      const items = await wall.getByTestId("wall-worst").locator("li").evaluateAll((lis) => lis.map((li) => ({
        text: li.textContent ?? "", sev: li.querySelector(".sev")?.textContent ?? "", out: Number((li.querySelector("b")?.textContent ?? "0").replace(/,/g, "")) })));
      if (items.some((i) => i.text.includes(`feeder ${feeder.code}`))) return "listed";
      return items.length === 8 && items.every((i) => i.sev === "critical" && i.out >= tripOut) ? "outranked" : "missing";
    }).not.toBe("missing");
    await expect(page.getByTestId("network-map")).toHaveAttribute("data-rendered-outages", new RegExp(eventId));
    await page.waitForTimeout(800);
    await page.screenshot({ path: "docs/screenshots/wall.png" });

    // A smaller wall screen (1366 × 768): the figures still fit their boxes, nothing is cut off.
    await page.setViewportSize({ width: 1366, height: 768 });
    await expect.poll(() => wall.locator(".wall-side").evaluate((side) => [...side.querySelectorAll<HTMLElement>(".wall-figure, .wall-sev, .wall-worst li")]
      .filter((el) => el.scrollWidth > el.clientWidth + 1).length)).toBe(0);
    await page.screenshot({ path: "e2e/screenshots/wall-1366.png" });

    // The way out: Tab reaches the exit strip, which shows itself; Escape goes back to the control room.
    await page.keyboard.press("Tab");
    await expect(page.locator(".wall-exit")).toHaveCSS("opacity", "1");
    await expect(page.getByRole("link", { name: "Back to the control room" })).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByTestId("outage-list")).toBeVisible();
  });

  test("the server gates the wall like the control room: signed out goes to sign-in, a crew member to their own page", async ({ page }) => {
    const res = await page.request.get("/wall", { maxRedirects: 0 });
    expect(res.status()).toBe(302);
    expect(res.headers().location).toMatch(/^\/sign-in\?next=%2Fwall/);
    await signInAs(page, "crew");
    await page.goto("/wall");
    await expect(page).toHaveURL(/\/crew$/);
    // And its data is the server's to refuse, whatever page asks.
    const overview = await page.request.get("/api/trpc/outages.overview");
    expect(overview.status()).toBe(403);
  });
});
