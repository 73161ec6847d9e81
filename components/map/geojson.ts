import type { FeatureCollection, Point } from "geojson";

/** Builds a point FeatureCollection from rows with lat/lng; other fields become properties. */
export function pointsToGeoJson<T extends { id: number; lat: number; lng: number }>(rows: T[]): FeatureCollection<Point> {
  return {
    type: "FeatureCollection",
    features: rows.map(({ lat, lng, ...properties }) => ({
      type: "Feature",
      id: properties.id,
      geometry: { type: "Point", coordinates: [lng, lat] },
      properties,
    })),
  };
}
