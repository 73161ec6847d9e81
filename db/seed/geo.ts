/** Small-distance geometry for laying out a synthetic network (flat-earth offsets are fine at a few km). */

export interface LatLng {
  lat: number;
  lng: number;
}

/** Where a stored row stands, as the generator's geometry helpers take it. */
export function positionOf(row: { locationLat: number; locationLng: number }): LatLng {
  return { lat: row.locationLat, lng: row.locationLng };
}

export const AMMAN_CENTRE: LatLng = { lat: 31.95, lng: 35.93 };

const METRES_PER_DEGREE_LAT = 111_320;
const EARTH_RADIUS_M = 6_371_008.8;

/** The point `metres` away from `from` on `bearing` (radians, 0 = north, clockwise). */
export function offset(from: LatLng, metres: number, bearing: number): LatLng {
  const north = metres * Math.cos(bearing);
  const east = metres * Math.sin(bearing);
  return {
    lat: from.lat + north / METRES_PER_DEGREE_LAT,
    lng: from.lng + east / (METRES_PER_DEGREE_LAT * Math.cos((from.lat * Math.PI) / 180)),
  };
}

/** Great-circle distance in metres on the mean-radius sphere. */
export function haversineMetres(a: LatLng, b: LatLng): number {
  const toRad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * toRad;
  const dLng = (b.lng - a.lng) * toRad;
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * toRad) * Math.cos(b.lat * toRad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Bearing in radians from `a` to `b` (0 = north, clockwise), flat-earth approximation. */
export function bearingBetween(a: LatLng, b: LatLng): number {
  const north = (b.lat - a.lat) * METRES_PER_DEGREE_LAT;
  const east = (b.lng - a.lng) * METRES_PER_DEGREE_LAT * Math.cos((a.lat * Math.PI) / 180);
  return Math.atan2(east, north);
}

/** Coordinates rounded to ~1 cm, so generated rows stay compact and print the same everywhere. */
export function roundCoord(value: number): number {
  return Math.round(value * 1e7) / 1e7;
}
