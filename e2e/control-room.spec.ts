import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { e2eKeyFile } from "../playwright.config";
import { signInAs } from "./signIn";

test("a dispatcher sees a SCADA trip appear live, dispatches a crew; the crew marks it restored on a phone and it leaves the dispatcher's list", async ({ page, browser }) => {
  await signInAs(page, "dispatcher");
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
  const feeders = (await (await page.request.get("/api/trpc/network.feeders")).json()).result.data.json.features as Array<{ properties: { code: string; substationCode: string } }>;
  const feeder = feeders[7].properties;

  const key = fs.readFileSync(e2eKeyFile("scada"), "utf8").trim();
  const res = await page.request.post("/api/ingest/scada", {
    headers: { authorization: `Bearer ${key}` },
    data: { eventType: "breaker_trip", substationId: feeder.substationCode, feederId: feeder.code, mainStationId: "MS001",
      alarmType: "fault", timestamp: new Date().toISOString(), voltage: 0, severity: "critical", reason: "Overcurrent detected" },
  });
  expect(res.status()).toBe(200);
  const { event_id: eventId } = await res.json();

  // It arrives over Socket.IO: no reload.
  const row = page.getByTestId("outage-list").locator(`button[data-event-id="${eventId}"]`);
  await expect(row).toBeVisible({ timeout: 10_000 });
  await expect(row).toContainText(new RegExp(`feeder ${feeder.code}`, "i"));
  await row.click();
  const details = page.getByTestId("outage-details");
  await expect(details).toHaveAttribute("data-event-id", eventId);
  await page.getByRole("button", { name: "Dispatch crew" }).click();
  await page.getByLabel("Crew to dispatch").selectOption("CRW01");
  await page.getByRole("form", { name: "Dispatch a crew" }).getByRole("button", { name: "Dispatch" }).click();
  await expect(page.getByTestId("detail-crews")).toContainText("CRW01");
  await expect(page.getByTestId("detail-status")).toHaveText("in progress");
  await page.screenshot({ path: "e2e/screenshots/dispatcher-dispatched.png" });

  const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
  try {
    const crew = await phone.newPage();
    await signInAs(crew, "crew");
    const assignment = crew.getByTestId("assignment").filter({ hasText: eventId });
    await expect(assignment).toBeVisible();
    await assignment.getByRole("button", { name: "En route" }).click();
    await expect(assignment.getByTestId("assignment-status")).toHaveText("en route");
    await assignment.getByLabel("Cause").selectOption("Fuse replaced");
    await assignment.getByLabel("Notes").fill("Replaced the feeder fuse at the pole");
    await crew.screenshot({ path: "e2e/screenshots/crew-restoring.png" });
    await assignment.getByRole("button", { name: "Restored" }).click();
    await expect(assignment).toHaveAttribute("data-status", "completed");
    await crew.screenshot({ path: "e2e/screenshots/crew-restored.png" });
  } finally {
    await phone.close();
  }

  // The dispatcher's screen follows without a reload.
  await expect(row).toHaveCount(0, { timeout: 10_000 });
  await expect(page.getByTestId("detail-status")).toHaveText("restored");
  await page.getByRole("tab", { name: /Timeline/ }).click();
  await expect(page.getByTestId("timeline")).toContainText("Fuse replaced");
  // Entry types read as words: "crew en route", never "crew en_route".
  expect(await page.getByTestId("timeline").locator("li > b").allInnerTexts()).toContain("crew en route");
  await page.screenshot({ path: "e2e/screenshots/dispatcher-restored.png" });
});

test("a supervisor switches storm mode on and a dispatcher sees the banner at once", async ({ page, browser }) => {
  await signInAs(page, "dispatcher");
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
  await expect(page.getByTestId("storm-banner")).toHaveCount(0);

  const office = await browser.newContext();
  try {
    const supervisor = await office.newPage();
    await signInAs(supervisor, "supervisor");
    // The page is live (hydrated, its socket open) before the pill is pressed: a click before
    // hydration is lost, and the form it opens would be waited for until the test times out.
    await expect(supervisor.getByTestId("connection")).toHaveAttribute("data-state", "live");
    await supervisor.getByTestId("storm-pill").click();
    await supervisor.getByLabel("Reason").fill("Storm front over Amman");
    await supervisor.getByRole("button", { name: "Switch storm mode on" }).click();
    await expect(supervisor.getByTestId("storm-pill")).toHaveText(/ON/);

    await expect(page.getByTestId("storm-banner")).toContainText("Storm front over Amman", { timeout: 10_000 });
    await expect(page.getByTestId("storm-banner")).toContainText("supervisor");
    await page.screenshot({ path: "e2e/screenshots/storm-banner.png" });

    // A dispatcher cannot switch it.
    await page.getByTestId("storm-pill").click();
    await expect(page.getByText("Only a supervisor switches storm mode.")).toBeVisible();

    await supervisor.getByTestId("storm-pill").click();
    await supervisor.getByLabel("Reason").fill("Storm has passed");
    await supervisor.getByRole("button", { name: "Switch storm mode off" }).click();
    await expect(page.getByTestId("storm-banner")).toHaveCount(0, { timeout: 10_000 });
  } finally {
    await office.close();
  }
});
