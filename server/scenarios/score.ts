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

/** A crew pressing Restored during the replay: the open outage found at its device, and the answer. */
export interface CrewRestoreOutcome {
  /** Index of the post in the storm's posts. */
  index: number;
  level: string;
  deviceCode: string;
  /** The open outage predicted at the device that the crew restored; null when there was none. */
  outageEventId: string | null;
  /** HTTP status of the restoration (or of the list, if that failed); null when nothing was posted. */
  status: number | null;
  answer: string | null;
}

export interface ScoreInput {
  truth: TruthOutage[];
  noise: TruthNoise[];
  detected: DetectedOutage[];
  /** Wall-clock ms each post was sent, by index in the storm's posts. */
  postedAtMs: number[];
  /** What the crews pressing Restored met (from the replay). */
  crewRestores?: CrewRestoreOutcome[];
  /** The momentaries of devices the control room recorded, when it records them: checks the device blips. */
  deviceMomentariesRecorded?: Array<{ level: string; deviceCode: string }>;
}

/** How one case of the storm (a scenario kind, or one form of it) went. */
export interface CaseScore {
  scenarios: number;
  /**
   * Scenarios handled: every truth outage of it matched at the right device and restored, no
   * false outage over its meters, its device momentary recorded (when recorded ones are given),
   * its crew's restoration accepted.
   */
  handled: number;
  truthOutages: number;
  matched: number;
  deviceRight: number;
  restored: number;
  nested: { truth: number; found: number };
  /** Detections matching no truth outage that lie mostly over this case's meters (blips taken for outages, ghosts, splits). */
  falseOutages: number;
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
  /** Whole-device blips in the truth (must be recorded as momentaries of their device, never outages). */
  deviceMomentaries: { expected: number; byLevel: Record<string, number>; recorded: number | null; missing?: string[] };
  /** Crews pressing Restored: truth outages restored so, posts sent, accepted (200), with no open outage at the device. */
  crewRestores: { expected: number; sent: number; accepted: number; noOutageAtDevice: number };
  /** Per case: by scenario kind (`coincident`), and by kind and form (`coincident/calls`). */
  cases: Record<string, CaseScore>;
  /** Every detection matching no truth outage, with the case whose meters it overlaps most (null: none). */
  falseOutages: Array<{ detected: string; status: string; level: string | null; deviceCode: string | null; meters: number; case: string | null }>;
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

  const { cases, falseOutages } = scoreCases(input, matches, detections.filter((d) => !usedDetections.has(d.id)));
  const devices = input.noise.filter((n) => n.level && n.deviceCode);
  const recorded = input.deviceMomentariesRecorded ? new Set(input.deviceMomentariesRecorded.map((r) => `${r.level}:${r.deviceCode}`)) : null;
  const byLevel: Record<string, number> = {};
  for (const n of devices) byLevel[n.level!] = (byLevel[n.level!] ?? 0) + 1;
  const outcomes = input.crewRestores ?? [];

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
    deviceMomentaries: { expected: devices.length, byLevel, recorded: recorded ? devices.filter((n) => recorded.has(`${n.level}:${n.deviceCode}`)).length : null,
      missing: recorded ? devices.filter((n) => !recorded.has(`${n.level}:${n.deviceCode}`)).map((n) => `${n.level}:${n.deviceCode}`) : undefined },
    crewRestores: {
      expected: input.truth.filter((t) => t.kind === "crew_restore" && t.nestedIn === null).length,
      sent: outcomes.length,
      accepted: outcomes.filter((c) => c.status === 200).length,
      noOutageAtDevice: outcomes.filter((c) => c.outageEventId === null && c.status === null).length,
    },
    cases,
    falseOutages,
    matches,
  };
}

/**
 * Per case: the storm's scenarios grouped by kind (and by kind and form), with their truth
 * outages' matches, and each false detection given to the scenario it overlaps most.
 */
