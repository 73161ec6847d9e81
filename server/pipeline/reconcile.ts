import type { Rule } from "./rules";
import { breakerKey, type Evidence } from "./evidence";
import { desiredOutages, type DesiredOutage, type Restrictions } from "./clustering";
import { covers, deviceCode, isOpen, levelRank } from "./outageState";
import { utilityTime } from "./timeText";
import { linkKey, type Actor, type Decisions, type OutageSnapshot, type SignalRef, type SourceLink, type Topology } from "./types";

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
  /** The utility's time zone: times in timeline text read in it. */
  timeZone: string;
  /** Breakers this pass inferred closed, with the meters that proved it (for the timeline). */
  inferred: Map<string, { back: number; reporting: number }>;
}

const system: Actor = { kind: "system" };

/**
 * Stages 5 and 7 for one substation: restore what the evidence proves energized, work out
 * the outages the remaining evidence calls for, and fold them into the existing ones (grow,
 * merge, create, nest). Changed outages are collected in `pass.changed`.
 */
export function reconcileSubstation(pass: SubstationPass) {
  // Meters a live outage (open, or restored and verifying) held when the batch began; and those
  // an outage closed since their power-off held: a sustained off that ended is theirs, not new.
  const held = new Set(pass.outages.filter((o) => isOpen(o) || o.verificationDueAt).flatMap((o) => [...o.meters].filter(([, m]) => m.state !== "restored").map(([id]) => id)));
  for (const [meterId, ended] of pass.evidence.sustainedEnded) {
    const s = pass.settled.get(meterId);
    if (s && s.closedAt >= ended.offAt) held.add(meterId);
  }
  restoreProven(pass);
  const late = followVerifying(pass);
  const restrictions = { ...restrictionsOf(pass), held };
  // Meters back late after a restoration are evidence of a nested outage under it (with the still dark).
  for (const [meterId, parentId] of late) {
    held.delete(meterId);
    restrictions.nestedParent.set(meterId, parentId);
  }
  const desired = desiredOutages(pass.substationId, pass.topology, pass.evidence, restrictions, pass.now, pass.rule)
    .sort((a, b) => levelRank[b.level] - levelRank[a.level]);
  for (const d of desired) absorb(pass, d);
  // An outage found in this pass whose meters already came back (a sustained interruption that
  // ended between two batches) is restored at once, at the time its supply came back.
  restoreProven(pass);
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

/**
 * Restoration: a breaker closed under a SCADA outage, a meter of an outage back on, or — when the
 * SCADA close never arrives — most of the reporting meters under an open breaker back on.
 */
function restoreProven(pass: SubstationPass) {
  const { evidence, now } = pass;
  for (const o of pass.outages.filter(isOpen)) {
    const ssKey = breakerKey("substation", o.substationId);
    const fdKey = o.feederId ? breakerKey("feeder", o.feederId) : null;
    if (evidence.breakers.get(ssKey)?.state === "open") inferClose(pass, "substation", o.substationId);
    if (fdKey && evidence.breakers.get(fdKey)?.state === "open" && evidence.breakers.get(ssKey)?.state !== "open") inferClose(pass, "feeder", o.feederId!);
    const ss = evidence.breakers.get(ssKey);
    const fd = fdKey ? evidence.breakers.get(fdKey) : undefined;
    if (ss?.state === "open" || fd?.state === "open") continue;
    const own = o.level === "substation" ? ss : o.level === "feeder" ? fd : undefined;
    let at: Date | null = null;
    if (own?.changedAt && own.changedAt > o.firstDetectedAt && (o.sources.scada ?? 0) > 0) at = own.changedAt;
    for (const meterId of o.meters.keys()) {
      const t = evidence.energizedMeters.get(meterId);
      if (t && t > o.firstDetectedAt && (!at || t < at)) at = t;
    }
    if (!at) continue;
    const counted = pass.inferred.get(own === ss ? ssKey : fdKey ?? "");
    const why = own?.changedAt?.getTime() !== at.getTime() ? "meters report power restored"
      : own.inferred ? `no SCADA close received, but ${counted ? `${counted.back} of ${counted.reporting}` : "most"} of the meters that can report under ${deviceCode(pass.topology, o.level, o.deviceId)} report power; breaker shown closed (inferred)`
      : "SCADA breaker closed";
    restore(pass, o, at > now ? now : at, system, "Supply proven back: " + why);
  }
}

/**
 * Restored outages still verifying: a meter not yet back that reports power is back (the list's
 * count and the map follow at once; with all back the verification is over). One that comes back
 * later than the momentary window after the restoration proves part of the network was still out
 * after it: the verification has its answer and ends now. Meters still dark become nested
 * outages as at the window's end (their points' meters that just came back with them); a point
 * whose dark meters all came back late is recorded as a nested outage restored when they did.
 */
function followVerifying(pass: SubstationPass): Map<number, string> {
  const { evidence, rule, topology } = pass;
  const late = new Map<number, string>();
  for (const o of pass.outages) {
    if (isOpen(o) || !o.verificationDueAt || !o.restoredAt) continue;
    const back: number[] = [];
    let lateHere = false;
    for (const [meterId, m] of o.meters) {
      const t = m.state === "restored" ? undefined : evidence.energizedMeters.get(meterId);
      if (!t) continue;
      o.meters.set(meterId, { state: "restored", since: m.since });
      back.push(meterId);
      if (t.getTime() - o.restoredAt.getTime() > rule.momentarySeconds * 1000 && evidence.sustainedEnded.has(meterId)) {
        late.set(meterId, o.id);
        lateHere = true;
      }
    }
    if (!back.length) continue;
    const stillDark = [...o.meters].filter(([, m]) => m.state !== "restored").map(([id]) => id);
    if (stillDark.length === 0) o.verificationDueAt = null;
    else if (lateHere) {
      o.verificationDueAt = pass.now;
      for (const meterId of stillDark) {
        const s = pass.settled.get(meterId);
        if (s?.outageId === o.id) pass.settled.set(meterId, { ...s, verificationDueAt: pass.now });
      }
    }
    markChanged(pass, o);
    if (o.customersNotified) {
      const customers = back.map((m) => topology.meters.get(m)?.customerId).filter((c): c is number => c != null);
      pass.out.notifications.push({ outageId: o.id, type: "restored", customerIds: customers });
    }
  }
  return late;
}

/**
 * A breaker whose SCADA close never arrives: when more than `breakerInferShare` of the meters
 * under it that can report (smart meters) have reported power since it opened, supply is back.
 * The breaker is shown closed, marked inferred, until SCADA says so.
 */
function inferClose(pass: SubstationPass, level: "feeder" | "substation", id: number) {
  const { evidence, topology, rule } = pass;
  const key = breakerKey(level, id);
  const breaker = evidence.breakers.get(key)!;
  if (!breaker.changedAt) return;
  let reporting = 0;
  let back = evidence.poweredSinceOpen.get(key) ?? 0;
  let lastOn: Date | null = null;
  for (const m of topology.meters.values()) {
    if ((level === "feeder" ? m.feederId : m.substationId) !== id || !m.smart) continue;
    reporting++;
    const t = evidence.energizedMeters.get(m.id);
    if (t && t > breaker.changedAt) {
      back++;
      if (!lastOn || t > lastOn) lastOn = t;
    }
  }
  if (!lastOn || reporting === 0 || back <= rule.breakerInferShare * reporting) return;
  evidence.breakers.set(key, { state: "closed", changedAt: lastOn, inferred: true });
  pass.out.breakerChanges.push({ level, id, state: "closed", at: lastOn, inferred: true });
  pass.inferred.set(key, { back, reporting });
}

/** Restores an outage; meters that sent a power-off and no restore wait out the verification window. */
export function restore(
  pass: SubstationPass, o: OutageSnapshot, at: Date, actor: Actor, why: string,
  /** A person's restoration is never a momentary; `details` go on its timeline entry. */
  opts: { byPerson?: boolean; details?: Record<string, unknown> } = {},
) {
  const { evidence, rule } = pass;
  if (opts.byPerson) closeOwnBreaker(pass, o, at);
  const stillOff: number[] = [];
  const evidenced: number[] = [];
  for (const [meterId, m] of o.meters) {
    if (m.state === "off") evidenced.push(meterId);
    const power = evidence.meterPower.get(meterId);
    if (power?.status === "off" && power.changedAt && power.changedAt <= at) stillOff.push(meterId);
    else o.meters.set(meterId, { state: "restored", since: m.since });
  }
  // Supply back within the momentary window: a momentary interruption, not an outage. Meters that
  // gasped and have not said they are back are taken as back: a reclose within seconds re-energizes
  // everything below it, and a lost restore message is likelier than a second fault that second.
  const momentary = !opts.byPerson && (o.level !== "meter" || (stillOff.length === 0 && evidenced.length > 0))
    && at.getTime() - o.firstDetectedAt.getTime() <= rule.momentarySeconds * 1000;
  if (momentary) {
    for (const meterId of stillOff.splice(0)) {
      takeAsBack(pass, meterId, at);
      o.meters.set(meterId, { state: "restored", since: o.meters.get(meterId)!.since });
    }
  }
  o.status = momentary ? "cancelled" : "restored";
  o.restoredAt = at;
  o.cause = momentary ? "momentary interruption" : o.cause;
  o.verificationDueAt = stillOff.length > 0 ? new Date(at.getTime() + rule.verificationMinutes * 60_000) : null;
  markChanged(pass, o);
  pass.out.timeline.push({
    outageId: o.id, eventType: momentary ? "cancelled" : "restored", status: o.status, actor,
    description: momentary
      ? `Momentary interruption: supply back within ${rule.momentarySeconds} s; not an outage`
      : `Restored (${why}); ${stillOff.length ? `${stillOff.length} meter(s) still report no power and are verified until ${utilityTime(o.verificationDueAt!, pass.timeZone)}` : "all meters back"}`,
    details: { restoredAt: at.toISOString(), stillOff: stillOff.length, ...opts.details },
  });
  if (momentary && o.level !== "meter") {
    // A device that came back within the window (a breaker's quick reclose) is a momentary of that device.
    pass.out.deviceMomentaries.push({
      level: o.level, deviceId: o.deviceId, substationId: o.substationId, feederId: o.feederId, dpId: o.dpId,
      startedAt: o.firstDetectedAt, endedAt: at, meterIds: [...o.meters.keys()], metersReporting: evidenced.length,
    });
  }
  if (!momentary && o.customersNotified) {
    const customers = [...o.meters].filter(([, m]) => m.state === "restored").map(([id]) => pass.topology.meters.get(id)?.customerId);
    pass.out.notifications.push({ outageId: o.id, type: "restored", customerIds: customers.filter((c): c is number => c != null) });
  }
  for (const meterId of stillOff) pass.settled.set(meterId, { outageId: o.id, closedAt: at, verificationDueAt: o.verificationDueAt });
  answerReports(pass, o, at);
}

/** A meter whose power-off was part of a momentary and that never said it was back: unknown, not dark. */
export function takeAsBack(pass: Pick<SubstationPass, "evidence" | "out">, meterId: number, at: Date) {
  const power = pass.evidence.meterPower.get(meterId);
  if (power?.status !== "off") return;
  pass.evidence.meterPower.set(meterId, { status: "unknown", changedAt: at, source: power.source });
  pass.out.meterChanges.push({ meterId, previous: "off", next: "unknown", at, source: power.source?.sourceType ?? "kaifa", sourceEventId: power.source?.sourceEventId ?? "", confidence: 0 });
}

/**
 * A crew that restores a feeder (or substation) outage has closed its breaker: shown closed,
 * inferred, until SCADA confirms; otherwise the open breaker would open the outage again.
 */
function closeOwnBreaker(pass: SubstationPass, o: OutageSnapshot, at: Date) {
  if (o.level !== "feeder" && o.level !== "substation") return;
  const key = breakerKey(o.level, o.deviceId);
  if (pass.evidence.breakers.get(key)?.state !== "open") return;
  pass.evidence.breakers.set(key, { state: "closed", changedAt: at, inferred: true });
  pass.out.breakerChanges.push({ level: o.level, id: o.deviceId, state: "closed", at, inferred: true });
}

/**
 * Calls about this outage's meters (and calls placed only at its points) made before it was
 * restored are answered by the restoration: they were evidence for it and cannot open another.
 */
function answerReports(pass: SubstationPass, o: OutageSnapshot, at: Date) {
  const { evidence, topology } = pass;
  const dps = new Set<number>();
  for (const meterId of o.meters.keys()) {
    const call = evidence.reports.get(meterId);
    if (call && call.at <= at) evidence.reports.delete(meterId);
    const dp = topology.meters.get(meterId)?.dpId;
    if (dp !== undefined) dps.add(dp);
  }
  for (const dp of dps) {
    for (const map of [evidence.dpCalls, evidence.dpReports]) {
      const r = map.get(dp);
      if (r && r.at <= at) map.delete(dp);
    }
  }
}

function restrictionsOf(pass: SubstationPass): Omit<Restrictions, "held"> {
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
  for (const other of rest) mergeOutage(pass, other, survivor);
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
  linkEvidence(pass, survivor, d);
  if (d.scadaSince && d.scadaSince < survivor.firstDetectedAt) survivor.firstDetectedAt = d.scadaSince;
  if (survivor.customersNotified && (added.length || survivor.meters.size !== before)) notifyDetected(pass, survivor, added);
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
    id: "", eventId: "", status: "detected", level: d.level, deviceId: d.deviceId,
    substationId: d.substationId, feederId: d.feederId, dpId: d.dpId, firstDetectedAt: first, confirmedAt: null,
    confirmedBy: null, restoredAt: null, verificationDueAt: null, parentOutageId: d.parentOutageId, cause: null, customersNotified: false,
    meters: new Map(), linked: new Map(), sources: {}, confidence: 0, severity: "low", customersOut: 0, criticalCustomersOut: 0,
  };
  // No outage without a signal: one that no signal (nor a SCADA breaker) stands behind is not made.
  const links = evidenceLinks(pass, o, d);
  if (links.length === 0 && !d.scadaSince) return;
  o.id = pass.ids.outageId();
  o.eventId = pass.ids.eventId(first);
  const added = applyMeters(o, d);
  for (const link of links) addLink(pass, o, { ...link, outageId: o.id });
  pass.outages.push(o);
  markChanged(pass, o, true);
  const code = deviceCode(pass.topology, d.level, d.deviceId);
  pass.out.timeline.push({
    outageId: o.id, eventType: d.parentOutageId ? "nested" : "created", status: o.status, actor: system,
    description: `${d.parentOutageId ? "Nested outage (still dark after the restoration)" : "Outage detected"} at ${d.level.replace("_", " ")} ${code}: ${d.evidence.size} signal(s) of no supply, ${d.meterIds.length} meter(s) affected`,
    details: { level: d.level, device: code, parentOutageId: d.parentOutageId },
  });
}

