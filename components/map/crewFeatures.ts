import type { FeatureCollection, Point } from "geojson";
import { crewPlace } from "../../server/operations/crewTravel";
import type { CrewListRow } from "../../server/trpc/routers/crews";
import { pointsToGeoJson } from "./geojson";

/** "3 min ago ±12 m", "at depot · last position 23 min ago", "at depot · no position reported". */
export function positionWords(c: CrewListRow, now: number): string {
  const place = crewPlace(c, now);
  const age = place.ageMinutes === null ? null : place.ageMinutes === 0 ? "just now" : `${place.ageMinutes} min ago`;
  if (place.from === "position") return `${age}${c.accuracy != null ? ` ±${Math.round(c.accuracy)} m` : ""}`;
  return age ? `at depot · last position ${age}` : "at depot · no position reported";
}

/**
 * Crews as map points: where each is taken to be now (crewTravel.ts crewPlace). A crew with no
 * recent position is drawn at its depot, hollow, with `atDepot` set.
 */
export function crewFeatures(crews: CrewListRow[], now: number): FeatureCollection<Point> {
  return pointsToGeoJson(crews.map((c) => {
    const place = crewPlace(c, now);
    return {
      id: c.id, code: c.code, name: c.name, status: c.status, outage: c.outage ?? undefined,
      lat: place.lat, lng: place.lng, atDepot: place.from === "depot", position: positionWords(c, now),
    };
  }));
}
