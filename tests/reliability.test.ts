import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import type { DbHandle } from "../db/client";
import { reliabilityInput, reliabilityReport } from "../server/reliability/report";
import { createTestDb, runtimeName } from "./helpers/db";

/**
 * IEEE 1366 indices on a hand-built history, every expected figure worked out by hand below.
 *
 * Network: substation S1; feeder F1 with DP1 (customers c1–c4) and DP2 (c5, c6); feeder F2 with
 * DP3 (c7–c10; c10 has two meters, m10 and m11). Customers served: system and S1 10, F1 6, F2 4.
 * The utility's zone is Asia/Amman (UTC+3 all year); times below are UTC.
 *
 * Days with SAIDI > 0 in the 365 days ending 2026-03-31:
 * - 2026-02-20 and eight days of March 2026, each one customer out 10 min: SAIDI 10/10 = 1 min;
 *   one of them is the day boundary: c1 out 2026-03-01T21:30Z, which is 00:30 on 2 March in Amman;
 *   the last is c10's two meters out together: one customer interruption;
 * - 2026-03-20, the major event day:
 *   - DP1 out 10:00–11:00 (c1–c3: 60 min each); c4 stayed dark and became a nested outage
 *     restored 11:30: one interruption of 90 min, not two; 270 customer minutes;
 *   - F2 out 12:00:00–12:05:00, exactly 5 min: momentary, one event for each of c7–c10;
 *   - c5 out 13:00:00–13:05:01, 301 s: sustained, 5.01667 min;
 *   - DP2 blip 14:00:00–14:00:30 (a cancelled outage and a device momentary): 2 events;
 *   - an outage merged into another holds m6 and was never restored: not an interruption;
 *   SAIDI = (270 + 5.01667) / 10 = 27.501667 min.
 * - 2026-03-25: a momentary of the whole substation: 10 events. 2026-04-02: c1 out 10 min.
 *
 * ln(SAIDI): nine days of 0 and one of y = ln 27.501667 = 3.314247; α = y/10; the sample
 * variance is (9(y/10)² + (9y/10)²)/9 = y²/10, so β = y/√10 and
 * T_MED = exp(y (0.1 + 2.5/√10)) = 27.501667^0.890569 = 19.135910 min: 20 March exceeds it.
 */
const T_MED = 19.135910;

