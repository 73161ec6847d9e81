import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import pg from "pg";
import { queryRows } from "../db/client";
import { generateNetwork } from "../db/seed/generate";
import { generateStorm } from "../server/scenarios/storm";
import { runStorm, StormClock } from "../server/scenarios/run";
import { pruneOnce, RETENTION_LOCK_KEY, type RetentionPolicy } from "../server/retention/prune";
import { runtimeName } from "./helpers/db";
import { startTestServer, type TestServer } from "./helpers/server";

const network = generateNetwork({ meters: 1200, seed: 31, substations: 2, feeders: 8, distributionPoints: 120 });
const policy: RetentionPolicy = { changeLogDays: 30, inboxDays: 90, rejectionsDays: 90, rawEventsDays: 365, batchRows: 10 };
const PRUNED = ["oms_change_log", "ingest_inbox", "ingest_rejections", "scada_events", "kaifa_events", "onu_events", "callcenter_tickets"];
/** History: never pruned, whatever its age. */
const KEPT = ["oms_outage_events", "oms_event_sources", "oms_event_timeline", "oms_outage_affected_meters", "oms_momentary_interruptions", "oms_device_momentaries", "oms_meter_status_events", "oms_audit_log", "oms_storm_mode_config", "scada_event_affected_meters"];

describe(`retention on ${runtimeName}: old rows go, history stays`, () => {
  let t: TestServer;
  const startedAt = new Date();
  const clock = new StormClock(startedAt);
  const count = async (table: string) => (await t.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)}`))[0]!.n;
  const counts = async (tables: string[]) => Object.fromEntries(await Promise.all(tables.map(async (table) => [table, await count(table)] as const)));

  beforeAll(async () => {
    t = await startTestServer(network, {}, { now: clock.now });
    const storm = generateStorm(network, { seed: 4, faults: 4, momentaries: 2, strayCalls: 2, spreadMs: 3 * 60_000, amiLoss: 0.2, duplicateShare: 0.05, lateShare: 0,
      deviceBlips: 0, silentCallers: 0, missingCloses: 0, coincident: 0, substationWaves: 0, crewRestores: 0 }, startedAt);
    const { replay } = await runStorm(t.server, storm, clock, {
      keys: { scada: t.keys.scada, kaifa: t.keys.kaifa, onu: t.keys.onu, call_center: t.keys.call_center },
      cookie: await t.signIn("dispatcher"), speed: Infinity, concurrency: 2,
    });
    expect(replay.failures).toEqual([]);
    for (let i = 0; i < policy.batchRows + 2; i++) expect((await t.post("/api/ingest/kaifa", [{ message_type: "EndDeviceEvent", n: i }])).status).toBe(400);
  }, 240_000);
  afterAll(async () => t?.stop());

  it("prunes, in small batches, what is past its age and keeps outage history, timelines, momentaries and the audit log", async () => {
    const before = await counts([...PRUNED, ...KEPT]);
    for (const table of ["oms_change_log", "ingest_inbox", "ingest_rejections", "kaifa_events", "onu_events", "callcenter_tickets"]) expect(before[table], table).toBeGreaterThan(policy.batchRows);
    expect(before.oms_momentary_interruptions! + before.oms_device_momentaries!).toBeGreaterThan(0);
    expect(before.oms_outage_events).toBeGreaterThan(0);

    // Everything the storm left is made 400 days old; then one fresh event arrives.
    const old = sql`now() - interval '400 days'`;
    for (const table of ["oms_change_log", "scada_events", "kaifa_events", "onu_events", "callcenter_tickets"]) await t.rows(sql`UPDATE ${sql.identifier(table)} SET created_at = ${old}`);
    for (const table of ["ingest_inbox", "ingest_rejections"]) await t.rows(sql`UPDATE ${sql.identifier(table)} SET received_at = ${old}`);
    await t.rows(sql`UPDATE oms_outage_events SET first_detected_at = ${old}, last_updated_at = ${old}`);
    await t.rows(sql`UPDATE oms_event_timeline SET created_at = ${old}`);
    await t.rows(sql`UPDATE oms_audit_log SET created_at = ${old}`);
    const fresh = await t.post("/api/ingest/onu", { eventId: "RETENTION-FRESH", type: "ONU_LastGaspAlert", onuId: 987654321, timestamp: clock.now().toISOString() });
    expect(fresh.status).toBe(200);
    const liveScada = (await t.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM scada_events e JOIN oms_outage_events o ON o.id = e.outage_event_id
      WHERE o.status IN ('detected', 'confirmed', 'in_progress') OR (o.status = 'restored' AND o.verification_due_at IS NOT NULL)`))[0]!.n;
    const after = await counts(KEPT);

    const pruned = await pruneOnce(t.server.database.db, policy, new Date());
    expect(pruned).not.toBeNull();
    // More rows than one batch went from the tables with most, so several batches ran.
    expect(pruned!.ingest_inbox).toBe(before.ingest_inbox);
    expect(pruned!.oms_change_log).toBeGreaterThan(policy.batchRows);

    const left = await counts([...PRUNED, ...KEPT]);
    expect(left.ingest_inbox).toBe(1); // the fresh event
    expect((await t.rows<{ id: string }>(sql`SELECT source_event_id AS id FROM ingest_inbox`)).map((r) => r.id)).toEqual(["RETENTION-FRESH"]);
    expect(left.ingest_rejections).toBe(0);
    expect(left.kaifa_events).toBe(0);
    expect(left.callcenter_tickets).toBe(0);
    expect(left.onu_events).toBe(1); // the fresh event's
    expect(left.scada_events).toBe(liveScada); // a live outage keeps its SCADA events
    // The change log keeps what is younger than 30 days (the fresh event's changes) and at least its newest row.
    const [young] = await t.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM oms_change_log WHERE created_at > now() - interval '1 day'`);
    expect(left.oms_change_log).toBe(Math.max(1, young!.n));
    for (const table of KEPT) if (table !== "scada_event_affected_meters") expect(left[table], table).toBe(after[table]);

    // A second pass finds nothing more.
    const again = await pruneOnce(t.server.database.db, policy, new Date());
    expect(Object.values(again!).reduce((a, b) => a + b, 0)).toBe(0);
  }, 120_000);

  it("leaves the work to the process that holds the retention lock (PostgreSQL)", async () => {
    if (runtimeName !== "postgres") {
      // PGlite is one process with one session: nothing else can hold the lock.
      expect(t.server.database.kind).toBe("pglite");
      return;
    }
    await t.rows(sql`UPDATE ingest_inbox SET received_at = now() - interval '400 days'`);
    const [{ name }] = await queryRows<{ name: string }>(t.server.database.db, sql`SELECT current_database() AS name`);
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `/${name}`;
    const other = new pg.Client({ connectionString: url.toString() });
    await other.connect();
    try {
      await other.query("SELECT pg_advisory_lock($1)", [RETENTION_LOCK_KEY]);
      expect(await pruneOnce(t.server.database.db, policy, new Date())).toBeNull();
      expect(await count("ingest_inbox")).toBe(1);
      await other.query("SELECT pg_advisory_unlock($1)", [RETENTION_LOCK_KEY]);
      expect((await pruneOnce(t.server.database.db, policy, new Date()))!.ingest_inbox).toBe(1);
      expect(await count("ingest_inbox")).toBe(0);
    } finally {
      await other.end();
    }
  });
});
