import type { DemoRoute } from "./payloads";
import { randomBytes } from "node:crypto";
import type { Db } from "../../db/client";
import { createRandom } from "../../db/seed/random";
import { createIdFactory, restamp } from "./payloads";
import { listFeeders, loadFeeder, type FeederRef } from "./places";
import type { ScenarioPlan } from "./planKit";
import { createPoster } from "./poster";
import { pickKind, planScenario } from "./scenarios";

export interface StormFeedOptions {
  /** The server's own base URL, e.g. http://127.0.0.1:3000; events go to <baseUrl>/api/ingest/*. */
  baseUrl: string;
  /** Read only: to pick real feeders, distribution points, meters, ONUs and customers. */
  db: Db;
  /** Scenarios started per minute (default 4). */
  intensity?: number;
  /** Deterministic choice of places (default: time-based). */
  seed?: number;
  /** The API key of each route: the feed posts like any integration. */
  keys?: Partial<Record<DemoRoute, string>>;
  log?: (message: string) => void;
  now?: () => Date;
  /** Multiplies every delay (1 = real time; 0.01 runs a 5-minute outage in 3 s, for tests). */
  timeScale?: number;
  /** Feeder trips active at once (default 3), so the map stays readable. */
  maxFeederTrips?: number;
}

export interface StormFeed {
  /** Cancels every pending timer and waits for the posts in flight. */
  stop(): Promise<void>;
  stats(): { scenarios: number; posts: number; failures: number };
}

/**
 * A live demo storm: starts scenarios (feeder trips, transformer and single-meter outages,
 * momentary blips, stray calls) on real places of the network and posts their events through
 * the real ingestion routes over HTTP, stamped with the time of posting.
 */
export function startStormFeed(options: StormFeedOptions): StormFeed {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? ((m: string) => console.log(m));
  const intensity = Math.max(options.intensity ?? 4, 0.01);
  const scale = Math.max(options.timeScale ?? 1, 0);
  const maxTrips = options.maxFeederTrips ?? 3;
  const rng = createRandom(options.seed ?? now().getTime() % 2 ** 32);
  const ids = createIdFactory(`${now().getTime().toString(36).toUpperCase()}${randomBytes(2).toString("hex").toUpperCase()}`);
  const poster = createPoster({ baseUrl: options.baseUrl, keys: options.keys, log, now });

  const timers = new Set<NodeJS.Timeout>();
  const inflight = new Set<Promise<unknown>>();
  const trips = new Set<string>();
  const busyFeeders = new Map<string, number>();
  const busyPoints = new Set<string>();
  let feeders: Promise<FeederRef[]> | undefined;
  let listedAt = 0;
  let stopped = false;
  let scenarios = 0;

  const later = (ms: number, fn: () => void) => {
    if (stopped) return;
    const t = setTimeout(() => {
      timers.delete(t);
      if (!stopped) fn();
    }, Math.max(0, ms * scale));
    t.unref?.();
    timers.add(t);
  };
  const track = (p: Promise<unknown>) => {
    inflight.add(p);
    // Both paths: a rejection here must never become an unhandled one.
    const done = () => inflight.delete(p);
    p.then(done, done);
  };
  const hold = (feeder: string, delta: 1 | -1) => {
    const n = (busyFeeders.get(feeder) ?? 0) + delta;
    if (n > 0) busyFeeders.set(feeder, n);
    else busyFeeders.delete(feeder);
  };

  async function launch(): Promise<void> {
    // The list (and which breakers are open) is read again every few minutes, and at once while empty.
    if (!feeders || Date.now() - listedAt > 5 * 60_000) {
      listedAt = Date.now();
      feeders = listFeeders(options.db).then((list) => {
        if (!list.length) feeders = undefined;
        return list;
      });
    }
    const all = await feeders.catch((err) => ((feeders = undefined), Promise.reject(err)));
    if (stopped) return;
    if (!all.length) return poster.report("no feeders with meters in the database yet");
    const kind = pickKind(rng, (k) => k !== "feeder_trip" || trips.size < maxTrips)!;
    // Never two trips on one feeder, nor a smaller scenario on a tripped feeder; a trip prefers an
    // energized feeder with nothing else going on.
    const free = all.filter((f) => !trips.has(f.feederCode));
    const quiet = free.filter((f) => f.energized && !busyFeeders.has(f.feederCode));
    const candidates = kind === "feeder_trip" && quiet.length ? quiet : free;
    if (!candidates.length) return;
    const ref = rng.pick(candidates);
    const sub = createRandom(rng.int(0, 2 ** 31 - 1)); // drawn now, so a seed gives the same plans whatever the timing
    if (kind === "feeder_trip") trips.add(ref.feederCode);
    hold(ref.feederCode, 1);
    let plan: ScenarioPlan | undefined;
    try {
      const feeder = await loadFeeder(options.db, ref);
      const points = kind === "feeder_trip" ? feeder.points : feeder.points.filter((p) => !busyPoints.has(p.dpCode));
      if (!stopped && points.length) plan = planScenario(kind, { ...feeder, points }, sub, { start: now(), ids });
    } finally {
      if (!plan) {
        trips.delete(ref.feederCode);
        hold(ref.feederCode, -1);
      }
    }
    if (plan) run(plan);
  }

  function run(plan: ScenarioPlan) {
    scenarios++;
    log(`Demo storm feed: ${plan.summary}`);
    for (const p of plan.pointCodes) busyPoints.add(p);
    // Posts of one scenario go out in order, each stamped when it is sent.
    let chain: Promise<unknown> = Promise.resolve();
    for (const post of plan.posts) {
      const route = post.route;
      // The feed posts to the ingestion routes only (its kinds plan nothing else).
      if (route === "crew-restore") continue;
      later(post.atMs, () => {
        chain = chain.then(() => (stopped ? false : poster.post(route, restamp(post.body, now()))));
        track(chain);
      });
    }
    later(plan.mainEndMs + 1, () => trips.delete(plan.feederCode));
    const last = plan.posts.length ? plan.posts[plan.posts.length - 1].atMs : 0;
    later(last + 1, () => {
      track(chain.then(() => {
        for (const p of plan.pointCodes) busyPoints.delete(p);
        hold(plan.feederCode, -1);
      }));
    });
  }

  function next(delayMs: number) {
    later(delayMs, () => {
      track(launch().catch((err) => poster.report(`could not start a scenario: ${err instanceof Error ? err.message : String(err)}`)));
      next((60_000 / intensity) * rng.between(0.5, 1.5));
    });
  }

  log(`Demo storm feed on: about ${intensity} scenarios a minute posted to ${options.baseUrl}/api/ingest`);
  next(1000);

  return {
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      while (inflight.size) await Promise.allSettled([...inflight]);
    },
    stats: () => ({ scenarios, posts: poster.counts.posts, failures: poster.counts.failures }),
  };
}
