import { afterEach, describe, expect, it } from "vitest";
import { generateNetwork } from "../db/seed/generate";
import { loadNetworkKeys } from "../db/queries/networkIdentities";
import { substationHint } from "../server/ingest/placement";
import { laneUse, PGLITE_PASS_MAX_SIGNALS } from "../server/ingest/service";
import { detectedOutages } from "../server/scenarios/replay";
import { generateStorm } from "../server/scenarios/storm";
import { runStorm, StormClock } from "../server/scenarios/run";
import { createTestDb, runtimeName } from "./helpers/db";
import { loadNetwork } from "../db/seed/load";
import { startTestServer, type TestServer } from "./helpers/server";
import type { Signal } from "../server/ingest/signal";

// Three substations, so that two lanes each get some of them.
const network = generateNetwork({ meters: 2400, seed: 17, substations: 3, feeders: 16, distributionPoints: 240 });

describe(`ingestion lanes on ${runtimeName}`, () => {
  let servers: TestServer[] = [];
  afterEach(async () => {
    for (const s of servers) await s.stop();
    servers = [];
  });

  it("hints each signal's substation from the model in memory, as placement will find it", async () => {
    const database = await createTestDb();
    try {
      await loadNetwork(database.db, network);
      const keys = await loadNetworkKeys(database.db);
      const at = new Date();
      const meter = network.meters[100];
      const feeder = network.feeders[5];
      const signal = (s: Partial<Signal>): Signal => ({ sourceType: "kaifa", sourceEventId: "x", kind: "power_off", occurredAt: at, attributes: {}, ...s });

      expect(substationHint(keys, [signal({ meter: { meterNumber: meter.meterNumber } })])).toBe(meter.substationId);
      expect(substationHint(keys, [signal({ meter: { assetMrid: meter.assetMrid } })])).toBe(meter.substationId);
      expect(substationHint(keys, [signal({ meter: { usagePointMrid: meter.usagePointMrid } })])).toBe(meter.substationId);
      expect(substationHint(keys, [signal({ sourceType: "scada", device: { feederCode: feeder.feederId } })])).toBe(feeder.substationId);
      // The three substations all get signals.
      expect(new Set(network.meters.map((m) => substationHint(keys, [signal({ meter: { meterNumber: m.meterNumber } })]))).size).toBe(3);
      // Nothing known, or only a place: no hint (lane 0); the pass still places it.
      expect(substationHint(keys, [signal({ meter: { meterNumber: "NO-SUCH-METER" } })])).toBeUndefined();
      expect(substationHint(keys, [signal({ sourceType: "call_center", location: { lat: 31.95, lng: 35.91 } })])).toBeUndefined();
    } finally {
      await database.close();
    }
  });

  it("decide a storm exactly as one lane does: the same outages, devices, meters and states", async () => {
    const startedAt = new Date();
    const options = { seed: 11, faults: 12, momentaries: 3, strayCalls: 3, spreadMs: 4 * 60_000, amiLoss: 0.2, duplicateShare: 0.05, lateShare: 0.05 };
    const storm = generateStorm(network, options, startedAt);
    const outcome = async (lanes: number) => {
      const clock = new StormClock(startedAt);
      const test = await startTestServer(network, { INGEST_LANES: String(lanes) }, { now: clock.now });
      servers.push(test);
      const { replay, score } = await runStorm(test.server, storm, clock, {
        keys: { scada: test.keys.scada, kaifa: test.keys.kaifa, onu: test.keys.onu, call_center: test.keys.call_center, oms_api: test.keys.oms_api },
        cookie: await test.signIn("dispatcher"), speed: Infinity, concurrency: 4,
      });
      expect(replay.failures).toEqual([]);
      // Merged records left out: which of two detections of one outage is absorbed depends on
      // which request a pass took first, with one lane as with two (posts four at a time); the
      // outage that absorbed it, with every meter, is compared.
      const detected = (await detectedOutages(test.server.database.db, new Map()))
        .filter((o) => o.status !== "merged")
        .map((o) => `${o.status} ${o.level} ${o.deviceCode} ${[...o.meterNumbers].sort().join(",")} nested:${o.parentOutageId !== null}`)
        .sort();
      return { detected, score: { ...score, timeToScreenMs: null, matches: null }, use: laneUse(test.server.services.ingest) };
    };
    const one = await outcome(1);
    const two = await outcome(2);
    expect(one.detected.length).toBeGreaterThanOrEqual(12);
    expect(two.detected).toEqual(one.detected);
    expect(two.score).toEqual(one.score);
    // The two lanes did run passes side by side.
    expect(one.use.passes).toHaveLength(1);
    expect(one.use.mostAtOnce).toBe(1);
    expect(two.use.passes).toHaveLength(2);
    expect(Math.min(...two.use.passes)).toBeGreaterThan(0);
    expect(two.use.mostAtOnce).toBe(2);
  }, 300_000);

  it("gathers concurrent requests into passes no larger than the pass size, smaller on PGlite, and answers every event", async () => {
    const test = await startTestServer(network);
    servers.push(test);
    const ingest = test.server.services.ingest;
    // PGlite runs each pass's JavaScript on the server's event loop: its passes are smaller.
    expect(ingest.passMaxSignals).toBe(test.server.database.kind === "pglite" ? PGLITE_PASS_MAX_SIGNALS : undefined);
    ingest.passMaxSignals = 1_000;
    const at = Date.now() - 60_000;
    // Six requests of 400 power-offs at once: a pass takes two of them at most (800 ≤ 1,000 < 1,200).
    const requests = Array.from({ length: 6 }, (_, r) => network.meters.slice(r * 400, (r + 1) * 400).map((m, i) => ({
      message_type: "EndDeviceEvent", timestamp: new Date(at + i).toISOString(),
      payload: { event_id: `PASS-${r}-${i}`, severity: "critical", reason: "Last gasp signal detected", assets: { mrid: m.meterNumber } },
    })));
    const before = laneUse(ingest).passes.reduce((a, b) => a + b, 0);
    const answers = await Promise.all(requests.map((body) => test.post("/api/ingest/kaifa", body)));
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(a.body.accepted).toBe(400);
    }
    const use = laneUse(ingest);
    expect(use.mostSignals).toBeGreaterThanOrEqual(400);
    expect(use.mostSignals).toBeLessThanOrEqual(1_000);
    expect(use.passes.reduce((a, b) => a + b, 0) - before).toBeGreaterThanOrEqual(3);
  }, 120_000);
});
