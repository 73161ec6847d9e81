import type { Random } from "../../db/seed/random";
import { planFeederTrip } from "./feederTrip";
import { callTicket, crewRestore, kaifaEvent, locationOnlyTicket, onuEvent, scadaClose, scadaTrip } from "./payloads";
import type { DemoFeeder, DemoMeter, DemoPoint } from "./places";
import { hasOnu, metersOf, PlanBuilder, shuffle, SCENARIO_WEIGHTS, type DemoFeedKind, type PlanContext, type ScenarioKind, type ScenarioPlan } from "./planKit";

/** The forms of the storm's cases that have several (the first is each one's default). */
export const SCENARIO_VARIANTS = {
  device_momentary: ["distribution_point", "feeder", "feeder_scada"],
  coincident: ["gasps", "calls", "call_and_gasp"],
  crew_restore: ["feeder", "distribution_point"],
  substation_wave: ["scada", "ami_only"],
} as const satisfies Partial<Record<ScenarioKind, readonly string[]>>;

/**
 * Plans one scenario on `feeder` (whose `points` are the ones free to use): which events go to
 * which route at which offset. Pure: the same rng state gives the same plan. A whole-feeder
 * kind (a trip, a feeder's blip or a crew restoring a feeder) uses every point of `feeder`.
 * `substation_wave` spans feeders: see planSubstationWave.
 */
export function planScenario(kind: ScenarioKind, feeder: DemoFeeder, rng: Random, ctx: PlanContext, variant?: string): ScenarioPlan {
  switch (kind) {
    case "feeder_trip": return planFeederTrip(feeder, rng, ctx);
    case "transformer": return planTransformer(feeder, rng, ctx);
    case "single_meter": return planSingleMeter(feeder, rng, ctx);
    case "momentary": return planMomentary(feeder, rng, ctx);
    case "stray_call": return planStrayCall(feeder, rng, ctx);
    case "device_momentary": return planDeviceMomentary(feeder, rng, ctx, (variant ?? "distribution_point") as DeviceMomentaryVariant);
    case "silent_caller": return planFeederTrip(feeder, rng, ctx, { kind, nested: "never", silentCallers: rng.int(1, 2) });
    case "missing_close": return planFeederTrip(feeder, rng, ctx, { kind, nested: "never", scadaClose: false });
    case "coincident": return planCoincident(feeder, rng, ctx, (variant ?? "gasps") as CoincidentVariant);
    case "crew_restore":
      return variant === "distribution_point" ? planCrewRestorePoint(feeder, rng, ctx) : planFeederTrip(feeder, rng, ctx, { kind, variant: "feeder", crewRestore: true });
    case "substation_wave": throw new Error("A substation wave spans feeders: plan it with planSubstationWave");
  }
}

/** Picks a demo feed kind by weight among the allowed ones. */
export function pickKind(rng: Random, allowed: (kind: DemoFeedKind) => boolean = () => true): DemoFeedKind | undefined {
  const kinds = (Object.keys(SCENARIO_WEIGHTS) as DemoFeedKind[]).filter(allowed);
  return kinds.length ? rng.weighted(kinds, kinds.map((k) => SCENARIO_WEIGHTS[k])) : undefined;
}