describe(`IEEE 1366 indices on a hand-built history (${runtimeName})`, () => {
  let handle: DbHandle;
  const report = (query: Record<string, unknown>, now = new Date("2026-06-01T00:00:00Z")) =>
    reliabilityReport(handle.db, reliabilityInput.parse(query), { timeZone: "Asia/Amman", now });
  const march = { from: "2026-03-01T00:00:00+03:00", to: "2026-04-01T00:00:00+03:00" };

  beforeAll(async () => {
    handle = await createTestDb();
    await buildHistory(handle);
  });
  afterAll(async () => handle?.close());

  it("the whole system in March: every index, with and without the major event day", async () => {
    const { indices } = await report({ ...march, level: "system" });
    // Sustained: 8 single-customer days + 3 (DP1) + 1 (c4, nested) + 1 (c5, 301 s) = 13, for 9 distinct customers.
    // Customer minutes: 80 + 270 + 5.01667 = 355.01667. Momentary events: 4 + 2 + 10 = 16.
    expect(indices).toMatchObject({ level: "system", id: null, customers_served: 10, major_event_days: ["2026-03-20"] });
    expect(indices.from).toBe("2026-02-28T21:00:00.000Z");
    expect(indices.saifi).toBeCloseTo(1.3, 9);
    expect(indices.saidi).toBeCloseTo(35.501667, 5);
    expect(indices.caidi).toBeCloseTo(355.01667 / 13, 4); // 27.308974
    expect(indices.caifi).toBeCloseTo(13 / 9, 9);
    expect(indices.maifi_e).toBeCloseTo(1.6, 9);
    // 31 days = 44,640 minutes: 1 − 355.01667 / (10 × 44,640).
    expect(indices.asai).toBeCloseTo(0.99920471, 8);
    expect(indices.t_med_minutes).toBeCloseTo(T_MED, 5);
    // Without 20 March: 8 interruptions of 10 minutes.
    expect(indices.excluding_major_events.saifi).toBeCloseTo(0.8, 9);
    expect(indices.excluding_major_events.saidi).toBeCloseTo(8, 9);
    expect(indices.excluding_major_events.caidi).toBeCloseTo(10, 9);
    expect(Object.keys(indices)).toEqual(["from", "to", "level", "id", "customers_served", "saifi", "saidi", "caidi", "caifi",
      "maifi_e", "asai", "t_med_minutes", "major_event_days", "excluding_major_events"]);
  });

  it("a feeder: its own customers, and the system's major event days excluded", async () => {
    const f1 = (await report({ ...march, level: "feeder", id: "F1" })).indices;
    // c1, c2, c3 (10 min each), c1–c3 60 min, c4 90 min, c5 5.01667 min: 8 interruptions, 305.01667 min, 5 customers.
    expect(f1.customers_served).toBe(6);
    expect(f1.saifi).toBeCloseTo(8 / 6, 9);
    expect(f1.saidi).toBeCloseTo(50.836111, 5);
    expect(f1.caidi).toBeCloseTo(38.127083, 5);
    expect(f1.caifi).toBeCloseTo(1.6, 9);
    expect(f1.maifi_e).toBeCloseTo((2 + 6) / 6, 9); // the DP2 blip and the substation's momentary
    expect(f1.major_event_days).toEqual(["2026-03-20"]);
    expect(f1.t_med_minutes).toBeCloseTo(T_MED, 5);
    expect(f1.excluding_major_events).toEqual({ saifi: 0.5, saidi: 5, caidi: 10 });

    const f2 = (await report({ ...march, level: "feeder", id: "F2" })).indices;
    // c7, c8, c9, c10, c10 (two meters, once): 5 interruptions of 10 min; the exactly-5-minute outage is momentary.
    expect(f2).toMatchObject({ customers_served: 4, saifi: 1.25, saidi: 12.5, caidi: 10, caifi: 1.25, maifi_e: 2 });
    expect(f2.excluding_major_events).toEqual({ saifi: 1.25, saidi: 12.5, caidi: 10 });
  });

  it("a substation sums its feeders; the page's per-feeder table and daily figures agree", async () => {
    const r = await report({ ...march, level: "substation", id: "S1" });
    expect(r.indices.customers_served).toBe(10);
    expect(r.indices.saifi).toBeCloseTo(1.3, 9);
    expect(r.feeders.map((f) => [f.feeder, f.customers_served, f.saifi, f.excluding_major_events.saidi])).toEqual([
      ["F1", 6, 8 / 6, 5], ["F2", 4, 1.25, 12.5],
    ]);
    expect(r.daily).toHaveLength(31);
    const day = (d: string) => r.daily.find((x) => x.day === d)!;
    expect(day("2026-03-01")).toMatchObject({ customer_interruptions: 0, system_saidi: 0 });
    expect(day("2026-03-02")).toMatchObject({ customer_interruptions: 1, system_saidi: 1, major_event_day: false });
    expect(day("2026-03-20").major_event_day).toBe(true);
    expect(day("2026-03-20").system_saidi).toBeCloseTo(27.501667, 5);
    expect(day("2026-03-20").momentary_events).toBe(6);
    expect(day("2026-03-25").momentary_events).toBe(10);
  });

  it("a day is a calendar day in the utility's zone", async () => {
    const second = await report({ from: "2026-03-02T00:00:00+03:00", to: "2026-03-03T00:00:00+03:00" });
    expect(second.indices).toMatchObject({ saifi: 0.1, saidi: 1, caidi: 10 });
    const first = await report({ from: "2026-03-01T00:00:00+03:00", to: "2026-03-02T00:00:00+03:00" });
    expect(first.indices).toMatchObject({ saifi: 0, saidi: 0, caidi: null, caifi: null, maifi_e: 0 });
    // A date alone is that day's midnight in the utility's zone; a time without an offset is UTC (as on the ingestion routes).
    const byDates = await report({ from: "2026-03-02", to: "2026-03-03" });
    expect(byDates.indices).toMatchObject({ from: "2026-03-01T21:00:00.000Z", to: "2026-03-02T21:00:00.000Z", saifi: 0.1 });
    const utc = await report({ from: "2026-03-02T00:00:00", to: "2026-03-03T00:00:00" });
    expect(utc.indices).toMatchObject({ from: "2026-03-02T00:00:00.000Z", saifi: 0 });
  });

  it("no history in the window: no threshold and no major event days; an empty period's ratios are null", async () => {
    const january = await report({ from: "2026-01-01T00:00:00+03:00", to: "2026-02-01T00:00:00+03:00" });
    expect(january.indices).toMatchObject({ saifi: 0, saidi: 0, caidi: null, caifi: null, t_med_minutes: null, major_event_days: [] });
    expect(january.indices.asai).toBe(1);
    // April's window still holds March: the same threshold, and 2 April is an ordinary day.
    const april = await report({ from: "2026-04-01T00:00:00+03:00", to: "2026-05-01T00:00:00+03:00" });
    expect(april.indices.major_event_days).toEqual([]);
    expect(april.indices.saifi).toBeCloseTo(0.1, 9);
  });

  it("refuses bad queries naming the field", async () => {
    const issues = (q: Record<string, unknown>) => reliabilityInput.safeParse(q).error?.issues.map((i) => i.path.join("."));
    expect(issues({ from: "yesterday", to: march.to })).toEqual(["from"]);
    expect(issues({ from: "2026-02-30", to: march.to })).toEqual(["from"]);
    expect(issues({ ...march, level: "feeder" })).toEqual(["id"]);
    expect(issues({ ...march, level: "district", id: "x" })).toEqual(["level"]);
    expect(issues({ ...march, level: "Feeder", id: "F1" })).toBeUndefined();
    await expect(report({ from: march.to, to: march.from })).rejects.toMatchObject({ code: "invalid", issues: [{ path: "to" }] });
    await expect(report({ from: "2016-03-01", to: "2026-04-01" })).rejects.toMatchObject({ code: "invalid", issues: [{ path: "to" }] });
    await expect(report({ ...march, level: "feeder", id: "F9" })).rejects.toMatchObject({ code: "invalid", issues: [{ path: "id" }] });
    // An id with the whole system is not a question about a part of it: the system's report.
    expect((await report({ ...march, level: "system", id: "F1" })).indices).toMatchObject({ id: null, customers_served: 10 });
  });
});

