import type { Rule } from "./rules";
import { breakerKey, type Evidence } from "./evidence";
import { desiredOutages, type DesiredOutage, type Restrictions } from "./clustering";
import { covers, deviceCode, isOpen, levelRank } from "./outageState";
import type { Actor, Decisions, OutageSnapshot, Topology } from "./types";

/** The latest closed outage of a meter that is still off (from the repository). */
export interface Settlement { outageId: string; closedAt: Date; verificationDueAt: Date | null }

export interface IdSource { outageId(): string; eventId(at: Date): string }

export interface SubstationPass {
  substationId: number;
  topology: Topology;
  evidence: Evidence;
  rule: Rule;
  now: Date;
  /** Open outages of the substation, and restored ones still inside their verification window. */
  outages: OutageSnapshot[];
  settled: Map<number, Settlement>;
  ids: IdSource;
  changed: Map<string, OutageSnapshot>;
  out: Decisions;
}

const system: Actor = { kind: "system" };

/**
 * Stages 5 and 7 for one substation: restore what the evidence proves energized, work out
 * the outages the remaining evidence calls for, and fold them into the existing ones (grow,
 * merge, create, nest). Changed outages are collected in `pass.changed`.
 */
export function reconcileSubstation(pass: SubstationPass) {
  restoreProven(pass);
  const restrictions = restrictionsOf(pass);
  const desired = desiredOutages(pass.substationId, pass.topology, pass.evidence, restrictions, pass.now, pass.rule)
    .sort((a, b) => levelRank[b.level] - levelRank[a.level]);
  for (const d of desired) absorb(pass, d);
  // A verification window that has ended has done its work, nested outage or not.
  for (const o of pass.outages) {
    if (o.verificationDueAt && o.verificationDueAt <= pass.now && !isOpen(o)) {
      o.verificationDueAt = null;
      markChanged(pass, o);
    }
  }
}

function markChanged(pass: SubstationPass, o: OutageSnapshot, isNew = false) {
  pass.changed.set(o.id, o);
  if (isNew) pass.out.created.add(o.id);
}

/** Restoration: a breaker closed under a SCADA outage, or a meter of an outage back on. */
function restoreProven(pass: SubstationPass) {
  const { evidence, now } = pass;
  for (const o of pass.outages.filter(isOpen)) {
    const ss = evidence.breakers.get(breakerKey("substation", o.substationId));
    const fd = o.feederId ? evidence.breakers.get(breakerKey("feeder", o.feederId)) : undefined;
    if (ss?.state === "open" || fd?.state === "open") continue;
    const own = o.level === "substation" ? ss : o.level === "feeder" ? fd : undefined;
    let at: Date | null = null;
    if (own?.changedAt && own.changedAt > o.firstDetectedAt && (o.sources.scada ?? 0) > 0) at = own.changedAt;
    for (const meterId of o.meters.keys()) {
      const t = evidence.energizedMeters.get(meterId);
      if (t && t > o.firstDetectedAt && (!at || t < at)) at = t;
    }
    if (at) restore(pass, o, at > now ? now : at, system, "Supply proven back: " + (own?.changedAt?.getTime() === at.getTime() ? "SCADA breaker closed" : "meters report power restored"));
  }
}

