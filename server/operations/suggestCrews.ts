import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../../db/client";
import { findOutage } from "./outages";

export interface CrewSuggestion {
  id: number;
  crew_id: string;
  name: string;
  size: number;
  home_depot: string;
  latitude: number;
  longitude: number;
  /** Straight-line metres on the spheroid to the outage (road distance is not modelled); null when the outage has no location. */
  distance_meters: number | null;
}

export interface CrewSuggestions {
  outage_event_id: string;
  event_id: string;
  /** Where the outage is taken to be; null when neither a centroid nor a device locates it. */
  location: { latitude: number; longitude: number } | null;
  crews: CrewSuggestion[];
}

/**
 * The outage's site: its centroid when the pipeline has drawn one, else its predicted device
 * (a feeder by its substation, where its breaker is), else the topology columns.
 */
const site = (outageId: string) => sql`
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
  FROM oms_outage_events o WHERE o.id = ${outageId}::uuid`;

/**
 * The five available crews nearest the outage, nearest first, with their distance in metres.
 * A crew's location is where it last reported (its depot until then).
 */
export async function suggestCrews(db: DbOrTx, outageRef: string, limit = 5): Promise<CrewSuggestions> {
  const outage = await findOutage(db, outageRef);
  const [here] = await queryRows<{ latitude: number | null; longitude: number | null }>(db, sql`
    SELECT ST_Y(point) AS latitude, ST_X(point) AS longitude FROM (${site(outage.id)}) s`);
  const location = here?.latitude != null && here.longitude != null ? { latitude: here.latitude, longitude: here.longitude } : null;
  const point = location && sql`ST_SetSRID(ST_MakePoint(${location.longitude}::float8, ${location.latitude}::float8), 4326)::geography`;
  const rows = await queryRows<CrewSuggestion>(db, sql`
    SELECT c.id, c.crew_id, c.name, c.size, c.home_depot, c.location_lat AS latitude, c.location_lng AS longitude,
           ${point ? sql`ST_Distance(c.location::geography, ${point})` : sql`NULL::float8`} AS distance_meters
    FROM oms_crews c
    WHERE c.status = 'available' AND c.location IS NOT NULL
    ORDER BY distance_meters, c.id
    LIMIT ${limit}::int`);
  return {
    outage_event_id: outage.id,
    event_id: outage.event_id,
    location,
    crews: rows.map((r) => ({ ...r, distance_meters: r.distance_meters === null ? null : Math.round(Number(r.distance_meters)) })),
  };
}
