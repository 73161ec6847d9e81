import { createRandom } from "../../db/seed/random";
import type { GeneratedNetwork, MeterRow } from "../../db/seed/types";

/** One Kaifa JSON EndDeviceEvent as the head-end posts it (seed 004 shape). */
export interface KaifaEvent {
  message_type: "EndDeviceEvent";
  timestamp: string;
  payload: { event_id: string; severity?: string; reason: string; assets: { mrid: string } };
}

/** One request body, with what the post-to-push measurement waits for. */
export interface StormBatch {
  events: KaifaEvent[];
  firstMeterId: number;
  /** The first meter's status after this batch (its last event in the batch: pushes are coalesced). */
  firstStatus: "off" | "on";
  /** When that last event happened (ISO): the push that shows it carries this time. */
  firstAt: string;
}

export interface Storm {
  batches: StormBatch[];
  /** Fewest events between a meter's last gasp and its restore, in posting order. */
  minOffOnGap: number;
}

export interface StormOptions {
  events: number;
  batch: number;
  /** Distinguishes event ids between passes on one database. */
  runId: string;
  seed?: number;
  now?: Date;
}

/**
 * The pipeline calls an off and on of one meter within 60 s a momentary interruption; a slot
 * longer than that keeps every restore a real restoration.
 */
const SLOT_MS = 75_000;
/**
 * A wave is restored after the next LAG waves went dark, which keeps a meter's restore some
 * thousands of events behind its last gasp: with fewer, requests in flight together would carry
 * both, and the older event would arrive late, as no head-end sends it.
 */
const LAG = 4;

/**
 * A storm in waves: each wave darkens about a tenth of the feeders (a third of them whole, the
 * rest at some of their distribution points); outages and restorations overlap as in a real
 * storm. Events come grouped by feeder and distribution point, with timestamps over the past
 * hour or so (the adapters refuse timestamps > 5 min ahead). Waves are added until at least
 * `events` events exist; every outage is restored at the end.
 */
export function buildStorm(network: GeneratedNetwork, options: StormOptions): Storm {
  const random = createRandom(options.seed ?? 7);
  const byFeeder = new Map<number, Map<number, MeterRow[]>>();
  for (const m of network.meters) {
    const dps = byFeeder.get(m.feederId) ?? byFeeder.set(m.feederId, new Map()).get(m.feederId)!;
    (dps.get(m.dpId) ?? dps.set(m.dpId, []).get(m.dpId)!).push(m);
  }
  const feeders = [...byFeeder.keys()];
  for (let i = feeders.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [feeders[i], feeders[j]] = [feeders[j], feeders[i]];
  }
  // LAG + 1 consecutive waves are dark together: they must not share a feeder.
  const perWave = Math.max(1, Math.min(Math.round(feeders.length / 10), Math.floor(feeders.length / (LAG + 1))));

  const waves: MeterRow[][] = [];
  for (let cursor = 0, total = 0; total < options.events; cursor += perWave) {
    const wave: MeterRow[] = [];
    for (let k = 0; k < perWave; k++) {
      const dps = [...byFeeder.get(feeders[(cursor + k) % feeders.length])!.values()];
      const hit = random.chance(1 / 3) ? dps : dps.filter(() => random.chance(0.3));
      for (const meters of hit.length ? hit : [random.pick(dps)]) wave.push(...meters);
    }
    waves.push(wave);
    total += 2 * wave.length;
  }

  // Slots: off(W0) … off(W_LAG), on(W0), off(W_LAG+1), on(W1), …, on(Wn-1).
  const slots: Array<{ meters: MeterRow[]; status: "off" | "on" }> = [];
  for (let w = 0; w < waves.length + LAG; w++) {
    if (w < waves.length) slots.push({ meters: waves[w], status: "off" });
    if (w >= LAG) slots.push({ meters: waves[w - LAG], status: "on" });
  }

  const start = (options.now ?? new Date()).getTime() - 5_000 - slots.length * SLOT_MS;
  const flat: Array<{ meterId: number; status: "off" | "on"; event: KaifaEvent }> = [];
  const offAt = new Map<number, number>();
  let minOffOnGap = Infinity;
  slots.forEach((slot, s) => slot.meters.forEach((m, i) => {
    const off = slot.status === "off";
    if (off) offAt.set(m.id, flat.length);
    else minOffOnGap = Math.min(minOffOnGap, flat.length - offAt.get(m.id)!);
    flat.push({ meterId: m.id, status: slot.status, event: {
      message_type: "EndDeviceEvent",
      timestamp: new Date(start + s * SLOT_MS + Math.floor((i / slot.meters.length) * SLOT_MS * 0.8)).toISOString(),
      payload: {
        event_id: `BENCH-${options.runId}-${flat.length + 1}`,
        ...(off ? { severity: "critical" } : {}),
        reason: off ? "Last gasp signal detected" : "Power restored",
        assets: { mrid: m.meterNumber },
      },
    } });
  }));

  const batches: StormBatch[] = [];
  for (let i = 0; i < flat.length; i += options.batch) {
    const part = flat.slice(i, i + options.batch);
    const first = part[0].meterId;
    const last = part.findLast((p) => p.meterId === first)!;
    batches.push({ events: part.map((p) => p.event), firstMeterId: first, firstStatus: last.status, firstAt: last.event.timestamp });
  }
  return { batches, minOffOnGap };
}
