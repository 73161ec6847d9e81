import type { Random } from "../../db/seed/random";
import { kaifaEvent, type DemoRoute, type IdFactory } from "./payloads";
import type { DemoMeter, DemoPoint } from "./places";

export type ScenarioKind = "feeder_trip" | "transformer" | "single_meter" | "momentary" | "stray_call";

/** Relative weights of the scenario mix (≈17% feeder trips, 25% transformers, 25% single meters, 17% blips, 17% stray calls). */
export const SCENARIO_WEIGHTS: Readonly<Record<ScenarioKind, number>> = {
  feeder_trip: 2,
  transformer: 3,
  single_meter: 3,
  momentary: 2,
  stray_call: 2,
};

/** One post of a scenario, `atMs` after the scenario starts. */
export interface PlannedPost {
  atMs: number;
  route: DemoRoute;
  body: unknown;
}

/** What really happened in a scenario: the ground truth a storm is scored against. */
export interface PlannedFault {
  level: "feeder" | "distribution_point" | "meter";
  deviceCode: string;
  /** The meters really dark, whether or not their last gasp reached anyone. */
  meterNumbers: string[];
  startMs: number;
  restoreMs: number;
  /** For a nested outage: the index (in this plan's faults) of the outage it sat inside. */
  nestedIn?: number;
}

export interface PlanTruth {
  faults: PlannedFault[];
  /** Signals that must not become outages: momentary blips, calls from customers with power. */
  noise: Array<{ kind: "momentary" | "stray_call"; meterNumbers: string[] }>;
}

export interface ScenarioPlan {
  kind: ScenarioKind;
  feederCode: string;
  /** Distribution points the scenario touches (kept busy until its last post). */
  pointCodes: string[];
  /** Sorted by atMs. */
  posts: PlannedPost[];
  /** When the feeder-level part is over (a nested outage's late restore may follow). */
  mainEndMs: number;
  /** One line for the log. */
  summary: string;
  truth: PlanTruth;
}

export interface PlanContext {
  /** The scenario's start; body timestamps are start + atMs (the feed restamps them when posting). */
  start: Date;
  ids: IdFactory;
  /** Share of a tripped feeder's meters whose last gasp arrives (default LAST_GASP_SHARE, ~80%). */
  lastGaspShare?: readonly [number, number];
}

/** Kaifa head-ends post batches; the ingestion route takes up to this many per request here. */
export const KAIFA_BATCH_MAX = 200;

export function shuffle<T>(items: readonly T[], rng: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

export const metersOf = (points: readonly DemoPoint[]): DemoMeter[] => points.flatMap((p) => p.meters);
export const hasOnu = (m: DemoMeter) => m.onuId !== null || m.onuSerial !== null;

/** Collects posts with their bodies stamped at start + atMs. */
export class PlanBuilder {
  readonly posts: PlannedPost[] = [];
  constructor(readonly ctx: PlanContext, readonly rng: Random) {}

  at(atMs: number): string {
    return new Date(this.ctx.start.getTime() + atMs).toISOString();
  }

  add(atMs: number, route: DemoRoute, body: unknown): void {
    this.posts.push({ atMs: Math.round(atMs), route, body });
  }

  /**
   * Kaifa events for `meters` in batches of random size (≤ KAIFA_BATCH_MAX), the first at
   * `fromMs`, the next ones `gapMs` apart (random within the range). Returns the last offset.
   */
  kaifa(meters: readonly DemoMeter[], on: boolean, fromMs: number, gapMs: [number, number] = [400, 2500]): number {
    let t = fromMs;
    for (let i = 0; i < meters.length; ) {
      const size = Math.min(meters.length - i, this.rng.int(Math.min(40, KAIFA_BATCH_MAX), KAIFA_BATCH_MAX));
      const at = this.at(t);
      this.add(t, "kaifa", meters.slice(i, i + size).map((m) => kaifaEvent(this.ctx.ids, m, on, at, this.rng)));
      i += size;
      if (i < meters.length) t += this.rng.int(gapMs[0], gapMs[1]);
    }
    return t;
  }

  finish(kind: ScenarioKind, feederCode: string, pointCodes: string[], summary: string, truth: PlanTruth, mainEndMs?: number): ScenarioPlan {
    const posts = [...this.posts].sort((a, b) => a.atMs - b.atMs);
    const last = posts.length ? posts[posts.length - 1].atMs : 0;
    return { kind, feederCode, pointCodes, posts, mainEndMs: mainEndMs ?? last, summary, truth };
  }
}
