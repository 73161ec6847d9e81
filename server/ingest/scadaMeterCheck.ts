import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../../db/client";
import type { Placement } from "../pipeline/types";

export interface MeterCheck {
  scada_event_id: string;
  meters_checked: boolean;
  total_meters: number;
  offline_meters: number;
  online_meters: number;
  unknown_meters: number;
  outage_event_id: string | null;
}

/**
 * Seed 003/004: a SCADA trip on a substation or feeder checks every meter under it, records
 * what each said at that moment, and answers the counts with the outage that covers them.
 */
export async function checkMetersUnder(tx: DbOrTx, scadaEventId: string, placement: Placement, outageId: string | null): Promise<MeterCheck> {
  const under = placement.level === "feeder" ? sql`m.feeder_id = ${placement.feederId}`
    : placement.level === "substation" ? sql`m.substation_id = ${placement.substationId}` : null;
  if (!under) {
    return { scada_event_id: scadaEventId, meters_checked: false, total_meters: 0, offline_meters: 0, online_meters: 0, unknown_meters: 0, outage_event_id: outageId };
  }
  const [counts] = await queryRows<{ total: number; offline: number; online: number; unknown: number }>(tx, sql`
    WITH checked AS (
      INSERT INTO scada_event_affected_meters (scada_event_id, meter_id, status_at_check)
      SELECT ${scadaEventId}::uuid, m.id,
             CASE WHEN m.communication_status = 'offline' OR m.power_status = 'off' THEN 'offline'
                  WHEN m.power_status = 'on' THEN 'online' ELSE 'unknown' END
      FROM oms_meters m WHERE ${under} AND m.status = 'active'
      RETURNING status_at_check
    )
    SELECT COUNT(*)::int AS total,
           COUNT(*) FILTER (WHERE status_at_check = 'offline')::int AS offline,
           COUNT(*) FILTER (WHERE status_at_check = 'online')::int AS online,
           COUNT(*) FILTER (WHERE status_at_check = 'unknown')::int AS unknown
    FROM checked`);
  await tx.execute(sql`UPDATE scada_events SET affected_meter_count = ${counts.total}, meters_checked_at = now() WHERE id = ${scadaEventId}::uuid`);
  return { scada_event_id: scadaEventId, meters_checked: true, total_meters: counts.total, offline_meters: counts.offline, online_meters: counts.online, unknown_meters: counts.unknown, outage_event_id: outageId };
}
