import type { Random } from "../../db/seed/random";
import { callTicket, onuEvent, scadaClose, scadaTrip } from "./payloads";
import type { DemoFeeder, DemoMeter } from "./places";
import { hasOnu, metersOf, PlanBuilder, shuffle, type PlanContext, type PlanTruth, type ScenarioPlan } from "./planKit";

/** Share of a feeder's meters whose last gasp reaches the head-end (real AMI loses some). */
export const LAST_GASP_SHARE: readonly [number, number] = [0.76, 0.84];

/**
 * A feeder breaker trips: SCADA trip at 0; within seconds Kaifa last gasps from ~80% of the
 * feeder's meters in batches and a few ONU last gasps; customers call over the next minutes;
 * after 2–6 minutes SCADA closes the breaker and most meters report power restored. Sometimes
 * one distribution point stays dark (its fuse blew too): its meters send no restore until a
 * crew fixes it 9–14 minutes later, so the pipeline splits it off as a nested outage.
 */
export function planFeederTrip(feeder: DemoFeeder, rng: Random, ctx: PlanContext): ScenarioPlan {
  const b = new PlanBuilder(ctx, rng);
  const meters = metersOf(feeder.points);
  b.add(0, "scada", scadaTrip(ctx.ids, feeder, b.at(0), rng));

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

  const closeAt = rng.int(120_000, 360_000);
  b.add(closeAt, "scada", scadaClose(ctx.ids, feeder, b.at(closeAt), rng));

  const candidates = feeder.points.filter((p) => p.meters.some((m) => gasped.has(m)));
  const nested = feeder.points.length >= 2 && rng.chance(0.3) && candidates.length ? rng.pick(candidates) : undefined;
  const dark = new Set<DemoMeter>(nested?.meters ?? []);
  // Every meter that gasped reports back (a lost restore would look like a nested outage); of
  // the others, whose last gasp was lost, most do.
  const restoring = meters.filter((m) => !dark.has(m) && (gasped.has(m) || rng.chance(0.85)));
  let mainEnd = b.kaifa(shuffle(restoring, rng), true, closeAt + rng.int(3000, 15_000));
  for (const m of onuOut.filter((x) => !dark.has(x))) {
    const t = closeAt + rng.int(5000, 20_000);
    b.add(t, "onu", onuEvent(ctx.ids, m, true, b.at(t), rng));
    mainEnd = Math.max(mainEnd, t);
  }
  const nestedRestore = nested ? closeAt + rng.int(9, 14) * 60_000 : 0;
  if (nested) b.kaifa(nested.meters, true, nestedRestore);

  const summary = `feeder trip on ${feeder.feederCode} (${meters.length} meters, ${gasping.length} last gasps` +
    `${nested ? `, ${nested.dpCode} stays dark` : ""}), breaker closes after ${Math.round(closeAt / 1000)} s`;
  const faults: PlanTruth["faults"] = [{ level: "feeder", deviceCode: feeder.feederCode, meterNumbers: meters.map((m) => m.meterNumber), startMs: 0, restoreMs: closeAt }];
  if (nested) {
    faults.push({ level: "distribution_point", deviceCode: nested.dpCode, meterNumbers: nested.meters.map((m) => m.meterNumber), startMs: 0, restoreMs: nestedRestore, nestedIn: 0 });
  }
  return b.finish("feeder_trip", feeder.feederCode, feeder.points.map((p) => p.dpCode), summary, { faults, noise: [] }, mainEnd);
}
