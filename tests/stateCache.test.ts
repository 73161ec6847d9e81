import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { createDb, queryRows, type DbHandle } from "../db/client";
import { generateNetwork } from "../db/seed/generate";
import { loadConfig } from "../server/config";
import { startServer, type RunningServer } from "../server/index";
import { emptyEvidence } from "../server/pipeline/evidence";
import { loadReports } from "../server/repository/loadState";
import { PlaceCallIndex } from "../server/repository/placeCalls";
import { networkModelToken } from "../db/queries/networkIdentities";
import { runtimeName } from "./helpers/db";
import { startTestServer, type TestServer } from "./helpers/server";

const network = generateNetwork({ meters: 1200, seed: 31, substations: 3 });
const iso = (offsetSeconds = 0) => new Date(Date.now() - 900_000 + offsetSeconds * 1000).toISOString();
const gasp = (tag: string, i: number, at: number, reason = "Last gasp signal detected") => ({
  message_type: "EndDeviceEvent", timestamp: iso(at),
  payload: { event_id: `${tag}-${i}`, severity: reason.startsWith("Last") ? "critical" : "info", reason, assets: { mrid: network.meters[i].meterNumber } },
});
/** Meters of one feeder: its first `count`. */
const feederMeters = (feederIndex: number, count: number) => {
  const feeder = network.feeders[feederIndex];
  return network.meters.map((m, i) => ({ m, i })).filter(({ m }) => m.feederId === feeder.id).slice(0, count).map(({ i }) => i);
};

/**
 * The pipeline keeps each substation's state in memory between batches (server/repository/
 * stateCache.ts). These tests run with OMS_VERIFY_STATE=1 (vitest.config.ts): every batch served
 * from memory is also loaded from the database and must equal it, or the batch fails.
 */
