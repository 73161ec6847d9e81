import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../client";

export interface HistoryOptions {
  /** Days of history, ending at `end`. */
  days: number;
  end: Date;
  /** The same seed and network give the same history. */
  seed: number;
}

export interface HistorySummary {
  outages: number;
  nested: number;
  customerInterruptions: number;
  deviceMomentaries: number;
}

/**
 * A past of restored outages written straight into the tables, set-based, for reliability reports
 * at scale (`npm run seed -- --history-days 365`): it measures the reports, not the pipeline
 * (posting a year through the ingestion routes takes hours). Per day: about 20 distribution-point
 * outages, 2 feeder outages, a substation outage every ten days, 5 feeder momentaries; one day in
 * forty a storm with ten times as many; durations from 2 minutes to about 10 hours (log-uniform);
 * one distribution-point outage in ten leaves a meter dark in a nested outage up to 2 h longer.
 * Rows are marked `restored_by = 'history'`.
 */
export async function writeHistory(db: Db, o: HistoryOptions): Promise<HistorySummary> {
  const end = sql`${o.end.toISOString()}::timestamptz`;
  await db.transaction(async (tx) => {
    await tx.execute(sql`SELECT setseed(${((o.seed % 1000) + 1) / 1001}::float8)`);
    await tx.execute(sql`
      WITH sizes AS (
        SELECT (SELECT MAX(id) FROM network_distribution_points) AS dps, (SELECT MAX(id) FROM network_feeders) AS feeders,
               (SELECT MAX(id) FROM network_substations) AS substations
      ),
      days AS (
        SELECT d, CASE WHEN random() < 0.025 THEN 10 ELSE 1 END AS storm
        FROM generate_series(1, ${o.days}::int) d
      ),
      wanted AS (
        SELECT 'distribution_point' AS level, d, storm, k FROM days, generate_series(1, 40 * storm) k WHERE k <= 20 * storm * (0.5 + random())
        UNION ALL SELECT 'feeder', d, storm, k FROM days, generate_series(1, 4 * storm) k WHERE k <= 2 * storm * (0.5 + random())
        UNION ALL SELECT 'substation', d, storm, 1 FROM days WHERE random() < 0.1 * storm
      ),
      placed AS (
        SELECT w.level, CASE w.level WHEN 'distribution_point' THEN 1 + floor(random() * s.dps) WHEN 'feeder' THEN 1 + floor(random() * s.feeders)
                 ELSE 1 + floor(random() * s.substations) END::int AS device_id,
               ${end} - make_interval(days => w.d) + make_interval(secs => floor(random() * 86400)) AS started,
               exp(ln(2) + random() * ln(300)) AS minutes
        FROM wanted w CROSS JOIN sizes s
      ),
      outages AS (
        INSERT INTO oms_outage_events (event_id, status, severity, confidence_score, substation_id, feeder_id, dp_id, predicted_device_level,
          predicted_device_code, predicted_device_id, confirmed_by, restored_by, cause, first_detected_at, last_updated_at, confirmed_at,
          actual_restoration_time, created_at)
        SELECT 'HIST_' || row_number() OVER () || '_' || md5(random()::text), 'restored', 'medium', 1,
               COALESCE(sub.id, f.substation_id, dpf.substation_id), COALESCE(f.id, dp.feeder_id), dp.id, p.level,
               COALESCE(dp.dp_id, f.feeder_id, sub.substation_id), p.device_id, 'history', 'history', 'history',
               p.started, p.started + make_interval(secs => p.minutes * 60), p.started, p.started + make_interval(secs => p.minutes * 60), p.started
        FROM placed p
        LEFT JOIN network_distribution_points dp ON p.level = 'distribution_point' AND dp.id = p.device_id
        LEFT JOIN network_feeders dpf ON dpf.id = dp.feeder_id
        LEFT JOIN network_feeders f ON p.level = 'feeder' AND f.id = p.device_id
        LEFT JOIN network_substations sub ON p.level = 'substation' AND sub.id = p.device_id
        WHERE p.started < ${end}
        RETURNING id, predicted_device_level AS level, predicted_device_id AS device_id, first_detected_at, actual_restoration_time
      )
      INSERT INTO oms_outage_affected_meters (outage_event_id, meter_id, customer_id, state, since, restored_at)
      SELECT o.id, m.id, m.customer_id, 'restored', o.first_detected_at, o.actual_restoration_time
      FROM outages o JOIN oms_meters m ON o.level = 'distribution_point' AND m.dp_id = o.device_id
      UNION ALL
      SELECT o.id, m.id, m.customer_id, 'restored', o.first_detected_at, o.actual_restoration_time
      FROM outages o JOIN oms_meters m ON o.level = 'feeder' AND m.feeder_id = o.device_id
      UNION ALL
      SELECT o.id, m.id, m.customer_id, 'restored', o.first_detected_at, o.actual_restoration_time
      FROM outages o JOIN oms_meters m ON o.level = 'substation' AND m.substation_id = o.device_id`);
    // Nested outages: one distribution-point outage in ten leaves its first meter dark after the restoration.
    await tx.execute(sql`
      WITH parents AS (
        SELECT o.id, o.substation_id, o.feeder_id, o.dp_id, o.first_detected_at, o.actual_restoration_time,
               (SELECT MIN(meter_id) FROM oms_outage_affected_meters am WHERE am.outage_event_id = o.id) AS meter_id,
               make_interval(secs => 600 + floor(random() * 6600)) AS longer
        FROM oms_outage_events o
        WHERE o.restored_by = 'history' AND o.predicted_device_level = 'distribution_point' AND o.parent_outage_id IS NULL AND random() < 0.1
      ),
      dark AS (
        UPDATE oms_outage_affected_meters am SET state = 'off', restored_at = NULL
        FROM parents p WHERE am.outage_event_id = p.id AND am.meter_id = p.meter_id
        RETURNING p.*
      ),
      nested AS (
        INSERT INTO oms_outage_events (event_id, status, severity, confidence_score, substation_id, feeder_id, dp_id, predicted_device_level,
          predicted_device_code, predicted_device_id, confirmed_by, restored_by, cause, parent_outage_id, first_detected_at, last_updated_at,
          actual_restoration_time, created_at)
        SELECT 'HIST_N_' || md5(random()::text || d.id::text), 'restored', 'low', 0.8, d.substation_id, d.feeder_id, d.dp_id, 'meter',
               m.meter_number, d.meter_id, 'history', 'history', 'history', d.id, d.first_detected_at, d.actual_restoration_time + d.longer,
               d.actual_restoration_time + d.longer, d.actual_restoration_time
        FROM dark d JOIN oms_meters m ON m.id = d.meter_id
        RETURNING id, predicted_device_id AS meter_id, first_detected_at, actual_restoration_time
      )
      INSERT INTO oms_outage_affected_meters (outage_event_id, meter_id, customer_id, state, since, restored_at)
      SELECT n.id, n.meter_id, m.customer_id, 'restored', n.first_detected_at, n.actual_restoration_time
      FROM nested n JOIN oms_meters m ON m.id = n.meter_id`);
    await tx.execute(sql`
      INSERT INTO oms_device_momentaries (level, device_id, device_code, substation_id, feeder_id, started_at, ended_at, customers, meters_reporting)
      SELECT 'feeder', f.id, f.feeder_id, f.substation_id, f.id, x.started, x.started + interval '20 seconds',
             (SELECT COUNT(DISTINCT customer_id) FROM oms_meters m WHERE m.feeder_id = f.id), 0
      FROM (SELECT ${end} - make_interval(days => d) + make_interval(secs => floor(random() * 86400)) AS started,
                   1 + floor(random() * (SELECT MAX(id) FROM network_feeders))::int AS feeder_id
            FROM generate_series(1, ${o.days}::int) d, generate_series(1, 5) k) x
      JOIN network_feeders f ON f.id = x.feeder_id
      WHERE x.started < ${end}`);
  });
  await db.execute(sql`ANALYZE oms_outage_events`);
  await db.execute(sql`ANALYZE oms_outage_affected_meters`);
  const [s] = await queryRows<HistorySummary>(db, sql`
    SELECT (SELECT COUNT(*) FROM oms_outage_events WHERE restored_by = 'history')::int AS outages,
           (SELECT COUNT(*) FROM oms_outage_events WHERE restored_by = 'history' AND parent_outage_id IS NOT NULL)::int AS nested,
           (SELECT COUNT(*) FROM oms_outage_affected_meters am JOIN oms_outage_events o ON o.id = am.outage_event_id WHERE o.restored_by = 'history')::int AS "customerInterruptions",
           (SELECT COUNT(*) FROM oms_device_momentaries WHERE meters_reporting = 0)::int AS "deviceMomentaries"`);
  return s;
}
