import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../client";

export interface PointQuery {
  lat: number;
  lng: number;
  radiusMeters: number;
}

export interface NearbyDistributionPoint {
  id: number;
  dpId: string;
  name: string;
  feederId: number;
  distanceMeters: number;
}

export interface NearbyMeter {
  id: number;
  meterNumber: string;
  dpId: number | null;
  feederId: number | null;
  substationId: number | null;
  distanceMeters: number;
}

const pointOf = (q: PointQuery) => sql`ST_SetSRID(ST_MakePoint(${q.lng}::float8, ${q.lat}::float8), 4326)`;

/**
 * The distribution point nearest to a location, within the radius, or null: how a signal that
 * carries only coordinates is placed on the network.
 *
 * Geometry `<->` walks the GiST index in a few rows but ranks by degrees, and a degree of
 * longitude is only cos(lat) of a degree of latitude, so its first row need not be the nearest
 * in metres. That first row bounds the answer, though: the metric nearest lies within
 * 1/cos(lat) of its degree distance. The few points inside that bound are ranked by true
 * distance on the geography: exact, index-driven (~0.4 ms on 20k points, PostgreSQL), and safe
 * to reuse in a FOR UPDATE query, which geography `<->` is not (STACK.md).
 */
export async function nearestDistributionPoint(db: DbOrTx, q: PointQuery): Promise<NearbyDistributionPoint | null> {
  const point = pointOf(q);
  // 2% over 1/cos(lat) covers the spheroid and the spread of latitudes within a search.
  const stretch = 1.02 / Math.cos((q.lat * Math.PI) / 180);
  const rows = await queryRows<NearbyDistributionPoint>(db, sql`
    SELECT id, dp_id AS "dpId", name, feeder_id AS "feederId",
           ST_Distance(location::geography, ${point}::geography) AS "distanceMeters"
    FROM network_distribution_points
    WHERE ST_DWithin(location, ${point}, ${stretch}::float8 * (
            SELECT location <-> ${point} FROM network_distribution_points ORDER BY location <-> ${point} LIMIT 1))
      AND ST_DWithin(location::geography, ${point}::geography, ${q.radiusMeters}::float8)
    ORDER BY 5, id
    LIMIT 1`);
  return rows[0] ?? null;
}

/** Meters within the radius, nearest first. */
export async function metersWithinRadius(db: DbOrTx, q: PointQuery): Promise<NearbyMeter[]> {
  const here = sql`${pointOf(q)}::geography`;
  return queryRows<NearbyMeter>(db, sql`
    SELECT id, meter_number AS "meterNumber", dp_id AS "dpId", feeder_id AS "feederId",
           substation_id AS "substationId", ST_Distance(location::geography, ${here}) AS "distanceMeters"
    FROM oms_meters
    WHERE ST_DWithin(location::geography, ${here}, ${q.radiusMeters}::float8)
    ORDER BY ST_Distance(location::geography, ${here}), id`);
}
