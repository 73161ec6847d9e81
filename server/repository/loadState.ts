import { sql } from "drizzle-orm";
import { queryRows, together, type DbOrTx } from "../../db/client";
import { arrayParam } from "../../db/arrays";
import type { DeviceLevel, OutageStatus, Severity, SourceType } from "../../db/schema";
import type { Evidence } from "../pipeline/evidence";
import { breakerKey, emptyEvidence } from "../pipeline/evidence";
import { sourceCounts } from "../pipeline/outageState";
import type { Settlement } from "../pipeline/reconcile";
import type { Rule } from "../pipeline/rules";
import { recentPlaceCalls, type PlaceCallIndex } from "./placeCalls";
import { linkKey, type AffectedMeter, type MeterPower, type OutageSnapshot, type PowerStatus } from "../pipeline/types";

const date = (v: Date | string | null): Date | null => (v === null ? null : new Date(v));

/**
 * What the pipeline needs to know about these substations right now: meter power that is not
 * plainly "on" (plus the meters the batch names), breakers, recent calls, the open outages and
 * those still in a verification window, and for off meters the closed outage that last held them.
 */
export async function loadEvidence(db: DbOrTx, substationIds: number[], meterIds: number[], now: Date, rule: Rule): Promise<Evidence> {
  const evidence = emptyEvidence();
  await loadPowerAndBreakers(db, substationIds, meterIds, evidence);
  await loadReports(db, substationIds, now, rule, evidence);
  return evidence;
}

/** Meter power (not plainly "on", or named by the batch) and breakers, with meters back under open ones. */
export async function loadPowerAndBreakers(db: DbOrTx, substationIds: number[], meterIds: number[], evidence: Evidence) {
  const subs = arrayParam(substationIds, "int4");
  const meters = arrayParam(meterIds, "int4");
  // One after another: they share the transaction's single connection.
  const power = await queryRows<{ id: number; status: PowerStatus; at: Date | string | null; st: SourceType | null; se: string | null }>(db, sql`
      SELECT id, power_status AS status, last_power_change AS at, power_source_type AS st, power_source_event_id AS se
      FROM oms_meters WHERE (substation_id = ANY(${subs}) AND power_status <> 'on') OR id = ANY(${meters})`);
  // For an open breaker: how many meters under it (not named by the batch) reported power since it opened.
  const feeders = await queryRows<{ id: number; state: "open" | "closed"; at: Date | string | null; inferred: boolean; back: number }>(db, sql`
      SELECT f.id, f.breaker_state AS state, f.breaker_changed_at AS at, f.breaker_inferred AS inferred,
        CASE WHEN f.breaker_state = 'open' THEN (SELECT COUNT(*)::int FROM oms_meters m WHERE m.feeder_id = f.id AND m.power_status = 'on'
          AND m.last_power_change > f.breaker_changed_at AND NOT m.id = ANY(${meters})) ELSE 0 END AS back
      FROM network_feeders f WHERE f.substation_id = ANY(${subs})`);
  const substations = await queryRows<{ id: number; state: "open" | "closed"; at: Date | string | null; inferred: boolean; back: number }>(db, sql`
      SELECT s.id, s.breaker_state AS state, s.breaker_changed_at AS at, s.breaker_inferred AS inferred,
        CASE WHEN s.breaker_state = 'open' THEN (SELECT COUNT(*)::int FROM oms_meters m WHERE m.substation_id = s.id AND m.power_status = 'on'
          AND m.last_power_change > s.breaker_changed_at AND NOT m.id = ANY(${meters})) ELSE 0 END AS back
      FROM network_substations s WHERE s.id = ANY(${subs})`);
  for (const p of power) {
    evidence.meterPower.set(p.id, { status: p.status, changedAt: date(p.at), source: p.st && p.se ? { sourceType: p.st, sourceEventId: p.se } : undefined });
  }
  for (const [level, rows] of [["feeder", feeders], ["substation", substations]] as const) {
    for (const b of rows) {
      const key = breakerKey(level, b.id);
      evidence.breakers.set(key, { state: b.state, changedAt: date(b.at), inferred: b.inferred });
      if (b.state === "open") evidence.poweredSinceOpen.set(key, Number(b.back));
    }
  }
}