describe(`the pipeline's state in memory on ${runtimeName}`, () => {
  let a: TestServer;
  let second: DbHandle | undefined;
  let b: RunningServer;
  const stats = () => ({ ...a.server.services.ingest.state!.stats });
  const postTo = async (url: string, body: unknown) => {
    const res = await fetch(`${url}/api/ingest/kaifa`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${a.keys.kaifa}` }, body: JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  };

  beforeAll(async () => {
    expect(process.env.OMS_VERIFY_STATE).toBe("1");
    a = await startTestServer(network);
    second = process.env.DATABASE_URL
      ? await createDb({ databaseUrl: (await queryRows<{ url: string }>(a.server.database.db, sql`SELECT 'postgres://postgres@127.0.0.1:5432/' || current_database() AS url`))[0].url, dataDir: "unused", poolSize: 4 })
      : undefined;
    b = await startServer({ ...loadConfig({ PORT: "0", HOST: "127.0.0.1" }), seedOnEmpty: false },
      { pages: false, database: second ?? a.server.database, closeDatabase: !!second, log: () => {}, substationLeases: false });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  it("loads every substation's state when it starts: the first signals after a start find it in memory", async () => {
    // Before any other test writes: what a server warmed is current until another writer changes it.
    const warmed = await b.warmed;
    expect(warmed).toMatchObject({ substations: 3, meters: network.meters.length });
    const statsOfB = () => ({ ...b.services.ingest.state!.stats });
    const before = statsOfB();
    const meters = feederMeters(2, 4);
    const answer = await postTo(b.url, meters.map((i, k) => gasp("WARM", i, 300 + k)));
    expect(answer.body.results.map((r: { status: string }) => r.status)).toEqual(meters.map(() => "correlated"));
    const after = statsOfB();
    expect(after.loads).toBe(before.loads);
    expect(after.hits).toBeGreaterThan(before.hits);
  });

  it("serves batch after batch of one substation from memory, equal to the database every time", async () => {
    const meters = feederMeters(0, 12);
    const before = stats();
    for (const [k, i] of meters.entries()) {
      const answer = await postTo(a.url, [gasp("MEM", i, k)]);
      expect(answer.body.results[0].status).toBe("correlated");
    }
    const after = stats();
    // The first batch loads the substation; the others find it current.
    expect(after.loads - before.loads).toBeLessThanOrEqual(1);
    expect(after.hits - before.hits).toBeGreaterThanOrEqual(meters.length - 1);
    const [outage] = await a.rows<{ n: number }>(sql`SELECT COUNT(DISTINCT outage_event_id)::int AS n FROM oms_event_sources WHERE source_event_id LIKE 'MEM-%'`);
    expect(outage.n).toBeGreaterThanOrEqual(1);
  });

  it("loads a substation again after another writer changed it: a person's restoration", async () => {
    const meters = feederMeters(1, 6);
    const first = await postTo(a.url, meters.slice(0, 3).map((i, k) => gasp("VERB", i, 100 + k)));
    const outageId = first.body.results[0].outage_event_id;
    expect(outageId).toBeTruthy();
    const restored = await a.post("/api/oms/events/restore", {
      outage_event_id: outageId,
      restoration_data: { restoration_time: iso(200), restoration_reason: "Fuse replaced" },
    });
    expect(restored.status).toBe(200);
    const before = stats();
    // The verb moved the substation's version: the next batch must not use what memory held.
    const next = await postTo(a.url, meters.slice(3).map((i, k) => gasp("VERB", i, 300 + k)));
    expect(next.body.results.map((r: any) => r.status)).toEqual(["correlated", "correlated", "correlated"]);
    expect(stats().loads - before.loads).toBe(1);
    // Meters gasping after the restoration are a new outage, not the restored one.
    expect(next.body.results[0].outage_event_id).not.toBe(outageId);
  });

  it.runIf(process.env.DATABASE_URL)("loads a substation again after another process wrote to it", async () => {
    const meters = feederMeters(2, 8);
    await postTo(a.url, meters.slice(0, 4).map((i, k) => gasp("TWO", i, 400 + k)));
    // The second process correlates the same substation: restores of two of the meters.
    const back = await postTo(b.url, meters.slice(0, 2).map((i, k) => gasp("TWO-ON", i, 420 + k, "Power restored")));
    expect(back.status).toBe(200);
    const before = stats();
    const more = await postTo(a.url, meters.slice(4).map((i, k) => gasp("TWO", i, 440 + k)));
    expect(more.body.results.every((r: any) => r.status === "correlated")).toBe(true);
    expect(stats().loads - before.loads).toBe(1);
    const [power] = await a.rows<{ on: number }>(sql`
      SELECT COUNT(*) FILTER (WHERE power_status = 'on')::int AS on FROM oms_meters WHERE meter_number = ANY(${sql.param(meters.slice(0, 2).map((i) => network.meters[i].meterNumber))}::text[])`);
    expect(power.on).toBe(2);
  });

  it("forgets what it holds when the network model changes (a meter added or moved)", async () => {
    const meters = feederMeters(0, 16).slice(12);
    await postTo(a.url, [gasp("MODEL", meters[0], 600)]);
    const before = stats();
    await postTo(a.url, [gasp("MODEL", meters[1], 601)]);
    expect(stats().loads - before.loads).toBe(0);
    // An operator's statement on the model (here touching a meter's status) draws a new token.
    await a.rows(sql`UPDATE oms_meters SET status = status WHERE id = ${network.meters[meters[2]].id}`);
    const answer = await postTo(a.url, [gasp("MODEL", meters[2], 602)]);
    expect(answer.body.results[0].status).toBe("correlated");
    expect(stats().loads - before.loads).toBe(1);
  });

  it("finds calls placed only by a location exactly as the search over every call did", async () => {
    // Calls all around the network, near and far, some just inside and some just outside the
    // radius of a point; the restricted search must find the same point for each as the plain one.
    const dps = network.distributionPoints;
    const radius = 150;
    const db = a.server.database.db;
    let k = 0;
    for (const dp of dps.filter((_, i) => i % 7 === 0)) {
      for (const [dLat, dLng] of [[0, 0], [radius * 0.99 / 111_000, 0], [radius * 1.01 / 111_000, 0], [0, radius * 1.1 / 94_000], [0.01, 0.01], [-0.2, 0.3]]) {
        await db.execute(sql`INSERT INTO callcenter_tickets (ticket_id, lat, lng, event_timestamp)
          VALUES (${`LOC-${k++}`}, ${dp.locationLat + dLat}, ${dp.locationLng + dLng}, ${iso(500 + k)})`);
      }
    }
    const substations = (await queryRows<{ id: number }>(db, sql`SELECT id FROM network_substations ORDER BY id`)).map((r) => r.id);
    const now = new Date(Date.now() - 900_000 + 1_000_000);
    const rule = { windowMinutes: 60, radiusMeters: radius, momentarySeconds: 60 } as never;
    const index = new PlaceCallIndex();
    expect(substations).toHaveLength(3);
    for (const set of [[substations[0]], substations.slice(1, 3), substations]) {
      const evidence = emptyEvidence();
      await loadReports(db, set, now, rule, evidence);
      const plain = await queryRows<{ dpId: number; ticket: string }>(db, sql`
        SELECT DISTINCT ON (d.id) d.id AS "dpId", t.ticket_id AS ticket
        FROM callcenter_tickets t
        CROSS JOIN LATERAL (
          SELECT dp.id FROM network_distribution_points dp JOIN network_feeders f ON f.id = dp.feeder_id
          WHERE f.substation_id = ANY(${sql.param(set)}::int4[])
            AND ST_DWithin(dp.location::geography, ST_SetSRID(ST_MakePoint(t.lng, t.lat), 4326)::geography, ${radius})
          ORDER BY dp.location <-> ST_SetSRID(ST_MakePoint(t.lng, t.lat), 4326) LIMIT 1) d
        WHERE t.meter_id IS NULL AND t.lat IS NOT NULL AND t.lng IS NOT NULL AND t.event_timestamp >= ${new Date(now.getTime() - 3_600_000).toISOString()}
        ORDER BY d.id, t.event_timestamp DESC`);
      expect(plain.length).toBeGreaterThan(0);
      const expected = new Map(plain.map((r) => [r.dpId, r.ticket]));
      expect(new Map([...evidence.dpCalls].map(([dp, r]) => [dp, r.source.sourceEventId]))).toEqual(expected);
      // The process's index of where each call lies (kept across batches and substation sets) answers the same.
      const indexed = emptyEvidence();
      await loadReports(db, set, now, rule, indexed, index);
      expect(new Map([...indexed.dpCalls].map(([dp, r]) => [dp, r.source.sourceEventId]))).toEqual(expected);
    }
  });

  it("draws a new model token when a point moves: the calls' index depends on where points are", async () => {
    const db = a.server.database.db;
    const before = await networkModelToken(db);
    await db.execute(sql`UPDATE network_distribution_points SET location_lat = location_lat WHERE id = ${network.distributionPoints[0].id}`);
    expect(await networkModelToken(db)).not.toBe(before);
  });
});
