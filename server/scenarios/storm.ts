import type { GeneratedNetwork } from "../../db/seed/types";
import { createRandom, type Random } from "../../db/seed/random";
import { createIdFactory } from "../demo/payloads";
import type { DemoFeeder, DemoMeter } from "../demo/places";
import { shuffle, type PlannedFault, type PlannedNoise, type PlanRoute, type ScenarioKind, type ScenarioPlan } from "../demo/planKit";
import { planScenario, SCENARIO_VARIANTS } from "../demo/scenarios";
import { planSubstationWave } from "../demo/substationWave";

/** A fault the storm really had: what the control room should find. */
export interface TruthOutage extends Omit<PlannedFault, "nestedIn"> {
  id: string;
  kind: ScenarioKind;
  /** The case's form, for kinds that have several (SCENARIO_VARIANTS). */
  variant?: string;
  /** Which scenario of the storm (0, 1, …): a feeder and its nested point, or a wave's feeders, share one. */
  scenario?: number;
  /** The truth outage this one sat inside (a distribution point still dark after its feeder came back). */
  nestedIn: string | null;
  /** Index in `posts` of the scenario's first post: its first signal. */
  firstPost: number;
}

/** Signals that must not become outages; a device momentary names its device (level and code). */
export interface TruthNoise extends PlannedNoise {
  /** The scenario kind it came from: `momentary` (a few meters), `device_momentary`, `stray_call`. */
  scenarioKind?: ScenarioKind;
  variant?: string;
  scenario?: number;
}

export interface StormPost {
  /** When to deliver it, from the storm's start (late and duplicate deliveries included). */
  atMs: number;
  /** An ingestion route, or `crew-restore` (a CrewRestoreBody the replay resolves and posts to /api/oms/events/restore). */
  route: PlanRoute;
  body: unknown;
  /** Why it is there besides its scenario: a second delivery, or one held back. */
  delivery: "normal" | "duplicate" | "late";
  /** Which scenario of the storm it belongs to (as TruthOutage.scenario). */
  scenario?: number;
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
  /**
   * The harder cases, on top of `faults` (each defaults to a share of `faults`: CASE_SHARES).
   * Whole-device blips: every meter of a point (a third of them: a whole feeder) off and back in 4–8 s.
   */
  deviceBlips?: number;
  /** Feeder trips during which 1–2 customers whose last gasp was lost call, and never send a restore. */
  silentCallers?: number;
  /** Feeder trips whose SCADA close never arrives. */
  missingCloses?: number;
  /** Transformers heard only as 2–3 coincident reports (gasps in one message, two calls, a call and a gasp). */
  coincident?: number;
  /** Waves of about half of one substation's feeders out at overlapping times. */
  substationWaves?: number;
  /** Outages a crew marks restored (REST API) while one point (or meter) of them is still dark. */
  crewRestores?: number;
}

/** The harder cases' counts, all given. */
export type StormCases = Required<Pick<StormOptions, "deviceBlips" | "silentCallers" | "missingCloses" | "coincident" | "substationWaves" | "crewRestores">>;
export type ResolvedStormOptions = StormOptions & StormCases;

export const DEFAULT_STORM: StormOptions = {
  seed: 1, faults: 12, momentaries: 4, strayCalls: 4, spreadMs: 10 * 60_000, amiLoss: 0.2,
  duplicateShare: 0.05, lateShare: 0.05, lateMs: [5_000, 45_000], feederTripShare: 0.25,
};

/** Each harder case's default count: this share of `faults`, at least `least`. */
export const CASE_SHARES: Readonly<Record<keyof StormCases, { share: number; least: number }>> = {
  deviceBlips: { share: 0.25, least: 2 },
  silentCallers: { share: 0.05, least: 1 },
  missingCloses: { share: 0.05, least: 1 },
  coincident: { share: 0.15, least: 3 },
  substationWaves: { share: 0.02, least: 1 },
  crewRestores: { share: 0.05, least: 1 },
};

/** The harder cases' counts: the ones given, the others a share of `faults`. */
export function stormCases(o: Pick<StormOptions, "faults"> & Partial<StormCases>): StormCases {
  const out = {} as StormCases;
  for (const [key, { share, least }] of Object.entries(CASE_SHARES) as Array<[keyof StormCases, { share: number; least: number }]>) {
    out[key] = o[key] ?? Math.max(least, Math.round(o.faults * share));
  }
  return out;
}

