import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../../db/client";
import { arrayParam } from "../../db/arrays";
import type { DeviceLevel, OutageStatus, Severity, SourceType } from "../../db/schema";
import type { Evidence } from "../pipeline/evidence";
import { breakerKey } from "../pipeline/evidence";
import type { Settlement } from "../pipeline/reconcile";
import type { Rule } from "../pipeline/rules";
import type { AffectedMeter, MeterPower, OutageSnapshot, PowerStatus } from "../pipeline/types";

const date = (v: Date | string | null): Date | null => (v === null ? null : new Date(v));

/**
 * What the pipeline needs to know about these substations right now: meter power that is not
 * plainly "on" (plus the meters the batch names), breakers, recent calls, the open outages and
 * those still in a verification window, and for off meters the closed outage that last held them.
 */
export async function loadEvidence(db: DbOrTx, substationIds: number[], meterIds: number[], now: Date, rule: Rule): Promise<Evidence> {
  const subs = arrayParam(substationIds, "int4");
  const meters = arrayParam(meterIds, "int4");
  const since = new Date(now.getTime() - rule.windowMinutes * 60_000);
  // One after another: they share the transaction's single connection.
  const power = await queryRows<{ id: number; status: PowerStatus; at: Date | string | null; st: SourceType | null; se: string | null }>(db, sql`
      SELECT id, power_status AS status, last_power_change AS at, power_source_type AS st, power_source_event_id AS se
      FROM oms_meters WHERE (substation_id = ANY(${subs}) AND power_status <> 'on') OR id = ANY(${meters})`);
  const feeders = await queryRows<{ id: number; state: "open" | "closed"; at: Date | string | null }>(db, sql`
      SELECT id, breaker_state AS state, breaker_changed_at AS at FROM network_feeders WHERE substation_id = ANY(${subs})`);
  const substations = await queryRows<{ id: number; state: "open" | "closed"; at: Date | string | null }>(db, sql`
      SELECT id, breaker_state AS state, breaker_changed_at AS at FROM network_substations WHERE id = ANY(${subs})`);
  const calls = await queryRows<{ meterId: number; at: Date | string }>(db, sql`
      SELECT t.meter_id AS "meterId", MAX(t.event_timestamp) AS at
      FROM callcenter_tickets t JOIN oms_meters m ON m.id = t.meter_id
      WHERE m.substation_id = ANY(${subs}) AND t.event_timestamp >= ${since.toISOString()}
        -- A call is answered by what came after it: the meter back on, or an outage holding
        -- that meter closed since. Either way it cannot open an outage again.
        AND NOT (m.power_status = 'on' AND m.last_power_change IS NOT NULL AND m.last_power_change >= t.event_timestamp)
        AND NOT EXISTS (
          SELECT 1 FROM oms_outage_affected_meters am JOIN oms_outage_events o ON o.id = am.outage_event_id
          WHERE am.meter_id = t.meter_id AND o.status IN ('restored', 'cancelled')
            AND COALESCE(o.actual_restoration_time, o.last_updated_at) >= t.event_timestamp)
      GROUP BY t.meter_id`);
  // Calls with only a place, at the nearest point of these substations within the rule's radius:
  // a later call or power-off there may corroborate them (clustering.ts).
  const placeCalls = await queryRows<{ dpId: number; at: Date | string }>(db, sql`
      SELECT d.id AS "dpId", MAX(t.event_timestamp) AS at
      FROM callcenter_tickets t
      CROSS JOIN LATERAL (
        SELECT dp.id FROM network_distribution_points dp JOIN network_feeders f ON f.id = dp.feeder_id
        WHERE f.substation_id = ANY(${subs})
          AND ST_DWithin(dp.location::geography, ST_SetSRID(ST_MakePoint(t.lng, t.lat), 4326)::geography, ${rule.radiusMeters})
        ORDER BY dp.location <-> ST_SetSRID(ST_MakePoint(t.lng, t.lat), 4326) LIMIT 1) d
      WHERE t.meter_id IS NULL AND t.lat IS NOT NULL AND t.lng IS NOT NULL AND t.event_timestamp >= ${since.toISOString()}
      GROUP BY d.id`);
  const meterPower = new Map<number, MeterPower>();
  for (const p of power) {
    meterPower.set(p.id, { status: p.status, changedAt: date(p.at), source: p.st && p.se ? { sourceType: p.st, sourceEventId: p.se } : undefined });
  }
  const breakers = new Map<string, { state: "open" | "closed"; changedAt: Date | null }>();
  for (const f of feeders) breakers.set(breakerKey("feeder", f.id), { state: f.state, changedAt: date(f.at) });
  for (const s of substations) breakers.set(breakerKey("substation", s.id), { state: s.state, changedAt: date(s.at) });
  return {
    meterPower, breakers,
    reports: new Map(calls.map((c) => [c.meterId, new Date(c.at)])),
    dpReports: new Map(), dpCalls: new Map(placeCalls.map((c) => [c.dpId, new Date(c.at)])), energizedMeters: new Map(),
  };
}

