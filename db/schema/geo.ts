import { customType, doublePrecision } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";

/**
 * PostGIS column types. Declared as custom types because Drizzle's built-in `geometry()`
 * drops the SRID (see STACK.md). Values are read through ST_AsGeoJSON / ST_X / ST_Y in
 * queries, so the TypeScript side only ever sees them as opaque strings.
 */
export const pointGeometry = customType<{ data: string; driverData: string }>({
  dataType: () => "geometry(Point,4326)",
});

export const multiLineGeometry = customType<{ data: string; driverData: string }>({
  dataType: () => "geometry(MultiLineString,4326)",
});

export const polygonGeometry = customType<{ data: string; driverData: string }>({
  dataType: () => "geometry(Geometry,4326)",
});

/**
 * Latitude and longitude as plain numbers (what integrations send and the seeds' SQL uses,
 * `location_lat` / `location_lng`), with the PostGIS point generated from them so the two can
 * never disagree.
 */
export function locatedColumns() {
  return {
    locationLat: doublePrecision("location_lat"),
    locationLng: doublePrecision("location_lng"),
    location: pointGeometry("location").generatedAlwaysAs(
      sql`CASE WHEN location_lat IS NULL OR location_lng IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(location_lng, location_lat), 4326) END`,
    ),
  };
}
