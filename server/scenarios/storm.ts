import type { GeneratedNetwork } from "../../db/seed/types";
import { createRandom, type Random } from "../../db/seed/random";
import { createIdFactory, type DemoRoute } from "../demo/payloads";
import type { DemoFeeder, DemoMeter } from "../demo/places";
import type { PlannedFault, ScenarioKind } from "../demo/planKit";
import { planScenario } from "../demo/scenarios";

/** A fault the storm really had: what the control room should find. */
export interface TruthOutage extends Omit<PlannedFault, "nestedIn"> {
  id: string;
  kind: ScenarioKind;
  /** The truth outage this one sat inside (a distribution point still dark after its feeder came back). */
  nestedIn: string | null;
  /** Index in `posts` of the scenario's first post: its first signal. */
  firstPost: number;
}

export interface TruthNoise {
  kind: "momentary" | "stray_call";
  meterNumbers: string[];
}

export interface StormPost {
  /** When to deliver it, from the storm's start (late and duplicate deliveries included). */
  atMs: number;
  route: DemoRoute;
  body: unknown;
  /** Why it is there besides its scenario: a second delivery, or one held back. */
  delivery: "normal" | "duplicate" | "late";
}

export interface StormOptions {
  seed: number;
  /** Real outages: feeder trips, transformers and single meters, in the demo feed's mix. */
  faults: number;
  /** Momentary blips (must not become outages). */
  momentaries: number;
  /** Calls from customers who have power, or with only a location (must not become outages). */
  strayCalls: number;
  /** Faults start over this long (ms). */
  spreadMs: number;
  /** Share of a tripped feeder's last gasps that never arrive (AMI loss), e.g. 0.2. */
  amiLoss: number;
  /** Share of posts delivered twice. */
  duplicateShare: number;
  /** Share of posts delivered late (out of order), by lateMs. */
  lateShare: number;
  lateMs: readonly [number, number];
  /** Share of faults that are whole feeder trips (SCADA trip and close). */
  feederTripShare: number;
}

export const DEFAULT_STORM: StormOptions = {
  seed: 1, faults: 12, momentaries: 4, strayCalls: 4, spreadMs: 10 * 60_000, amiLoss: 0.2,
  duplicateShare: 0.05, lateShare: 0.05, lateMs: [5_000, 45_000], feederTripShare: 0.25,
};

export interface Storm {
  options: StormOptions;
  /** Event timestamps are this + their offset. */
  startedAt: Date;
  posts: StormPost[];
  truth: { outages: TruthOutage[]; noise: TruthNoise[] };
  /** From the first to the last delivery. */
  spanMs: number;
}

/** The demo planners' view of a generated network: feeders with their points and meters. */
export function feedersOf(network: GeneratedNetwork): DemoFeeder[] {
  const substations = new Map(network.substations.map((s) => [s.id, s]));
  const customers = new Map(network.customers.map((c) => [c.id, c]));
  const onus = new Map(network.onuDevices.map((o) => [o.onuId, o]));
  const points = new Map(network.distributionPoints.map((d) => [d.id, { dpCode: d.dpId, lat: d.locationLat, lng: d.locationLng, meters: [] as DemoMeter[], feederId: d.feederId }]));
  for (const m of network.meters) {
    const c = customers.get(m.customerId);
    points.get(m.dpId)?.meters.push({
      meterNumber: m.meterNumber, assetMrid: m.assetMrid, usagePointMrid: m.usagePointMrid, onuId: m.onuId,
      onuSerial: m.onuId !== null ? onus.get(m.onuId)?.onuSerialNo ?? null : null, phone: c?.phone ?? null, address: c?.address ?? null,
      powerOn: true, lat: m.locationLat, lng: m.locationLng,
    });
  }
  return network.feeders.map((f) => {
    const s = substations.get(f.substationId)!;
    return {
      feederCode: f.feederId, substationCode: s.substationId, mainStationId: s.mainStationId, energized: true,
      points: [...points.values()].filter((p) => p.feederId === f.id && p.meters.length > 0).map(({ feederId: _f, ...p }) => p),
    };
  }).filter((f) => f.points.length > 0);
}

/**
 * A storm with a known truth on a generated network: which devices fail when and come back
 * when, nested outages, momentary blips, stray calls, AMI loss, and deliveries duplicated and
 * held back. Deterministic: the same network, options and start give the same storm. Faults
 * never share a distribution point, and a tripped feeder carries nothing else, so each truth
 * outage is one thing to find.
 */
