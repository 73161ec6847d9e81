import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../../db/client";
import { outageSite } from "../../db/queries/outageSite";
import { findOutage } from "./outages";
import { POSITION_FRESH_MINUTES, travel } from "./crewTravel";

export interface CrewSuggestion {
  id: number;
  crew_id: string;
  name: string;
  size: number;
  home_depot: string;
  /** Where the crew is measured from: its recent reported position, else its depot. */
  latitude: number;
  longitude: number;
  from: "position" | "depot";
  /** When the position it was measured from was fixed (null from the depot). */
  position_at: string | null;
  /** Straight-line metres on the spheroid to the outage; null when the outage has no location. */
  distance_meters: number | null;
  /** The straight line times the road factor (crewTravel.ts): roads are not modelled. */
  road_meters: number | null;
  /** Minutes to drive road_meters at the assumed crew speed. */
  travel_minutes: number | null;
  /** When the crew would be on site if sent now. */
  eta: string | null;
}

export interface CrewSuggestions {
  outage_event_id: string;
  event_id: string;
  /** Where the outage is taken to be; null when neither a centroid nor a device locates it. */
  location: { latitude: number; longitude: number } | null;
  crews: CrewSuggestion[];
}

/**
 * The five available crews nearest the outage, nearest first, with the distance, the driving
 * time and the arrival if sent now. A crew is measured from where it last reported if that was
 * within POSITION_FRESH_MINUTES, else from its depot (crewTravel.ts, the map's rule too).
 */
export async function suggestCrews(db: DbOrTx, outageRef: string, limit = 5, now: Date = new Date()): Promise<CrewSuggestions> {
  const outage = await findOutage(db, outageRef);
  const [here] = await queryRows<{ latitude: number | null; longitude: number | null }>(db, sql`
    SELECT ST_Y(point) AS latitude, ST_X(point) AS longitude FROM (${outageSite(sql`${outage.id}::uuid`)}) s`);
  const location = here?.latitude != null && here.longitude != null ? { latitude: here.latitude, longitude: here.longitude } : null;
  const point = location && sql`ST_SetSRID(ST_MakePoint(${location.longitude}::float8, ${location.latitude}::float8), 4326)::geography`;
  const cutoff = new Date(now.getTime() - POSITION_FRESH_MINUTES * 60_000).toISOString();
  const rows = await queryRows<{ id: number; crew_id: string; name: string; size: number; home_depot: string; latitude: number; longitude: number; fresh: boolean; position_at: Date | string | null; distance_meters: number | null }>(db, sql`
    SELECT id, crew_id, name, size, home_depot, fresh, CASE WHEN fresh THEN position_at END AS position_at,
           ST_Y(origin) AS latitude, ST_X(origin) AS longitude,
           ${point ? sql`ST_Distance(origin::geography, ${point})` : sql`NULL::float8`} AS distance_meters
    FROM (
      SELECT c.*, c.position_updated_at AS position_at, f.fresh,
             CASE WHEN f.fresh THEN c.location ELSE ST_SetSRID(ST_MakePoint(c.depot_lng, c.depot_lat), 4326) END AS origin
      FROM oms_crews c
      CROSS JOIN LATERAL (SELECT c.location IS NOT NULL AND c.position_updated_at >= ${cutoff}::timestamptz AS fresh) f
      WHERE c.status = 'available'
    ) c
    ORDER BY distance_meters, id
    LIMIT ${limit}::int`);
  return {
    outage_event_id: outage.id,
    event_id: outage.event_id,
    location,
    crews: rows.map(({ fresh, position_at, distance_meters, ...r }) => {
      const straight = distance_meters === null ? null : Math.round(Number(distance_meters));
      const trip = straight === null ? null : travel(straight);
      return {
        ...r, latitude: Number(r.latitude), longitude: Number(r.longitude), from: fresh ? "position" : "depot",
        position_at: position_at == null ? null : new Date(position_at).toISOString(),
        distance_meters: straight, road_meters: trip?.roadMeters ?? null, travel_minutes: trip?.minutes ?? null,
        eta: trip ? new Date(now.getTime() + trip.minutes * 60_000).toISOString() : null,
      };
    }),
  };
}