/** A point with a few meters (and whatever else `also` asks) if there is one, else the biggest fitting point, else any point. */
function pickPoint(feeder: DemoFeeder, rng: Random, minMeters: number, also?: (p: DemoPoint) => boolean): DemoPoint {
  const good = feeder.points.filter((p) => p.meters.length >= minMeters && (!also || also(p)));
  if (good.length || !also) return rng.pick(good.length ? good : feeder.points);
  const fitting = feeder.points.filter(also);
  return fitting.length ? fitting.reduce((a, p) => (p.meters.length > a.meters.length ? p : a)) : rng.pick(feeder.points);
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

type DeviceMomentaryVariant = (typeof SCENARIO_VARIANTS.device_momentary)[number];
type CoincidentVariant = (typeof SCENARIO_VARIANTS.coincident)[number];

/**
 * Who reports the restore after a device's blip: nearly every meter that sent its last gasp (a
 * restore too is lost now and then: on a whole feeder's blip a few gasped meters never say they
 * are back, though they are), and about half of those whose last gasp was lost.
 */
export const BLIP_RESTORE_SHARE = { gasped: 0.97, silent: 0.5 } as const;

/**
 * A whole device blips: every meter of a distribution point (or of the feeder, perhaps with
 * SCADA seeing its recloser trip and close) is off and back within 4–8 s. About 70% of the
 * meters report the last gasp, within a few seconds; most report the restore (nearly every one
 * that gasped, about half of the others). Truth: a momentary of the device, never an outage.
 */
function planDeviceMomentary(feeder: DemoFeeder, rng: Random, ctx: PlanContext, variant: DeviceMomentaryVariant): ScenarioPlan {
  const b = new PlanBuilder(ctx, rng);
  const wholeFeeder = variant !== "distribution_point";
  const point = wholeFeeder ? undefined : pickPoint(feeder, rng, 6);
  const meters = point ? point.meters : metersOf(feeder.points);
  const backAt = rng.int(4_000, 8_000);
  if (variant === "feeder_scada") {
    b.add(0, "scada", scadaTrip(ctx.ids, feeder, b.at(0), rng));
    b.add(backAt, "scada", scadaClose(ctx.ids, feeder, b.at(backAt), rng));
  }
  const gasping = shuffle(meters, rng).slice(0, Math.max(2, Math.round(meters.length * rng.between(0.6, 0.8))));
  const gasped = new Set(gasping);
  b.kaifa(gasping, false, rng.int(200, 800), [100, 400]);
  const restoring = meters.filter((m) => rng.chance(gasped.has(m) ? BLIP_RESTORE_SHARE.gasped : BLIP_RESTORE_SHARE.silent));
  b.kaifa(shuffle(restoring, rng), true, backAt + rng.int(200, 1_500), [100, 400]);
  const code = point ? point.dpCode : feeder.feederCode;
  const level = point ? "distribution_point" : "feeder";
  return b.finish("device_momentary", feeder.feederCode, point ? [point.dpCode] : feeder.points.map((p) => p.dpCode),
    `momentary of ${level === "feeder" ? `feeder ${code}${variant === "feeder_scada" ? " (SCADA trip and close)" : ""}` : `distribution point ${code} on ${feeder.feederCode}`}: ` +
      `${meters.length} meters off, ${gasping.length} last gasps, ${restoring.length} restores, back after ${(backAt / 1000).toFixed(1)} s`,
    { faults: [], noise: [{ kind: "momentary", meterNumbers: meters.map((m) => m.meterNumber), level, deviceCode: code }] }, undefined, variant);
}

/**
 * A transformer fails and the control room hears only two or three things from under it: 2–3
 * last gasps in one message at the same second (the rest lost), two calls from its customers,
 * or a call and a last gasp. Its meters come back 1–4 minutes after the last report. Truth: the
 * distribution point is out, every meter of it (two coincident reports under one transformer
 * predict the transformer).
 */
function planCoincident(feeder: DemoFeeder, rng: Random, ctx: PlanContext, variant: CoincidentVariant): ScenarioPlan {
  const b = new PlanBuilder(ctx, rng);
  const point = pickPoint(feeder, rng, 10, (p) => p.meters.filter((m) => m.phone).length >= 2);
  const order = shuffle(point.meters, rng);
  const withPhone = order.filter((m) => m.phone);
  let gasping: DemoMeter[] = [];
  let callers: DemoMeter[] = [];
  let lastReport = 0;
  if (variant === "gasps") {
    gasping = order.slice(0, rng.int(2, 3));
    const t = rng.int(500, 2_500);
    b.add(t, "kaifa", gasping.map((m) => kaifaEvent(ctx.ids, m, false, b.at(t), rng)));
    lastReport = t;
  } else if (variant === "calls") {
    callers = withPhone.slice(0, 2);
    const first = rng.int(20_000, 60_000);
    const times = [first, first + rng.int(10_000, 120_000)];
    callers.forEach((m, i) => b.add(times[i], "call-center", callTicket(ctx.ids, m, b.at(times[i]), rng)));
    lastReport = times[1];
  } else {
    callers = withPhone.slice(0, 1);
    gasping = [order.find((m) => !callers.includes(m))!];
    const t = rng.int(500, 2_500);
    b.add(t, "kaifa", [kaifaEvent(ctx.ids, gasping[0], false, b.at(t), rng)]);
    const callAt = rng.int(20_000, 90_000);
    b.add(callAt, "call-center", callTicket(ctx.ids, callers[0], b.at(callAt), rng));
    lastReport = callAt;
  }
  const restoreAt = lastReport + rng.int(60_000, 180_000);
  const reporting = new Set([...gasping, ...callers]);
  const restoring = point.meters.filter((m) => reporting.has(m) || rng.chance(0.85));
  b.kaifa(shuffle(restoring, rng), true, restoreAt, [300, 1_500]);
  const what = variant === "gasps" ? `${gasping.length} last gasps in one message` : variant === "calls" ? "two calls" : "a call and a last gasp";
  return b.finish("coincident", feeder.feederCode, [point.dpCode],
    `transformer ${point.dpCode} on ${feeder.feederCode} out (${point.meters.length} meters), heard only as ${what}, back after ${Math.round(restoreAt / 1000)} s`,
    { faults: [{ level: "distribution_point", deviceCode: point.dpCode, meterNumbers: point.meters.map((m) => m.meterNumber), startMs: 0, restoreMs: restoreAt }], noise: [] },
    undefined, variant);
}

/**
 * A transformer fails; 3–7 minutes later a crew presses Restored (REST API) while one of its
 * meters is still dark (its service cable burnt too): the others report back within seconds,
 * that one 9–14 minutes later. Truth: the point restored when the crew pressed Restored, and a
 * nested single-meter outage restored later.
 */
function planCrewRestorePoint(feeder: DemoFeeder, rng: Random, ctx: PlanContext): ScenarioPlan {
  const b = new PlanBuilder(ctx, rng);
  const point = pickPoint(feeder, rng, 8);
  const gasping = shuffle(point.meters, rng).slice(0, Math.max(1, Math.round(point.meters.length * rng.between(0.8, 1))));
  b.kaifa(gasping, false, 0, [300, 1500]);
  for (const m of shuffle(point.meters.filter((x) => x.phone), rng).slice(0, rng.int(1, 2))) {
    const t = rng.int(25_000, 55_000);
    b.add(t, "call-center", callTicket(ctx.ids, m, b.at(t), rng));
  }
  const pressAt = rng.int(180_000, 420_000);
  b.add(pressAt, "crew-restore", crewRestore("distribution_point", point.dpCode, b.at(pressAt), rng, ctx.crewIds));
  const stuck = rng.pick(gasping);
  const back = point.meters.filter((m) => m !== stuck);
  const mainEnd = b.kaifa(shuffle(back, rng), true, pressAt + rng.int(2_000, 10_000), [300, 1500]);
  const stuckAt = pressAt + rng.int(9, 14) * 60_000;
  b.add(stuckAt, "kaifa", [kaifaEvent(ctx.ids, stuck, true, b.at(stuckAt), rng)]);
  return b.finish("crew_restore", feeder.feederCode, [point.dpCode],
    `transformer ${point.dpCode} on ${feeder.feederCode} out (${gasping.length}/${point.meters.length} last gasps); a crew presses Restored after ${Math.round(pressAt / 1000)} s ` +
      `while meter ${stuck.meterNumber} stays dark ${Math.round((stuckAt - pressAt) / 60_000)} min more`,
    { faults: [
      { level: "distribution_point", deviceCode: point.dpCode, meterNumbers: point.meters.map((m) => m.meterNumber), startMs: 0, restoreMs: pressAt },
      { level: "meter", deviceCode: stuck.meterNumber, meterNumbers: [stuck.meterNumber], startMs: 0, restoreMs: stuckAt, nestedIn: 0 },
    ], noise: [] }, mainEnd, "distribution_point");
}
