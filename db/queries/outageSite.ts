import { sql, type SQL } from "drizzle-orm";

/**
 * An outage's site as one `point` column: its centroid when the pipeline has drawn one, else its
 * predicted device (a feeder by its substation, where its breaker is), else the topology columns.
 * `outage` is an SQL expression for the outage's uuid (a parameter or an outer column).
 */
export const outageSite = (outage: SQL) => sql`
  SELECT COALESCE(
    o.centroid,
    CASE o.predicted_device_level
      WHEN 'meter' THEN (SELECT location FROM oms_meters WHERE id = o.predicted_device_id)
      WHEN 'distribution_point' THEN (SELECT location FROM network_distribution_points WHERE id = o.predicted_device_id)
      WHEN 'feeder' THEN (SELECT s.location FROM network_feeders f JOIN network_substations s ON s.id = f.substation_id WHERE f.id = o.predicted_device_id)
      WHEN 'substation' THEN (SELECT location FROM network_substations WHERE id = o.predicted_device_id)
    END,
    (SELECT location FROM network_distribution_points WHERE id = o.dp_id),
    (SELECT s.location FROM network_feeders f JOIN network_substations s ON s.id = f.substation_id WHERE f.id = o.feeder_id),
    (SELECT location FROM network_substations WHERE id = o.substation_id)) AS point
  FROM oms_outage_events o WHERE o.id = ${outage}`;
