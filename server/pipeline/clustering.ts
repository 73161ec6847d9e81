import type { DeviceLevel } from "../../db/schema";
import type { Rule } from "./rules";
import { breakerKey, type Evidence } from "./evidence";
import type { Topology } from "./types";

/** An outage the evidence calls for, at the lowest device common to its meters. */
export interface DesiredOutage {
  level: DeviceLevel;
  deviceId: number;
  substationId: number;
  feederId: number | null;
  dpId: number | null;
  /** Every meter under the device: the customers who are dark. */
  meterIds: number[];
  /** Meters (or points) with their own evidence, and when it started. */
  evidence: Map<number, Date>;
  /** Set when a SCADA breaker is open on this device. */
  scadaSince: Date | null;
  /** Restored outage whose verification left these meters dark (a nested outage). */
  parentOutageId: string | null;
}

/** Meters that cannot start an outage now, or start a nested one (see `restrictions`). */
export interface Restrictions {
  /** Off meters still inside a restored outage's verification window, or settled by a person. */
  excluded: Set<number>;
  /** Off meters whose verification window has ended: a nested outage, under this parent. */
  nestedParent: Map<number, string>;
  /** Meters an open outage held when the batch began (a sustained off that ended is theirs, not new). */
  held: Set<number>;
}

const needed = (share: number, total: number, min: number) => Math.max(min, Math.ceil(share * total));

/**
 * Stage 5, clustering by the network, for one substation: breakers first (SCADA is
 * authoritative), then meters grouped under their distribution point, points rolled up to
 * their feeder, feeders to their substation, each when enough of the children are out.
 */
export function desiredOutages(
  substationId: number, topology: Topology, evidence: Evidence, restrictions: Restrictions, now: Date, rule: Rule,
): DesiredOutage[] {
  const substation = topology.substations.get(substationId);
  if (!substation) return [];
  const metersOf = (dpIds: number[]) => dpIds.flatMap((d) => topology.dps.get(d)?.meterIds ?? []);
  const allDps = (feederIds: number[]) => feederIds.flatMap((f) => topology.feeders.get(f)?.dpIds ?? []);

  const ssBreaker = evidence.breakers.get(breakerKey("substation", substationId));
  const offByMeter = meterEvidence(substation.feederIds, topology, evidence, restrictions, now, rule);
  if (ssBreaker?.state === "open") {
    return [{
      level: "substation", deviceId: substationId, substationId, feederId: null, dpId: null,
      meterIds: metersOf(allDps(substation.feederIds)), evidence: offByMeter, scadaSince: ssBreaker.changedAt, parentOutageId: null,
    }];
  }

  const feederOutages: DesiredOutage[] = [];
  const smaller: DesiredOutage[] = [];
  for (const feederId of substation.feederIds) {
    const feeder = topology.feeders.get(feederId)!;
    const breaker = evidence.breakers.get(breakerKey("feeder", feederId));
    const feederEvidence = new Map([...offByMeter].filter(([m]) => topology.meters.get(m)?.feederId === feederId));
    const recent = (at: Date | undefined) => at !== undefined && now.getTime() - at.getTime() <= rule.windowMinutes * 60_000;
    for (const dpId of feeder.dpIds) {
      const at = evidence.dpReports.get(dpId)?.at;
      if (recent(at)) feederEvidence.set(-dpId, at!);
      // A call with only a place counts when something else there says the power is off.
      const call = evidence.dpCalls.get(dpId)?.at;
      const near = (t: Date | undefined) => t !== undefined && Math.abs(t.getTime() - call!.getTime()) <= REPORT_COINCIDENCE_MS;
      if (recent(call) && !feederEvidence.has(-dpId) && topology.dps.get(dpId)!.meterIds.some((m) => near(feederEvidence.get(m)))) {
        feederEvidence.set(-dpId, call!);
      }
    }
    const whole = (scadaSince: Date | null): DesiredOutage => ({
      level: "feeder", deviceId: feederId, substationId, feederId, dpId: null,
      meterIds: metersOf(feeder.dpIds), evidence: feederEvidence, scadaSince, parentOutageId: null,
    });
    if (breaker?.state === "open") {
      feederOutages.push(whole(breaker.changedAt));
      continue;
    }
    const { dpOutages, meterOutages } = groupByDistributionPoint(feeder.dpIds, feederEvidence, topology, restrictions, substationId, rule, evidence);
    if (dpOutages.length >= rule.rollupMinChildren && dpOutages.length >= rule.feederRollupShare * feeder.dpIds.length) {
      feederOutages.push(whole(null));
    } else {
      smaller.push(...dpOutages, ...meterOutages);
    }
  }

  // A substation is the device only on its own breaker or when every feeder under it is out:
  // half its feeders out at once in a storm is many feeder faults, not one substation fault.
  if (feederOutages.length >= rule.rollupMinChildren && feederOutages.length === substation.feederIds.length) {
    return [{
      level: "substation", deviceId: substationId, substationId, feederId: null, dpId: null,
      meterIds: metersOf(allDps(substation.feederIds)), evidence: offByMeter, scadaSince: null, parentOutageId: null,
    }];
  }
  return [...feederOutages, ...smaller];
}

