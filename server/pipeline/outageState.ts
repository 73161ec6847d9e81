import type { DeviceLevel } from "../../db/schema";
import type { Rule } from "./rules";
import { confidenceOf, severityOf, type SourceCounts } from "./scoring";
import type { OutageSnapshot, Topology } from "./types";

export const OPEN_STATUSES = new Set(["detected", "confirmed", "in_progress"]);
export const isOpen = (o: OutageSnapshot) => OPEN_STATUSES.has(o.status);
/** Open, or restored and still being verified: an outage that holds its meters dark (LIVE_OUTAGE in SQL). */
export const isLive = (o: OutageSnapshot) => isOpen(o) || (o.status === "restored" && o.verificationDueAt !== null);

export const levelRank: Record<DeviceLevel, number> = { meter: 0, distribution_point: 1, feeder: 2, substation: 3 };

/** Code of the predicted device, as people read it (meter number, DP…, FD…, SS…). */
export function deviceCode(topology: Topology, level: DeviceLevel, id: number): string {
  if (level === "meter") return topology.meters.get(id)?.meterNumber ?? `meter ${id}`;
  if (level === "distribution_point") return topology.dps.get(id)?.code ?? `DP ${id}`;
  if (level === "feeder") return topology.feeders.get(id)?.code ?? `feeder ${id}`;
  return topology.substations.get(id)?.code ?? `substation ${id}`;
}

/** Is meter `meterId` downstream of (or equal to) the outage's predicted device? */
export function covers(topology: Topology, o: Pick<OutageSnapshot, "level" | "deviceId">, meterId: number): boolean {
  const m = topology.meters.get(meterId);
  if (!m) return false;
  switch (o.level) {
    case "meter": return m.id === o.deviceId;
    case "distribution_point": return m.dpId === o.deviceId;
    case "feeder": return m.feederId === o.deviceId;
    case "substation": return m.substationId === o.deviceId;
  }
}

/** The outage's sources, counted from its links; a restore says an outage ended, not that it was real, so it is not counted. */
export function sourceCounts(o: Pick<OutageSnapshot, "linked">): SourceCounts {
  const counts: SourceCounts = {};
  for (const l of o.linked.values()) if (l.kind !== "power_on") counts[l.sourceType] = (counts[l.sourceType] ?? 0) + 1;
  return counts;
}

/**
 * The outage arithmetic, in one place for the pipeline and every verb (merge, split, restore,
 * ETR, crews): customers and critical customers out are those of its meters not restored
 * (for a restored outage still being verified, the ones not yet back); sources from its links;
 * confidence and severity from those (scoring.ts); confirmation at the rule's threshold or on a
 * SCADA signal. Returns true when this call confirmed it.
 */
export function rescore(o: OutageSnapshot, topology: Topology, rule: Rule, now: Date) {
  let customers = 0;
  let critical = 0;
  for (const [meterId, m] of o.meters) {
    if (m.state === "restored") continue;
    const node = topology.meters.get(meterId);
    if (node?.customerId != null) customers++;
    if (node?.critical) critical++;
  }
  o.customersOut = customers;
  o.criticalCustomersOut = critical;
  o.sources = sourceCounts(o);
  o.confidence = confidenceOf(o.sources);
  o.severity = severityOf(o.confidence, { customersOut: customers, criticalCustomersOut: critical });
  const scada = (o.sources.scada ?? 0) > 0;
  if (o.status === "detected" && (scada || o.confidence >= rule.confidenceThreshold)) {
    o.status = "confirmed";
    o.confirmedAt = now;
    o.confirmedBy = scada ? "scada" : "rule";
    return true;
  }
  return false;
}
