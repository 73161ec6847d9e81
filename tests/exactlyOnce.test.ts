import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { createDb, queryRows, type DbHandle } from "../db/client";
import { generateNetwork } from "../db/seed/generate";
import { loadConfig } from "../server/config";
import { startServer, type RunningServer } from "../server/index";
import { retryUnfinished } from "../server/ingest/retrier";
import { MAX_ATTEMPTS } from "../server/ingest/inbox";
import { ingest } from "../server/ingest/service";
import type { ParsedItem, Signal } from "../server/ingest/signal";
import { systemActor } from "../server/context";
import { runtimeName } from "./helpers/db";
import { callTrpc, startTestServer, type TestServer } from "./helpers/server";

const network = generateNetwork({ meters: 800, seed: 21 });
const iso = (offsetSeconds = 0) => new Date(Date.now() - 600_000 + offsetSeconds * 1000).toISOString();

/** A Kaifa last gasp for a meter; `tag` keeps event ids apart between tests. */
const gasp = (tag: string, i: number) => {
  const m = network.meters[i];
  return { message_type: "EndDeviceEvent", timestamp: iso(i % 50), payload: { event_id: `${tag}-${i}`, severity: "critical", reason: "Last gasp signal detected", assets: { mrid: m.meterNumber } } };
};
const batch = (tag: string, from: number, count: number) => Array.from({ length: count }, (_, k) => gasp(tag, from + k));

