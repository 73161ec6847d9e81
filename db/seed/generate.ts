import { createRandom, type Random } from "./random";
import { AMMAN_CENTRE, haversineMetres, offset, positionOf, roundCoord, type LatLng } from "./geo";
import { AMMAN_DISTRICTS, SITE_SUFFIXES } from "./places";
import { CREW_KINDS, jordanMobile } from "./names";
import { layoutFeeders } from "./feeders";
import { code, siteName } from "./codes";
import { attachMeters } from "./meters";
import type { CrewRow, GeneratedNetwork, NetworkSizeOptions, NetworkSizes, SubstationRow } from "./types";

export type * from "./types";

/**
 * Builds a synthetic radial network around Amman: substations, feeders as trees of distribution
 * points, one customer and meter per service, ONUs on ~30% of meters, and crews. Pure and
 * deterministic: the same options give the same rows, so a seeded database can be reproduced.
 */
export function generateNetwork(options: NetworkSizeOptions): GeneratedNetwork {
  const sizes = resolveSizes(options);
  // One stream per concern, so that changing e.g. the crew count leaves the meters as they were.
  const stream = (salt: number) => createRandom(Math.imul(sizes.seed ^ 0x9e3779b9, 2654435761) + salt);
  const substations = placeSubstations(stream(1), sizes.substations);
  const { feeders, distributionPoints, metersPerPoint } = layoutFeeders(stream(2), sizes, substations);
  const { customers, meters, onuDevices } = attachMeters(stream(3), sizes.seed, {
    substations, feeders, distributionPoints, metersPerPoint,
  });
  const crews = formCrews(stream(4), sizes.crews, substations);
  return { sizes, substations, feeders, distributionPoints, customers, onuDevices, meters, crews };
}

/** Fills in the sizes not given: ten meters per point, twenty points per feeder, five feeders per substation. */
export function resolveSizes(options: NetworkSizeOptions): NetworkSizes {
  const meters = options.meters;
  const distributionPoints = options.distributionPoints ?? Math.max(1, Math.round(meters / 10));
  const feeders = options.feeders ?? Math.max(1, Math.round(distributionPoints / 20));
  const substations = options.substations ?? Math.max(1, Math.round(feeders / 5));
  const crews = options.crews ?? Math.max(3, substations);
  const sizes = { seed: options.seed ?? 1, meters, distributionPoints, feeders, substations, crews };
  for (const [name, value] of Object.entries(sizes)) {
    const least = name === "seed" || name === "crews" ? 0 : 1;
    if (!Number.isSafeInteger(value) || value < least) {
      throw new RangeError(`${name} must be a whole number ≥ ${least} (got ${value})`);
    }
  }
  return sizes;
}

const MAX_RADIUS_M = 20_000;

function placeSubstations(random: Random, count: number): SubstationRow[] {
  const placed: LatLng[] = [];
  const rows: SubstationRow[] = [];
  // Real substations sit a few km apart; relax the spacing only when a huge network needs it.
  let spacing = count <= 60 ? 900 : Math.max(250, 900 * Math.sqrt(60 / count));
  for (let i = 0; i < count; i++) {
    const district = AMMAN_DISTRICTS[i % AMMAN_DISTRICTS.length];
    const round = Math.floor(i / AMMAN_DISTRICTS.length);
    let site: LatLng | undefined;
    for (let attempt = 0; !site; attempt++) {
      const reach = round === 0 ? random.between(0, 350) : random.between(1200, 4500);
      const candidate = offset(district, reach, random.between(0, 2 * Math.PI));
      const inArea = haversineMetres(candidate, AMMAN_CENTRE) <= MAX_RADIUS_M;
      if (inArea && placed.every((p) => haversineMetres(p, candidate) >= spacing)) site = candidate;
      else if (attempt % 40 === 39) spacing *= 0.85;
    }
    placed.push(site);
    const suffix = SITE_SUFFIXES[round] ?? ` ${round + 1}`;
    rows.push({
      id: i + 1,
      substationId: code("SS", i + 1, 3, count),
      name: `${district.name}${suffix} 33/11kV`,
      district: district.name,
      // Bulk supply points (132/33kV), about five substations each, numbered as in SCADA payloads.
      mainStationId: String(82001 + Math.floor(i / 5)),
      capacityMva: random.pick([20, 25, 30, 40, 45, 60]),
      locationLat: roundCoord(site.lat),
      locationLng: roundCoord(site.lng),
    });
  }
  return rows;
}

function formCrews(random: Random, count: number, substations: SubstationRow[]): CrewRow[] {
  const crews: CrewRow[] = [];
  for (let i = 0; i < count; i++) {
    const home = substations[i % substations.length];
    const depot = offset(positionOf(home), random.between(150, 450), random.between(0, 2 * Math.PI));
    crews.push({
      id: i + 1,
      crewId: code("CRW", i + 1, 2, count),
      name: `${CREW_KINDS[Math.floor(i / substations.length) % CREW_KINDS.length]} ${i + 1} — ${home.district}`,
      phone: jordanMobile(random),
      size: random.int(2, 4),
      homeDepot: `${siteName(home)} Depot`,
      depotLat: roundCoord(depot.lat),
      depotLng: roundCoord(depot.lng),
    });
  }
  return crews;
}
