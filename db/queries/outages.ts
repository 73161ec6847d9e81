import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../client";
import type { OutageSummary } from "../../server/realtime/events";

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** The outages with these ids as the control room shows them (list rows and live pushes). */
export async function outageSummaries(db: DbOrTx, ids: string[]): Promise<OutageSummary[]> {
  if (ids.length === 0) return [];
  const rows = await queryRows<Record<string, unknown>>(db, sql`
    SELECT id, event_id, status, severity, confidence_score, predicted_device_level, predicted_device_code,
           substation_id, feeder_id, dp_id, affected_customers_count, critical_customers_count,
           affected_meters_count, first_detected_at, actual_restoration_time, parent_outage_id, merged_into_id
    FROM oms_outage_events WHERE id IN (${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)})`);
  return rows.map((r) => ({
    id: String(r.id),
    eventId: String(r.event_id),
    status: r.status as OutageSummary["status"],
    severity: r.severity as OutageSummary["severity"],
    confidence: Number(r.confidence_score),
    level: (r.predicted_device_level ?? "meter") as OutageSummary["level"],
    deviceCode: (r.predicted_device_code as string | null) ?? null,
    substationId: (r.substation_id as number | null) ?? null,
    feederId: (r.feeder_id as number | null) ?? null,
    dpId: (r.dp_id as number | null) ?? null,
    customersOut: Number(r.affected_customers_count),
    criticalCustomersOut: Number(r.critical_customers_count),
    metersOut: Number(r.affected_meters_count),
    firstDetectedAt: iso(r.first_detected_at as string)!,
    restoredAt: iso(r.actual_restoration_time as string | null),
    parentOutageId: (r.parent_outage_id as string | null) ?? null,
    mergedIntoId: (r.merged_into_id as string | null) ?? null,
  }));
}

export interface OutageMarker {
  id: string;
  eventId: string;
  status: string;
  severity: string;
  confidence: number;
  level: string;
  deviceCode: string | null;
  customersOut: number;
  criticalCustomersOut: number;
  firstDetectedAt: string;
  lat: number;
  lng: number;
}

/** Open outages with where to draw them (the centroid of their affected meters). */
export async function activeOutageMarkers(db: DbOrTx): Promise<OutageMarker[]> {
  const rows = await queryRows<Omit<OutageMarker, "firstDetectedAt"> & { firstDetectedAt: Date | string }>(db, sql`
    SELECT id, event_id AS "eventId", status, severity, confidence_score AS confidence, predicted_device_level AS level,
           predicted_device_code AS "deviceCode", affected_customers_count AS "customersOut",
           critical_customers_count AS "criticalCustomersOut", first_detected_at AS "firstDetectedAt",
           ST_Y(centroid) AS lat, ST_X(centroid) AS lng
    FROM oms_outage_events
    WHERE status IN ('detected','confirmed','in_progress') AND centroid IS NOT NULL
    ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END, first_detected_at`);
  return rows.map((r) => ({ ...r, confidence: Number(r.confidence), firstDetectedAt: iso(r.firstDetectedAt)! }));
}