function groupByDistributionPoint(
  dpIds: number[], feederEvidence: Map<number, Date>, topology: Topology, restrictions: Restrictions, substationId: number, rule: Rule,
  evidence: Evidence,
) {
  const dpOutages: DesiredOutage[] = [];
  const meterOutages: DesiredOutage[] = [];
  for (const dpId of dpIds) {
    const dp = topology.dps.get(dpId)!;
    const ev = new Map<number, Date>();
    for (const m of dp.meterIds) if (feederEvidence.has(m)) ev.set(m, feederEvidence.get(m)!);
    const pointReport = feederEvidence.get(-dpId);
    if (ev.size === 0 && !pointReport) continue;
    const parent = commonParent([...ev.keys()], restrictions);
    const count = ev.size + (pointReport ? 1 : 0);
    if (pointReport || coincident(ev, evidence, rule) || count >= needed(rule.dpRollupShare, dp.meterIds.length, rule.rollupMinChildren)) {
      if (pointReport) ev.set(-dpId, pointReport);
      dpOutages.push({
        level: "distribution_point", deviceId: dpId, substationId, feederId: dp.feederId, dpId,
        meterIds: dp.meterIds, evidence: ev, scadaSince: null, parentOutageId: parent,
      });
    } else {
      for (const [meterId, at] of ev) {
        meterOutages.push({
          level: "meter", deviceId: meterId, substationId, feederId: dp.feederId, dpId,
          meterIds: [meterId], evidence: new Map([[meterId, at]]), scadaSince: null,
          parentOutageId: restrictions.nestedParent.get(meterId) ?? null,
        });
      }
    }
  }
  return { dpOutages, meterOutages };
}

/**
 * Two or more coincident reports under one transformer predict the transformer (utility
 * practice): two power-offs within the momentary window of one another, or two calls, or a call
 * and a power-off (calls count for the rule's window, already applied to `ev`). One lone report
 * stays at its meter.
 */
function coincident(ev: Map<number, Date>, evidence: Evidence, rule: Rule): boolean {
  if (ev.size < 2) return false;
  const offs: number[] = [];
  const calls: number[] = [];
  for (const [meterId, at] of ev) {
    if (meterId < 0) continue;
    if (evidence.meterPower.get(meterId)?.status === "off" || evidence.sustainedEnded.has(meterId)) offs.push(at.getTime());
    else calls.push(at.getTime());
  }
  const near = (a: number, b: number, ms: number) => Math.abs(a - b) <= ms;
  if (calls.some((c, i) => calls.some((d, j) => i !== j && near(c, d, REPORT_COINCIDENCE_MS)))) return true;
  if (calls.some((c) => offs.some((o) => near(c, o, REPORT_COINCIDENCE_MS)))) return true;
  offs.sort((a, b) => a - b);
  return offs.some((t, i) => i > 0 && t - offs[i - 1] <= rule.momentarySeconds * 1000);
}

/**
 * Calls are coincident with each other, or with a power-off, within this: people call a few
 * minutes after the lights go out (the momentary window is for devices, which speak at once).
 */
export const REPORT_COINCIDENCE_MS = 5 * 60_000;

/** A group is nested under a restored outage when all its evidence comes from that outage. */
function commonParent(meterIds: number[], restrictions: Restrictions): string | null {
  const parents = new Set(meterIds.map((m) => restrictions.nestedParent.get(m) ?? null));
  return parents.size === 1 ? [...parents][0] : null;
}

