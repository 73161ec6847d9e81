import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { e2eKeyFile } from "../playwright.config";
import { signInAs } from "./signIn";

test("a SCADA trip posted to the ingestion route appears on the open map within seconds, without a reload", async ({ page, request }) => {
  await signInAs(page, "dispatcher");
  const feeders = (await (await page.request.get("/api/trpc/network.feeders")).json()).result.data.json.features as Array<{ properties: { code: string; substationCode: string } }>;
  const feeder = feeders[3].properties;

  await page.goto("/");
  const map = page.getByTestId("network-map");
  await expect(map).toHaveAttribute("data-rendered-substations", /SS001/);
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
  const before = Number((await page.getByTestId("active-outages").textContent())?.replace(/\D/g, "") || 0);

  const key = fs.readFileSync(e2eKeyFile("scada"), "utf8").trim();
  const res = await request.post("/api/ingest/scada", {
    headers: { authorization: `Bearer ${key}` },
    data: { eventType: "breaker_trip", substationId: feeder.substationCode, feederId: feeder.code, mainStationId: "MS001",
      alarmType: "fault", timestamp: new Date().toISOString(), voltage: 0, severity: "critical", reason: "Overcurrent detected" },
  });
  expect(res.status()).toBe(200);
  const answer = await res.json();
  expect(answer).toMatchObject({ status: "correlated", outage_status: "confirmed" });

  // The page learns of it over Socket.IO and draws it: read what the map rendered.
  await expect(map).toHaveAttribute("data-rendered-outages", new RegExp(answer.event_id), { timeout: 10_000 });
  await expect(page.getByTestId("active-outages")).toHaveText(String(before + 1));
  await expect(page.getByTestId("customers-out")).not.toHaveText("0");
  await page.screenshot({ path: "e2e/screenshots/live-outage.png" });
});
