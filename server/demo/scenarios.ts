import type { Random } from "../../db/seed/random";
import { planFeederTrip } from "./feederTrip";
import { callTicket, kaifaEvent, locationOnlyTicket, onuEvent } from "./payloads";
import type { DemoFeeder, DemoPoint } from "./places";
import { hasOnu, metersOf, PlanBuilder, shuffle, SCENARIO_WEIGHTS, type PlanContext, type ScenarioKind, type ScenarioPlan } from "./planKit";

/**
 * Plans one scenario on `feeder` (whose `points` are the ones free to use): which events go to
 * which route at which offset. Pure: the same rng state gives the same plan.
 */
export function planScenario(kind: ScenarioKind, feeder: DemoFeeder, rng: Random, ctx: PlanContext): ScenarioPlan {
  switch (kind) {
    case "feeder_trip": return planFeederTrip(feeder, rng, ctx);
    case "transformer": return planTransformer(feeder, rng, ctx);
    case "single_meter": return planSingleMeter(feeder, rng, ctx);
    case "momentary": return planMomentary(feeder, rng, ctx);
    case "stray_call": return planStrayCall(feeder, rng, ctx);
  }
}

/** Picks a scenario kind by weight among the allowed ones. */
export function pickKind(rng: Random, allowed: (kind: ScenarioKind) => boolean = () => true): ScenarioKind | undefined {
  const kinds = (Object.keys(SCENARIO_WEIGHTS) as ScenarioKind[]).filter(allowed);
  return kinds.length ? rng.weighted(kinds, kinds.map((k) => SCENARIO_WEIGHTS[k])) : undefined;
}

/** A point with a few meters if there is one, else any point. */
function pickPoint(feeder: DemoFeeder, rng: Random, minMeters: number): DemoPoint {
  const good = feeder.points.filter((p) => p.meters.length >= minMeters);
  return rng.pick(good.length ? good : feeder.points);
}

/** A distribution point fails: most of its meters gasp, a call or two, restores after 1–4 minutes. */
function planTransformer(feeder: DemoFeeder, rng: Random, ctx: PlanContext): ScenarioPlan {
  const b = new PlanBuilder(ctx, rng);
  const point = pickPoint(feeder, rng, 3);
  const gasping = shuffle(point.meters, rng).slice(0, Math.max(1, Math.round(point.meters.length * rng.between(0.8, 1))));
  b.kaifa(gasping, false, 0, [300, 1500]);
  const onu = gasping.find(hasOnu);
  if (onu && rng.chance(0.5)) {
    const t = rng.int(1000, 8000);
    b.add(t, "onu", onuEvent(ctx.ids, onu, false, b.at(t), rng));
  }
  for (const m of shuffle(point.meters.filter((x) => x.phone), rng).slice(0, rng.int(1, 2))) {
    const t = rng.int(25_000, 55_000);
    b.add(t, "call-center", callTicket(ctx.ids, m, b.at(t), rng));
  }
  const restoreAt = rng.int(60_000, 240_000);
  b.kaifa(shuffle(point.meters, rng), true, restoreAt, [300, 1500]);
  if (onu && b.posts.some((p) => p.route === "onu")) b.add(restoreAt + 2000, "onu", onuEvent(ctx.ids, onu, true, b.at(restoreAt + 2000), rng));
  return b.finish("transformer", feeder.feederCode, [point.dpCode],
    `transformer ${point.dpCode} on ${feeder.feederCode} out (${gasping.length}/${point.meters.length} last gasps) for ${Math.round(restoreAt / 1000)} s`,
    { faults: [{ level: "distribution_point", deviceCode: point.dpCode, meterNumbers: point.meters.map((m) => m.meterNumber), startMs: 0, restoreMs: restoreAt }], noise: [] });
}

/** One meter (its service cable or cut-out): a last gasp from Kaifa or its ONU, perhaps a call, restore later. */
function planSingleMeter(feeder: DemoFeeder, rng: Random, ctx: PlanContext): ScenarioPlan {
  const b = new PlanBuilder(ctx, rng);
  const on = metersOf(feeder.points).filter((m) => m.powerOn);
  const meter = rng.pick(on.length ? on : metersOf(feeder.points));
  const point = feeder.points.find((p) => p.meters.includes(meter))!;
  const viaOnu = hasOnu(meter) && rng.chance(0.35);
  const event = (off: boolean, t: number) => (viaOnu ? onuEvent(ctx.ids, meter, !off, b.at(t), rng) : [kaifaEvent(ctx.ids, meter, !off, b.at(t), rng)]);
  b.add(0, viaOnu ? "onu" : "kaifa", event(true, 0));
  if (meter.phone && rng.chance(0.4)) {
    const t = rng.int(30_000, 80_000);
    b.add(t, "call-center", callTicket(ctx.ids, meter, b.at(t), rng));
  }
  const restoreAt = rng.int(90_000, 480_000);
  b.add(restoreAt, viaOnu ? "onu" : "kaifa", event(false, restoreAt));
  return b.finish("single_meter", feeder.feederCode, [point.dpCode],
    `meter ${meter.meterNumber} at ${point.dpCode} out via ${viaOnu ? "ONU" : "Kaifa"} for ${Math.round(restoreAt / 1000)} s`,
    { faults: [{ level: "meter", deviceCode: meter.meterNumber, meterNumbers: [meter.meterNumber], startMs: 0, restoreMs: restoreAt }], noise: [] });
}

/** A momentary blip: a few meters of one point gasp and come back within 10 s. */
function planMomentary(feeder: DemoFeeder, rng: Random, ctx: PlanContext): ScenarioPlan {
  const b = new PlanBuilder(ctx, rng);
  const point = pickPoint(feeder, rng, 2);
  const meters = shuffle(point.meters, rng).slice(0, rng.int(2, 5));
  b.kaifa(meters, false, 0);
  const backAt = rng.int(2000, 9000);
  b.kaifa(meters, true, backAt);
  return b.finish("momentary", feeder.feederCode, [point.dpCode], `momentary blip at ${point.dpCode}: ${meters.length} meters back after ${Math.round(backAt / 1000)} s`,
    { faults: [], noise: [{ kind: "momentary", meterNumbers: meters.map((m) => m.meterNumber) }] });
}

/** A call from a customer whose power is on, or a hurried ticket with only a location. */
function planStrayCall(feeder: DemoFeeder, rng: Random, ctx: PlanContext): ScenarioPlan {
  const b = new PlanBuilder(ctx, rng);
  const callers = metersOf(feeder.points).filter((m) => m.powerOn && m.phone);
  const located = feeder.points.filter((p) => p.lat !== null && p.lng !== null);
  if (located.length && (!callers.length || rng.chance(0.3))) {
    const point = rng.pick(located);
    b.add(0, "call-center", locationOnlyTicket(ctx.ids, point.lat!, point.lng!, b.at(0), rng));
    return b.finish("stray_call", feeder.feederCode, [], `call with only a location near ${point.dpCode}`, { faults: [], noise: [{ kind: "stray_call", meterNumbers: [] }] });
  }
  const m = rng.pick(callers.length ? callers : metersOf(feeder.points));
  b.add(0, "call-center", callTicket(ctx.ids, m, b.at(0), rng, true));
  return b.finish("stray_call", feeder.feederCode, [], `call from a customer with power (meter ${m.meterNumber})`,
    { faults: [], noise: [{ kind: "stray_call", meterNumbers: [m.meterNumber] }] });
}