/** Restores an outage; meters that sent a power-off and no restore wait out the verification window. */
export function restore(pass: SubstationPass, o: OutageSnapshot, at: Date, actor: Actor, why: string) {
  const { evidence, rule } = pass;
  const stillOff: number[] = [];
  const evidenced: number[] = [];
  for (const [meterId, m] of o.meters) {
    if (m.state === "off") evidenced.push(meterId);
    const power = evidence.meterPower.get(meterId);
    if (power?.status === "off" && power.changedAt && power.changedAt <= at) stillOff.push(meterId);
    else o.meters.set(meterId, { state: "restored", since: m.since });
  }
  const momentary = stillOff.length === 0 && evidenced.length > 0
    && at.getTime() - o.firstDetectedAt.getTime() <= rule.momentarySeconds * 1000;
  o.status = momentary ? "cancelled" : "restored";
  o.restoredAt = at;
  o.cause = momentary ? "momentary interruption" : o.cause;
  o.verificationDueAt = stillOff.length > 0 ? new Date(at.getTime() + rule.verificationMinutes * 60_000) : null;
  markChanged(pass, o);
  pass.out.timeline.push({
    outageId: o.id, eventType: momentary ? "cancelled" : "restored", status: o.status, actor,
    description: momentary
      ? `Momentary interruption: supply back within ${rule.momentarySeconds} s; not an outage`
      : `Restored (${why}); ${stillOff.length ? `${stillOff.length} meter(s) still report no power and are verified until ${o.verificationDueAt!.toISOString()}` : "all meters back"}`,
    details: { restoredAt: at.toISOString(), stillOff: stillOff.length },
  });
  if (!momentary) {
    const customers = [...o.meters].filter(([, m]) => m.state === "restored").map(([id]) => pass.topology.meters.get(id)?.customerId);
    pass.out.notifications.push({ outageId: o.id, type: "restored", customerIds: customers.filter((c): c is number => c != null) });
  }
  for (const meterId of stillOff) pass.settled.set(meterId, { outageId: o.id, closedAt: at, verificationDueAt: o.verificationDueAt });
}

function restrictionsOf(pass: SubstationPass): Restrictions {
  const excluded = new Set<number>();
  const nestedParent = new Map<number, string>();
  for (const [meterId, s] of pass.settled) {
    const power = pass.evidence.meterPower.get(meterId);
    if (!power || power.status !== "off" || (power.changedAt && power.changedAt > s.closedAt)) continue; // fresh evidence
    if (s.verificationDueAt && s.verificationDueAt <= pass.now) nestedParent.set(meterId, s.outageId);
    else excluded.add(meterId);
  }
  return { excluded, nestedParent };
}

/** Folds one desired outage into the open ones: inside a bigger one, grow/merge, or create. */
function absorb(pass: SubstationPass, d: DesiredOutage) {
  const { topology } = pass;
  const wanted = new Set(d.meterIds);
  const open = pass.outages.filter(isOpen);
  const container = open.find((o) => levelRank[o.level] > levelRank[d.level] && d.meterIds.every((m) => covers(topology, o, m)));
  const overlapping = container ? [container] : open.filter((o) =>
    (o.level === d.level && o.deviceId === d.deviceId) || [...o.meters.keys()].some((m) => wanted.has(m)));

  if (overlapping.length === 0) return create(pass, d);
  overlapping.sort((a, b) => a.firstDetectedAt.getTime() - b.firstDetectedAt.getTime());
  const [survivor, ...rest] = overlapping;
  for (const other of rest) merge(pass, other, survivor);
  if (!container && levelRank[d.level] >= levelRank[survivor.level] && (d.level !== survivor.level || d.deviceId !== survivor.deviceId)) {
    const from = `${survivor.level.replace("_", " ")} ${deviceCode(topology, survivor.level, survivor.deviceId)}`;
    Object.assign(survivor, { level: d.level, deviceId: d.deviceId, feederId: d.feederId, dpId: d.dpId });
    pass.out.timeline.push({
      outageId: survivor.id, eventType: "grown", status: survivor.status, actor: system,
      description: `Outage grew from ${from} to ${d.level.replace("_", " ")} ${deviceCode(topology, d.level, d.deviceId)}`,
    });
  }
  const before = survivor.meters.size;
  const added = applyMeters(survivor, d);
  if (d.scadaSince && d.scadaSince < survivor.firstDetectedAt) survivor.firstDetectedAt = d.scadaSince;
  if (added.length || survivor.meters.size !== before) notifyDetected(pass, survivor, added);
  markChanged(pass, survivor);
}

