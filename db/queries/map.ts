import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../client";
import type { MeterPowerState } from "./powerState";

export interface SubstationSummary {
  id: number;
  code: string;
  name: string;
  lat: number;
  lng: number;
  capacityMva: number;
  status: string;
  feederCount: number;
  meterCount: number;
}

/** Every substation with its feeder and meter counts, for the map and the side panel. */
export function listSubstations(db: DbOrTx): Promise<SubstationSummary[]> {
  return queryRows<SubstationSummary>(db, sql`
    SELECT s.id, s.substation_id AS code, s.name, s.location_lat AS lat, s.location_lng AS lng,
           s.capacity_mva AS "capacityMva", s.status,
           (SELECT COUNT(*)::int FROM network_feeders f WHERE f.substation_id = s.id) AS "feederCount",
           (SELECT COUNT(*)::int FROM oms_meters m WHERE m.substation_id = s.id) AS "meterCount"
    FROM network_substations s
    ORDER BY s.substation_id`);
}

export interface LineFeature {
  type: "Feature";
  id: number;
  geometry: { type: "MultiLineString"; coordinates: number[][][] };
  /** `breaker`: what SCADA last said (open / closed), or closed_inferred when the meters proved it closed before SCADA did. */
  properties: { id: number; code: string; name: string; substationCode: string; status: string; breaker: "open" | "closed" | "closed_inferred" };
}

/** Feeder routes as GeoJSON features; the geometry is simplified slightly for drawing. */
export async function feederLines(db: DbOrTx): Promise<{ type: "FeatureCollection"; features: LineFeature[] }> {
  const rows = await queryRows<{ id: number; code: string; name: string; substationCode: string; status: string; breaker: LineFeature["properties"]["breaker"]; geojson: string | null }>(db, sql`
    SELECT f.id, f.feeder_id AS code, f.name, s.substation_id AS "substationCode", f.status,
           CASE WHEN f.breaker_state = 'closed' AND f.breaker_inferred THEN 'closed_inferred' ELSE f.breaker_state END AS breaker,
           ST_AsGeoJSON(f.route, 6) AS geojson
    FROM network_feeders f JOIN network_substations s ON s.id = f.substation_id
    WHERE f.route IS NOT NULL
    ORDER BY f.feeder_id`);
  return {
    type: "FeatureCollection",
    features: rows.map(({ geojson, ...p }) => ({
      type: "Feature" as const,
      id: p.id,
      geometry: JSON.parse(geojson!),
      properties: p,
    })),
  };
}

export interface Bbox { west: number; south: number; east: number; north: number }

export interface DistributionPointMarker {
  id: number;
  code: string;
  name: string;
  feederCode: string;
  lat: number;
  lng: number;
  status: string;
  meterCount: number;
}

/** Distribution points inside the map view (GiST index on location). */
export function distributionPointsInView(db: DbOrTx, bbox: Bbox, limit: number): Promise<DistributionPointMarker[]> {
  return queryRows<DistributionPointMarker>(db, sql`
    SELECT dp.id, dp.dp_id AS code, dp.name, f.feeder_id AS "feederCode",
           dp.location_lat AS lat, dp.location_lng AS lng, dp.status,
           (SELECT COUNT(*)::int FROM oms_meters m WHERE m.dp_id = dp.id) AS "meterCount"
    FROM network_distribution_points dp JOIN network_feeders f ON f.id = dp.feeder_id
    WHERE dp.location && ST_MakeEnvelope(${bbox.west}, ${bbox.south}, ${bbox.east}, ${bbox.north}, 4326)
    ORDER BY dp.id
    LIMIT ${limit}`);
}

export interface NetworkTotals {
  substations: number;
  feeders: number;
  distributionPoints: number;
  meters: number;
  customers: number;
  criticalCustomers: number;
  crews: number;
}

export async function networkTotals(db: DbOrTx): Promise<NetworkTotals> {
  const [row] = await queryRows<NetworkTotals>(db, sql`
    SELECT (SELECT COUNT(*)::int FROM network_substations) AS substations,
           (SELECT COUNT(*)::int FROM network_feeders) AS feeders,
           (SELECT COUNT(*)::int FROM network_distribution_points) AS "distributionPoints",
           (SELECT COUNT(*)::int FROM oms_meters) AS meters,
           (SELECT COUNT(*)::int FROM oms_customers) AS customers,
           (SELECT COUNT(*)::int FROM oms_customers WHERE is_critical) AS "criticalCustomers",
           (SELECT COUNT(*)::int FROM oms_crews) AS crews`);
  return row;
}

export interface MeterMarker {
  id: number;
  number: string;
  lat: number;
  lng: number;
  /** The derived power state (db/queries/powerState.ts): off, assumed, on, unknown. */
  status: MeterPowerState;
  critical: boolean;
}

/** Meters inside the map view, with their derived power state (GiST index on location); for close zoom. */
export function metersInView(db: DbOrTx, bbox: Bbox, limit: number): Promise<MeterMarker[]> {
  return queryRows<MeterMarker>(db, sql`
    SELECT m.id, m.meter_number AS number, m.location_lat AS lat, m.location_lng AS lng, s.state AS status,
           COALESCE(c.is_critical, false) AS critical
    FROM oms_meters m JOIN oms_meter_power_state s ON s.meter_id = m.id LEFT JOIN oms_customers c ON c.id = m.customer_id
    WHERE m.location && ST_MakeEnvelope(${bbox.west}, ${bbox.south}, ${bbox.east}, ${bbox.north}, 4326)
    ORDER BY m.id
    LIMIT ${limit}`);
}

/** Open outages as areas: the hull of their affected meters, where that is a polygon (three meters or more). */
export async function outageAreas(db: DbOrTx): Promise<{ type: "FeatureCollection"; features: Array<{ type: "Feature"; id: number; geometry: unknown; properties: { key: string; eventId: string; severity: string; customersOut: number } }> }> {
  const rows = await queryRows<{ id: string; event_id: string; severity: string; customers: number; geojson: string }>(db, sql`
    SELECT id, event_id, severity, affected_customers_count AS customers, ST_AsGeoJSON(ST_Buffer(area::geography, 25)::geometry, 6) AS geojson
    FROM oms_outage_events
    WHERE status IN ('detected','confirmed','in_progress') AND area IS NOT NULL AND GeometryType(area) = 'POLYGON'`);
  return {
    type: "FeatureCollection",
    features: rows.map((r, i) => ({ type: "Feature", id: i + 1, geometry: JSON.parse(r.geojson), properties: { key: r.id, eventId: r.event_id, severity: r.severity, customersOut: Number(r.customers) } })),
  };
}
