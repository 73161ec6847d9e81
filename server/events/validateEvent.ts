import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../../db/client";
import type { SourceType } from "../../db/schema";
import { findOutage } from "../operations/outages";

export interface ValidateInput { outageId: string; radiusMeters: number; windowMinutes: number; sourceTypes: SourceType[] }

/**
 * Seed stage 3 on demand, the neighbour check: the outage's own signals within the window of
 * its first detection, and signals near it in space and time that it does not hold yet.
 * Validated means independent support: two kinds of source, a SCADA signal, or a neighbour.
 */
export async function validateEvent(db: DbOrTx, input: ValidateInput) {
  const outage = await findOutage(db, input.outageId);
  const from = new Date(outage.first_detected_at.getTime() - input.windowMinutes * 60_000).toISOString();
  const to = new Date(outage.first_detected_at.getTime() + input.windowMinutes * 60_000).toISOString();
  const types = sql`ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(input.sourceTypes)}::jsonb))`;
  const linked = await queryRows<{ source_type: SourceType; source_event_id: string; detected_at: Date; correlation_weight: number }>(db, sql`
    SELECT es.source_type, es.source_event_id, es.detected_at, es.correlation_weight
    FROM oms_event_sources es
    WHERE es.outage_event_id = ${outage.id}::uuid AND es.detected_at BETWEEN ${from}::timestamptz AND ${to}::timestamptz
      AND es.source_type = ANY(${types})
    ORDER BY es.detected_at DESC`);
  const neighbours = await queryRows<{ source_type: SourceType; source_event_id: string; detected_at: Date; meter_number: string; distance_m: number }>(db, sql`
    SELECT mse.source_type, mse.source_event_id, mse.event_timestamp AS detected_at, m.meter_number,
           ROUND(ST_Distance(m.location::geography, o.centroid::geography))::int AS distance_m
    FROM oms_outage_events o
    JOIN oms_meters m ON ST_DWithin(m.location::geography, o.centroid::geography, ${input.radiusMeters})
    JOIN oms_meter_status_events mse ON mse.meter_id = m.id AND mse.new_status = 'off'
    WHERE o.id = ${outage.id}::uuid AND mse.event_timestamp BETWEEN ${from}::timestamptz AND ${to}::timestamptz
      AND mse.source_type = ANY(${types})
      AND NOT EXISTS (SELECT 1 FROM oms_event_sources es WHERE es.outage_event_id = o.id AND es.source_event_id = mse.source_event_id)
    ORDER BY distance_m LIMIT 200`);
  const bySource: Record<string, number> = {};
  for (const s of linked) bySource[s.source_type] = (bySource[s.source_type] ?? 0) + 1;
  const validated = Object.keys(bySource).length >= 2 || (bySource.scada ?? 0) > 0 || neighbours.length > 0;
  const iso = (d: Date | string) => new Date(d).toISOString();
  return {
    outage_event_id: outage.id, event_id: outage.event_id, validation_type: "neighbor_check", validated,
    window: { from, to }, spatial_radius_meters: input.radiusMeters,
    source_counts: bySource,
    sources: linked.map((s) => ({ ...s, detected_at: iso(s.detected_at), correlation_weight: Number(s.correlation_weight) })),
    neighbors: neighbours.map((n) => ({ ...n, detected_at: iso(n.detected_at) })),
  };
}