/**
 * The signals behind a desired outage's evidence, as links: each meter's power-off (or the call
 * about it), each report placed at a point. Held-back power-offs and calls of earlier batches
 * are linked when they come to count, so every outage's confidence rests on its own signals.
 */
function evidenceLinks(pass: SubstationPass, o: OutageSnapshot, d: DesiredOutage): SourceLink[] {
  const { evidence } = pass;
  const links: SourceLink[] = [];
  for (const [key, at] of d.evidence) {
    let source: SignalRef | undefined;
    let kind = "power_off";
    if (key > 0) {
      const power = evidence.meterPower.get(key);
      const call = evidence.reports.get(key);
      const ended = evidence.sustainedEnded.get(key);
      if (power?.status === "off" && power.changedAt?.getTime() === at.getTime() && power.source) source = power.source;
      else if (ended?.offAt.getTime() === at.getTime() && ended.source) source = ended.source;
      else if (call) [source, kind] = [call.source, "customer_report"];
      else if (power?.status === "off" && power.source) source = power.source;
    } else {
      const r = evidence.dpReports.get(-key);
      const call = evidence.dpCalls.get(-key);
      if (r?.at.getTime() === at.getTime()) source = r.source;
      else if (call) [source, kind] = [call.source, "customer_report"];
    }
    if (!source || o.linked.has(linkKey(source))) continue;
    links.push({ outageId: o.id, sourceType: source.sourceType, sourceEventId: source.sourceEventId, signalKind: kind, detectedAt: at, meterId: key > 0 ? key : null });
  }
  return links;
}