/**
 * What counts for a while: recent meter momentaries, and calls within the rule's window not yet
 * answered (calls with only a place through `places`, the process's index of them, when given).
 */
export async function loadReports(db: DbOrTx, substationIds: number[], now: Date, rule: Rule, evidence: Evidence, places?: PlaceCallIndex) {
  await sendReports(db, substationIds, now, rule, places)(evidence);
}

/**
 * loadReports in two steps: its reads are sent at once when this is called (behind whatever the
 * transaction sent before, e.g. the substations' locks, and so read under them); the function it
 * returns waits for them and fills `evidence` (where `places`, the process's index, answers the
 * calls with only a place from what it holds then). Not calling it leaves nothing unhandled.
 */
export function sendReports(db: DbOrTx, substationIds: number[], now: Date, rule: Rule, places?: PlaceCallIndex): (evidence: Evidence) => Promise<void> {
  const subs = arrayParam(substationIds, "int4");
  const since = new Date(now.getTime() - rule.windowMinutes * 60_000);
  // Meter momentaries recent enough to be one device momentary with this batch's.
  const momentaries = queryRows<{ meterId: number; offAt: Date | string; onAt: Date | string; source: SourceType }>(db, sql`
      SELECT mi.meter_id AS "meterId", mi.off_at AS "offAt", mi.on_at AS "onAt", mi.source_type AS source
      FROM oms_momentary_interruptions mi JOIN oms_meters m ON m.id = mi.meter_id
      WHERE m.substation_id = ANY(${subs}) AND mi.off_at >= ${new Date(now.getTime() - 3 * rule.momentarySeconds * 1000).toISOString()}`);
  const calls = queryRows<{ meterId: number; at: Date | string; ticket: string }>(db, sql`
      SELECT DISTINCT ON (t.meter_id) t.meter_id AS "meterId", t.event_timestamp AS at, t.ticket_id AS ticket
      FROM callcenter_tickets t JOIN oms_meters m ON m.id = t.meter_id
      WHERE t.substation_id = ANY(${subs}) AND t.meter_id IS NOT NULL AND t.event_timestamp >= ${since.toISOString()}
        -- A call is answered by what came after it: the meter back on, or an outage holding
        -- that meter closed since. Either way it cannot open an outage again.
        AND NOT (m.power_status = 'on' AND m.last_power_change IS NOT NULL AND m.last_power_change >= t.event_timestamp)
        -- OFFSET 0: the meter's few outage rows first (index on meter_id), never every closed
        -- outage of the storm for each call.
        AND NOT EXISTS (
          SELECT 1 FROM (SELECT a.outage_event_id FROM oms_outage_affected_meters a WHERE a.meter_id = t.meter_id OFFSET 0) am
          JOIN oms_outage_events o ON o.id = am.outage_event_id
          WHERE o.status IN ('restored', 'cancelled') AND COALESCE(o.actual_restoration_time, o.last_updated_at) >= t.event_timestamp)
      ORDER BY t.meter_id, t.event_timestamp DESC`);
  // Calls with only a place, at the nearest point of these substations within the rule's radius:
  // a later call or power-off there may corroborate them (clustering.ts).
  // Only calls inside the box of these substations' points, widened by more than the radius
  // (under 100 km a degree of latitude is more than 100,000 m, a degree of longitude more than
  // 100,000 m × cos latitude): no call outside it has a point of theirs within the radius, and
  // the nearest-point search, the costly part, runs for the calls that can have one.
  const recent = places ? recentPlaceCalls(db, since) : undefined;
  const placed = places ? undefined : queryRows<{ dpId: number; at: Date | string; ticket: string }>(db, sql`
      WITH e AS (
        SELECT ST_Extent(dp.location) AS e FROM network_distribution_points dp JOIN network_feeders f ON f.id = dp.feeder_id
        WHERE f.substation_id = ANY(${subs})),
      box AS (
        SELECT ST_XMin(e) AS x0, ST_XMax(e) AS x1, ST_YMin(e) - ${rule.radiusMeters}::float8 / 100000 AS y0, ST_YMax(e) + ${rule.radiusMeters}::float8 / 100000 AS y1 FROM e),
      lng AS (
        SELECT x0 - d AS x0, x1 + d AS x1, y0, y1 FROM box,
          LATERAL (SELECT ${rule.radiusMeters}::float8 / (100000 * GREATEST(cos(radians(LEAST(89.9, GREATEST(abs(y0), abs(y1))))), 1e-6)) AS d) w)
      SELECT DISTINCT ON (d.id) d.id AS "dpId", t.event_timestamp AS at, t.ticket_id AS ticket
      FROM lng b JOIN callcenter_tickets t ON t.lat BETWEEN b.y0 AND b.y1 AND t.lng BETWEEN b.x0 AND b.x1
      CROSS JOIN LATERAL (
        SELECT dp.id FROM network_distribution_points dp JOIN network_feeders f ON f.id = dp.feeder_id
        WHERE f.substation_id = ANY(${subs})
          AND ST_DWithin(dp.location::geography, ST_SetSRID(ST_MakePoint(t.lng, t.lat), 4326)::geography, ${rule.radiusMeters})
        ORDER BY dp.location <-> ST_SetSRID(ST_MakePoint(t.lng, t.lat), 4326) LIMIT 1) d
      WHERE t.meter_id IS NULL AND t.lat IS NOT NULL AND t.lng IS NOT NULL AND t.event_timestamp >= ${since.toISOString()}
      ORDER BY d.id, t.event_timestamp DESC`);
  for (const p of [momentaries, calls, recent, placed]) p?.catch(() => {}); // awaited below, if asked
  return async (evidence) => {
    const [momentaryRows, callRows] = await together([momentaries, calls]);
    const placeCalls = places ? await places.dpCalls(db, substationIds, since, rule.radiusMeters, recent) : await placed!;
    const call = (at: Date | string, ticket: string) => ({ at: new Date(at), source: { sourceType: "call_center" as const, sourceEventId: ticket } });
    for (const c of callRows) evidence.reports.set(c.meterId, call(c.at, c.ticket));
    for (const c of placeCalls) evidence.dpCalls.set(c.dpId, call(c.at, c.ticket));
    evidence.recentMomentaries = momentaryRows.map((m) => ({ meterId: m.meterId, offAt: new Date(m.offAt), onAt: new Date(m.onAt), source: m.source }));
  };
}