/**
 * Which meters of these feeders say the supply is off, and since when: their own power-off,
 * or a customer's call within the rule's window that no later power-on contradicts. A smart
 * meter's last gasp most often arrives, so a lone call from a customer whose smart meter said
 * nothing — and whose neighbours are fine — is more often a problem inside the house than an
 * outage: it needs a second call at the same distribution point, a meter there that is off, or a
 * power-off placed at the point. A call about a meter that cannot gasp counts on its own.
 */
function meterEvidence(feederIds: number[], topology: Topology, evidence: Evidence, restrictions: Restrictions, now: Date, rule: Rule) {
  const feeders = new Set(feederIds);
  const windowMs = rule.windowMinutes * 60_000;
  const off = new Map<number, Date>();
  // Power-offs younger than the momentary window are held back: a blip of a meter or of a whole
  // transformer comes back within it and must never become an outage (or a customer notice).
  const anyOff = new Set<number>();
  for (const [meterId, power] of evidence.meterPower) {
    if (power.status !== "off" || !power.changedAt || restrictions.excluded.has(meterId)) continue;
    if (!feeders.has(topology.meters.get(meterId)?.feederId ?? -1)) continue;
    anyOff.add(meterId);
    if (isSustained(power.changedAt, now, rule)) off.set(meterId, power.changedAt);
  }
  for (const [meterId, ended] of evidence.sustainedEnded) {
    if (restrictions.held.has(meterId) || restrictions.excluded.has(meterId) || !feeders.has(topology.meters.get(meterId)?.feederId ?? -1)) continue;
    off.set(meterId, ended.offAt);
  }
  const recent = (at: Date | undefined) => at !== undefined && now.getTime() - at.getTime() <= windowMs;
  const callsByDp = new Map<number, Array<[number, Date]>>();
  for (const [meterId, { at }] of evidence.reports) {
    if (off.has(meterId) || restrictions.excluded.has(meterId) || !recent(at)) continue;
    const power = evidence.meterPower.get(meterId);
    if (power?.status === "on" && power.changedAt && power.changedAt > at) continue;
    const meter = topology.meters.get(meterId);
    if (!meter || !feeders.has(meter.feederId)) continue;
    callsByDp.set(meter.dpId, [...(callsByDp.get(meter.dpId) ?? []), [meterId, at]]);
  }
  for (const [dpId, calls] of callsByDp) {
    // A customer saying so corroborates a power-off (even one still inside the momentary window),
    // another call or a report at the point — when they are close in time: a neighbour's fault
    // half an hour earlier says nothing about this call.
    const near = (a: Date, b: Date | undefined) => b !== undefined && Math.abs(a.getTime() - b.getTime()) <= REPORT_COINCIDENCE_MS;
    const offTimes = (topology.dps.get(dpId)?.meterIds ?? []).filter((m) => anyOff.has(m)).map((m) => evidence.meterPower.get(m)!.changedAt!);
    const placeCall = recent(evidence.dpCalls.get(dpId)?.at) ? evidence.dpCalls.get(dpId)!.at : undefined;
    const placeReport = recent(evidence.dpReports.get(dpId)?.at) ? evidence.dpReports.get(dpId)!.at : undefined;
    for (const [meterId, at] of calls) {
      const corroborated = offTimes.some((t) => near(at, t)) || near(at, placeReport) || near(at, placeCall)
        || calls.some(([other, t]) => other !== meterId && near(at, t));
      if (!corroborated && topology.meters.get(meterId)!.smart) continue;
      off.set(meterId, at);
      // The caller's own power-off, held back until now, is the same fault: it counts from its own time.
      const power = evidence.meterPower.get(meterId);
      if (power?.status === "off" && power.changedAt && !restrictions.excluded.has(meterId)) off.set(meterId, power.changedAt);
    }
  }
  // Held-back power-offs of a point where a customer has confirmed the loss count at once.
  const confirmedDps = new Set([...callsByDp.keys()].filter((dp) => (topology.dps.get(dp)?.meterIds ?? []).some((m) => off.has(m))));
  for (const meterId of anyOff) {
    if (off.has(meterId) || !confirmedDps.has(topology.meters.get(meterId)!.dpId)) continue;
    off.set(meterId, evidence.meterPower.get(meterId)!.changedAt!);
  }
  return off;
}

/** A power-off is evidence of an outage once it has outlasted the momentary window. */
export function isSustained(offAt: Date, now: Date, rule: Rule): boolean {
  return now.getTime() - offAt.getTime() >= rule.momentarySeconds * 1000;
}
