import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../../db/client";
import type { DeviceLevel } from "../../db/schema";
import type { Actor } from "../context";
import { conflict, invalid } from "../errors";
import { lockSubstations, outageIds } from "../ingest/correlateBatch";
import { claimInbox, markProcessed, recordRejections } from "../ingest/inbox";
import { newOwner } from "../ingest/service";
import { DomainError } from "../errors";
import { placeSignals } from "../ingest/placement";
import type { IngestDeps } from "../ingest/service";
import { emptyDecisions } from "../pipeline/correlate";
import { rescore } from "../pipeline/outageState";
import { linkKey, type OutageSnapshot, type Placement, type Topology } from "../pipeline/types";
import { emptyEvidence } from "../pipeline/evidence";
import { applyDecisions } from "../repository/applyDecisions";
import { recordOutageChanges } from "../realtime/publisher";
import { signalFromRequest, type GenericEvent } from "./signalFromRequest";

/** The device a placement names, and every meter under it. */
function deviceOf(p: Placement, t: Topology): { level: DeviceLevel; id: number; meterIds: number[]; feederId: number | null; dpId: number | null } | null {
  const metersWhere = (f: (m: { dpId: number; feederId: number; substationId: number }) => boolean) => [...t.meters.values()].filter(f).map((m) => m.id);
  if (p.level === "meter") { const m = t.meters.get(p.meterIds[0])!; return { level: "meter", id: m.id, meterIds: [m.id], feederId: m.feederId, dpId: m.dpId }; }
  if (p.level === "distribution_point") { const d = t.dps.get(p.dpId)!; return { level: "distribution_point", id: d.id, meterIds: d.meterIds, feederId: d.feederId, dpId: d.id }; }
  if (p.level === "feeder") return { level: "feeder", id: p.feederId, meterIds: metersWhere((m) => m.feederId === p.feederId), feederId: p.feederId, dpId: null };
  if (p.level === "substation") return { level: "substation", id: p.substationId, meterIds: metersWhere((m) => m.substationId === p.substationId), feederId: null, dpId: null };
  return null;
}

/**
 * `events/create` (seed stage 2): opens an outage at the device the event points to (its
 * meter, the nearest distribution point to its location, or a SCADA device), for a person or
 * system that knows of an outage before any device says so. An open outage already covering
 * that device is a conflict, not a second outage.
 */
