import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateNetwork } from "../db/seed/generate";
import { generateStorm } from "../server/scenarios/storm";
import { runStorm, StormClock } from "../server/scenarios/run";
import { runtimeName } from "./helpers/db";
import { startTestServer, type TestServer } from "./helpers/server";

const network = generateNetwork({ meters: 2400, seed: 17, substations: 3, feeders: 16, distributionPoints: 240 });

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
    const options = { seed: 5, faults: 10, momentaries: 3, strayCalls: 3, spreadMs: 4 * 60_000, amiLoss: 0.2, duplicateShare: 0.05, lateShare: 0.05 };
    const storm = generateStorm(network, options, startedAt);
    expect(storm.truth.outages.length).toBeGreaterThanOrEqual(10);
    expect(storm.posts.some((p) => p.delivery === "duplicate")).toBe(true);
    expect(storm.posts.some((p) => p.delivery === "late")).toBe(true);

    const { replay, score } = await runStorm(test.server, storm, clock, {
      keys: { scada: test.keys.scada, kaifa: test.keys.kaifa, onu: test.keys.onu, call_center: test.keys.call_center },
      cookie: await test.signIn("dispatcher"), speed: Infinity, concurrency: 2,
    });
    expect(replay.failures).toEqual([]);
    expect(score.recall).toBeGreaterThanOrEqual(0.9);
    expect(score.precision).toBeGreaterThanOrEqual(0.9);
    expect(score.deviceRight).toBeGreaterThanOrEqual(0.8);
    expect(score.falseFromNoise.momentary).toBe(0);
    expect(score.nested.found).toBe(score.nested.truth);
    expect(score.restorationDetected.restored).toBeGreaterThanOrEqual(score.restorationDetected.of * 0.9);
    expect(score.timeToScreenMs.samples).toBeGreaterThan(0);
  }, 240_000);
});