export async function loadOutages(db: DbOrTx, substationIds: number[]): Promise<OutageSnapshot[]> {
  const subs = arrayParam(substationIds, "int4");
  const rows = await queryRows<Record<string, unknown>>(db, sql`
    SELECT o.* FROM oms_outage_events o
    WHERE o.substation_id = ANY(${subs})
      AND (o.status IN ('detected','confirmed','in_progress') OR o.verification_due_at IS NOT NULL)`);
  if (rows.length === 0) return [];
  const ids = arrayParam(rows.map((r) => r.id), "uuid");
  const links = await queryRows<{ outageId: string; st: SourceType; se: string; meterId: number | null; kind: string }>(db, sql`
    SELECT outage_event_id AS "outageId", source_type AS st, source_event_id AS se, meter_id AS "meterId", signal_kind AS kind
    FROM oms_event_sources WHERE outage_event_id = ANY(${ids})`);
  const linked = new Map<string, OutageSnapshot["linked"]>();
  for (const l of links) {
    if (!linked.has(l.outageId)) linked.set(l.outageId, new Map());
    linked.get(l.outageId)!.set(linkKey({ sourceType: l.st, sourceEventId: l.se }), { sourceType: l.st, meterId: l.meterId, kind: l.kind });
  }
  const affected = await queryRows<{ outageId: string; meterId: number; state: AffectedMeter["state"]; since: Date | string }>(db, sql`
    SELECT outage_event_id AS "outageId", meter_id AS "meterId", state, since FROM oms_outage_affected_meters
    WHERE outage_event_id = ANY(${ids})`);
  const byOutage = new Map<string, Map<number, AffectedMeter>>();
  for (const a of affected) {
    if (!byOutage.has(a.outageId)) byOutage.set(a.outageId, new Map());
    byOutage.get(a.outageId)!.set(a.meterId, { state: a.state, since: new Date(a.since) });
  }
  return rows.map((r): OutageSnapshot => ({
    id: String(r.id), eventId: String(r.event_id), status: r.status as OutageStatus,
    level: (r.predicted_device_level ?? "meter") as DeviceLevel, deviceId: Number(r.predicted_device_id),
    substationId: Number(r.substation_id), feederId: (r.feeder_id as number | null) ?? null, dpId: (r.dp_id as number | null) ?? null,
    firstDetectedAt: new Date(r.first_detected_at as string), confirmedAt: date(r.confirmed_at as string | null),
    confirmedBy: (r.confirmed_by as string | null) ?? null, restoredAt: date(r.actual_restoration_time as string | null),
    verificationDueAt: date(r.verification_due_at as string | null), parentOutageId: (r.parent_outage_id as string | null) ?? null,
    mergedIntoId: (r.merged_into_id as string | null) ?? null, cause: (r.cause as string | null) ?? null,
    customersNotified: r.customers_notified !== false,
    meters: byOutage.get(String(r.id)) ?? new Map(), linked: linked.get(String(r.id)) ?? new Map(),
    sources: sourceCounts({ linked: linked.get(String(r.id)) ?? new Map() }),
    confidence: Number(r.confidence_score), severity: r.severity as Severity,
    customersOut: Number(r.affected_customers_count), criticalCustomersOut: Number(r.critical_customers_count),
  }));
}