describe(`exactly-once ingestion on ${runtimeName}`, () => {
  let a: TestServer;
  let second: DbHandle | undefined;
  let b: RunningServer;
  const rows = <T>(q: ReturnType<typeof sql>) => queryRows<T>(a.server.database.db, q);
  const postTo = async (url: string, body: unknown) => {
    const res = await fetch(`${url}/api/ingest/kaifa`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${a.keys.kaifa}` }, body: JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  };

  /** Every event of the tag stored, processed and written once, whoever delivered it how often. */
  async function expectOnce(tag: string, count: number) {
    const [inbox] = await rows<{ n: number; done: number; once: number }>(sql`
      SELECT COUNT(*)::int AS n, COUNT(*) FILTER (WHERE status = 'processed')::int AS done, COUNT(*) FILTER (WHERE attempts = 1)::int AS once
      FROM ingest_inbox WHERE source_type = 'kaifa' AND source_event_id LIKE ${`${tag}-%`}`);
    expect(inbox).toEqual({ n: count, done: count, once: count });
    const [written] = await rows<{ n: number; ids: number }>(sql`
      SELECT COUNT(*)::int AS n, COUNT(DISTINCT event_id)::int AS ids FROM kaifa_events WHERE event_id LIKE ${`${tag}-%`}`);
    expect(written).toEqual({ n: count, ids: count });
    const [statusEvents] = await rows<{ n: number }>(sql`
      SELECT COUNT(*)::int AS n FROM oms_meter_status_events WHERE source_type = 'kaifa' AND source_event_id LIKE ${`${tag}-%`}`);
    expect(statusEvents.n).toBe(count);
    const twice = await rows<{ source_event_id: string }>(sql`
      SELECT source_event_id FROM oms_event_sources WHERE source_type = 'kaifa' AND source_event_id LIKE ${`${tag}-%`}
      GROUP BY outage_event_id, source_event_id HAVING COUNT(*) > 1`);
    expect(twice).toEqual([]);
  }

  /** Across the answers to copies of one batch, each event is answered first-hand exactly once. */
  function expectOneFirstAnswer(answers: Array<{ status: number; body: any }>, count: number) {
    for (const ans of answers) {
      expect(ans.status).toBe(200);
      expect(ans.body.results).toHaveLength(count);
    }
    const firstHand = answers.flatMap((ans) => ans.body.results.filter((r: any) => !r.duplicate));
    expect(firstHand).toHaveLength(count);
    expect(new Set(firstHand.map((r: any) => r.source_event_id)).size).toBe(count);
    // A copy answers what the first delivery answered (or, still in flight, that it is pending).
    const first = new Map(firstHand.map((r: any) => [r.source_event_id, r]));
    for (const r of answers.flatMap((ans) => ans.body.results.filter((x: any) => x.duplicate))) {
      if (r.status === "pending") expect(r.reason).toMatch(/still being processed/);
      else expect(r.outage_event_id).toBe(first.get(r.source_event_id).outage_event_id);
    }
  }

  beforeAll(async () => {
    // The retrier's passes are run by the tests below, which count what each one takes: the
    // background retrier (every 10 s) would race them on a slow machine.
    a = await startTestServer(network, {}, { inboxRetrier: false });
    // A second app instance on the same database: on PostgreSQL with its own connection pool,
    // as a second process would have; PGlite has one connection, so it shares the handle.
    second = process.env.DATABASE_URL ? await createDb({ databaseUrl: await databaseUrlOf(a), dataDir: "unused", poolSize: 4 }) : undefined;
    b = await startServer({ ...loadConfig({ PORT: "0", HOST: "127.0.0.1" }), seedOnEmpty: false },
      { pages: false, database: second ?? a.server.database, closeDatabase: !!second, log: () => {}, inboxRetrier: false });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  it("processes the same batch sent in three parallel requests to one process once", async () => {
    const body = batch("PAR", 0, 60);
    const answers = await Promise.all([postTo(a.url, body), postTo(a.url, body), postTo(a.url, body)]);
    expectOneFirstAnswer(answers, 60);
    await expectOnce("PAR", 60);
  });

  it("processes a batch split across two app instances on one database once, copies overlapping", async () => {
    const body = batch("TWO", 100, 80);
    const answers = await Promise.all([
      postTo(a.url, body), postTo(b.url, body),
      postTo(a.url, body.slice(0, 40)), postTo(b.url, body.slice(40)),
    ]);
    const whole = answers.slice(0, 2);
    expectOneFirstAnswer(whole.concat([{ status: 200, body: { results: [...answers[2].body.results, ...answers[3].body.results] } }]), 80);
    await expectOnce("TWO", 80);
  });

  it("processes a batch and the same batch reversed, sent to both instances at once, once and without a 5xx", async () => {
    // Opposite orders once deadlocked the two claims on the unique index (a 500).
    const body = batch("REV", 500, 250);
    const reversed = [...body].reverse();
    const answers = await Promise.all([postTo(a.url, body), postTo(b.url, reversed), postTo(b.url, body), postTo(a.url, reversed)]);
    const all = answers.map((ans) => ({ status: ans.status, body: { results: [...ans.body.results].sort((x: any, y: any) => x.source_event_id.localeCompare(y.source_event_id)) } }));
    expectOneFirstAnswer(all, 250);
    await expectOnce("REV", 250);
  });

  it("answers a re-delivery with the first answer, and a copy inside one batch too", async () => {
    const body = batch("RE", 300, 5);
    const first = await postTo(a.url, body);
    const again = await postTo(b.url, [...body, body[0]]);
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 6 });
    expect(again.body.results[5]).toMatchObject({ duplicate: true, outage_event_id: first.body.results[0].outage_event_id });
    await expectOnce("RE", 5);
  });

  it("finishes by itself what a crashed request left unfinished, once", async () => {
    // What a request that died after storing its events leaves behind: rows still claimed by an
    // owner that will never come back, whose lease has run out.
    const body = batch("ORPHAN", 400, 30);
    const first = await postTo(a.url, body.slice(0, 10));
    expect(first.status).toBe(200);
    await a.server.database.db.execute(sql`
      INSERT INTO ingest_inbox (source_type, source_event_id, payload, signals, status, api_key_id, claimed_by, claimed_until)
      SELECT 'kaifa', source_event_id || '-copy', payload, jsonb_set(signals, '{0,sourceEventId}', to_jsonb(source_event_id || '-copy')),
        'received', api_key_id, 'request:dead', clock_timestamp() - interval '1 second'
      FROM ingest_inbox WHERE source_type = 'kaifa' AND source_event_id LIKE 'ORPHAN-%'`);
    // Meanwhile a re-delivery of one of them takes it over at once instead of waiting for it.
    const redelivered = await postTo(b.url, [{ ...body[0], payload: { ...body[0].payload, event_id: "ORPHAN-400-copy" } }]);
    expect(redelivered.body.results[0]).toMatchObject({ status: "correlated", source_event_id: "ORPHAN-400-copy" });
    expect(redelivered.body.results[0].duplicate).toBeUndefined();
    const pass = await retryUnfinished(a.server.services.ingest);
    expect(pass).toMatchObject({ claimed: 9, processed: 9, pending: 0 });
    expect(await retryUnfinished(a.server.services.ingest)).toMatchObject({ claimed: 0 });
    const copies = await rows<{ status: string; attempts: number }>(sql`
      SELECT status, attempts FROM ingest_inbox WHERE source_event_id LIKE 'ORPHAN-%-copy' ORDER BY id`);
    expect(copies).toEqual(Array.from({ length: 10 }, () => ({ status: "processed", attempts: 1 })));
    const [written] = await rows<{ n: number }>(sql`SELECT COUNT(*)::int AS n FROM kaifa_events WHERE event_id LIKE 'ORPHAN-%-copy'`);
    expect(written.n).toBe(10);
  });

  it("isolates an event that breaks processing, retries it with backoff, parks it, and lets a supervisor retry it", async () => {
    // A stored event the pipeline cannot process (its time is not a time), beside a good one.
    await a.server.database.db.execute(sql`
      INSERT INTO ingest_inbox (source_type, source_event_id, payload, signals, status)
      SELECT 'kaifa', ids.sid, '{}'::jsonb, jsonb_build_array(jsonb_build_object('sourceType', 'kaifa', 'sourceEventId', ids.sid, 'kind', 'power_off',
        'occurredAt', ids.t, 'meter', jsonb_build_object('meterNumber', ${network.meters[500].meterNumber}::text), 'attributes', '{}'::jsonb)), 'received'
      FROM (VALUES ('POISON-1', 'not a time'), ('GOOD-1', ${iso(5)}::text)) AS ids(sid, t)`);
    const pass = await retryUnfinished(a.server.services.ingest);
    expect(pass).toMatchObject({ claimed: 2, processed: 1, pending: 1 });
    const state = async () => (await rows<{ sid: string; status: string; attempts: number; due: boolean }>(sql`
      SELECT source_event_id AS sid, status, attempts, next_attempt_at > clock_timestamp() AS due FROM ingest_inbox
      WHERE source_event_id IN ('POISON-1', 'GOOD-1') ORDER BY source_event_id`));
    expect(await state()).toEqual([
      { sid: "GOOD-1", status: "processed", attempts: 1, due: null },
      { sid: "POISON-1", status: "failed", attempts: 1, due: true },
    ]);
    // Not due yet: the next pass leaves it alone.
    expect(await retryUnfinished(a.server.services.ingest)).toMatchObject({ claimed: 0 });
    for (let attempt = 2; attempt <= MAX_ATTEMPTS; attempt++) {
      await a.server.database.db.execute(sql`UPDATE ingest_inbox SET next_attempt_at = clock_timestamp() WHERE source_event_id = 'POISON-1'`);
      expect(await retryUnfinished(a.server.services.ingest)).toMatchObject({ claimed: 1, pending: 1 });
    }
    expect((await state())[1]).toMatchObject({ status: "dead", attempts: MAX_ATTEMPTS });

    const stats = await a.get("/api/ingest/stats");
    expect(stats.body).toMatchObject({ parked: 1, unfinished: 0 });
    expect(stats.body.bySource.kaifa.total.dead).toBe(1);
    const supervisor = await a.signIn("supervisor");
    const parked = await fetch(`${a.url}/api/ingest/parked`, { headers: { cookie: supervisor } }).then((r) => r.json());
    expect(parked.events).toEqual([expect.objectContaining({ source: "kaifa", sourceEventId: "POISON-1", attempts: MAX_ATTEMPTS, error: expect.stringMatching(/Invalid time value|invalid/i) })]);
    const viewer = await a.signIn("viewer");
    expect((await fetch(`${a.url}/api/ingest/parked`, { headers: { cookie: viewer } })).status).toBe(403);
    expect((await callTrpc(a.url, "admin.ingest.parked", "query", undefined, viewer)).status).toBe(403);

    const retried = await callTrpc(a.url, "admin.ingest.retry", "mutation", { ids: [parked.events[0].id] }, supervisor);
    expect(retried.status).toBe(200);
    expect((await state())[1]).toMatchObject({ status: "failed", attempts: 0 });
    const [audit] = await rows<{ action: string; actor_type: string }>(sql`SELECT action, actor_type FROM oms_audit_log WHERE action = 'ingest.retry'`);
    expect(audit).toEqual({ action: "ingest.retry", actor_type: "user" });
    expect(await retryUnfinished(a.server.services.ingest)).toMatchObject({ claimed: 1, pending: 1 });
  });

  it("stores a fresh event with its answer in the pass that processes it, and one whose processing fails as failed, to be retried", async () => {
    // Two events as a route hands them over, not stored before: one good, one the pipeline
    // cannot process (its time is not a time, which no adapter lets through).
    const meter = network.meters[600];
    const signal = (sid: string, at: Date): Signal => ({ sourceType: "kaifa", sourceEventId: sid, kind: "power_off", occurredAt: at, meter: { meterNumber: meter.meterNumber }, attributes: {} });
    const items: ParsedItem[] = [
      { ok: true, index: 0, raw: { id: "FRESH-GOOD" }, signals: [signal("FRESH-GOOD", new Date(Date.now() - 300_000))] },
      { ok: true, index: 1, raw: { id: "FRESH-POISON" }, signals: [signal("FRESH-POISON", new Date(Number.NaN))] },
      { ok: true, index: 2, raw: { id: "FRESH-GOOD" }, signals: [signal("FRESH-GOOD", new Date(Date.now() - 300_000))] },
    ];
    const actor = systemActor;
    const answer = await ingest(a.server.services.ingest, actor, "kaifa", items);
    expect(answer.results.map((r) => [r.index, r.status, r.duplicate ?? false])).toEqual([
      [0, "correlated", false], [1, "pending", false], [2, "correlated", true],
    ]);
    expect(answer.results[1].reason).toMatch(/processing failed/);
    expect(answer.results[2].outage_event_id).toBe(answer.results[0].outage_event_id);
    const stored = await rows<{ sid: string; status: string; attempts: number; answered: boolean; claimed: boolean; due: boolean; error: boolean }>(sql`
      SELECT source_event_id AS sid, status, attempts, response IS NOT NULL AS answered, claimed_by IS NOT NULL AS claimed,
        next_attempt_at > clock_timestamp() AS due, error IS NOT NULL AS error
      FROM ingest_inbox WHERE source_event_id LIKE 'FRESH-%' ORDER BY source_event_id`);
    expect(stored).toEqual([
      { sid: "FRESH-GOOD", status: "processed", attempts: 1, answered: true, claimed: false, due: null, error: false },
      { sid: "FRESH-POISON", status: "failed", attempts: 1, answered: false, claimed: false, due: true, error: true },
    ]);
    // The raw row of the good one references its inbox row; a re-delivery is answered as the first time.
    const [raw] = await rows<{ linked: boolean }>(sql`
      SELECT k.inbox_id = i.id AS linked FROM kaifa_events k JOIN ingest_inbox i ON i.source_event_id = k.event_id WHERE k.event_id = 'FRESH-GOOD'`);
    expect(raw).toEqual({ linked: true });
    // Re-delivered: the good one is answered as the first time; the failed one, unowned, is taken
    // over at once and tried again (its second attempt), as a failed row re-delivered always was.
    const again = await ingest(a.server.services.ingest, actor, "kaifa", items.slice(0, 2));
    expect(again.results.map((r) => [r.status, r.duplicate ?? false])).toEqual([["correlated", true], ["pending", false]]);
    expect(again.results[0].outage_event_id).toBe(answer.results[0].outage_event_id);
    const [poison] = await rows<{ status: string; attempts: number }>(sql`SELECT status, attempts FROM ingest_inbox WHERE source_event_id = 'FRESH-POISON'`);
    expect(poison).toEqual({ status: "failed", attempts: 2 });
    const [written] = await rows<{ n: number }>(sql`SELECT COUNT(*)::int AS n FROM kaifa_events WHERE event_id LIKE 'FRESH-%'`);
    expect(written.n).toBe(1);
  });
});

/** The PostgreSQL URL of the test server's own database (the helper made it for this file). */
async function databaseUrlOf(server: TestServer): Promise<string> {
  const [{ name }] = await queryRows<{ name: string }>(server.server.database.db, sql`SELECT current_database() AS name`);
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${name}`;
  return url.toString();
}