async function buildHistory({ db }: DbHandle) {
  for (const statement of [
    sql`INSERT INTO network_substations (id, substation_id, name, capacity_mva) VALUES (1, 'S1', 'Substation 1', 40)`,
    sql`INSERT INTO network_feeders (id, feeder_id, substation_id, name, capacity_mva) VALUES (1, 'F1', 1, 'Feeder 1', 8), (2, 'F2', 1, 'Feeder 2', 8)`,
    sql`INSERT INTO network_distribution_points (id, dp_id, feeder_id, name, transformer_kva)
      VALUES (1, 'DP1', 1, 'DP 1', 400), (2, 'DP2', 1, 'DP 2', 400), (3, 'DP3', 2, 'DP 3', 400)`,
    sql`INSERT INTO oms_customers (id, customer_id, name) SELECT i, 'c' || i, 'Customer ' || i FROM generate_series(1, 10) i`,
    sql`INSERT INTO oms_meters (id, meter_number, customer_id, dp_id, feeder_id, substation_id)
      SELECT i, 'm' || i, LEAST(i, 10), CASE WHEN i <= 4 THEN 1 WHEN i <= 6 THEN 2 ELSE 3 END, CASE WHEN i <= 6 THEN 1 ELSE 2 END, 1
      FROM generate_series(1, 11) i`,
  ]) await db.execute(statement);
  let n = 0;
  const outage = async (o: { meters: number[]; from: string; to: string | null; status?: string; parent?: string; stillDark?: number[]; meterTo?: string }) => {
    const id = `00000000-0000-4000-8000-${String(++n).padStart(12, "0")}`;
    await db.execute(sql`
      INSERT INTO oms_outage_events (id, event_id, status, first_detected_at, actual_restoration_time, parent_outage_id)
      VALUES (${id}::uuid, ${`OMS_TEST_${n}`}, ${o.status ?? "restored"}, ${o.from}::timestamptz, ${o.to}::timestamptz, ${o.parent ?? null}::uuid)`);
    for (const m of o.meters) {
      const dark = o.stillDark?.includes(m) || o.to === null;
      await db.execute(sql`
        INSERT INTO oms_outage_affected_meters (outage_event_id, meter_id, customer_id, state, since, restored_at)
        VALUES (${id}::uuid, ${m}, ${Math.min(m, 10)}, ${dark ? "off" : "restored"}, ${o.from}::timestamptz, ${dark ? null : o.to}::timestamptz)`);
    }
    return id;
  };
  const tenMinutes = (meters: number[], start: string) =>
    outage({ meters, from: start, to: new Date(new Date(start).getTime() + 600_000).toISOString() });

  await tenMinutes([1], "2026-02-20T08:00:00Z");
  await tenMinutes([1], "2026-03-01T21:30:00Z"); // 00:30 on 2 March in Amman
  await tenMinutes([2], "2026-03-03T08:00:00Z");
  await tenMinutes([3], "2026-03-04T08:00:00Z");
  await tenMinutes([7], "2026-03-05T08:00:00Z");
  await tenMinutes([8], "2026-03-06T08:00:00Z");
  await tenMinutes([9], "2026-03-07T08:00:00Z");
  await tenMinutes([10], "2026-03-08T08:00:00Z");
  await tenMinutes([10, 11], "2026-03-09T08:00:00Z");
  // 20 March: the nested outage, the 5-minute edge, a blip, a merged outage.
  const parent = await outage({ meters: [1, 2, 3, 4], from: "2026-03-20T10:00:00Z", to: "2026-03-20T11:00:00Z", stillDark: [4] });
  await outage({ meters: [4], from: "2026-03-20T10:00:00Z", to: "2026-03-20T11:30:00Z", parent });
  await outage({ meters: [7, 8, 9, 10, 11], from: "2026-03-20T12:00:00Z", to: "2026-03-20T12:05:00Z" });
  await outage({ meters: [5], from: "2026-03-20T13:00:00Z", to: "2026-03-20T13:05:01Z" });
  await outage({ meters: [5, 6], from: "2026-03-20T14:00:00Z", to: "2026-03-20T14:00:30Z", status: "cancelled" });
  await outage({ meters: [6], from: "2026-03-20T15:00:00Z", to: null, status: "merged" });
  await db.execute(sql`
    INSERT INTO oms_device_momentaries (level, device_id, device_code, substation_id, feeder_id, dp_id, started_at, ended_at, customers, meters_reporting)
    VALUES ('distribution_point', 2, 'DP2', 1, 1, 2, '2026-03-20T14:00:00Z', '2026-03-20T14:00:30Z', 2, 2),
           ('substation', 1, 'S1', 1, NULL, NULL, '2026-03-25T09:00:00Z', '2026-03-25T09:00:20Z', 10, 8)`);
  await tenMinutes([1], "2026-04-02T08:00:00Z");
}