/** The latest outage (not merged) that holds a meter: by first detection, then by id. */
export interface Hold { outageId: string; status: OutageStatus; firstDetectedAt: Date; closedAt: Date; verificationDueAt: Date | null }

/** Whether `a` comes after `b` in the order "latest holder" is taken in (as loadHolds' ORDER BY). */
export const isLaterHold = (a: Pick<Hold, "firstDetectedAt" | "outageId">, b: Pick<Hold, "firstDetectedAt" | "outageId">) =>
  a.firstDetectedAt.getTime() > b.firstDetectedAt.getTime() || (a.firstDetectedAt.getTime() === b.firstDetectedAt.getTime() && a.outageId > b.outageId);

/** For each of these meters held by an outage: the latest one (not merged) that holds it, open or closed. */
export async function loadHolds(db: DbOrTx, meterIds: number[]): Promise<Map<number, Hold>> {
  if (meterIds.length === 0) return new Map();
  const rows = await queryRows<{ meterId: number; outageId: string; status: OutageStatus; first: Date | string; closedAt: Date | string | null; updatedAt: Date | string; due: Date | string | null }>(db, sql`
    SELECT DISTINCT ON (am.meter_id) am.meter_id AS "meterId", o.id AS "outageId", o.status, o.first_detected_at AS first,
           o.actual_restoration_time AS "closedAt", o.last_updated_at AS "updatedAt", o.verification_due_at AS due
    FROM oms_outage_affected_meters am JOIN oms_outage_events o ON o.id = am.outage_event_id
    WHERE am.meter_id = ANY(${arrayParam(meterIds, "int4")}) AND o.status <> 'merged'
    ORDER BY am.meter_id, o.first_detected_at DESC, o.id DESC`);
  return new Map(rows.map((r) => [r.meterId, {
    outageId: String(r.outageId), status: r.status, firstDetectedAt: new Date(r.first),
    closedAt: new Date(r.closedAt ?? r.updatedAt), verificationDueAt: date(r.due),
  }]));
}

/** A closed latest holder settles its meter: an off meter it left dark is not a new outage on its own. */
export function settlementOf(h: Hold | null | undefined): Settlement | undefined {
  if (!h || h.status === "detected" || h.status === "confirmed" || h.status === "in_progress") return undefined;
  return { outageId: h.outageId, closedAt: h.closedAt, verificationDueAt: h.verificationDueAt };
}

/** For meters that are off: the latest (non-merged) outage that held them, when it is closed. */
export async function loadSettlements(db: DbOrTx, offMeterIds: number[]): Promise<Map<number, Settlement>> {
  const settled = new Map<number, Settlement>();
  for (const [meterId, h] of await loadHolds(db, offMeterIds)) {
    const s = settlementOf(h);
    if (s) settled.set(meterId, s);
  }
  return settled;
}