function applyMeters(o: OutageSnapshot, d: DesiredOutage): number[] {
  const added: number[] = [];
  for (const meterId of d.meterIds) {
    const ev = d.evidence.get(meterId);
    const current = o.meters.get(meterId);
    if (!current) added.push(meterId);
    if (ev) o.meters.set(meterId, { state: "off", since: current?.state === "off" ? current.since : ev });
    else if (!current || current.state === "restored") o.meters.set(meterId, { state: "assumed", since: o.firstDetectedAt });
  }
  return added;
}

function create(pass: SubstationPass, d: DesiredOutage) {
  const times = [...d.evidence.values(), ...(d.scadaSince ? [d.scadaSince] : [])].map((t) => t.getTime());
  const first = new Date(times.length ? Math.min(...times) : pass.now.getTime());
  const o: OutageSnapshot = {
    id: pass.ids.outageId(), eventId: pass.ids.eventId(first), status: "detected", level: d.level, deviceId: d.deviceId,
    substationId: d.substationId, feederId: d.feederId, dpId: d.dpId, firstDetectedAt: first, confirmedAt: null,
    confirmedBy: null, restoredAt: null, verificationDueAt: null, parentOutageId: d.parentOutageId, cause: null,
    meters: new Map(), sources: {}, confidence: 0, severity: "low", customersOut: 0, criticalCustomersOut: 0,
  };
  const added = applyMeters(o, d);
  if (d.parentOutageId) inheritEvidence(pass, o, d);
  pass.outages.push(o);
  markChanged(pass, o, true);
  const code = deviceCode(pass.topology, d.level, d.deviceId);
  pass.out.timeline.push({
    outageId: o.id, eventType: d.parentOutageId ? "nested" : "created", status: o.status, actor: system,
    description: `${d.parentOutageId ? "Nested outage (still dark after the restoration)" : "Outage detected"} at ${d.level.replace("_", " ")} ${code}: ${d.evidence.size} signal(s) of no supply, ${d.meterIds.length} meter(s) affected`,
    details: { level: d.level, device: code, parentOutageId: d.parentOutageId },
  });
  notifyDetected(pass, o, added);
}

/** A nested outage keeps, as its sources, the power-offs that were never answered by a restore. */
function inheritEvidence(pass: SubstationPass, o: OutageSnapshot, d: DesiredOutage) {
  for (const meterId of d.evidence.keys()) {
    const power = pass.evidence.meterPower.get(meterId);
    if (!power?.source || !power.changedAt) continue;
    const { sourceType, sourceEventId } = power.source;
    o.sources[sourceType] = (o.sources[sourceType] ?? 0) + 1;
    pass.out.links.push({ outageId: o.id, sourceType, sourceEventId, signalKind: "power_off", detectedAt: power.changedAt, meterId });
  }
}

function merge(pass: SubstationPass, from: OutageSnapshot, into: OutageSnapshot) {
  from.status = "merged";
  for (const [meterId, m] of from.meters) if (!into.meters.has(meterId)) into.meters.set(meterId, m);
  for (const [source, n] of Object.entries(from.sources)) {
    into.sources[source as keyof typeof into.sources] = (into.sources[source as keyof typeof into.sources] ?? 0) + (n ?? 0);
  }
  from.mergedIntoId = into.id;
  markChanged(pass, from);
  pass.out.timeline.push({ outageId: from.id, eventType: "merged", status: "merged", actor: system, description: `Merged into ${into.eventId}` });
  pass.out.timeline.push({ outageId: into.id, eventType: "merged", status: into.status, actor: system, description: `Absorbed ${from.eventId}` });
}

function notifyDetected(pass: SubstationPass, o: OutageSnapshot, meterIds: number[]) {
  const customers = meterIds.map((m) => pass.topology.meters.get(m)?.customerId).filter((c): c is number => c != null);
  if (customers.length) pass.out.notifications.push({ outageId: o.id, type: "detected", customerIds: customers });
}
