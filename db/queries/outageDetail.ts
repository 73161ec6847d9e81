import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../client";
import { LIVE_OUTAGE } from "./powerState";
import { ACTIVE_CREWS, OUTAGE_ROWS } from "./outages";
import { alertReasons, UNACKNOWLEDGED, type AlertReason } from "./alerts";

const iso = (d: unknown) => (d == null ? null : new Date(d as string).toISOString());
const num = (v: unknown) => (v == null ? null : Number(v));

export interface OutageFilter {
  substation?: string;
  feeder?: string;
  statuses?: string[];
  severities?: string[];
}

export interface OutageListRow {
  id: string;
  eventId: string;
  status: string;
  severity: string;
  confidence: number;
  level: string | null;
  deviceCode: string | null;
  substation: string | null;
  feeder: string | null;
  customersOut: number;
  criticalCustomersOut: number;
  sources: { scada: number; kaifa: number; onu: number; call_center: number };
  firstDetectedAt: string;
  etr: string | null;
  crews: number;
  /** Restored, and still waiting (the verification window) for meters that have not reported power. */
  verifying: boolean;
  /** For a verifying outage: its meters not yet back. */
  metersNotBack: number;
  /** A nested outage's parent: the restored outage it stayed dark after. */
  parentOutageId: string | null;
  parentEventId: string | null;
  /** Reasons for attention nobody has acknowledged (db/queries/alerts.ts). */
  alerts: AlertReason[];
}

/**
 * The outages holding customers dark, for the list: the open ones, most severe first, then
 * oldest; then the restored ones still verifying that their meters are back. With the mix of
 * sources that found them, and a nested outage's parent. All of them, never capped: the list is
 * virtualised (components/outages/OutageList.tsx) and pushes patch it, so it is fetched once;
 * measured in the README (control room features).
 */
export async function listOpenOutages(db: DbOrTx, f: OutageFilter = {}): Promise<OutageListRow[]> {
  const where = [LIVE_OUTAGE];
  if (f.substation) where.push(sql`s.substation_id = ${f.substation}`);
  if (f.feeder) where.push(sql`fd.feeder_id = ${f.feeder}`);
  if (f.statuses?.length) where.push(sql`o.status IN (${sql.join(f.statuses.map((x) => sql`${x}`), sql`, `)})`);
  if (f.severities?.length) where.push(sql`o.severity IN (${sql.join(f.severities.map((x) => sql`${x}`), sql`, `)})`);
  const rows = await queryRows<Record<string, unknown>>(db, sql`
    SELECT o.id, o.event_id, o.status, o.severity, o.confidence_score, o.predicted_device_level, o.predicted_device_code,
      s.substation_id AS substation, fd.feeder_id AS feeder, o.affected_customers_count, o.critical_customers_count,
      o.first_detected_at, o.estimated_restoration_time, o.affected_meters_count, o.parent_outage_id, p.event_id AS parent_event_id,
      src.scada, src.kaifa, src.onu, src.calls, ${UNACKNOWLEDGED} AS alerts,
      ${ACTIVE_CREWS} AS crews
    ${OUTAGE_ROWS}
    WHERE ${sql.join(where, sql` AND `)}
    ORDER BY (o.status = 'restored'), CASE o.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END, o.first_detected_at, o.id`);
  return rows.map((r) => ({
    id: String(r.id), eventId: String(r.event_id), status: String(r.status), severity: String(r.severity),
    confidence: Number(r.confidence_score), level: (r.predicted_device_level as string | null) ?? null,
    deviceCode: (r.predicted_device_code as string | null) ?? null,
    substation: (r.substation as string | null) ?? null, feeder: (r.feeder as string | null) ?? null,
    customersOut: Number(r.affected_customers_count), criticalCustomersOut: Number(r.critical_customers_count),
    sources: { scada: Number(r.scada), kaifa: Number(r.kaifa), onu: Number(r.onu), call_center: Number(r.calls) },
    firstDetectedAt: iso(r.first_detected_at)!, etr: iso(r.estimated_restoration_time), crews: Number(r.crews),
    verifying: r.status === "restored", metersNotBack: r.status === "restored" ? Number(r.affected_meters_count) : 0,
    parentOutageId: (r.parent_outage_id as string | null) ?? null, parentEventId: (r.parent_event_id as string | null) ?? null,
    alerts: alertReasons(r.alerts),
  }));
}

