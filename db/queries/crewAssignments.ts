import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../client";
import { outageSite } from "./outageSite";

/** A customer's address names the site only if the customer is this close to it. */
export const NEAREST_ADDRESS_METERS = 250;

export interface CrewAssignmentRow {
  id: number;
  status: string;
  assigned_at: string;
  arrived_at: string | null;
  completed_at: string | null;
  estimated_arrival: string | null;
  /** The crew's own notes; `dispatch_notes` are the dispatcher's, written when sending the crew. */
  notes: string | null;
  dispatch_notes: string | null;
  /** Who sent the crew: the username (or an integration's reference) recorded on the assignment. */
  assigned_by: string | null;
  /** That person's name (auth_users.name) when the assignment was made by a person who still has an account; else null. */
  assigned_by_name: string | null;
  outage_id: string;
  event_id: string;
  outage_status: string;
  severity: string;
  customers: number;
  etr: string | null;
  device_level: string | null;
  device_code: string | null;
  /** The predicted device's own name (a point's, a feeder's, a substation's). */
  device_name: string | null;
  feeder_code: string | null;
  feeder_name: string | null;
  substation_code: string | null;
  substation_name: string | null;
  dp_code: string | null;
  dp_name: string | null;
  /** The nearest customer address within NEAREST_ADDRESS_METERS of the site, and how far it is. */
  address: string | null;
  address_meters: number | null;
  /** The site (outageSite): where the crew drives to. */
  lat: number | null;
  lng: number | null;
}

/**
 * A crew's assignments, open ones first, with the place in words a crew can drive to: the
 * feeder, the distribution point, the nearest customer address, and the dispatcher's notes.
 */
export async function assignmentsOfCrew(db: DbOrTx, crewId: number, limit = 50): Promise<CrewAssignmentRow[]> {
  const rows = await queryRows<CrewAssignmentRow>(db, sql`
    SELECT a.id::int AS id, a.status, a.assigned_at, a.arrived_at, a.completed_at, a.estimated_arrival, a.notes, a.dispatch_notes, a.assigned_by, u.name AS assigned_by_name,
      o.id AS outage_id, o.event_id, o.status AS outage_status, o.severity, o.affected_customers_count AS customers,
      o.estimated_restoration_time AS etr, o.predicted_device_level AS device_level, o.predicted_device_code AS device_code,
      CASE o.predicted_device_level
        WHEN 'distribution_point' THEN (SELECT name FROM network_distribution_points WHERE id = o.predicted_device_id)
        WHEN 'feeder' THEN (SELECT name FROM network_feeders WHERE id = o.predicted_device_id)
        WHEN 'substation' THEN (SELECT name FROM network_substations WHERE id = o.predicted_device_id)
      END AS device_name,
      f.feeder_id AS feeder_code, f.name AS feeder_name, s.substation_id AS substation_code, s.name AS substation_name,
      d.dp_id AS dp_code, d.name AS dp_name,
      addr.address, addr.meters AS address_meters,
      ST_Y(site.point) AS lat, ST_X(site.point) AS lng
    FROM oms_crew_assignments a
    JOIN oms_outage_events o ON o.id = a.outage_event_id
    -- assigned_by holds the person's username, or email when they have none (operations/changes.ts, actorRef):
    -- the crew reads the person's name instead.
    LEFT JOIN LATERAL (
      SELECT u0.name FROM auth_users u0 WHERE a.assigned_by IN (u0.username, u0.email) ORDER BY (u0.username = a.assigned_by) DESC LIMIT 1
    ) u ON true
    LEFT JOIN network_feeders f ON f.id = o.feeder_id
    LEFT JOIN network_substations s ON s.id = o.substation_id
    LEFT JOIN network_distribution_points d
      ON d.id = CASE WHEN o.predicted_device_level = 'distribution_point' THEN o.predicted_device_id ELSE o.dp_id END
    LEFT JOIN LATERAL (${outageSite(sql`a.outage_event_id`)}) site ON true
    LEFT JOIN LATERAL (
      SELECT c.address, round(ST_Distance(c.location::geography, site.point::geography))::int AS meters
      FROM oms_customers c
      WHERE c.address IS NOT NULL AND c.location IS NOT NULL AND site.point IS NOT NULL
      ORDER BY c.location <-> site.point LIMIT 1
    ) addr0 ON true
    LEFT JOIN LATERAL (SELECT addr0.address, addr0.meters WHERE addr0.meters <= ${NEAREST_ADDRESS_METERS}::int) addr ON true
    WHERE a.crew_id = ${crewId}::int
    ORDER BY (a.status IN ('completed', 'cancelled')), a.assigned_at DESC
    LIMIT ${limit}::int`);
  return rows.map((r) => ({ ...r, lat: r.lat == null ? null : Number(r.lat), lng: r.lng == null ? null : Number(r.lng) }));
}
