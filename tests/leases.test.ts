import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { queryRows, type DbHandle } from "../db/client";
import { generateNetwork } from "../db/seed/generate";
import { loadNetwork } from "../db/seed/load";
import type { MeterRow } from "../db/seed/types";
import { createApiKey } from "../server/auth/apiKeys";
import { systemActor } from "../server/context";
import { SUBSTATION_LEASE_TTL_MS } from "../server/ingest/leases";
import { createTestDb } from "./helpers/db";
import { startTestServer } from "./helpers/server";
import { exited, startServerProcess, type ServerProcess } from "./helpers/serverProcess";

const network = generateNetwork({ meters: 3_000, seed: 9, substations: 4 });
const start = Date.now() - 10 * 60_000;
const kaifa = (id: string, meter: MeterRow, at: number, on = false) => ({
  message_type: "EndDeviceEvent", timestamp: new Date(start + at).toISOString(),
  payload: { event_id: id, severity: on ? "info" : "critical", reason: on ? "Power restored" : "Last gasp signal detected", assets: { mrid: meter.meterNumber } },
});
const feedersOf = (substationId: number) => network.feeders.filter((f) => f.substationId === substationId);
const metersOf = (feederId: number) => network.meters.filter((m) => m.feederId === feederId).sort((a, b) => a.id - b.id);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Two app processes on one PostgreSQL split the substations through leases; a signal that
// reaches the process not holding its substation is handed to the holder; a killed process's
// substations pass to the survivor. PGlite has one process: no leases.
describe.runIf(process.env.DATABASE_URL)("several processes, one network, on postgres", () => {
  let database: DbHandle;
  let key: string;
  let omsKey: string;
  let a: ServerProcess;
  let b: ServerProcess;
  const rows = <T>(q: ReturnType<typeof sql>) => queryRows<T>(database.db, q);
  const post = async (url: string, events: unknown[]) => {
    const res = await fetch(`${url}/api/ingest/kaifa`, {
      method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body: JSON.stringify(events),
      signal: AbortSignal.timeout(30_000),
    });
    return { status: res.status, body: await res.json() };
  };
  const stats = (url: string) => fetch(`${url}/api/ingest/stats`, { headers: { authorization: `Bearer ${omsKey}` } }).then((r) => r.json());
  const leases = () => rows<{ substation_id: number; owner: string; live: boolean }>(sql`
    SELECT substation_id, owner, expires_at >= clock_timestamp() AS live FROM oms_substation_leases ORDER BY substation_id`);
  const ownerOf = (p: ServerProcess) => (owner: string) => owner.startsWith(`proc:${p.child.pid}:`);

  beforeAll(async () => {
    database = await createTestDb();
    await loadNetwork(database.db, network);
    key = (await createApiKey(database.db, systemActor, { name: "leases test", scope: "kaifa" })).key;
    omsKey = (await createApiKey(database.db, systemActor, { name: "leases test reader", scope: "oms_api" })).key;
    const [{ name }] = await rows<{ name: string }>(sql`SELECT current_database() AS name`);
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `/${name}`;
    [a, b] = await Promise.all([startServerProcess({ DATABASE_URL: url.toString() }), startServerProcess({ DATABASE_URL: url.toString() })]);
  }, 120_000);
  afterAll(async () => {
    for (const p of [a, b]) if (p) { p.child.kill("SIGKILL"); await exited(p.child); }
    await database?.close();
  });

  it("answers a signal posted to the process not holding its substation with its outcome, correlated by the holder", async () => {
    // A feeder the storm below leaves alone: the third of substation 1.
    const meters = metersOf(feedersOf(1)[2].id);
    const dp = meters.filter((m) => m.dpId === meters[0].dpId);
    expect(dp.length).toBeGreaterThanOrEqual(4);
    const first = await post(a.url, dp.slice(0, -1).map((m, k) => kaifa(`HAND-${k}`, m, k * 100)));
    expect(first.status).toBe(200);
    const outageId = first.body.results[0].outage_event_id;
    expect(outageId).toBeTruthy();
    expect((await leases()).find((l) => l.substation_id === 1)?.owner).toSatisfy(ownerOf(a));

    const before = { a: (await stats(a.url)).process, b: (await stats(b.url)).process };
    const handed = await post(b.url, [kaifa("HAND-LAST", dp.at(-1)!, 2_000)]);
    expect(handed.status).toBe(200);
    expect(handed.body.results[0]).toMatchObject({ status: "correlated", source_event_id: "HAND-LAST", outage_event_id: outageId });
    expect(handed.body.results[0].duplicate).toBeUndefined();
    expect(handed.body.accepted).toBe(1);
    const after = { a: (await stats(a.url)).process, b: (await stats(b.url)).process };
    expect(after.b.handed_off - before.b.handed_off).toBe(1);
    expect(after.a.taken_up - before.a.taken_up).toBe(1);
    expect(after.b.taken_up).toBe(before.b.taken_up);
    // The holder keeps its substation; the event is written once.
    expect((await leases()).find((l) => l.substation_id === 1)?.owner).toSatisfy(ownerOf(a));
    const [written] = await rows<{ n: number }>(sql`SELECT COUNT(*)::int AS n FROM kaifa_events WHERE event_id = 'HAND-LAST'`);
    expect(written.n).toBe(1);
  }, 60_000);

  it("splits a storm across both, loses nothing and opens no duplicate outage when one is killed halfway", async () => {
    // Last gasps on two feeders of each substation, then restores for a third of their meters.
    const stormFeeders = network.substations.flatMap((s) => feedersOf(s.id).slice(0, 2));
    const perSubstation = new Map<number, Array<ReturnType<typeof kaifa>>>();
    let at = 5_000;
    for (const [phase, take] of [["GASP", 60], ["BACK", 20]] as const) {
      for (const f of stormFeeders) {
        const list = perSubstation.get(f.substationId) ?? [];
        for (const m of metersOf(f.id).slice(0, take)) list.push(kaifa(`STORM-${phase}-${m.id}`, m, (at += 40), phase === "BACK"));
        perSubstation.set(f.substationId, list);
      }
    }
    // Batches of 20 of one substation, round robin over the substations, every fourth one
    // mixing two substations' events.
    const queues = [...perSubstation.values()];
    const batches: unknown[][] = [];
    for (let n = 0; queues.some((q) => q.length); n++) {
      const s = n % queues.length;
      const mixed = n >= queues.length && n % 4 === 3 && queues[(s + 1) % queues.length].length > 0;
      const batch = mixed ? [...queues[s].splice(0, 10), ...queues[(s + 1) % queues.length].splice(0, 10)] : queues[s].splice(0, 20);
      if (batch.length) batches.push(batch);
    }
    const events = batches.flat().length;

    // The first batch of each substation alternately to each process: both hold some.
    for (const [i, batch] of batches.slice(0, 4).entries()) expect((await post(i % 2 ? b.url : a.url, batch)).status).toBe(200);
    const split = await leases();
    expect(split.some((l) => ownerOf(a)(l.owner))).toBe(true);
    expect(split.some((l) => ownerOf(b)(l.owner))).toBe(true);

    let killedAt = 0;
    let aHeld: number[] = [];
    // From the kill on: when the killed process's leases lapsed, and when the survivor held them all.
    let lapsedMs = -1;
    let tookOverMs = -1;
    let watch: Promise<void> | undefined;
    const watchTakeOver = async () => {
      while (tookOverMs < 0 && Date.now() - killedAt < 60_000) {
        const now = await leases();
        const held = now.filter((l) => aHeld.includes(l.substation_id));
        if (lapsedMs < 0 && held.every((l) => !l.live || !ownerOf(a)(l.owner))) lapsedMs = Date.now() - killedAt;
        if (held.length === aHeld.length && held.every((l) => ownerOf(b)(l.owner))) tookOverMs = Date.now() - killedAt;
        await sleep(100);
      }
    };
    let next = 4;
    const half = Math.floor(batches.length / 2);
    const unanswered: string[] = [];
    const lane = async (laneNo: number) => {
      while (next < batches.length) {
        const n = next++;
        if (n === half && !killedAt) {
          aHeld = (await leases()).filter((l) => ownerOf(a)(l.owner)).map((l) => l.substation_id);
          a.child.kill("SIGKILL");
          killedAt = Date.now();
          watch = watchTakeOver();
        }
        // Alternately to both while both run; then everything, and every batch without a 200
        // again, to the survivor.
        let target = !killedAt && (n + laneNo) % 2 ? a.url : b.url;
        for (let attempt = 0; ; attempt++) {
          const answer = await post(target, batches[n]).catch(() => undefined);
          if (answer?.status === 200) {
            for (const r of answer.body.results) if (r.status === "pending") unanswered.push(r.source_event_id);
            break;
          }
          expect(attempt).toBeLessThan(5);
          target = b.url;
          await sleep(500);
        }
        if (killedAt) await sleep(200);
      }
    };
    await Promise.all([lane(0), lane(1), lane(2), lane(3)]);
    expect(killedAt).toBeGreaterThan(0);
    expect(aHeld.length).toBeGreaterThan(0);

    // The survivor takes the killed process's substations on its next signal of them once their
    // leases lapse, and finishes what the killed one had accepted.
    let unfinished = -1;
    for (const deadline = Date.now() + 75_000; Date.now() < deadline; await sleep(250)) {
      [{ unfinished }] = await rows<{ unfinished: number }>(sql`SELECT COUNT(*)::int AS unfinished FROM ingest_inbox WHERE status IN ('received', 'failed')`);
      if (unfinished === 0) break;
    }
    await watch;
    const finishedMs = Date.now() - killedAt;
    console.log(`leases test: ${events} storm events in ${batches.length} batches; process A killed holding substations ${aHeld.join(", ")}; `
      + `their leases lapsed ${(lapsedMs / 1000).toFixed(1)} s and the survivor held them all ${(tookOverMs / 1000).toFixed(1)} s after the kill (lease TTL ${SUBSTATION_LEASE_TTL_MS / 1000} s); `
      + `${unanswered.length} answered pending; everything finished ${(finishedMs / 1000).toFixed(1)} s after the kill`);
    expect(unfinished).toBe(0);
    expect(lapsedMs).toBeGreaterThanOrEqual(0);
    // The TTL, give or take the watch's own pace on a busy machine.
    expect(lapsedMs).toBeLessThanOrEqual(SUBSTATION_LEASE_TTL_MS + 3_000);
    expect(tookOverMs).toBeGreaterThanOrEqual(0);
    expect(tookOverMs).toBeLessThan(30_000);
    const after = await leases();
    expect(after.filter((l) => ownerOf(a)(l.owner))).toEqual([]);
    for (const id of aHeld) expect(after.find((l) => l.substation_id === id)?.owner).toSatisfy(ownerOf(b));

    // Every event processed exactly once, whichever process and however often it was sent.
    const [inbox] = await rows<{ n: number; done: number; once: number }>(sql`
      SELECT COUNT(*)::int AS n, COUNT(*) FILTER (WHERE status = 'processed')::int AS done, COUNT(*) FILTER (WHERE attempts = 1)::int AS once
      FROM ingest_inbox WHERE source_event_id LIKE 'STORM-%'`);
    expect(inbox).toEqual({ n: events, done: events, once: events });
    const [written] = await rows<{ n: number; ids: number }>(sql`
      SELECT COUNT(*)::int AS n, COUNT(DISTINCT event_id)::int AS ids FROM kaifa_events WHERE event_id LIKE 'STORM-%'`);
    expect(written).toEqual({ n: events, ids: events });
    // At most one change of its meter per event (a last gasp older than a restore already
    // processed changes nothing; `taken_as_back` is the pipeline's own later move, citing the gasp).
    const [statusEvents] = await rows<{ n: number; ids: number }>(sql`
      SELECT COUNT(*)::int AS n, COUNT(DISTINCT source_event_id)::int AS ids FROM oms_meter_status_events
      WHERE source_type = 'kaifa' AND source_event_id LIKE 'STORM-%' AND event_type <> 'taken_as_back'`);
    expect(statusEvents.n).toBe(statusEvents.ids);
    expect(statusEvents.n).toBeGreaterThan(events / 2);
    const linkedTwice = await rows<{ source_event_id: string }>(sql`
      SELECT source_event_id FROM oms_event_sources WHERE source_event_id LIKE 'STORM-%'
      GROUP BY outage_event_id, source_event_id HAVING COUNT(*) > 1`);
    expect(linkedTwice).toEqual([]);

    // No duplicate outage: one open outage per faulted device, no meter held by two live outages,
    // and every storm feeder has its outage.
    const twoPerDevice = await rows<{ level: string; id: number }>(sql`
      SELECT predicted_device_level AS level, predicted_device_id AS id FROM oms_outage_events
      WHERE status IN ('detected', 'confirmed', 'in_progress') GROUP BY 1, 2 HAVING COUNT(*) > 1`);
    expect(twoPerDevice).toEqual([]);
    const heldTwice = await rows<{ meter_id: number }>(sql`
      SELECT am.meter_id FROM oms_outage_affected_meters am JOIN oms_outage_events o ON o.id = am.outage_event_id
      WHERE am.state <> 'restored' AND (o.status IN ('detected', 'confirmed', 'in_progress') OR (o.status = 'restored' AND o.verification_due_at IS NOT NULL))
      GROUP BY am.meter_id HAVING COUNT(DISTINCT o.id) > 1`);
    expect(heldTwice).toEqual([]);
    const feedersWithOutage = await rows<{ feeder_id: number }>(sql`
      SELECT DISTINCT feeder_id FROM oms_outage_events WHERE feeder_id = ANY(${sql.param(stormFeeders.map((f) => f.id))}::int[])`);
    expect(feedersWithOutage).toHaveLength(stormFeeders.length);
  }, 180_000);
});

describe.runIf(!process.env.DATABASE_URL)("one process on PGlite: no leases", () => {
  it("correlates here as before, with no lease taken and no hand-off", async () => {
    const test = await startTestServer(generateNetwork({ meters: 400, seed: 9, substations: 2 }));
    try {
      expect(test.server.services.ingest.leases).toBeUndefined();
      const m = test.network.meters[0];
      const answer = await test.post("/api/ingest/kaifa", [kaifa("SOLO-1", m, 0)]);
      expect(answer.status).toBe(200);
      expect(answer.body.results[0].status).not.toBe("pending");
      expect(await test.rows(sql`SELECT * FROM oms_substation_leases`)).toEqual([]);
      expect((await test.get("/api/ingest/stats")).body.process).toBeUndefined();
    } finally {
      await test.stop();
    }
  }, 180_000);
});
