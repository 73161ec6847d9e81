import type { Random } from "../../db/seed/random";
import { callTicket, crewRestore, onuEvent, scadaClose, scadaTrip } from "./payloads";
import type { DemoFeeder, DemoMeter, DemoPoint } from "./places";
import { hasOnu, metersOf, PlanBuilder, shuffle, type PlanContext, type PlanTruth, type ScenarioKind, type ScenarioPlan } from "./planKit";

/** Share of a feeder's meters whose last gasp reaches the head-end (real AMI loses some). */
export const LAST_GASP_SHARE: readonly [number, number] = [0.76, 0.84];

/** How a feeder outage goes, for the storm's harder cases. The defaults are the demo feed's feeder trip. */
export interface FeederTripOptions {
  /** The scenario kind (and variant) the plan reports (default feeder_trip). */
  kind?: ScenarioKind;
  variant?: string;
  /** SCADA reports the trip (default true). False: the feeder is seen only by AMI (last gasps, restores). */
  scada?: boolean;
  /** SCADA reports the close (default true when it reported the trip). False: the close is lost. */
  scadaClose?: boolean;
  /** A point whose fuse blew too, still dark after the feeder is back: sometimes (default), never, or always. */
  nested?: "sometimes" | "never" | "always";
  /**
   * Customers whose last gasp was lost call while the feeder is out; their meters never send a
   * restore (they are back when the breaker closes). Default 0.
   */
  silentCallers?: number;
  /**
   * A crew presses Restored (REST API) when the fault is cleared; the breaker closes seconds
   * later and the meters report back, except the still-dark point (nested: always).
   */
  crewRestore?: boolean;
}

/**
 * A feeder breaker trips: SCADA trip at 0; within seconds Kaifa last gasps from ~80% of the
 * feeder's meters in batches and a few ONU last gasps; customers call over the next minutes;
 * after 2–6 minutes SCADA closes the breaker and most meters report power restored. Sometimes
 * one distribution point stays dark (its fuse blew too): its meters send no restore until a
 * crew fixes it 9–14 minutes later, so the pipeline splits it off as a nested outage.
 *
 * `options` make the storm's harder forms of it (see FeederTripOptions); without them the plan
 * is the demo feed's, draw for draw.
 */
