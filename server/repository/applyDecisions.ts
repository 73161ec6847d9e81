import { sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { arrayParam, unnestRows } from "../../db/arrays";
import { deviceCode } from "../pipeline/outageState";
import type { Evidence } from "../pipeline/evidence";
import type { Decisions, OutageSnapshot, Topology } from "../pipeline/types";
import type { Actor } from "../context";
import { actorLabel } from "../context";

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/**
 * Writes one batch's decisions. Set-based: one statement per table however many outages,
 * meters or signals the batch touched. Runs inside the caller's transaction.
 */
export interface ApplyContext {
  topology: Topology;
  evidence: Evidence;
  touchedMeterIds: number[];
  substationIds: number[];
  now: Date;
  actor: Actor;
  /** Each loaded outage's meters as they were (`state@since`): unchanged ones are not rewritten. */
  before?: Map<string, Map<number, string>>;
}

export async function applyDecisions(tx: DbOrTx, d: Decisions, ctx: ApplyContext) {
  await writeOutages(tx, d.outages, ctx.topology, ctx.now);
  await writeAffectedMeters(tx, d.outages, ctx.before ?? new Map());
  await writeMeterPower(tx, ctx.evidence, ctx.touchedMeterIds, ctx.now);
  await writeTimeline(tx, d, ctx.actor);
  await writeMeterStatusEvents(tx, d);
  if (d.momentaries.length) {
    await tx.execute(sql`INSERT INTO oms_momentary_interruptions (meter_id, off_at, on_at, source_type)
      SELECT * FROM ${unnestRows([["meter_id", "int4", d.momentaries.map((m) => m.meterId)], ["off_at", "timestamptz", d.momentaries.map((m) => iso(m.offAt))],
        ["on_at", "timestamptz", d.momentaries.map((m) => iso(m.onAt))], ["source_type", "text", d.momentaries.map((m) => m.source)]])}`);
  }
  for (const b of d.breakerChanges) {
    const table = b.level === "feeder" ? sql`network_feeders` : sql`network_substations`;
    await tx.execute(sql`UPDATE ${table} SET breaker_state = ${b.state}, breaker_changed_at = ${iso(b.at)}, updated_at = ${iso(ctx.now)} WHERE id = ${b.id}`);
  }
  if (d.links.length) {
    const l = d.links;
    await tx.execute(sql`INSERT INTO oms_event_sources (outage_event_id, source_type, source_event_id, meter_id, signal_kind, detected_at, correlation_weight)
      SELECT outage_event_id, source_type, source_event_id, meter_id, signal_kind, detected_at, 1 FROM ${unnestRows([
        ["outage_event_id", "uuid", l.map((x) => x.outageId)], ["source_type", "text", l.map((x) => x.sourceType)],
        ["source_event_id", "text", l.map((x) => x.sourceEventId)], ["meter_id", "int4", l.map((x) => x.meterId)],
        ["signal_kind", "text", l.map((x) => x.signalKind)], ["detected_at", "timestamptz", l.map((x) => iso(x.detectedAt))]])}
      ON CONFLICT DO NOTHING`);
  }
  await writeNotifications(tx, d);
  await refreshNetworkState(tx, ctx.substationIds);
}

async function writeOutages(tx: DbOrTx, outages: OutageSnapshot[], topology: Topology, now: Date) {
  if (!outages.length) return;
  const col = <T>(f: (o: OutageSnapshot) => T) => outages.map(f);
  await tx.execute(sql`
    INSERT INTO oms_outage_events (id, event_id, status, severity, confidence_score, affected_customers_count, affected_meters_count,
      critical_customers_count, substation_id, feeder_id, dp_id, predicted_device_level, predicted_device_code, predicted_device_id,
      parent_outage_id, merged_into_id, cause, first_detected_at, last_updated_at, confirmed_at, confirmed_by,
      actual_restoration_time, verification_due_at)
    SELECT id, event_id, status, severity, confidence, customers, meters, critical, substation_id, feeder_id, dp_id, level, code, device_id,
      parent_id, merged_id, cause, first_at, ${iso(now)}::timestamptz, confirmed_at, confirmed_by, restored_at, due
    FROM ${unnestRows([
      ["id", "uuid", col((o) => o.id)], ["event_id", "text", col((o) => o.eventId)], ["status", "text", col((o) => o.status)],
      ["severity", "text", col((o) => o.severity)], ["confidence", "float8", col((o) => o.confidence)],
      ["customers", "int4", col((o) => o.customersOut)],
      ["meters", "int4", col((o) => [...o.meters.values()].filter((m) => m.state !== "restored").length)],
      ["critical", "int4", col((o) => o.criticalCustomersOut)], ["substation_id", "int4", col((o) => o.substationId)],
      ["feeder_id", "int4", col((o) => o.feederId)], ["dp_id", "int4", col((o) => o.dpId)], ["level", "text", col((o) => o.level)],
      ["code", "text", col((o) => deviceCode(topology, o.level, o.deviceId))], ["device_id", "int4", col((o) => o.deviceId)],
      ["parent_id", "uuid", col((o) => o.parentOutageId)], ["merged_id", "uuid", col((o) => o.mergedIntoId ?? null)],
      ["cause", "text", col((o) => o.cause)], ["first_at", "timestamptz", col((o) => iso(o.firstDetectedAt))],
      ["confirmed_at", "timestamptz", col((o) => iso(o.confirmedAt))], ["confirmed_by", "text", col((o) => o.confirmedBy)],
      ["restored_at", "timestamptz", col((o) => iso(o.restoredAt))], ["due", "timestamptz", col((o) => iso(o.verificationDueAt))],
    ])}
    ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, severity = EXCLUDED.severity, confidence_score = EXCLUDED.confidence_score,
      affected_customers_count = EXCLUDED.affected_customers_count, affected_meters_count = EXCLUDED.affected_meters_count,
      critical_customers_count = EXCLUDED.critical_customers_count, feeder_id = EXCLUDED.feeder_id, dp_id = EXCLUDED.dp_id,
      predicted_device_level = EXCLUDED.predicted_device_level, predicted_device_code = EXCLUDED.predicted_device_code,
      predicted_device_id = EXCLUDED.predicted_device_id, merged_into_id = EXCLUDED.merged_into_id, cause = EXCLUDED.cause,
      first_detected_at = EXCLUDED.first_detected_at, last_updated_at = EXCLUDED.last_updated_at, confirmed_at = EXCLUDED.confirmed_at,
      confirmed_by = EXCLUDED.confirmed_by, actual_restoration_time = EXCLUDED.actual_restoration_time,
      verification_due_at = EXCLUDED.verification_due_at`);
}

async function writeAffectedMeters(tx: DbOrTx, outages: OutageSnapshot[], before: Map<string, Map<number, string>>) {
  const rows = outages.flatMap((o) => [...o.meters]
    .filter(([meterId, m]) => before.get(o.id)?.get(meterId) !== `${m.state}@${m.since.getTime()}`)
    .map(([meterId, m]) => ({ o: o.id, meterId, m })));
  if (!rows.length) return;
  // The hull only moves when an outage gains meters.
  const grown = new Set(rows.filter((r) => !before.get(r.o)?.has(r.meterId)).map((r) => r.o));
  await tx.execute(sql`
    INSERT INTO oms_outage_affected_meters (outage_event_id, meter_id, customer_id, state, since, restored_at)
    SELECT t.outage_id, t.meter_id, m.customer_id, t.state, t.since, CASE WHEN t.state = 'restored' THEN t.restored_at END
    FROM ${unnestRows([["outage_id", "uuid", rows.map((r) => r.o)], ["meter_id", "int4", rows.map((r) => r.meterId)],
      ["state", "text", rows.map((r) => r.m.state)], ["since", "timestamptz", rows.map((r) => iso(r.m.since))],
      ["restored_at", "timestamptz", rows.map((r) => iso(outages.find((o) => o.id === r.o)?.restoredAt))]])}
    JOIN oms_meters m ON m.id = t.meter_id
    ON CONFLICT (outage_event_id, meter_id) DO UPDATE SET state = EXCLUDED.state, since = EXCLUDED.since,
      restored_at = COALESCE(oms_outage_affected_meters.restored_at, EXCLUDED.restored_at)`);
  // The drawn area: hull of the affected meters (a point or a line for one or two meters).
  if (!grown.size) return;
  await tx.execute(sql`
    UPDATE oms_outage_events o SET area = g.hull, centroid = ST_Centroid(g.hull)
    FROM (SELECT am.outage_event_id AS id, ST_ConvexHull(ST_Collect(m.location)) AS hull
          FROM oms_outage_affected_meters am JOIN oms_meters m ON m.id = am.meter_id
          WHERE am.outage_event_id = ANY(${arrayParam([...grown], "uuid")}) GROUP BY am.outage_event_id) g
    WHERE o.id = g.id`);
}

async function writeMeterPower(tx: DbOrTx, evidence: Evidence, meterIds: number[], now: Date) {
  const rows = meterIds.map((id) => [id, evidence.meterPower.get(id)] as const).filter(([, p]) => p && p.changedAt);
  if (!rows.length) return;
  await tx.execute(sql`
    UPDATE oms_meters m SET power_status = t.status, last_power_change = t.at, power_source_type = t.st,
      power_source_event_id = t.se, last_communication = GREATEST(m.last_communication, t.at), updated_at = ${iso(now)}
    FROM ${unnestRows([["id", "int4", rows.map(([id]) => id)], ["status", "text", rows.map(([, p]) => p!.status)],
      ["at", "timestamptz", rows.map(([, p]) => iso(p!.changedAt))], ["st", "text", rows.map(([, p]) => p!.source?.sourceType ?? null)],
      ["se", "text", rows.map(([, p]) => p!.source?.sourceEventId ?? null)]])}
    WHERE m.id = t.id`);
}

async function writeTimeline(tx: DbOrTx, d: Decisions, actor: Actor) {
  if (!d.timeline.length) return;
  const e = d.timeline;
  const who = (kind: string) => (kind === "system" ? actorLabel(actor) : { source: kind, actorId: null });
  await tx.execute(sql`
    INSERT INTO oms_event_timeline (outage_event_id, event_type, status, description, source, actor_id, details)
    SELECT * FROM ${unnestRows([["outage_event_id", "uuid", e.map((x) => x.outageId)], ["event_type", "text", e.map((x) => x.eventType)],
      ["status", "text", e.map((x) => x.status)], ["description", "text", e.map((x) => x.description)],
      ["source", "text", e.map((x) => who(x.actor.kind).source)], ["actor_id", "text", e.map((x) => x.actor.id ?? who(x.actor.kind).actorId)],
      ["details", "jsonb", e.map((x) => (x.details ? JSON.stringify(x.details) : null))]])}`);
}

async function writeMeterStatusEvents(tx: DbOrTx, d: Decisions) {
  if (!d.meterChanges.length) return;
  const outageOf = new Map<number, string>();
  for (const o of d.outages) for (const meterId of o.meters.keys()) outageOf.set(meterId, o.id);
  const c = d.meterChanges;
  await tx.execute(sql`
    INSERT INTO oms_meter_status_events (meter_id, event_type, source_type, source_event_id, previous_status, new_status, event_timestamp, confidence_score, outage_event_id)
    SELECT * FROM ${unnestRows([["meter_id", "int4", c.map((x) => x.meterId)], ["event_type", "text", c.map((x) => (x.next === "off" ? "power_off" : "power_on"))],
      ["source_type", "text", c.map((x) => x.source)], ["source_event_id", "text", c.map((x) => x.sourceEventId)],
      ["previous_status", "text", c.map((x) => x.previous)], ["new_status", "text", c.map((x) => x.next)],
      ["event_timestamp", "timestamptz", c.map((x) => iso(x.at))], ["confidence_score", "float8", c.map((x) => x.confidence)],
      ["outage_event_id", "uuid", c.map((x) => outageOf.get(x.meterId) ?? null)]])}`);
}

const messages = {
  detected: (eventId: string) => `We know about a power outage affecting your address (${eventId}). Crews are being informed; we will update you.`,
  restored: (eventId: string) => `Power has been restored at your address (${eventId}). Thank you for your patience.`,
};

async function writeNotifications(tx: DbOrTx, d: Decisions) {
  const rows = d.notifications.flatMap((n) => n.customerIds.map((c) => ({ ...n, customerId: c })));
  if (!rows.length) return;
  const eventIds = new Map(d.outages.map((o) => [o.id, o.eventId]));
  await tx.execute(sql`
    INSERT INTO oms_customer_notifications (outage_event_id, customer_id, notification_type, channel, message_content)
    SELECT outage_id, customer_id, kind, 'sms', message FROM ${unnestRows([["outage_id", "uuid", rows.map((r) => r.outageId)],
      ["customer_id", "int4", rows.map((r) => r.customerId)], ["kind", "text", rows.map((r) => r.type)],
      ["message", "text", rows.map((r) => messages[r.type](eventIds.get(r.outageId) ?? ""))]])}
    ON CONFLICT DO NOTHING`);
}

/** Map colours: a feeder is de-energized under a feeder/substation outage, partial under a smaller one. */
async function refreshNetworkState(tx: DbOrTx, substationIds: number[]) {
  if (!substationIds.length) return;
  const subs = arrayParam(substationIds, "int4");
  await tx.execute(sql`
    UPDATE network_feeders f SET status = CASE
        WHEN EXISTS (SELECT 1 FROM oms_outage_events o WHERE o.status IN ('detected','confirmed','in_progress')
          AND ((o.predicted_device_level = 'feeder' AND o.feeder_id = f.id) OR (o.predicted_device_level = 'substation' AND o.substation_id = f.substation_id))) THEN 'de_energized'
        WHEN EXISTS (SELECT 1 FROM oms_outage_events o WHERE o.status IN ('detected','confirmed','in_progress') AND o.feeder_id = f.id) THEN 'partial'
        ELSE 'energized' END
    WHERE f.substation_id = ANY(${subs})`);
  await tx.execute(sql`
    UPDATE network_substations s SET status = CASE
        WHEN NOT EXISTS (SELECT 1 FROM network_feeders f WHERE f.substation_id = s.id AND f.status <> 'de_energized') THEN 'de_energized'
        WHEN EXISTS (SELECT 1 FROM network_feeders f WHERE f.substation_id = s.id AND f.status <> 'energized') THEN 'partial'
        ELSE 'energized' END
    WHERE s.id = ANY(${subs})`);
}