/** Everything the details panel shows about one outage. */
export async function outageDetail(db: DbOrTx, id: string) {
  const [o] = await queryRows<Record<string, unknown>>(db, sql`
    SELECT o.*, s.substation_id AS substation_code, s.name AS substation_name, fd.feeder_id AS feeder_code, dp.dp_id AS dp_code,
      ST_Y(o.centroid) AS lat, ST_X(o.centroid) AS lng, ${UNACKNOWLEDGED} AS alerts
    FROM oms_outage_events o
    LEFT JOIN network_substations s ON s.id = o.substation_id
    LEFT JOIN network_feeders fd ON fd.id = o.feeder_id
    LEFT JOIN network_distribution_points dp ON dp.id = o.dp_id
    WHERE o.id = ${id}::uuid`);
  if (!o) return null;
  const points = await queryRows<{ code: string; n: number }>(db, sql`
    SELECT d.dp_id AS code, COUNT(*)::int AS n
    FROM oms_outage_affected_meters a JOIN oms_meters m ON m.id = a.meter_id JOIN network_distribution_points d ON d.id = m.dp_id
    WHERE a.outage_event_id = ${id}::uuid AND a.state <> 'restored' GROUP BY d.dp_id ORDER BY d.dp_id`);
  const [meters, signals, timeline, assignments, notifications, family] = await Promise.all([
    queryRows<Record<string, unknown>>(db, sql`
      SELECT m.meter_number, a.state, a.since, c.name AS customer, c.customer_id AS customer_code, c.is_critical, c.address
      FROM oms_outage_affected_meters a JOIN oms_meters m ON m.id = a.meter_id LEFT JOIN oms_customers c ON c.id = a.customer_id
      WHERE a.outage_event_id = ${id}::uuid
      ORDER BY c.is_critical DESC NULLS LAST, a.state, m.meter_number LIMIT 200`),
    queryRows<Record<string, unknown>>(db, sql`
      SELECT e.source_type, e.source_event_id, e.signal_kind, e.detected_at, m.meter_number
      FROM oms_event_sources e LEFT JOIN oms_meters m ON m.id = e.meter_id
      WHERE e.outage_event_id = ${id}::uuid ORDER BY e.detected_at DESC LIMIT 100`),
    queryRows<Record<string, unknown>>(db, sql`
      SELECT t.id::int AS id, t.event_type, t.status, t.description, t.source, COALESCE(u.username, k.name, t.actor_id) AS actor, t.created_at
      FROM oms_event_timeline t
      LEFT JOIN auth_users u ON t.source = 'user' AND u.id = t.actor_id
      LEFT JOIN oms_api_keys k ON t.source <> 'user' AND k.id = t.actor_id
      WHERE t.outage_event_id = ${id}::uuid ORDER BY t.created_at DESC, t.id DESC LIMIT 200`),
    queryRows<Record<string, unknown>>(db, sql`
      SELECT a.id::int AS id, c.crew_id AS crew, c.name AS crew_name, a.status, a.assigned_at, a.arrived_at, a.completed_at, a.notes, a.assigned_by,
             a.estimated_arrival, a.dispatch_notes
      FROM oms_crew_assignments a JOIN oms_crews c ON c.id = a.crew_id
      WHERE a.outage_event_id = ${id}::uuid ORDER BY a.assigned_at DESC`),
    queryRows<Record<string, unknown>>(db, sql`
      SELECT notification_type AS type, status, COUNT(*)::int AS n, MAX(created_at) AS last
      FROM oms_customer_notifications WHERE outage_event_id = ${id}::uuid GROUP BY notification_type, status ORDER BY 1, 2`),
    // Its parent (a nested outage stayed dark after it) and its own nested outages.
    queryRows<{ id: string; event_id: string; status: string; relation: "parent" | "nested" }>(db, sql`
      SELECT id, event_id, status, 'parent' AS relation FROM oms_outage_events WHERE id = ${o.parent_outage_id as string | null}::uuid
      UNION ALL
      SELECT id, event_id, status, 'nested' FROM oms_outage_events WHERE parent_outage_id = ${id}::uuid`),
  ]);
  return {
    id: String(o.id), eventId: String(o.event_id), status: String(o.status), severity: String(o.severity),
    confidence: Number(o.confidence_score), level: (o.predicted_device_level as string | null) ?? null,
    deviceCode: (o.predicted_device_code as string | null) ?? null,
    substation: o.substation_code ? { code: String(o.substation_code), name: String(o.substation_name) } : null,
    feeder: (o.feeder_code as string | null) ?? null, distributionPoint: (o.dp_code as string | null) ?? null,
    customersOut: Number(o.affected_customers_count), metersOut: Number(o.affected_meters_count),
    criticalCustomersOut: Number(o.critical_customers_count),
    firstDetectedAt: iso(o.first_detected_at)!, confirmedAt: iso(o.confirmed_at), confirmedBy: (o.confirmed_by as string | null) ?? null,
    etr: iso(o.estimated_restoration_time), restoredAt: iso(o.actual_restoration_time), cause: (o.cause as string | null) ?? null,
    parentOutageId: (o.parent_outage_id as string | null) ?? null, mergedIntoId: (o.merged_into_id as string | null) ?? null,
    parentEventId: family.find((f) => f.relation === "parent")?.event_id ?? null,
    nested: family.filter((f) => f.relation === "nested").map((f) => ({ id: String(f.id), eventId: f.event_id, status: f.status })),
    /** Restored, still waiting for `metersOut` meters to report power. */
    verifying: o.status === "restored" && o.verification_due_at != null, verificationDueAt: iso(o.verification_due_at),
    lat: num(o.lat), lng: num(o.lng),
    /** Reasons for attention nobody has acknowledged (db/queries/alerts.ts). */
    alerts: alertReasons(o.alerts),
    /** The distribution points with customers out, for splitting. */
    points: points.map((p) => ({ code: p.code, metersOut: Number(p.n) })),
    meters: meters.map((m) => ({ meterNumber: String(m.meter_number), state: String(m.state), since: iso(m.since), customer: (m.customer as string | null) ?? null,
      customerCode: (m.customer_code as string | null) ?? null, critical: Boolean(m.is_critical), address: (m.address as string | null) ?? null })),
    signals: signals.map((s) => ({ source: String(s.source_type), id: String(s.source_event_id), kind: String(s.signal_kind), at: iso(s.detected_at)!, meter: (s.meter_number as string | null) ?? null })),
    timeline: timeline.map((t) => ({ id: Number(t.id), type: String(t.event_type), status: (t.status as string | null) ?? null, description: String(t.description),
      source: String(t.source), actor: (t.actor as string | null) ?? null, at: iso(t.created_at)! })),
    assignments: assignments.map((a) => ({ id: Number(a.id), crew: String(a.crew), crewName: String(a.crew_name), status: String(a.status),
      assignedAt: iso(a.assigned_at)!, arrivedAt: iso(a.arrived_at), completedAt: iso(a.completed_at), notes: (a.notes as string | null) ?? null, by: (a.assigned_by as string | null) ?? null,
      eta: iso(a.estimated_arrival as Date | string | null), dispatchNotes: (a.dispatch_notes as string | null) ?? null })),
    notifications: notifications.map((n) => ({ type: String(n.type), status: String(n.status), count: Number(n.n), last: iso(n.last) })),
  };
}