export function planFeederTrip(feeder: DemoFeeder, rng: Random, ctx: PlanContext, options: FeederTripOptions = {}): ScenarioPlan {
  const scada = options.scada ?? true;
  const scadaCloses = scada && (options.scadaClose ?? true);
  const nestedMode = options.crewRestore ? "always" : options.nested ?? "sometimes";
  const b = new PlanBuilder(ctx, rng);
  const meters = metersOf(feeder.points);
  if (scada) b.add(0, "scada", scadaTrip(ctx.ids, feeder, b.at(0), rng));

  const share = ctx.lastGaspShare ?? LAST_GASP_SHARE;
  const gasping = shuffle(meters, rng).slice(0, Math.round(meters.length * rng.between(share[0], share[1])));
  const gasped = new Set(gasping);
  b.kaifa(gasping, false, rng.int(800, 2500));

  const onuOut = shuffle(meters.filter(hasOnu), rng).slice(0, rng.int(2, 5));
  for (const m of onuOut) {
    const t = rng.int(2000, 12_000);
    b.add(t, "onu", onuEvent(ctx.ids, m, false, b.at(t), rng));
  }
  const callers = shuffle(meters.filter((m) => m.phone), rng).slice(0, rng.int(1, 4));
  for (const m of callers) {
    const t = rng.int(20_000, 110_000);
    b.add(t, "call-center", callTicket(ctx.ids, m, b.at(t), rng));
  }

  // The breaker closes at closeAt; with a crew, the crew presses Restored then and the breaker
  // closes seconds later.
  const closeAt = rng.int(options.crewRestore ? 180_000 : 120_000, options.crewRestore ? 420_000 : 360_000);
  const breakerAt = options.crewRestore ? closeAt + rng.int(2_000, 8_000) : closeAt;
  if (options.crewRestore) b.add(closeAt, "crew-restore", crewRestore("feeder", feeder.feederCode, b.at(closeAt), rng, ctx.crewIds));
  if (scadaCloses) b.add(breakerAt, "scada", scadaClose(ctx.ids, feeder, b.at(breakerAt), rng));

  // Callers whose last gasp was lost and whose meter will not send a restore either.
  const onuSet = new Set(onuOut);
  const silent = options.silentCallers
    ? shuffle(meters.filter((m) => m.phone && !gasped.has(m) && !onuSet.has(m) && !callers.includes(m)), rng).slice(0, options.silentCallers)
    : [];
  for (const m of silent) {
    const t = rng.int(20_000, Math.max(20_000, closeAt - 10_000));
    b.add(t, "call-center", callTicket(ctx.ids, m, b.at(t), rng));
  }
  const silentSet = new Set(silent);

  const nested = pickNested(feeder, gasped, rng, nestedMode, silentSet);
  const dark = new Set<DemoMeter>(nested?.meters ?? []);
  // Every meter that gasped reports back (a lost restore would look like a nested outage); of
  // the others, whose last gasp was lost, most do (the silent callers do not).
  const restoring = meters.filter((m) => !dark.has(m) && (gasped.has(m) || (rng.chance(0.85) && !silentSet.has(m))));
  const restoreOrder = shuffle(restoring, rng); // drawn before the time, as the demo feed always has
  const backFrom = breakerAt + rng.int(3000, 15_000);
  let mainEnd = b.kaifa(restoreOrder, true, backFrom);
  for (const m of onuOut.filter((x) => !dark.has(x))) {
    const t = breakerAt + rng.int(5000, 20_000);
    b.add(t, "onu", onuEvent(ctx.ids, m, true, b.at(t), rng));
    mainEnd = Math.max(mainEnd, t);
  }
  const nestedRestore = nested ? breakerAt + rng.int(9, 14) * 60_000 : 0;
  if (nested) b.kaifa(nested.meters, true, nestedRestore);

  // Without a SCADA close the truth is when the meters came back; a crew's restoration is when it pressed Restored.
  const restoreMs = scadaCloses || options.crewRestore ? closeAt : backFrom;
  const summary = `${scada ? "feeder trip" : "feeder out (AMI only, no SCADA)"} on ${feeder.feederCode} (${meters.length} meters, ${gasping.length} last gasps` +
    `${nested ? `, ${nested.dpCode} stays dark` : ""}${silent.length ? `, ${silent.length} silent meters call` : ""})` +
    (options.crewRestore ? `, a crew presses Restored after ${Math.round(closeAt / 1000)} s` : scadaCloses ? `, breaker closes after ${Math.round(closeAt / 1000)} s` : `, back after ${Math.round(backFrom / 1000)} s${scada ? " (no SCADA close)" : ""}`);
  const faults: PlanTruth["faults"] = [{ level: "feeder", deviceCode: feeder.feederCode, meterNumbers: meters.map((m) => m.meterNumber), startMs: 0, restoreMs }];
  if (nested) {
    faults.push({ level: "distribution_point", deviceCode: nested.dpCode, meterNumbers: nested.meters.map((m) => m.meterNumber), startMs: 0, restoreMs: nestedRestore, nestedIn: 0 });
  }
  return b.finish(options.kind ?? "feeder_trip", feeder.feederCode, feeder.points.map((p) => p.dpCode), summary, { faults, noise: [] }, mainEnd, options.variant);
}

/**
 * The point that stays dark. Sometimes (the demo's 30%) any point with a last gasp; always (a
 * crew's restoration): a point of about 8 meters most of whose meters gasped, so the control
 * room knows they are still dark when the crew presses Restored.
 */
function pickNested(feeder: DemoFeeder, gasped: Set<DemoMeter>, rng: Random, mode: "sometimes" | "never" | "always", avoid: Set<DemoMeter>): DemoPoint | undefined {
  if (mode === "never") return undefined;
  const candidates = feeder.points.filter((p) => p.meters.some((m) => gasped.has(m)) && !p.meters.some((m) => avoid.has(m)));
  if (mode === "sometimes") return feeder.points.length >= 2 && rng.chance(0.3) && candidates.length ? rng.pick(candidates) : undefined;
  if (feeder.points.length < 2 || !candidates.length) return undefined;
  const share = (p: DemoPoint) => p.meters.filter((m) => gasped.has(m)).length / p.meters.length;
  const good = candidates.filter((p) => p.meters.length >= 6 && p.meters.length <= 10 && share(p) >= 0.7);
  const fair = candidates.filter((p) => share(p) >= 0.7);
  return rng.pick(good.length ? good : fair.length ? fair : candidates);
}