export async function createEvent(deps: IngestDeps, actor: Actor, input: GenericEvent & { spatial_radius_meters?: number }) {
  const signal = signalFromRequest({ ...input, event_type: "outage" });
  const rule = await deps.activeRule(deps.db);
  const now = deps.now();
  const apiKeyId = actor.kind === "integration" ? actor.id : null;
  const owner = newOwner("events/create");

  // Stored and processed in one transaction: a concurrent copy waits on the inbox row's unique
  // index and then finds the answer; a refused creation leaves no row (it is kept as a rejection).
  const result = await deps.db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    const { claimed, answered, inFlight } = await claimInbox(tx, input.source_type, [{ index: 0, sourceEventId: input.source_event_id, raw: input, signals: [signal] }], apiKeyId, owner);
    if (!claimed.length) {
      const previous = answered[0] ?? inFlight[0];
      const response = answered[0]?.response;
      if (response) return { answer: { ...(response as object), duplicate: true }, changes: [] };
      throw conflict(`The event ${previous.sourceEventId} is already being processed`);
    }
    const stored = claimed;
    const [placed] = await placeSignals(tx, [signal], input.spatial_radius_meters ?? rule.radiusMeters);
    if (placed.placement.level === "unmatched") throw invalid(`Cannot place the event: ${placed.placement.reason}`, [{ path: "metadata", message: placed.placement.reason }]);
    const [sub] = await queryRows<{ id: number }>(tx, sql`
      SELECT COALESCE((SELECT substation_id FROM oms_meters WHERE id = ${placed.placement.level === "meter" ? placed.placement.meterIds[0] : null}::int),
        (SELECT f.substation_id FROM network_distribution_points d JOIN network_feeders f ON f.id = d.feeder_id WHERE d.id = ${placed.placement.level === "distribution_point" ? placed.placement.dpId : null}::int),
        (SELECT substation_id FROM network_feeders WHERE id = ${placed.placement.level === "feeder" ? placed.placement.feederId : null}::int),
        ${placed.placement.level === "substation" ? placed.placement.substationId : null}::int) AS id`);
    await lockSubstations(tx, [sub.id]);
    const topology = await deps.topology.load(tx, [sub.id]);
    const device = deviceOf(placed.placement, topology)!;
    const [covering] = await queryRows<{ event_id: string }>(tx, sql`
      SELECT o.event_id FROM oms_outage_events o JOIN oms_outage_affected_meters am ON am.outage_event_id = o.id
      WHERE o.status IN ('detected','confirmed','in_progress') AND am.state <> 'restored'
        AND am.meter_id = ANY(${sql.param(device.meterIds)}::int4[]) LIMIT 1`);
    if (covering) throw conflict(`An open outage already covers this place: ${covering.event_id}`);

    const outage: OutageSnapshot = {
      id: outageIds.outageId(), eventId: outageIds.eventId(input.timestamp), status: "detected", level: device.level, deviceId: device.id,
      substationId: sub.id, feederId: device.feederId, dpId: device.dpId, firstDetectedAt: input.timestamp, confirmedAt: null, confirmedBy: null,
      restoredAt: null, verificationDueAt: null, parentOutageId: null, cause: null, customersNotified: true,
      meters: new Map(device.meterIds.map((m) => [m, { state: "assumed" as const, since: input.timestamp }])),
      linked: new Map([[linkKey({ sourceType: input.source_type, sourceEventId: input.source_event_id }), { sourceType: input.source_type, meterId: device.level === "meter" ? device.id : null, kind: signal.kind }]]),
      sources: {}, confidence: 0, severity: "low", customersOut: 0, criticalCustomersOut: 0,
    };
    rescore(outage, topology, rule, now);
    const d = emptyDecisions();
    d.outages.push(outage);
    d.created.add(outage.id);
    d.links.push({ outageId: outage.id, sourceType: input.source_type, sourceEventId: input.source_event_id, signalKind: signal.kind, detectedAt: input.timestamp, meterId: device.level === "meter" ? device.id : null });
    d.timeline.push({ outageId: outage.id, eventType: "created", status: outage.status, actor: { kind: "system" }, description: `Seed outage created through events/create at ${device.level.replace("_", " ")} (${device.meterIds.length} meters)` });
    d.notifications.push({ outageId: outage.id, type: "detected", customerIds: device.meterIds.map((m) => topology.meters.get(m)?.customerId).filter((c): c is number => c != null) });
    await applyDecisions(tx, d, { topology, evidence: emptyEvidence(), writtenMeterIds: [], substationIds: [sub.id], now, actor, momentaryMs: rule.momentarySeconds * 1000 });
    const changes = await recordOutageChanges(tx, [outage.id], d.created);
    const answer = { status: "created", outage_event_id: outage.id, event_id: outage.eventId, outage_status: outage.status, confidence_score: outage.confidence, severity: outage.severity, predicted_device_level: device.level, affected_meters: device.meterIds.length };
    await markProcessed(tx, [{ inboxId: stored[0].inboxId, status: "processed", response: answer }], now);
    return { answer, changes };
  }).catch(async (err) => {
    // A refused creation is kept like any rejected input, with its reason.
    if (err instanceof DomainError) {
      await recordRejections(deps.db, input.source_type, [{ index: 0, raw: input, issues: err.issues.length ? err.issues : [{ path: "(body)", message: err.message }] }], apiKeyId).catch(() => {});
    }
    throw err;
  });
  deps.publisher.publish(result.changes);
  return result.answer;
}