/** The numbers across the top of the control room. */
export async function overview(db: DbOrTx, now: Date) {
  const [row] = await queryRows<Record<string, unknown>>(db, sql`
    SELECT
      (SELECT COUNT(DISTINCT am.customer_id) FROM oms_outage_affected_meters am JOIN oms_outage_events o ON o.id = am.outage_event_id
        WHERE am.state <> 'restored' AND ${LIVE_OUTAGE})::int AS customers_out,
      (SELECT COUNT(*) FROM oms_outage_events WHERE status IN ('detected','confirmed','in_progress') AND severity = 'critical')::int AS critical,
      (SELECT COUNT(*) FROM oms_outage_events WHERE status IN ('detected','confirmed','in_progress') AND severity = 'high')::int AS high,
      (SELECT COUNT(*) FROM oms_outage_events WHERE status IN ('detected','confirmed','in_progress') AND severity = 'medium')::int AS medium,
      (SELECT COUNT(*) FROM oms_outage_events WHERE status IN ('detected','confirmed','in_progress') AND severity = 'low')::int AS low,
      (SELECT COUNT(*) FROM oms_outage_events o WHERE o.status IN ('detected','confirmed','in_progress') AND cardinality(${UNACKNOWLEDGED}) > 0)::int AS unacknowledged,
      (SELECT COUNT(*) FROM oms_crews WHERE status = 'available')::int AS crews_available,
      (SELECT COUNT(*) FROM oms_crews WHERE status IN ('assigned','en_route','on_site'))::int AS crews_busy,
      (SELECT COUNT(*) FROM ingest_inbox WHERE received_at > ${new Date(now.getTime() - 5 * 60_000).toISOString()}::timestamptz)::int AS signals_5min`);
  return {
    customersOut: Number(row.customers_out),
    outages: { critical: Number(row.critical), high: Number(row.high), medium: Number(row.medium), low: Number(row.low) },
    crews: { available: Number(row.crews_available), busy: Number(row.crews_busy) },
    /** Open outages with a reason for attention nobody has acknowledged. */
    unacknowledged: Number(row.unacknowledged),
    signalsPerMinute: Math.round(Number(row.signals_5min) / 5),
  };
}
