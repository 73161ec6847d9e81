import { sql } from "drizzle-orm";
import { queryRows } from "../../db/client";
import type { RunningServer } from "../index";
import { sweepVerifications } from "../ingest/sweeper";
import { detectedOutages, replayStorm, type ReplayOptions, type ReplayResult } from "./replay";
import { scoreStorm, type StormScore } from "./score";
import type { Storm } from "./storm";

/** The server's own sweep period (server/ingest/sweeper.ts). */
const SWEEP_EVERY_MS = 15_000;

export interface StormRun {
  replay: Omit<ReplayResult, "close">;
  score: StormScore;
}

/**
 * Replays a storm into a running server, lets its verification windows close (the sweep the
 * server runs every 15 s, run here at once), and scores what the control room found.
 * `options.onStep` is awaited after each post's answer (with concurrency 1, after every step).
 */
export async function runStorm(server: RunningServer, storm: Storm, clock: StormClock, options: Omit<ReplayOptions, "baseUrl" | "onPost">): Promise<StormRun> {
  // The server sweeps every 15 s of its clock; so does the replay, as the storm's time passes.
  let nextSweep = storm.startedAt.getTime() + SWEEP_EVERY_MS;
  let sweeping: Promise<unknown> = Promise.resolve();
  const onPost = async (post: Storm["posts"][number]) => {
    clock.advanceTo(storm.startedAt.getTime() + post.atMs);
    while (clock.now().getTime() >= nextSweep) {
      nextSweep += SWEEP_EVERY_MS;
      sweeping = sweeping.then(() => sweepVerifications(server.services.ingest));
      await sweeping;
    }
  };
  const replay = await replayStorm(storm, { ...options, baseUrl: server.url, onPost });
  try {
    // After the last event the storm's clock runs on past every window, sweeping as the server would.
    const end = storm.startedAt.getTime() + storm.spanMs;
    for (const minutes of [1, 5, 10, 15, 20, 30]) {
      clock.advanceTo(end + minutes * 60_000);
      await sweepVerifications(server.services.ingest);
    }
    // The last pushes leave on the hub's next tick.
    await new Promise((r) => setTimeout(r, 500));
    const detected = await detectedOutages(server.database.db, replay.firstPushAtMs);
    const deviceMomentariesRecorded = await queryRows<{ level: string; deviceCode: string }>(server.database.db, sql`
      SELECT level, device_code AS "deviceCode" FROM oms_device_momentaries`);
    const score = scoreStorm({ truth: storm.truth.outages, noise: storm.truth.noise, detected, postedAtMs: replay.postedAtMs, crewRestores: replay.crewRestores, deviceMomentariesRecorded });
    const { close: _close, ...rest } = replay;
    return { replay: rest, score };
  } finally {
    replay.close();
  }
}

/**
 * The storm's clock, for the server under replay: it reads the time of the latest event posted,
 * so the pipeline's windows (momentary, verification) run at the storm's pace however fast the
 * replay goes, and the sweeps close them as they would have closed in real time.
 */
export class StormClock {
  private at: number;
  constructor(readonly startedAt: Date) {
    this.at = startedAt.getTime();
  }
  now = (): Date => new Date(this.at);
  advanceTo(ms: number): void {
    if (ms > this.at) this.at = ms;
  }
}
