import type { TruthNoise, TruthOutage } from "./storm";

/** An outage the control room produced, as the scorer needs it. */
export interface DetectedOutage {
  id: string;
  eventId: string;
  status: string;
  level: string | null;
  deviceCode: string | null;
  /** Every meter the outage ever held dark (one customer per meter). */
  meterNumbers: string[];
  parentOutageId: string | null;
  /** Wall-clock ms when it first reached a dispatcher's screen (its first push), if seen. */
  firstPushAtMs: number | null;
}

export interface ScoreInput {
  truth: TruthOutage[];
  noise: TruthNoise[];
  detected: DetectedOutage[];
  /** Wall-clock ms each post was sent, by index in the storm's posts. */
  postedAtMs: number[];
}

export interface Match {
  truth: string;
  detected: string | null;
  jaccard: number;
  deviceRight: boolean;
  customersTruth: number;
  customersDetected: number;
  timeToScreenMs: number | null;
  restored: boolean;
}

export interface StormScore {
  truthOutages: number;
  detectedOutages: number;
  matched: number;
  precision: number;
  recall: number;
  /** Of the matched: the predicted device is the failed one, at the right level. */
  deviceRight: number;
  customersErrorPct: { median: number; mean: number; p90: number };
  /** Detections matching no truth outage whose meters were only momentary blips or stray callers. */
  falseFromNoise: { momentary: number; strayCall: number; other: number };
  nested: { truth: number; found: number };
  timeToScreenMs: { p50: number | null; p99: number | null; samples: number };
  restorationDetected: { of: number; restored: number };
  matches: Match[];
}

/** Overlap needed for a detection to be a truth outage: Jaccard of their meter sets. */
export const MATCH_THRESHOLD = 0.5;

/** Nearest-rank percentile; null for no values. */
export function percentileOf(values: number[], p: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const CLOSED_AS_NOT_AN_OUTAGE = new Set(["merged", "cancelled"]);

/**
 * Scores what the control room found against what happened. A detection is a truth outage when
 * their meter sets overlap by at least MATCH_THRESHOLD (Jaccard), pairing the best overlaps
 * first, one to one. Merged detections (absorbed into another) and cancelled ones (momentary
 * interruptions) are not outages the dispatcher sees, so they count neither way.
 */
export function scoreStorm(input: ScoreInput): StormScore {
  const detections = input.detected.filter((d) => !CLOSED_AS_NOT_AN_OUTAGE.has(d.status));
  const sets = new Map(detections.map((d) => [d.id, new Set(d.meterNumbers)]));
  const pairs: Array<{ t: TruthOutage; d: DetectedOutage; j: number }> = [];
  for (const t of input.truth) {
    const truthSet = new Set(t.meterNumbers);
    for (const d of detections) {
      const ds = sets.get(d.id)!;
      let common = 0;
      for (const m of ds) if (truthSet.has(m)) common++;
      if (!common) continue;
      const j = common / (truthSet.size + ds.size - common);
      if (j >= MATCH_THRESHOLD) pairs.push({ t, d, j });
    }
  }
  pairs.sort((a, b) => b.j - a.j || a.t.id.localeCompare(b.t.id));
  const byTruth = new Map<string, { d: DetectedOutage; j: number }>();
  const usedDetections = new Set<string>();
  for (const p of pairs) {
    if (byTruth.has(p.t.id) || usedDetections.has(p.d.id)) continue;
    byTruth.set(p.t.id, { d: p.d, j: p.j });
    usedDetections.add(p.d.id);
  }

  const matches: Match[] = input.truth.map((t) => {
    const hit = byTruth.get(t.id);
    const posted = input.postedAtMs[t.firstPost];
    return {
      truth: t.id,
      detected: hit?.d.eventId ?? null,
      jaccard: hit?.j ?? 0,
      deviceRight: !!hit && hit.d.level === t.level && hit.d.deviceCode === t.deviceCode,
      customersTruth: t.meterNumbers.length,
      customersDetected: hit?.d.meterNumbers.length ?? 0,
      // A nested outage can only show once its feeder is back: time to screen is for the others.
      timeToScreenMs: hit && t.nestedIn === null && hit.d.firstPushAtMs !== null && posted !== undefined ? Math.max(0, hit.d.firstPushAtMs - posted) : null,
      restored: !!hit && hit.d.status === "restored",
    };
  });
  const matched = matches.filter((m) => m.detected !== null);

  const momentaryMeters = new Set(input.noise.filter((n) => n.kind === "momentary").flatMap((n) => n.meterNumbers));
  const strayMeters = new Set(input.noise.filter((n) => n.kind === "stray_call").flatMap((n) => n.meterNumbers));
  const falseFromNoise = { momentary: 0, strayCall: 0, other: 0 };
  for (const d of detections) {
    if (usedDetections.has(d.id)) continue;
    if (d.meterNumbers.length && d.meterNumbers.every((m) => momentaryMeters.has(m))) falseFromNoise.momentary++;
    else if (d.meterNumbers.length && d.meterNumbers.every((m) => strayMeters.has(m))) falseFromNoise.strayCall++;
    else falseFromNoise.other++;
  }

  const errors = matched.map((m) => (100 * Math.abs(m.customersDetected - m.customersTruth)) / m.customersTruth);
  const times = matched.map((m) => m.timeToScreenMs).filter((x): x is number => x !== null);
  const nestedTruth = input.truth.filter((t) => t.nestedIn !== null);
  return {
    truthOutages: input.truth.length,
    detectedOutages: detections.length,
    matched: matched.length,
    precision: detections.length ? matched.length / detections.length : 1,
    recall: input.truth.length ? matched.length / input.truth.length : 1,
    deviceRight: matched.length ? matched.filter((m) => m.deviceRight).length / matched.length : 1,
    customersErrorPct: {
      median: percentileOf(errors, 50) ?? 0,
      mean: errors.length ? errors.reduce((a, b) => a + b, 0) / errors.length : 0,
      p90: percentileOf(errors, 90) ?? 0,
    },
    falseFromNoise,
    nested: { truth: nestedTruth.length, found: nestedTruth.filter((t) => byTruth.has(t.id)).length },
    timeToScreenMs: { p50: percentileOf(times, 50), p99: percentileOf(times, 99), samples: times.length },
    restorationDetected: { of: matched.length, restored: matched.filter((m) => m.restored).length },
    matches,
  };
}