export interface Storm {
  options: ResolvedStormOptions;
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
 * held back; then the harder cases (StormCases): whole-device blips, silent callers, missing
 * SCADA closes, coincident reports under a transformer, waves under a substation, crews
 * restoring with a point still dark. Deterministic: the same network, options and start give
 * the same storm; the harder cases draw from their own stream after the others, so with none of
 * them the storm is the one earlier versions made. Faults never share a distribution point
 * (except a nested outage with its parent), a tripped feeder carries nothing else, and the
 * harder cases keep off every point and meter already used, so each truth outage is one thing
 * to find.
 */
export function generateStorm(network: GeneratedNetwork, options: Partial<StormOptions> = {}, startedAt = new Date()): Storm {
  const given: StormOptions = { ...DEFAULT_STORM, ...options };
  const o: ResolvedStormOptions = { ...given, ...stormCases(given) };
  const rng = createRandom(o.seed);
  const ids = createIdFactory(`S${o.seed}`);
  const feeders = feedersOf(network);
  const lastGaspShare = [Math.max(0, 1 - o.amiLoss - 0.04), Math.min(1, 1 - o.amiLoss + 0.04)] as const;
  const crewIds = network.crews.map((c) => c.crewId);
  const pointOf = new Map(feeders.flatMap((f) => f.points.flatMap((p) => p.meters.map((m) => [m.meterNumber, p.dpCode] as const))));

  const kinds: ScenarioKind[] = [];
  for (let i = 0; i < o.faults; i++) {
    kinds.push(rng.chance(o.feederTripShare) ? "feeder_trip" : rng.chance(0.5) ? "transformer" : "single_meter");
  }
  for (let i = 0; i < o.momentaries; i++) kinds.push("momentary");
  for (let i = 0; i < o.strayCalls; i++) kinds.push("stray_call");

  const tripped = new Set<string>();
  const usedPoints = new Set<string>();
  const usedMeters = new Set<string>();
  /** Points holding a meter of the storm's truth or noise (a stray caller's too). */
  const touchedPoints = new Set<string>();
  const use = (meter: string) => {
    usedMeters.add(meter);
    const point = pointOf.get(meter);
    if (point) touchedPoints.add(point);
  };
  const posts: StormPost[] = [];
  const outages: TruthOutage[] = [];
  const noise: TruthNoise[] = [];
  let scenario = 0;

  /** Adds a plan's posts and truth, the plan starting `startMs` into the storm. */
  const add = (plan: ScenarioPlan, startMs: number, scenarioIndex: number) => {
    const firstPost = posts.length;
    for (const post of plan.posts) posts.push({ atMs: startMs + post.atMs, route: post.route, body: post.body, delivery: "normal", scenario: scenarioIndex });
    const base = outages.length;
    const variant = plan.variant === undefined ? {} : { variant: plan.variant };
    plan.truth.faults.forEach((f, i) => {
      outages.push({
        ...f, id: `T${base + i + 1}`, kind: plan.kind, ...variant, scenario: scenarioIndex, startMs: startMs + f.startMs, restoreMs: startMs + f.restoreMs, firstPost,
        nestedIn: f.nestedIn === undefined ? null : `T${base + f.nestedIn + 1}`,
      });
      for (const m of f.meterNumbers) use(m);
    });
    for (const n of plan.truth.noise) {
      noise.push({ ...n, scenarioKind: plan.kind, ...variant, scenario: scenarioIndex });
      for (const m of n.meterNumbers) use(m);
    }
  };

  // The harder cases draw from their own stream; those that take whole feeders go first (small
  // faults would leave none free), those at one point after the demo kinds.
  const extra = createRandom((Math.imul(o.seed, 0x9e3779b1) ^ 0x5bd1e995) >>> 0);
  const waved = new Set<string>(); // a feeder of each wave's substation that never trips, so the substation is never all out
  addHarderCases(true);

  for (const kind of kinds) {
    const startMs = Math.round(rng.between(0, o.spreadMs));
    const free = feeders.filter((f) => !tripped.has(f.feederCode));
    const candidates = kind === "feeder_trip"
      ? free.filter((f) => !waved.has(f.feederCode) && f.points.every((p) => !usedPoints.has(p.dpCode)))
      : free.map((f) => ({ ...f, points: f.points.filter((p) => !usedPoints.has(p.dpCode)) })).filter((f) => f.points.length > 0);
    if (!candidates.length) throw new Error(`The network is too small for this storm: no free place for a ${kind} (make fewer faults or a bigger network)`);
    const feeder = rng.pick(candidates);
    // Stray calls come from customers who have power: not from a place that is out.
    const place = kind === "stray_call" ? { ...feeder, points: feeder.points.map((p) => ({ ...p, meters: p.meters.filter((m) => !usedMeters.has(m.meterNumber)) })) } : feeder;
    const plan = planScenario(kind, place, scenarioRng(rng), { start: new Date(startedAt.getTime() + startMs), ids, lastGaspShare });
    if (kind === "feeder_trip") tripped.add(feeder.feederCode);
    if (kind !== "stray_call") for (const p of plan.pointCodes) usedPoints.add(p);
    add(plan, startMs, scenario++);
  }

  addHarderCases(false);

  // Deliveries as they happen: some twice, some late (their timestamps keep the original time).
  // A crew pressing Restored is a person at a screen: once, on time.
  const delivered: StormPost[] = [];
  for (const post of posts) {
    if (post.route === "crew-restore") {
      delivered.push(post);
      continue;
    }
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

  /**
   * The harder cases, from their own stream: with `wholeFeeders`, the waves (several whole
   * feeders of one substation) and the cases that take a whole feeder; else those at one point.
   * Each keeps off every point and meter already in the storm (a stray caller's too).
   */
  function addHarderCases(wholeFeeders: boolean) {
    const pointFree = (p: DemoFeeder["points"][number]) => !usedPoints.has(p.dpCode) && !touchedPoints.has(p.dpCode);
    const feederFree = (f: DemoFeeder) => !tripped.has(f.feederCode) && !waved.has(f.feederCode) && f.points.every(pointFree);
    const tooSmall = (what: string) => new Error(`The network is too small for this storm: no free place for ${what} (make fewer cases or a bigger network)`);
    const ctxAt = (startMs: number) => ({ start: new Date(startedAt.getTime() + startMs), ids, lastGaspShare, crewIds });
    const take = (plan: ScenarioPlan, wholeFeeder: boolean) => {
      if (wholeFeeder) tripped.add(plan.feederCode);
      for (const p of plan.pointCodes) usedPoints.add(p);
    };

    for (let i = 0; wholeFeeders && i < o.substationWaves; i++) {
      const startMs = Math.round(extra.between(0, o.spreadMs));
      const bySubstation = new Map<string, DemoFeeder[]>();
      for (const f of feeders) bySubstation.set(f.substationCode, [...(bySubstation.get(f.substationCode) ?? []), f]);
      // About half of its feeders, at least two, never all: one of the others (the sentinel) never trips.
      const fits = [...bySubstation.values()].filter((all) => {
        const want = Math.max(2, Math.floor(all.length / 2));
        const free = all.filter(feederFree).length;
        return all.length >= 3 && !all.some((f) => waved.has(f.feederCode)) && free >= want &&
          (free > want || all.some((f) => !feederFree(f) && !tripped.has(f.feederCode)));
      });
      if (!fits.length) throw tooSmall("a substation wave (a substation with at least three feeders, half of them free)");
      const all = extra.pick(fits);
      const want = Math.max(2, Math.floor(all.length / 2));
      const chosen = shuffle(all.filter(feederFree), extra).slice(0, want);
      const sentinel = all.find((f) => !chosen.includes(f) && !tripped.has(f.feederCode))!;
      waved.add(sentinel.feederCode);
      const index = scenario++;
      for (const part of planSubstationWave(chosen, scenarioRng(extra), ctxAt(startMs))) {
        add(part.plan, startMs + part.offsetMs, index);
        take(part.plan, true);
      }
    }

    type Case = { kind: ScenarioKind; variant?: string; wholeFeeder: boolean };
    const cases: Case[] = [];
    for (let i = 0; i < o.silentCallers; i++) cases.push({ kind: "silent_caller", wholeFeeder: true });
    for (let i = 0; i < o.missingCloses; i++) cases.push({ kind: "missing_close", wholeFeeder: true });
    for (let i = 0; i < o.crewRestores; i++) {
      // Two in three restore a feeder with a point still dark, one a transformer with a meter still dark.
      const variant = SCENARIO_VARIANTS.crew_restore[i % 3 === 2 ? 1 : 0];
      cases.push({ kind: "crew_restore", variant, wholeFeeder: variant === "feeder" });
    }
    for (let i = 0; i < o.deviceBlips; i++) {
      // A third of the blips are a whole feeder's, half of those with SCADA seeing the recloser.
      const variant = SCENARIO_VARIANTS.device_momentary[i % 6 === 1 ? 2 : i % 6 === 4 ? 1 : 0];
      cases.push({ kind: "device_momentary", variant, wholeFeeder: variant !== "distribution_point" });
    }
    for (let i = 0; i < o.coincident; i++) cases.push({ kind: "coincident", variant: SCENARIO_VARIANTS.coincident[i % 3], wholeFeeder: false });
    for (const c of cases.filter((x) => x.wholeFeeder === wholeFeeders)) {
      const startMs = Math.round(extra.between(0, o.spreadMs));
      const candidates = c.wholeFeeder
        ? feeders.filter(feederFree)
        : feeders.filter((f) => !tripped.has(f.feederCode)).map((f) => ({ ...f, points: f.points.filter(pointFree) })).filter((f) => f.points.length > 0);
      if (!candidates.length) throw tooSmall(`a ${c.kind}${c.variant ? ` (${c.variant})` : ""}`);
      // A case at one point wants a point big enough for it (coincident reports: ~10 meters or more).
      const least = c.wholeFeeder ? 0 : c.kind === "coincident" ? 10 : c.kind === "crew_restore" ? 8 : 6;
      const roomy = candidates.filter((f) => f.points.some((p) => p.meters.length >= least));
      const feeder = extra.pick(roomy.length ? roomy : candidates);
      const plan = planScenario(c.kind, feeder, scenarioRng(extra), ctxAt(startMs), c.variant);
      take(plan, c.wholeFeeder);
      add(plan, startMs, scenario++);
    }
  }
}

/** Each scenario draws from its own stream, so one scenario's size never shifts the next one's choices. */
function scenarioRng(rng: Random): Random {
  return createRandom(rng.int(0, 2 ** 31 - 1));
}
