import fs from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { e2eKeyFile } from "../playwright.config";
import { feeders, pointsOfColour } from "./helpers";
import { severityColors } from "../components/palette";
import { signInAs } from "./signIn";

/**
 * A February 2025 of SCADA trips and closes, posted with past times, on two feeders no other test
 * trips and whose meters no other test reports (FD094 and FD095: the network's last feeder holds
 * the meter the outage-panel test gasps, whose open outage would absorb a trip of its feeder): feeder X out 10 minutes on eight days, and on 20 February X and
 * Y out five hours, which makes it a major event day (eight equal days and one far above them:
 * (n − 1)/√n = 2.67 standard deviations, above 2.5).
 */
async function postFebruary(page: Page) {
  const all = await feeders(page);
  const [x, y] = all.slice(93, 95);
  expect([x.code, y.code]).toEqual(["FD094", "FD095"]);
  const key = fs.readFileSync(e2eKeyFile("scada"), "utf8").trim();
  const post = async (feeder: (typeof all)[number], eventType: string, timestamp: string) => {
    const res = await page.request.post("/api/ingest/scada", {
      headers: { authorization: `Bearer ${key}` },
      data: { eventType, substationId: feeder.substationCode, feederId: feeder.code, timestamp },
    });
    expect(res.status(), await res.text()).toBe(200);
  };
  // In the order they happened: a breaker's trip older than its last recorded change is recorded, not replayed.
  const tenMinutes = async (day: number) => {
    const d = String(day).padStart(2, "0");
    await post(x, "breaker_trip", `2025-02-${d}T06:00:00Z`);
    await post(x, "breaker_close", `2025-02-${d}T06:10:00Z`);
  };
  for (const day of [3, 5, 7, 10, 12, 14, 17]) await tenMinutes(day);
  for (const f of [x, y]) await post(f, "breaker_trip", "2025-02-20T06:00:00Z");
  for (const f of [x, y]) await post(f, "breaker_close", "2025-02-20T11:00:00Z");
  await tenMinutes(25);
  return { x, y };
}

test("the Reports page shows February's indices, the major event day on the chart, the worst feeders, and exports CSV", async ({ page }) => {
  await signInAs(page, "dispatcher");
  const { x, y } = await postFebruary(page);
  const query = "from=2025-02-01T00:00:00%2B03:00&to=2025-03-01T00:00:00%2B03:00";
  const api = await (await page.request.get(`/api/oms/reliability?${query}`)).json();
  const served = async (id: string) => (await (await page.request.get(`/api/oms/reliability?${query}&level=feeder&id=${id}`)).json()).customers_served as number;
  const [nx, ny] = [await served(x.code), await served(y.code)];
  // Nine interruptions for each of X's customers, one for each of Y's; 8 × 10 + 300 minutes for X's, 300 for Y's.
  expect(api.saifi).toBeCloseTo((9 * nx + ny) / api.customers_served, 9);
  expect(api.saidi).toBeCloseTo((380 * nx + 300 * ny) / api.customers_served, 6);
  expect(api.major_event_days).toEqual(["2025-02-20"]);
  expect(api.excluding_major_events.saifi).toBeCloseTo((8 * nx) / api.customers_served, 9);

  await page.getByRole("link", { name: "Reports" }).click();
  await expect(page).toHaveURL(/\/reports$/);
  await page.getByTestId("report-first").fill("2025-02-01");
  await page.getByTestId("report-last").fill("2025-02-28");
  const indices = page.getByTestId("indices-table");
  await expect(page.getByTestId("med-days")).toContainText("2025-02-20");
  await expect(indices.locator("tr[data-index=SAIFI] td").nth(1)).toHaveText(api.saifi.toFixed(3));
  await expect(indices.locator("tr[data-index=SAIFI] td").nth(2)).toHaveText(api.excluding_major_events.saifi.toFixed(3));
  await expect(indices.locator("tr[data-index=SAIDI] td").nth(1)).toHaveText(api.saidi.toFixed(1));
  await expect(page.getByTestId("t-med")).toContainText(`T_MED ${api.t_med_minutes.toFixed(2)} min`);
  await expect(page.getByTestId("worst-saidi").locator("tbody tr").first()).toContainText(x.code);

  // The chart: the major event day's mark (critical's colour) and the yellow T_MED line are drawn.
  const chart = page.getByTestId("daily-saidi-chart").locator("canvas");
  await expect(chart).toBeVisible();
  await page.waitForTimeout(300);
  const box = (await chart.boundingBox())!;
  expect((await pointsOfColour(page, box, severityColors.critical, 20)).length).toBeGreaterThan(0);
  // The T_MED line is one or two pixels thick: every row is looked at.
  expect((await pointsOfColour(page, box, "#f0b429", 20, 30, 1)).length).toBeGreaterThan(0);
  await page.screenshot({ path: "e2e/screenshots/reports.png", fullPage: true });

  const [daily] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-daily").click()]);
  const lines = fs.readFileSync(await daily.path(), "utf8").trim().split("\r\n");
  expect(lines[0]).toBe("day,major_event_day,system_saidi_minutes,customer_interruptions,customer_minutes,saifi,saidi_minutes,momentary_events");
  expect(lines).toHaveLength(1 + 28);
  expect(lines.find((l) => l.startsWith("2025-02-20,"))).toMatch(/^2025-02-20,true,/);
  const [perFeeder] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-feeders").click()]);
  const rows = fs.readFileSync(await perFeeder.path(), "utf8").trim().split("\r\n");
  expect(rows[0]).toMatch(/^feeder,substation,customers_served,saifi,/);
  expect(rows.find((l) => l.startsWith(`${y.code},`))).toContain(`,${ny},`);
});

test("a viewer has no Reports link and is sent back from the page", async ({ page }) => {
  await signInAs(page, "viewer");
  // Signed in and the top bar drawn (at 1440 px the compact bar shows no role tag; the Account link is there).
  await expect(page.getByRole("link", { name: "Account" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Reports" })).toHaveCount(0);
  await page.goto("/reports");
  await expect(page).toHaveURL(/\/$/);
});
