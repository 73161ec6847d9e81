import fs from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { e2eKeyFile } from "../playwright.config";
import { signInAs } from "./signIn";
import { fillDateTime } from "./helpers";

/**
 * Every time on every screen is in the utility's zone (UTILITY_TIME_ZONE, Asia/Amman here),
 * whatever the browser's zone: these browsers run in New York. No raw ISO instant is ever shown.
 */
test.use({ timezoneId: "America/New_York" });

const ZONE = "Asia/Amman";
const ISO = /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;
const shown = (at: Date) => new Intl.DateTimeFormat("en-GB", { timeZone: ZONE, day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(at);
/** The same instant as a datetime-local value in the utility's zone. */
const wallClock = (at: Date) => {
  const p = Object.fromEntries(new Intl.DateTimeFormat("en-CA", { timeZone: ZONE, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
    .formatToParts(at).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
};
/** "Now" as the screen would show it, allowing for a minute turning over during the test. */
const nowShown = () => [shown(new Date(Date.now() - 60_000)), shown(new Date()), shown(new Date(Date.now() + 60_000))];
const pageText = (page: Page) => page.evaluate(() => document.body.innerText);

test("ETR, timeline, crew page and audit log show the utility's time, never UTC ISO strings", async ({ page, browser }) => {
  await signInAs(page, "dispatcher");
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
  const feeders = (await (await page.request.get("/api/trpc/network.feeders")).json()).result.data.json.features as Array<{ properties: { code: string; substationCode: string } }>;
  const feeder = feeders[11].properties;
  const key = fs.readFileSync(e2eKeyFile("scada"), "utf8").trim();
  const res = await page.request.post("/api/ingest/scada", {
    headers: { authorization: `Bearer ${key}` },
    data: { eventType: "breaker_trip", substationId: feeder.substationCode, feederId: feeder.code, mainStationId: "MS001",
      alarmType: "fault", timestamp: new Date().toISOString(), voltage: 0, severity: "critical", reason: "Overcurrent detected" },
  });
  expect(res.status()).toBe(200);
  const { event_id: eventId } = await res.json();

  const row = page.getByTestId("outage-list").locator(`button[data-event-id="${eventId}"]`);
  await row.click();
  const details = page.getByTestId("outage-details");
  await expect(details).toHaveAttribute("data-event-id", eventId);

  // ETR tomorrow at 09:30 in Amman (16:30 the day before in New York would be the browser's answer).
  const etr = new Date(Date.now() + 24 * 3600_000);
  const etrValue = `${wallClock(etr).slice(0, 10)}T09:30`;
  await page.getByRole("button", { name: "Set ETR" }).click();
  await expect(page.getByText(`Power back by (${ZONE})`)).toBeVisible();
  await fillDateTime(page.getByRole("group", { name: /Power back by/ }), etrValue);
  await page.getByRole("button", { name: "Set ETR and tell customers" }).click();
  const etrShown = shown(new Date(`${etrValue}:00+03:00`));
  expect(etrShown).toMatch(/, 09:30$/);
  await expect(page.getByTestId("detail-etr")).toHaveText(etrShown);
  await expect(row).toContainText(`ETR ${etrShown}`);
  expect(nowShown()).toContain((await details.locator("dt:text-is('Detected') + dd").innerText()).trim());
  await page.getByRole("tab", { name: /Timeline/ }).click();
  await expect(page.getByTestId("timeline")).toContainText(`set to ${etrShown}`);
  expect(await page.getByTestId("timeline").innerText()).not.toMatch(ISO);
  expect(await pageText(page)).not.toMatch(ISO);
  await page.screenshot({ path: "e2e/screenshots/utility-time-details.png" });

  // Dispatch the demo crew's own crew, and read its phone page.
  await page.getByRole("button", { name: "Dispatch crew" }).click();
  await page.getByLabel("Crew to dispatch").selectOption("CRW01");
  await page.getByRole("form", { name: "Dispatch a crew" }).getByRole("button", { name: "Dispatch" }).click();
  await expect(page.getByTestId("detail-crews")).toContainText("CRW01");
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, timezoneId: "America/New_York" });
  try {
    const crew = await phone.newPage();
    await signInAs(crew, "crew");
    const assignment = crew.getByTestId("assignment").filter({ hasText: eventId });
    await expect(assignment).toBeVisible();
    const assigned = (await assignment.locator("dt:text-is('Assigned') + dd").innerText()).trim();
    expect(nowShown()).toContain(assigned);
    expect(await pageText(crew)).not.toMatch(ISO);
    await crew.screenshot({ path: "e2e/screenshots/utility-time-crew.png" });
    // Leave the crew free for the other tests: power back.
    await assignment.getByLabel("Cause").selectOption("Breaker reset");
    await assignment.getByRole("button", { name: "Restored" }).click();
    await expect(assignment).toHaveAttribute("data-status", "completed");
  } finally {
    await phone.close();
  }

  const office = await browser.newContext({ timezoneId: "America/New_York" });
  try {
    const supervisor = await office.newPage();
    await signInAs(supervisor, "supervisor");
    await supervisor.goto("/admin");
    const newest = supervisor.getByTestId("audit-table").locator("tbody tr").first();
    await expect(newest).toContainText("user.sign_in");
    expect(nowShown()).toContain((await newest.locator("td").first().innerText()).trim());
    expect(await pageText(supervisor)).not.toMatch(ISO);
    await supervisor.screenshot({ path: "e2e/screenshots/utility-time-admin.png", fullPage: true });
  } finally {
    await office.close();
  }
});
