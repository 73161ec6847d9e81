import type { Random } from "../../db/seed/random";
import { createRandom } from "../../db/seed/random";
import { planFeederTrip } from "./feederTrip";
import type { DemoFeeder } from "./places";
import type { PlanContext, ScenarioPlan } from "./planKit";

/** One feeder of a wave: its plan, starting `offsetMs` after the wave does. */
export interface WavePart {
  offsetMs: number;
  plan: ScenarioPlan;
}

/**
 * A wave under one substation: `feeders` (about half of the substation's, never all of them)
 * go out at overlapping times, each 5–60 s after the one before, each out for 2–6 minutes.
 * About half are breaker trips SCADA reports (trip and close); the others are seen only by AMI:
 * no SCADA at all, last gasps from most meters, restores when the feeder is back. No point of
 * them stays dark. Truth: one feeder outage per feeder, never the substation.
 */
export function planSubstationWave(feeders: readonly DemoFeeder[], rng: Random, ctx: PlanContext): WavePart[] {
  const parts: WavePart[] = [];
  let offsetMs = 0;
  for (const [i, feeder] of feeders.entries()) {
    if (i > 0) offsetMs += rng.int(5_000, 60_000);
    // The first feeder has SCADA, the second none, the rest either way.
    const scada = i === 0 ? true : i === 1 ? false : rng.chance(0.5);
    const sub = createRandom(rng.int(0, 2 ** 31 - 1));
    const plan = planFeederTrip(feeder, sub, { ...ctx, start: new Date(ctx.start.getTime() + offsetMs) },
      { kind: "substation_wave", variant: scada ? "scada" : "ami_only", scada, nested: "never" });
    parts.push({ offsetMs, plan });
  }
  return parts;
}
