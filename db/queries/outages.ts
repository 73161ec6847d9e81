import { sql } from "drizzle-orm";
import { queryRows, together, type DbOrTx } from "../client";
import type { DeviceStates, OutageSummary } from "../../server/realtime/events";
import { LIVE_OUTAGE } from "./powerState";
import { alertReasons, UNACKNOWLEDGED } from "./alerts";

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/**
 * The outages with these ids as the control room shows them (live pushes): with what the list and
 * the map draw, so a push can update the browser's cached list and markers without a refetch.
 */
export async function outageSummaries(db: DbOrTx, ids: string[]): Promise<OutageSummary[]> {
  if (ids.length === 0) return [];
  const rows = await queryRows<Record<string, unknown>>(db, sql`
    SELECT o.id, o.event_id, o.status, o.severity, o.confidence_score, o.predicted_device_level, o.predicted_device_code,
           o.substation_id, o.feeder_id, o.dp_id, o.affected_customers_count, o.critical_customers_count,
           o.affected_meters_count, o.first_detected_at, o.actual_restoration_time, o.parent_outage_id, o.merged_into_id,
           ${LIVE_OUTAGE} AS live, ${UNACKNOWLEDGED} AS alerts, s.substation_id AS substation, fd.feeder_id AS feeder, ST_Y(o.centroid) AS lat, ST_X(o.centroid) AS lng,
           o.estimated_restoration_time AS etr, p.event_id AS parent_event_id, src.scada, src.kaifa, src.onu, src.calls,
           ${ACTIVE_CREWS} AS crews
    ${OUTAGE_ROWS}
    WHERE o.id IN (${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)})`);
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
    live: Boolean(r.live),
    substation: (r.substation as string | null) ?? null,
    feeder: (r.feeder as string | null) ?? null,
    lat: r.lat == null ? null : Number(r.lat),
    lng: r.lng == null ? null : Number(r.lng),
    etr: iso(r.etr as string | null),
    crews: Number(r.crews),
    sources: { scada: Number(r.scada), kaifa: Number(r.kaifa), onu: Number(r.onu), call_center: Number(r.calls) },
    parentEventId: (r.parent_event_id as string | null) ?? null,
    alerts: alertReasons(r.alerts),
  }));
}

/** How many crews an outage (aliased `o`) has that have not finished or been cancelled. */
export const ACTIVE_CREWS = sql`(SELECT COUNT(*) FROM oms_crew_assignments a WHERE a.outage_event_id = o.id AND a.status NOT IN ('completed', 'cancelled'))::int`;

/** An outage's mix of sources in one pass over its signals (for `LATERAL`, the outage aliased `o`). */
const SOURCE_MIX = sql`
  SELECT COUNT(*) FILTER (WHERE e.source_type = 'scada')::int AS scada, COUNT(*) FILTER (WHERE e.source_type = 'kaifa')::int AS kaifa,
         COUNT(*) FILTER (WHERE e.source_type = 'onu')::int AS onu, COUNT(*) FILTER (WHERE e.source_type = 'call_center')::int AS calls
  FROM oms_event_sources e WHERE e.outage_event_id = o.id`;

/**
 * Outages (`o`) with what the list and the pushes show of them: their substation (`s`), feeder
 * (`fd`), parent (`p`) and mix of sources (`src`).
 */
export const OUTAGE_ROWS = sql`FROM oms_outage_events o
    LEFT JOIN network_substations s ON s.id = o.substation_id
    LEFT JOIN network_feeders fd ON fd.id = o.feeder_id
    LEFT JOIN oms_outage_events p ON p.id = o.parent_outage_id
    CROSS JOIN LATERAL (${SOURCE_MIX}) src`;

/**
 * The state of every feeder and the substation of the substations these outages are in, as the
 * map draws them: a push carries it, so the page patches its feeders and substations in place.
 */
export async function deviceStatesOf(db: DbOrTx, substationIds: number[]): Promise<DeviceStates> {
  if (substationIds.length === 0) return { feeders: [], substations: [] };
  const list = sql.join(substationIds.map((id) => sql`${id}::int`), sql`, `);
  const [feeders, substations] = await together([
    queryRows<{ id: number; status: string; breaker: DeviceStates["feeders"][number]["breaker"] }>(db, sql`
      SELECT id, status, CASE WHEN breaker_state = 'closed' AND breaker_inferred THEN 'closed_inferred' ELSE breaker_state END AS breaker
      FROM network_feeders WHERE substation_id IN (${list}) ORDER BY id`),
    queryRows<{ id: number; status: string }>(db, sql`SELECT id, status FROM network_substations WHERE id IN (${list}) ORDER BY id`),
  ]);
  return { feeders, substations };
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
    ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END, first_detected_at, id`);
  return rows.map((r) => ({ ...r, confidence: Number(r.confidence), firstDetectedAt: iso(r.firstDetectedAt)! }));
}
