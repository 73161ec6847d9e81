/**
 * Where a crew is taken to be, and how long it takes to get somewhere: pure arithmetic shared
 * by the server (suggestions) and the browser (the map, the phone's reporting). docs/crews.md
 * gives the reasons for each figure.
 */

/** A reported position counts for this long; after it the crew is taken to be at its depot. */
export const POSITION_FRESH_MINUTES = 10;
/** Roads are longer than the straight line: the usual circuity of a city's road network (1.2–1.4). */
export const ROAD_FACTOR = 1.3;
/** Average speed of a crew truck across town, stops and traffic included. */
export const CREW_SPEED_KMH = 30;

/** A fix older than this is refused as stale; one ahead of the server's clock by more than the skew is refused as future. */
export const POSITION_MAX_AGE_MS = 5 * 60_000;
export const POSITION_MAX_SKEW_MS = 60_000;

export interface CrewWhereabouts {
  lat: number | null;
  lng: number | null;
  /** When the position was fixed (ISO), or null when the crew never reported one. */
  positionAt: string | null;
  depotLat: number;
  depotLng: number;
}

export interface CrewPlace {
  lat: number;
  lng: number;
  /** "position": a fix of the last POSITION_FRESH_MINUTES; "depot": none, so at its depot. */
  from: "position" | "depot";
  /** Whole minutes since the last fix, or null when there was never one. */
  ageMinutes: number | null;
}

/** Where to draw a crew and measure from: its recent position, else its depot. */
export function crewPlace(c: CrewWhereabouts, now: number): CrewPlace {
  const at = c.positionAt ? Date.parse(c.positionAt) : NaN;
  const ageMinutes = Number.isNaN(at) ? null : Math.max(0, Math.floor((now - at) / 60_000));
  const fresh = ageMinutes !== null && c.lat != null && c.lng != null && now - at <= POSITION_FRESH_MINUTES * 60_000;
  return fresh ? { lat: c.lat!, lng: c.lng!, from: "position", ageMinutes } : { lat: c.depotLat, lng: c.depotLng, from: "depot", ageMinutes };
}

/** The road distance and driving minutes for a straight-line distance. */
export function travel(straightMeters: number): { roadMeters: number; minutes: number } {
  const roadMeters = Math.round(straightMeters * ROAD_FACTOR);
  return { roadMeters, minutes: Math.max(1, Math.ceil(roadMeters / ((CREW_SPEED_KMH * 1000) / 60))) };
}

/** Great-circle metres between two points (the phone's throttle; the server measures with PostGIS). */
export function haversineMeters(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = Math.PI / 180;
  const h = Math.sin(((b.lat - a.lat) * rad) / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lng - a.lng) * rad) / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
}
