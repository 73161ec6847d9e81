import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateNetwork } from "../db/seed/generate";
import { distributionPointsInView, feederLines, listSubstations, metersInView } from "../db/queries/map";
import { listOpenOutages, overview } from "../db/queries/outageDetail";
import { activeOutagesDashboard } from "../server/operations/dashboard";
import { generateStorm } from "../server/scenarios/storm";
import { runStorm, StormClock } from "../server/scenarios/run";
import { runtimeName } from "./helpers/db";
import { queryRows, type Db } from "../db/client";
import { startTestServer, type TestServer } from "./helpers/server";

const network = generateNetwork({ meters: 2400, seed: 17, substations: 3, feeders: 16, distributionPoints: 240 });
const world = { west: -180, south: -90, east: 180, north: 90 };

/**
 * One truth: after every step of a storm replay, what the map's endpoints say of every meter and
 * device equals what the live outages (open, or restored and verifying) imply, and the customers
 * out agree across the top bar, the list and the seeds' dashboard.
 */
describe(`one derived power state on ${runtimeName}`, () => {
  let test: TestServer;
  const startedAt = new Date();
  const clock = new StormClock(startedAt);
  beforeAll(async () => {
    test = await startTestServer(network, {}, { now: clock.now });
  });
  afterAll(async () => {
    await test?.stop();
  });

  /**
   * In one snapshot (a repeatable-read transaction): the verification sweep runs on its own timer
   * and may commit between two reads of a check (an outage made when a meter's momentary window
   * ends), which two separate reads would see as a disagreement.
   */
  async function checkOneTruth(step: number) {
    await test.server.database.db.transaction((tx) => checkInSnapshot(tx as unknown as Db, step), { isolationLevel: "repeatable read", accessMode: "read only" });
  }

  async function checkInSnapshot(db: Db, step: number) {
    const held = await queryRows<{ meter_id: number; state: string; outage: string; customer_id: number | null }>(db, sql`
      SELECT am.meter_id, am.state, am.outage_event_id AS outage, am.customer_id FROM oms_outage_affected_meters am JOIN oms_outage_events o ON o.id = am.outage_event_id
      WHERE am.state <> 'restored' AND (o.status IN ('detected','confirmed','in_progress') OR (o.status = 'restored' AND o.verification_due_at IS NOT NULL))`);
    const raw = await queryRows<{ id: number; power_status: string; dp_id: number; feeder_id: number; substation_id: number }>(db, sql`
      SELECT id, power_status, dp_id, feeder_id, substation_id FROM oms_meters`);
    const holder = new Map<number, { state: string; outage: string }>();
    for (const h of held) {
      // A meter is dark in one outage only: two live outages holding it would count its customer twice.
      if (holder.has(h.meter_id)) {
        const two = await queryRows(db, sql`SELECT o.event_id, o.status, o.predicted_device_level, o.predicted_device_code, o.verification_due_at, o.parent_outage_id, am.state
          FROM oms_outage_events o JOIN oms_outage_affected_meters am ON am.outage_event_id = o.id WHERE am.meter_id = ${h.meter_id}`);
        expect.fail(`step ${step}: meter ${h.meter_id} held by two live outages: ${JSON.stringify(two)}`);
      }
      holder.set(h.meter_id, { state: h.state, outage: h.outage });
    }
    const expected = new Map(raw.map((m) => {
      const h = holder.get(m.id);
      return [m.id, h ? (h.state === "off" ? "off" : "assumed") : m.power_status];
    }));
    const drawn = await metersInView(db, world, 1_000_000);
    expect(drawn.length).toBe(raw.length);
    const mismatched = drawn.filter((m) => m.status !== expected.get(m.id)).map((m) => `${m.number}: map ${m.status}, outages ${expected.get(m.id)}`);
    expect(mismatched, `step ${step}`).toEqual([]);

    // Devices: every meter dark → de-energized, some → partial, none → energized.
    const dark = (pick: (m: (typeof raw)[number]) => number) => {
      const counts = new Map<number, { dark: number; total: number }>();
      for (const m of raw) {
        const c = counts.get(pick(m)) ?? { dark: 0, total: 0 };
        c.total++;
        if (expected.get(m.id) === "off" || expected.get(m.id) === "assumed") c.dark++;
        counts.set(pick(m), c);
      }
      return (id: number) => {
        const c = counts.get(id) ?? { dark: 0, total: 0 };
        return c.dark === 0 ? "energized" : c.dark === c.total ? "de_energized" : "partial";
      };
    };
    const dpState = dark((m) => m.dp_id);
    for (const dp of await distributionPointsInView(db, world, 1_000_000)) expect(dp.status, `step ${step}: ${dp.code}`).toBe(dpState(dp.id));
    const feederState = dark((m) => m.feeder_id);
    for (const f of (await feederLines(db)).features) expect(f.properties.status, `step ${step}: ${f.properties.code}`).toBe(feederState(f.id));
    const substationState = dark((m) => m.substation_id);
    for (const s of await listSubstations(db)) expect(s.status, `step ${step}: ${s.code}`).toBe(substationState(s.id));

    // Counts: the top bar, the list and the dashboard say the same.
    const customers = new Set(held.map((h) => h.customer_id).filter((c) => c !== null)).size;
    const list = await listOpenOutages(db);
    const top = await overview(db, clock.now());
    expect(top.customersOut, `step ${step}: top bar`).toBe(customers);
    expect(list.reduce((a, o) => a + o.customersOut, 0), `step ${step}: list`).toBe(customers);
    const open = list.filter((o) => !o.verifying);
    expect(top.outages, `step ${step}: severities`).toEqual({
      critical: open.filter((o) => o.severity === "critical").length, high: open.filter((o) => o.severity === "high").length,
      medium: open.filter((o) => o.severity === "medium").length, low: open.filter((o) => o.severity === "low").length,
    });
    const dashboard = await activeOutagesDashboard(db);
    const byId = new Map(open.map((o) => [o.id, o]));
    expect(dashboard.active_outages.map((o) => o.id).sort()).toEqual([...byId.keys()].sort());
    for (const o of dashboard.active_outages) expect(o.affected_customers_count, `step ${step}: ${o.event_id}`).toBe(byId.get(o.id)!.customersOut);
    for (const o of list) expect(o.customersOut, `step ${step}: ${o.eventId} meters`).toBe(held.filter((h) => h.outage === o.id && h.customer_id !== null).length);
  }

  it("the map, the list, the counts and the database agree after every step", async () => {
    const storm = generateStorm(network, { seed: 11, faults: 10, momentaries: 3, strayCalls: 3, spreadMs: 4 * 60_000 }, startedAt);
    let steps = 0;
    const { replay, score } = await runStorm(test.server, storm, clock, {
      keys: { scada: test.keys.scada, kaifa: test.keys.kaifa, onu: test.keys.onu, call_center: test.keys.call_center, oms_api: test.keys.oms_api },
      cookie: await test.signIn("dispatcher"), speed: Infinity, concurrency: 1,
      onStep: async (index) => {
        steps++;
        await checkOneTruth(index);
      },
    });
    await checkOneTruth(-1);
    expect(steps).toBe(storm.posts.length);
    expect(replay.failures).toEqual([]);
    expect(score.recall).toBeGreaterThanOrEqual(0.9);
    expect(score.precision).toBeGreaterThanOrEqual(0.9);
  }, 600_000);
});
