import fs from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { e2eKeyFile } from "../playwright.config";
import { feeders } from "./helpers";
import { signInAs } from "./signIn";

type Feeder = Awaited<ReturnType<typeof feeders>>[number];

/** Breaker trips (or closes) of many feeders in one SCADA batch. */
async function scadaBatch(page: Page, eventType: "breaker_trip" | "breaker_close", list: Feeder[]) {
  const key = fs.readFileSync(e2eKeyFile("scada"), "utf8").trim();
  const res = await page.request.post("/api/ingest/scada", {
    headers: { authorization: `Bearer ${key}` }, timeout: 120_000,
    data: list.map((f) => ({ eventType, substationId: f.substationCode, feederId: f.code, mainStationId: "MS001", alarmType: "fault",
      timestamp: new Date().toISOString(), voltage: 0, severity: "critical", reason: `e2e list ${eventType}` })),
  });
  expect(res.status()).toBe(200);
}

test("the outage list holds every outage with its count, draws only the rows in view, and takes pushed outages without fetching the list, feeders or substations again", async ({ page }) => {
  test.setTimeout(240_000);
  await signInAs(page, "dispatcher");
  // Three feeders of every substation, the first three (all of them would make one substation
  // outage of them): never FD094 and FD095, whose history the Reports test writes with past times.
  const bySubstation = new Map<string, Feeder[]>();
  for (const f of await feeders(page)) bySubstation.set(f.substationCode, [...(bySubstation.get(f.substationCode) ?? []), f]);
  const tripped = [...bySubstation.values()].flatMap((list) => list.slice(0, 3));
  expect(tripped.length).toBeGreaterThanOrEqual(40);

  await page.goto("/");
  const list = page.getByTestId("outage-list");
  await expect(page.getByTestId("network-map")).toHaveAttribute("data-rendered-substations", /SS001/);
  await expect(list).toBeVisible();
  // From here on, pushes must patch what the page holds: count what it asks the server for.
  const refetched: string[] = [];
  page.on("request", (r) => {
    const m = /\/api\/trpc\/([^?]+)/.exec(r.url());
    for (const p of m?.[1]?.split(",") ?? []) if (["outages.list", "outages.active", "network.feeders", "network.substations"].includes(p)) refetched.push(p);
  });
  try {
    await scadaBatch(page, "breaker_trip", tripped);
    // Every outage the server lists (the trips, and whatever earlier tests left open) is in the page's list.
    const serverCount = async () => ((await (await page.request.get("/api/trpc/outages.list?input=%7B%22json%22%3A%7B%7D%7D")).json()).result.data.json as unknown[]).length;
    await expect.poll(async () => Number(await list.getAttribute("data-count")) === await serverCount() ? Number(await list.getAttribute("data-count")) : -1,
      { timeout: 60_000 }).toBeGreaterThanOrEqual(tripped.length);
    const count = Number(await list.getAttribute("data-count"));
    await expect(page.getByTestId("outage-count")).toContainText(new Intl.NumberFormat("en").format(count - Number(await list.getAttribute("data-verifying"))));
    // The top bar's figures, which pushes do not carry, are fetched again.
    await expect(page.getByTestId("active-outages")).not.toHaveText("0");
    // Virtualised: the page holds the rows in view and a few around them, not all of them.
    const drawn = await list.locator("li").count();
    expect(drawn).toBeGreaterThan(3);
    expect(drawn).toBeLessThan(Math.min(count, 40));
    // Scrolled to the end, the last row is there and can be opened.
    await page.locator(".outage-scroll").evaluate((el) => { el.scrollTop = el.scrollHeight; });
    const last = list.locator(`li[aria-posinset="${count}"] button.outage-row`);
    await expect(last).toBeVisible();
    await page.screenshot({ path: "e2e/screenshots/outage-list-scrolled.png" });
    await last.click();
    await expect(page.getByTestId("outage-details")).toBeVisible();
    // Every tripped feeder is in the list: found by the feeder filter (a new query, so fetched).
    const one = tripped[tripped.length - 1]!;
    await page.getByLabel("Feeder").fill(one.code);
    await expect(list.locator("button.outage-row")).toHaveCount(1);
    await expect(list.locator("button.outage-row")).toContainText(one.code);
    expect(refetched.filter((p) => p !== "outages.list")).toEqual([]);
    expect(refetched.filter((p) => p === "outages.list").length).toBeLessThanOrEqual(1);
  } finally {
    await scadaBatch(page, "breaker_close", tripped);
  }
});
