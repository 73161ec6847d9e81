import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { generateNetwork } from "../db/seed/generate";
import { generateStorm } from "../server/scenarios/storm";
import { runStorm, StormClock } from "../server/scenarios/run";
import { runtimeName } from "./helpers/db";
import { startTestServer, type TestServer } from "./helpers/server";

const METRICS_TOKEN = "metrics-token-for-the-test-0123456789";
const network = generateNetwork({ meters: 1200, seed: 21, substations: 2, feeders: 8, distributionPoints: 120 });

/** `name{labels} value` lines of the text format, as [labels, value]. */
function samples(text: string, name: string): Array<[Record<string, string>, number]> {
  return text.split("\n").filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `)).map((l) => {
    const m = /^[^{ ]+(?:\{(.*)\})? (\S+)$/.exec(l)!;
    const labels = Object.fromEntries([...(m[1] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    return [labels, Number(m[2])];
  });
}
const sum = (s: Array<[Record<string, string>, number]>, where: Record<string, string> = {}) =>
  s.filter(([l]) => Object.entries(where).every(([k, v]) => l[k] === v)).reduce((a, [, v]) => a + v, 0);

describe(`Prometheus metrics on ${runtimeName}`, () => {
  let t: TestServer;
  const startedAt = new Date();
  const clock = new StormClock(startedAt);
  beforeAll(async () => {
    t = await startTestServer(network, { METRICS_TOKEN }, { now: clock.now });
  });
  afterAll(async () => t?.stop());

  it("answers only a bearer of METRICS_TOKEN", async () => {
    expect((await fetch(`${t.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${t.url}/metrics`, { headers: { authorization: "Bearer wrong-token-wrong-token-00000" } })).status).toBe(401);
    const res = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
  });

  it("counts a storm's events by source and outcome, and shows what the storm left", async () => {
    const storm = generateStorm(network, { seed: 3, faults: 4, momentaries: 1, strayCalls: 2, spreadMs: 3 * 60_000, amiLoss: 0.2, duplicateShare: 0.1, lateShare: 0.05,
      deviceBlips: 0, silentCallers: 0, missingCloses: 0, coincident: 0, substationWaves: 0, crewRestores: 0 }, startedAt);
    const { replay } = await runStorm(t.server, storm, clock, {
      keys: { scada: t.keys.scada, kaifa: t.keys.kaifa, onu: t.keys.onu, call_center: t.keys.call_center },
      cookie: await t.signIn("dispatcher"), speed: Infinity, concurrency: 2,
    });
    expect(replay.failures).toEqual([]);

    // A bad event too (counted as rejected) beside an unknown ONU (unmatched).
    const bad = await t.post("/api/ingest/onu", [
      { eventId: "METRICS-UNKNOWN-ONU", type: "ONU_LastGaspAlert", onuId: 987654321, timestamp: clock.now().toISOString() },
      { eventId: "METRICS-BAD", type: "ONU_LastGaspAlert", onuId: 1 },
    ]);
    expect(bad.status).toBe(207);

    const text = await (await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    const events = samples(text, "oms_ingest_events_total");
    const posted: Record<string, number> = {};
    for (const p of storm.posts) {
      if (p.route === "crew-restore") continue;
      const source = p.route === "call-center" ? "call_center" : p.route;
      posted[source] = (posted[source] ?? 0) + (Array.isArray(p.body) ? p.body.length : 1);
    }
    posted.onu = (posted.onu ?? 0) + 2;
    for (const [source, n] of Object.entries(posted)) expect(sum(events, { source }), source).toBe(n);
    expect(sum(events, { outcome: "rejected" })).toBe(1);
    // Every first delivery is in the inbox once; every other delivery was counted as a duplicate.
    const [inbox] = await t.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM ingest_inbox`);
    expect(sum(events) - sum(events, { outcome: "duplicate" }) - sum(events, { outcome: "rejected" })).toBe(inbox!.n);
    expect(sum(events, { outcome: "duplicate" })).toBeGreaterThan(0);

    const requests = storm.posts.filter((p) => p.route !== "crew-restore").length + 1;
    expect(sum(samples(text, "oms_ingest_batch_size_count"))).toBe(requests);
    expect(sum(samples(text, "oms_ingest_request_duration_seconds_count"))).toBe(requests);
    expect(sum(samples(text, "oms_push_lag_seconds_count"))).toBeGreaterThan(0);
    // Every correlation pass took its substations' locks, and said how long it waited.
    expect(sum(samples(text, "oms_substation_lock_wait_seconds_count"))).toBeGreaterThan(0);
    // Requests whose pass pushed a change: from the POST's events validated to that push.
    expect(sum(samples(text, "oms_ingest_post_to_push_seconds_count"))).toBeGreaterThan(0);
    expect(sum(samples(text, "oms_ingest_post_to_push_seconds_count"))).toBeLessThanOrEqual(requests);
    expect(sum(samples(text, "oms_changes_pushed_total"), { topic: "outage:created" })).toBeGreaterThan(0);

    const [open] = await t.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM oms_outage_events WHERE status IN ('detected','confirmed','in_progress')`);
    expect(sum(samples(text, "oms_open_outages"))).toBe(open!.n);
    expect(samples(text, "oms_customers_out")).toHaveLength(1);
    expect(samples(text, "oms_storm_mode")[0]![1]).toBe(0);
    expect(samples(text, "oms_socketio_clients")).toHaveLength(1);
    expect(samples(text, "nodejs_eventloop_lag_p99_seconds")).toHaveLength(1);
    expect(sum(samples(text, "process_resident_memory_bytes"))).toBeGreaterThan(10_000_000);
    if (runtimeName === "postgres") {
      expect(sum(samples(text, "oms_db_pool_connections"), { state: "max" })).toBeGreaterThan(0);
      expect(samples(text, "oms_db_lock_waits")).toHaveLength(1);
    }
  }, 240_000);

  it("shows storm mode switched on", async () => {
    const cookie = await t.signIn("supervisor");
    const res = await fetch(`${t.url}/api/oms/storm-mode/activate`, { method: "POST", headers: { cookie, origin: t.url, "content-type": "application/json" }, body: JSON.stringify({ activation_reason: "metrics test" }) });
    expect(res.status).toBe(200);
    const text = await (await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(samples(text, "oms_storm_mode")[0]![1]).toBe(1);
  });
});