export function generateStorm(network: GeneratedNetwork, options: Partial<StormOptions> = {}, startedAt = new Date()): Storm {
  const o: StormOptions = { ...DEFAULT_STORM, ...options };
  const rng = createRandom(o.seed);
  const ids = createIdFactory(`S${o.seed}`);
  const feeders = feedersOf(network);
  const lastGaspShare = [Math.max(0, 1 - o.amiLoss - 0.04), Math.min(1, 1 - o.amiLoss + 0.04)] as const;

  const kinds: ScenarioKind[] = [];
  for (let i = 0; i < o.faults; i++) {
    kinds.push(rng.chance(o.feederTripShare) ? "feeder_trip" : rng.chance(0.5) ? "transformer" : "single_meter");
  }
  for (let i = 0; i < o.momentaries; i++) kinds.push("momentary");
  for (let i = 0; i < o.strayCalls; i++) kinds.push("stray_call");

  const tripped = new Set<string>();
  const usedPoints = new Set<string>();
  const usedMeters = new Set<string>();
  const posts: StormPost[] = [];
  const outages: TruthOutage[] = [];
  const noise: TruthNoise[] = [];

  for (const kind of kinds) {
    const startMs = Math.round(rng.between(0, o.spreadMs));
    const free = feeders.filter((f) => !tripped.has(f.feederCode));
    const candidates = kind === "feeder_trip"
      ? free.filter((f) => f.points.every((p) => !usedPoints.has(p.dpCode)))
      : free.map((f) => ({ ...f, points: f.points.filter((p) => !usedPoints.has(p.dpCode)) })).filter((f) => f.points.length > 0);
    if (!candidates.length) throw new Error(`The network is too small for this storm: no free place for a ${kind} (make fewer faults or a bigger network)`);
    const feeder = rng.pick(candidates);
    // Stray calls come from customers who have power: not from a place that is out.
    const place = kind === "stray_call" ? { ...feeder, points: feeder.points.map((p) => ({ ...p, meters: p.meters.filter((m) => !usedMeters.has(m.meterNumber)) })) } : feeder;
    const plan = planScenario(kind, place, scenarioRng(rng), { start: new Date(startedAt.getTime() + startMs), ids, lastGaspShare });
    if (kind === "feeder_trip") tripped.add(feeder.feederCode);
    if (kind !== "stray_call") for (const p of plan.pointCodes) usedPoints.add(p);
    const firstPost = posts.length;
    for (const post of plan.posts) posts.push({ atMs: startMs + post.atMs, route: post.route, body: post.body, delivery: "normal" });
    const base = outages.length;
    plan.truth.faults.forEach((f, i) => {
      outages.push({
        ...f, id: `T${base + i + 1}`, kind, startMs: startMs + f.startMs, restoreMs: startMs + f.restoreMs, firstPost,
        nestedIn: f.nestedIn === undefined ? null : `T${base + f.nestedIn + 1}`,
      });
      for (const m of f.meterNumbers) usedMeters.add(m);
    });
    for (const n of plan.truth.noise) {
      noise.push(n);
      for (const m of n.meterNumbers) usedMeters.add(m);
    }
  }

  // Deliveries as they happen: some twice, some late (their timestamps keep the original time).
  const delivered: StormPost[] = [];
  for (const post of posts) {
    const late = rng.chance(o.lateShare);
    delivered.push(late ? { ...post, atMs: post.atMs + rng.int(o.lateMs[0], o.lateMs[1]), delivery: "late" } : post);
    if (rng.chance(o.duplicateShare)) delivered.push({ ...post, atMs: post.atMs + rng.int(1_000, 30_000), delivery: "duplicate" });
  }
  // Truth outages point at their first post in delivery order.
  const order = delivered.map((p, i) => ({ p, i })).sort((a, b) => a.p.atMs - b.p.atMs || a.i - b.i);
  const sorted = order.map((x) => x.p);
  const firstIndex = new Map<unknown, number>();
  sorted.forEach((p, i) => { if (!firstIndex.has(p.body)) firstIndex.set(p.body, i); });
  for (const t of outages) t.firstPost = firstIndex.get(posts[t.firstPost].body) ?? 0;

  return { options: o, startedAt, posts: sorted, truth: { outages, noise }, spanMs: sorted.length ? sorted[sorted.length - 1].atMs : 0 };
}

/** Each scenario draws from its own stream, so one scenario's size never shifts the next one's choices. */
function scenarioRng(rng: Random): Random {
  return createRandom(rng.int(0, 2 ** 31 - 1));
}
