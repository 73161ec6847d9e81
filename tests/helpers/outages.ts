import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../../db/client";
import type { OutageStatus, SourceType } from "../../db/schema";

export interface TestOutage {
  id: string;
  eventId: string;
  meterIds: number[];
  customerIds: number[];
}

/**
 * An outage at a distribution point, written straight into the tables (no pipeline): the first
 * `meters` meters of the point are off, and `sources` are linked as its evidence.
 */
export async function insertOutage(db: Db, o: {
  dpId: number; meters?: number; status?: OutageStatus; detectedAt?: Date; sources?: SourceType[];
}): Promise<TestOutage> {
  const detectedAt = o.detectedAt ?? new Date(Date.now() - 20 * 60_000);
  const meters = await queryRows<{ id: number; customer_id: number }>(db, sql`
    SELECT id, customer_id FROM oms_meters WHERE dp_id = ${o.dpId}::int ORDER BY id LIMIT ${o.meters ?? 5}::int`);
  const status = o.status ?? "detected";
  const confirmed = status !== "detected";
  const eventId = `OMS_${Math.floor(detectedAt.getTime() / 1000)}_${randomBytes(4).toString("hex")}`;
  const [{ id }] = await queryRows<{ id: string }>(db, sql`
    INSERT INTO oms_outage_events (event_id, status, severity, confidence_score, affected_customers_count, affected_meters_count,
      substation_id, feeder_id, dp_id, predicted_device_level, predicted_device_code, predicted_device_id, first_detected_at,
      confirmed_at, confirmed_by)
    SELECT ${eventId}, ${status}, 'medium', 0.6, ${meters.length}::int, ${meters.length}::int,
      f.substation_id, dp.feeder_id, dp.id, 'distribution_point', dp.dp_id, dp.id, ${detectedAt.toISOString()}::timestamptz,
      ${confirmed ? sql`${detectedAt.toISOString()}::timestamptz, 'rule'` : sql`NULL, NULL`}
    FROM network_distribution_points dp JOIN network_feeders f ON f.id = dp.feeder_id WHERE dp.id = ${o.dpId}::int
    RETURNING id`);
  for (const m of meters) {
    await db.execute(sql`
      INSERT INTO oms_outage_affected_meters (outage_event_id, meter_id, customer_id, state, since)
      VALUES (${id}::uuid, ${m.id}::int, ${m.customer_id}::int, 'off', ${detectedAt.toISOString()}::timestamptz)`);
  }
  for (const [i, source] of (o.sources ?? []).entries()) {
    await db.execute(sql`
      INSERT INTO oms_event_sources (outage_event_id, source_type, source_event_id, signal_kind, detected_at)
      VALUES (${id}::uuid, ${source}, ${`${eventId}-${i}`}, 'power_off', ${detectedAt.toISOString()}::timestamptz)`);
  }
  return { id, eventId, meterIds: meters.map((m) => m.id), customerIds: meters.map((m) => m.customer_id) };
}