function scoreCases(input: ScoreInput, matches: Match[], falseDetections: DetectedOutage[]): { cases: Record<string, CaseScore>; falseOutages: StormScore["falseOutages"] } {
  interface Scenario { keys: string[]; truth: TruthOutage[]; noise: TruthNoise[]; falseOutages: number }
  const scenarios = new Map<string, Scenario>();
  const keysOf = (kind: string, variant: string | undefined) => (variant ? [kind, `${kind}/${variant}`] : [kind]);
  const scenarioOf = (id: string, kind: string, variant: string | undefined) => {
    let s = scenarios.get(id);
    if (!s) scenarios.set(id, (s = { keys: keysOf(kind, variant), truth: [], noise: [], falseOutages: 0 }));
    // A wave's feeders share a scenario but not a form: the scenario counts under each.
    for (const k of keysOf(kind, variant)) if (!s.keys.includes(k)) s.keys.push(k);
    return s;
  };
  for (const t of input.truth) scenarioOf(t.scenario === undefined ? `t:${t.id}` : `s:${t.scenario}`, t.kind, t.variant).truth.push(t);
  input.noise.forEach((n, i) => scenarioOf(n.scenario === undefined ? `n:${i}` : `s:${n.scenario}`, n.scenarioKind ?? n.kind, n.variant).noise.push(n));

  const byMeter = new Map<string, Scenario[]>();
  for (const s of scenarios.values()) {
    const meters = new Set([...s.truth.flatMap((t) => t.meterNumbers), ...s.noise.flatMap((n) => n.meterNumbers)]);
    for (const m of meters) byMeter.set(m, [...(byMeter.get(m) ?? []), s]);
  }
  const falseOutages: StormScore["falseOutages"] = [];
  for (const d of falseDetections) {
    const overlap = new Map<Scenario, number>();
    for (const m of d.meterNumbers) for (const s of byMeter.get(m) ?? []) overlap.set(s, (overlap.get(s) ?? 0) + 1);
    let best: Scenario | undefined;
    for (const [s, n] of overlap) if (!best || n > overlap.get(best)!) best = s;
    if (best) best.falseOutages++;
    // Its form when it has one (a wave of several forms is named by its kind).
    const forms = best?.keys.filter((k) => k.includes("/")) ?? [];
    const key = best ? (forms.length === 1 ? forms[0] : best.keys[0]) : null;
    falseOutages.push({ detected: d.eventId, status: d.status, level: d.level, deviceCode: d.deviceCode, meters: d.meterNumbers.length, case: key });
  }

  const matchOf = new Map(matches.map((m) => [m.truth, m]));
  const recorded = input.deviceMomentariesRecorded ? new Set(input.deviceMomentariesRecorded.map((r) => `${r.level}:${r.deviceCode}`)) : null;
  const crewByDevice = new Map((input.crewRestores ?? []).map((c) => [`${c.level}:${c.deviceCode}`, c]));
  const out: Record<string, CaseScore> = {};
  for (const s of scenarios.values()) {
    const ms = s.truth.map((t) => matchOf.get(t.id)!);
    const crewsOk = !input.crewRestores || s.truth.every((t) => t.kind !== "crew_restore" || t.nestedIn !== null || crewByDevice.get(`${t.level}:${t.deviceCode}`)?.status === 200);
    const momentariesOk = !recorded || s.noise.every((n) => !n.level || recorded.has(`${n.level}:${n.deviceCode}`));
    const handled = ms.every((m) => m.detected !== null && m.deviceRight && m.restored) && s.falseOutages === 0 && crewsOk && momentariesOk;
    for (const key of s.keys) {
      const c = (out[key] ??= { scenarios: 0, handled: 0, truthOutages: 0, matched: 0, deviceRight: 0, restored: 0, nested: { truth: 0, found: 0 }, falseOutages: 0 });
      // A wave's feeders of one form count under that form only.
      const mine = key.includes("/") ? s.truth.filter((t) => `${t.kind}/${t.variant}` === key) : s.truth;
      const mineMatches = mine.map((t) => matchOf.get(t.id)!);
      c.scenarios++;
      if (handled) c.handled++;
      c.truthOutages += mine.length;
      c.matched += mineMatches.filter((m) => m.detected !== null).length;
      c.deviceRight += mineMatches.filter((m) => m.deviceRight).length;
      c.restored += mineMatches.filter((m) => m.restored).length;
      c.nested.truth += mine.filter((t) => t.nestedIn !== null).length;
      c.nested.found += mine.filter((t) => t.nestedIn !== null && matchOf.get(t.id)!.detected !== null).length;
      c.falseOutages += s.falseOutages;
    }
  }
  return { cases: out, falseOutages };
}
