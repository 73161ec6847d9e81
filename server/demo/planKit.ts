import type { Random } from "../../db/seed/random";
import { kaifaEvent, type DemoRoute, type IdFactory } from "./payloads";
import type { DemoMeter, DemoPoint } from "./places";

/** The scenarios the live demo feed draws from. */
export type DemoFeedKind = "feeder_trip" | "transformer" | "single_meter" | "momentary" | "stray_call";

/**
 * Every scenario a storm can hold: the demo feed's, and the harder cases `npm run storm` adds
 * (server/scenarios/storm.ts):
 * - `device_momentary`: every meter of a distribution point (or a whole feeder) off and back
 *   within 4–8 s, ~70% reporting the last gasp: a momentary of the device, never an outage;
 * - `silent_caller`: a feeder trip during which customers whose last gasp was lost call, and
 *   whose meters never report the restore;
 * - `missing_close`: a feeder trip whose SCADA close never arrives (the meters report power back);
 * - `coincident`: two or three reports under one transformer at once (gasps in one message,
 *   two calls, or a call and a gasp): the transformer is out;
 * - `substation_wave`: about half of a substation's feeders out at overlapping times, some
 *   with a SCADA trip, some seen only by AMI: one outage per feeder, never the substation;
 * - `crew_restore`: a crew presses Restored (REST API) while one point of the outage is still dark.
 */
export type ScenarioKind = DemoFeedKind | "device_momentary" | "silent_caller" | "missing_close" | "coincident" | "substation_wave" | "crew_restore";

/** Relative weights of the demo feed's mix (≈17% feeder trips, 25% transformers, 25% single meters, 17% blips, 17% stray calls). */
export const SCENARIO_WEIGHTS: Readonly<Record<DemoFeedKind, number>> = {
  feeder_trip: 2,
  transformer: 3,
  single_meter: 3,
  momentary: 2,
  stray_call: 2,
};

/**
 * Where a planned post goes: an ingestion route (POST /api/ingest/<route>), or `crew-restore`,
 * a crew pressing Restored through the REST API (a CrewRestoreBody: the replay finds the open
 * outage at the device when it sends it, and posts /api/oms/events/restore).
 */
export type PlanRoute = DemoRoute | "crew-restore";

/** One post of a scenario, `atMs` after the scenario starts. */
export interface PlannedPost {
  atMs: number;
  route: PlanRoute;
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

/** Signals that must not become outages. */
export interface PlannedNoise {
  kind: "momentary" | "stray_call";
  /** The meters that blipped (every meter of the device for a device momentary), or the caller's meter. */
  meterNumbers: string[];
  /** A momentary of a whole device: its level and code (a control room records it as the device's momentary). */
  level?: "distribution_point" | "feeder";
  deviceCode?: string;
}

export interface PlanTruth {
  faults: PlannedFault[];
  /** Signals that must not become outages: momentary blips, calls from customers with power. */
  noise: PlannedNoise[];
}

export interface ScenarioPlan {
  kind: ScenarioKind;
  /** Which form of the case, for kinds that have several (e.g. `gasps`, `calls` of a coincident report). */
  variant?: string;
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
  /** Crews of the network (codes), for a crew pressing Restored. */
  crewIds?: readonly string[];
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

  add(atMs: number, route: PlanRoute, body: unknown): void {
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

  finish(kind: ScenarioKind, feederCode: string, pointCodes: string[], summary: string, truth: PlanTruth, mainEndMs?: number, variant?: string): ScenarioPlan {
    const posts = [...this.posts].sort((a, b) => a.atMs - b.atMs);
    const last = posts.length ? posts[posts.length - 1].atMs : 0;
    return { kind, ...(variant === undefined ? {} : { variant }), feederCode, pointCodes, posts, mainEndMs: mainEndMs ?? last, summary, truth };
  }
}
