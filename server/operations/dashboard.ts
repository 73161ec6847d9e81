import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../../db/client";
import { newestStormRow } from "./stormStatus";
import { iso } from "./values";

type Time = Date | string | null;

/** A row of view oms_active_outages (seed 001), as the dashboard answers it. */
export interface ActiveOutage {
  id: string;
  event_id: string;
  status: string;
  severity: string;
  confidence_score: number;
  affected_customers_count: number;
  affected_meters_count: number;
  critical_customers_count: number;
  first_detected_at: string;
  last_updated_at: string;
  estimated_restoration_time: string | null;
  predicted_device_level: string | null;
  predicted_device_code: string | null;
  substation_name: string | null;
  feeder_name: string | null;
  source_count: number;
  source_types: string | null;
}

/** A row of view oms_correlation_summary: the outage's sources by system. */
export interface CorrelationSummary {
  outage_event_id: string;
  event_id: string;
  status: string;
  confidence_score: number;
  total_sources: number;
  scada_sources: number;
  kaifa_sources: number;
  onu_sources: number;
  call_center_sources: number;
}

type Stored<T> = Omit<T, "first_detected_at" | "last_updated_at" | "estimated_restoration_time"> &
  { first_detected_at?: Time; last_updated_at?: Time; estimated_restoration_time?: Time };

/**
 * Seed 000's dashboard: the open outages (view oms_active_outages), their source counts (view
 * oms_correlation_summary) and the storm-mode state. Counts are cast to int and times written
 * as ISO strings, so both runtimes answer the same JSON.
 */
export async function activeOutagesDashboard(db: DbOrTx) {
  const [outages, summary, storm] = await Promise.all([
    queryRows<Stored<ActiveOutage>>(db, sql`
      SELECT id, event_id, status, severity, confidence_score,
             affected_customers_count::int, affected_meters_count::int, critical_customers_count::int,
             first_detected_at, last_updated_at, estimated_restoration_time,
             predicted_device_level, predicted_device_code, substation_name, feeder_name,
             source_count::int, source_types
      FROM oms_active_outages ORDER BY first_detected_at DESC, event_id`),
    queryRows<CorrelationSummary>(db, sql`
      SELECT outage_event_id, event_id, status, confidence_score, total_sources::int, scada_sources::int,
             kaifa_sources::int, onu_sources::int, call_center_sources::int
      FROM oms_correlation_summary WHERE status IN ('detected', 'confirmed', 'in_progress')
      ORDER BY event_id`),
    newestStormRow(db),
  ]);
  return {
    active_outages: outages.map((o): ActiveOutage => ({
      ...o,
      confidence_score: Number(o.confidence_score),
      first_detected_at: iso(o.first_detected_at)!,
      last_updated_at: iso(o.last_updated_at)!,
      estimated_restoration_time: iso(o.estimated_restoration_time),
    })),
    correlation_summary: summary.map((s): CorrelationSummary => ({ ...s, confidence_score: Number(s.confidence_score) })),
    storm_mode_status: {
      is_active: storm?.is_active ?? false,
      activated_at: iso(storm?.activated_at),
      deactivated_at: iso(storm?.deactivated_at),
    },
  };
}