export async function loadOutages(db: DbOrTx, substationIds: number[]): Promise<OutageSnapshot[]> {
  const subs = arrayParam(substationIds, "int4");
  const rows = await queryRows<Record<string, unknown>>(db, sql`
    SELECT o.*, COALESCE((SELECT jsonb_object_agg(source_type, n) FROM (
      SELECT source_type, COUNT(*)::int AS n FROM oms_event_sources s
      WHERE s.outage_event_id = o.id AND s.signal_kind <> 'power_on' GROUP BY source_type) c), '{}'::jsonb) AS sources
    FROM oms_outage_events o
    WHERE o.substation_id = ANY(${subs})
      AND (o.status IN ('detected','confirmed','in_progress') OR o.verification_due_at IS NOT NULL)`);
  if (rows.length === 0) return [];
  const affected = await queryRows<{ outageId: string; meterId: number; state: AffectedMeter["state"]; since: Date | string }>(db, sql`
    SELECT outage_event_id AS "outageId", meter_id AS "meterId", state, since FROM oms_outage_affected_meters
    WHERE outage_event_id = ANY(${arrayParam(rows.map((r) => r.id), "uuid")})`);
  const byOutage = new Map<string, Map<number, AffectedMeter>>();
  for (const a of affected) {
    if (!byOutage.has(a.outageId)) byOutage.set(a.outageId, new Map());
    byOutage.get(a.outageId)!.set(a.meterId, { state: a.state, since: new Date(a.since) });
  }
  return rows.map((r) => ({
    id: String(r.id), eventId: String(r.event_id), status: r.status as OutageStatus,
    level: (r.predicted_device_level ?? "meter") as DeviceLevel, deviceId: Number(r.predicted_device_id),
    substationId: Number(r.substation_id), feederId: (r.feeder_id as number | null) ?? null, dpId: (r.dp_id as number | null) ?? null,
    firstDetectedAt: new Date(r.first_detected_at as string), confirmedAt: date(r.confirmed_at as string | null),
    confirmedBy: (r.confirmed_by as string | null) ?? null, restoredAt: date(r.actual_restoration_time as string | null),
    verificationDueAt: date(r.verification_due_at as string | null), parentOutageId: (r.parent_outage_id as string | null) ?? null,
    mergedIntoId: (r.merged_into_id as string | null) ?? null, cause: (r.cause as string | null) ?? null,
    meters: byOutage.get(String(r.id)) ?? new Map(), sources: r.sources as OutageSnapshot["sources"],
    confidence: Number(r.confidence_score), severity: r.severity as Severity,
    customersOut: Number(r.affected_customers_count), criticalCustomersOut: Number(r.critical_customers_count),
  }));
}

/** For meters that are off: the latest (non-merged) outage that held them, when it is closed. */
export async function loadSettlements(db: DbOrTx, offMeterIds: number[]): Promise<Map<number, Settlement>> {
  if (offMeterIds.length === 0) return new Map();
  const rows = await queryRows<{ meterId: number; outageId: string; status: OutageStatus; closedAt: Date | string | null; updatedAt: Date | string; due: Date | string | null }>(db, sql`
    SELECT DISTINCT ON (am.meter_id) am.meter_id AS "meterId", o.id AS "outageId", o.status,
           o.actual_restoration_time AS "closedAt", o.last_updated_at AS "updatedAt", o.verification_due_at AS due
    FROM oms_outage_affected_meters am JOIN oms_outage_events o ON o.id = am.outage_event_id
    WHERE am.meter_id = ANY(${arrayParam(offMeterIds, "int4")}) AND o.status <> 'merged'
    ORDER BY am.meter_id, o.first_detected_at DESC`);
  const settled = new Map<number, Settlement>();
  for (const r of rows) {
    if (r.status === "detected" || r.status === "confirmed" || r.status === "in_progress") continue;
    settled.set(r.meterId, { outageId: r.outageId, closedAt: new Date(r.closedAt ?? r.updatedAt), verificationDueAt: date(r.due) });
  }
  return settled;
}