function linkEvidence(pass: SubstationPass, o: OutageSnapshot, d: DesiredOutage) {
  for (const link of evidenceLinks(pass, o, d)) addLink(pass, o, link);
}

/** Links a signal to an outage once; the outage's sources are counted from its links (outageState.ts). */
export function addLink(pass: Pick<SubstationPass, "out">, o: OutageSnapshot, link: SourceLink) {
  const key = linkKey(link);
  if (o.linked.has(key)) return false;
  o.linked.set(key, { sourceType: link.sourceType, meterId: link.meterId, kind: link.signalKind });
  pass.out.links.push(link);
  return true;
}

/** One outage absorbs another: its meters and its signals (the repository moves the links). */
export function mergeOutage(pass: Pick<SubstationPass, "out" | "changed">, from: OutageSnapshot, into: OutageSnapshot, actor: Actor = system, reason = "") {
  from.status = "merged";
  for (const [meterId, m] of from.meters) if (!into.meters.has(meterId)) into.meters.set(meterId, m);
  for (const [key, l] of from.linked) into.linked.set(key, l);
  if (from.firstDetectedAt < into.firstDetectedAt) into.firstDetectedAt = from.firstDetectedAt;
  from.mergedIntoId = into.id;
  pass.changed.set(from.id, from);
  pass.changed.set(into.id, into);
  pass.out.timeline.push({ outageId: from.id, eventType: "merged", status: "merged", actor, description: `Merged into ${into.eventId}${reason}` });
  pass.out.timeline.push({ outageId: into.id, eventType: "merged", status: into.status, actor, description: `Absorbed ${from.eventId}${reason}` });
}

/**
 * Customers newly in the dark are told once: "detected" — or, for a nested outage (its parent
 * was restored while they stayed dark), "still out", never a second "detected".
 */
export function notifyDetected(pass: Pick<SubstationPass, "out" | "topology">, o: OutageSnapshot, meterIds: number[]) {
  const customers = meterIds.map((m) => pass.topology.meters.get(m)?.customerId).filter((c): c is number => c != null);
  if (customers.length) pass.out.notifications.push({ outageId: o.id, type: o.parentOutageId ? "still_out" : "detected", customerIds: customers });
}
