import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateNetwork } from "../db/seed/generate";
import type { CrewRestoreBody } from "../server/demo/payloads";
import { generateStorm, type StormCases } from "../server/scenarios/storm";
import { runStorm, StormClock } from "../server/scenarios/run";
import { MAX_DELIVERY_LAG_MS } from "../server/scenarios/replay";
import { runtimeName } from "./helpers/db";
import { findOrphans } from "../db/queries/integrity";
import { startTestServer, type TestServer } from "./helpers/server";

const network = generateNetwork({ meters: 2400, seed: 17, substations: 3, feeders: 16, distributionPoints: 240 });
/** None of the harder cases: the storm the demo kinds make. */
const NO_HARDER_CASES: StormCases = { deviceBlips: 0, silentCallers: 0, missingCloses: 0, coincident: 0, substationWaves: 0, crewRestores: 0 };

describe(`a small storm replayed end to end on ${runtimeName}`, () => {
  let test: TestServer;
  const startedAt = new Date();
  const clock = new StormClock(startedAt);
  beforeAll(async () => {
    test = await startTestServer(network, {}, { now: clock.now });
  });
  afterAll(async () => {
    await test?.stop();
  });

  it("is found with precision and recall of at least 0.9, at the right devices, and restored", async () => {
    const options = { seed: 5, faults: 10, momentaries: 3, strayCalls: 3, spreadMs: 4 * 60_000, amiLoss: 0.2, duplicateShare: 0.05, lateShare: 0.05, ...NO_HARDER_CASES };
    const storm = generateStorm(network, options, startedAt);
    expect(storm.truth.outages.length).toBeGreaterThanOrEqual(10);
    expect(storm.posts.some((p) => p.delivery === "duplicate")).toBe(true);
    expect(storm.posts.some((p) => p.delivery === "late")).toBe(true);

    const answeredAtMs = new Map<number, number>();
    const { replay, score } = await runStorm(test.server, storm, clock, {
      keys: { scada: test.keys.scada, kaifa: test.keys.kaifa, onu: test.keys.onu, call_center: test.keys.call_center },
      cookie: await test.signIn("dispatcher"), speed: Infinity, concurrency: 2,
      onStep: async (index) => void answeredAtMs.set(index, Date.now()),
    });
    expect(replay.failures).toEqual([]);
    // At full speed no post went out while one more than MAX_DELIVERY_LAG_MS older (storm time) was unanswered.
    const early: string[] = [];
    let older = 0; // posts[0, older) are more than the lag older than the post looked at
    let lastAnswer = { at: -Infinity, index: -1 };
    storm.posts.forEach((post, j) => {
      for (; storm.posts[older].atMs < post.atMs - MAX_DELIVERY_LAG_MS; older++) {
        if (answeredAtMs.get(older)! > lastAnswer.at) lastAnswer = { at: answeredAtMs.get(older)!, index: older };
      }
      if (lastAnswer.at > replay.postedAtMs[j]) early.push(`post ${j} went out before post ${lastAnswer.index} was answered`);
    });
    expect(early).toEqual([]);
    expect(older).toBeGreaterThan(storm.posts.length / 2);
    expect(score.recall).toBeGreaterThanOrEqual(0.9);
    expect(score.precision).toBeGreaterThanOrEqual(0.9);
    expect(score.deviceRight).toBeGreaterThanOrEqual(0.8);
    expect(score.falseFromNoise.momentary).toBe(0);
    expect(score.nested.found).toBe(score.nested.truth);
    expect(score.restorationDetected.restored).toBeGreaterThanOrEqual(score.restorationDetected.of * 0.9);
    expect(score.timeToScreenMs.samples).toBeGreaterThan(0);
  }, 240_000);
});

describe(`the storm's harder cases replayed end to end on ${runtimeName}, one post at a time`, () => {
  let test: TestServer;
  const startedAt = new Date();
  const clock = new StormClock(startedAt);
  beforeAll(async () => {
    test = await startTestServer(network, {}, { now: clock.now });
  });
  afterAll(async () => {
    await test?.stop();
  });

  it("sends every case through the real routes, each crew's restoration through the REST API, and calls onStep after every answer", async () => {
    const storm = generateStorm(network, {
      seed: 8, faults: 2, momentaries: 0, strayCalls: 0, spreadMs: 4 * 60_000,
      deviceBlips: 3, silentCallers: 1, missingCloses: 1, coincident: 3, substationWaves: 1, crewRestores: 3,
    }, startedAt);
    const crewPosts = storm.posts.map((p, i) => ({ p, i })).filter(({ p }) => p.route === "crew-restore");
    expect(crewPosts).toHaveLength(3);

    const steps: number[] = [];
    const restoredWhenStepped = new Map<number, string[]>();
    const { replay, score } = await runStorm(test.server, storm, clock, {
      keys: { scada: test.keys.scada, kaifa: test.keys.kaifa, onu: test.keys.onu, call_center: test.keys.call_center, oms_api: test.keys.oms_api },
      cookie: await test.signIn("dispatcher"), speed: Infinity, concurrency: 1,
      onStep: async (index) => {
        steps.push(index);
        const post = storm.posts[index];
        if (post.route !== "crew-restore") return;
        // Between posts the database already holds the crew's restoration.
        const rows = await test.rows<{ status: string }>(sql`SELECT status FROM oms_outage_events WHERE predicted_device_code = ${(post.body as CrewRestoreBody).deviceCode}`);
        restoredWhenStepped.set(index, rows.map((r) => r.status));
      },
    });
    expect(replay.failures).toEqual([]);
    expect(steps).toEqual(storm.posts.map((_, i) => i));
    // Every crew found its outage at the device and restored it.
    expect(replay.crewRestores.map((c) => c.index)).toEqual(crewPosts.map((c) => c.i));
    expect(replay.crewRestores.every((c) => c.outageEventId !== null && c.status === 200)).toBe(true);
    for (const { i } of crewPosts) expect(restoredWhenStepped.get(i)).toContain("restored");
    expect(score.crewRestores).toEqual({ expected: 3, sent: 3, accepted: 3, noOutageAtDevice: 0 });
    // Every case is scored.
    for (const kind of ["device_momentary", "silent_caller", "missing_close", "coincident", "substation_wave", "crew_restore"]) {
      expect(score.cases[kind]?.scenarios, kind).toBeGreaterThan(0);
    }
    expect(score.deviceMomentaries.expected).toBe(3);
    expect(score.nested.truth).toBe(3);
    // The event rows written without foreign keys (migration 0017) all name existing rows.
    const written = await test.rows<{ n: number }>(sql`SELECT (SELECT COUNT(*) FROM kaifa_events) + (SELECT COUNT(*) FROM oms_outage_affected_meters)
      + (SELECT COUNT(*) FROM oms_event_sources) + (SELECT COUNT(*) FROM oms_meter_status_events) + (SELECT COUNT(*) FROM callcenter_tickets) AS n`);
    expect(Number(written[0].n)).toBeGreaterThan(100);
    expect(await findOrphans(test.server.database.db)).toEqual([]);
  }, 300_000);
});
