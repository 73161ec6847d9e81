import type { Random } from "./random";
import { offset, positionOf, roundCoord, type LatLng } from "./geo";
import { code, shareOut, siteName } from "./codes";
import type { DistributionPointRow, FeederRow, NetworkSizes, Segment, SubstationRow } from "./types";

interface TreeNode extends LatLng {
  heading: number;
}

/**
 * Hangs the feeders on their substations and grows each feeder as a radial tree of distribution
 * points. Feeders of one substation leave in evenly spread directions; along a feeder a trunk
 * runs outwards and branches split off it, so the map reads like a real 11 kV network.
 * Parents always get lower ids than their children.
 */
export function layoutFeeders(random: Random, sizes: NetworkSizes, substations: SubstationRow[]) {
  const feedersPerSubstation = shareOut(sizes.feeders, substations.length, 0.3, random.next);
  const pointsPerFeeder = shareOut(sizes.distributionPoints, sizes.feeders, 0.35, random.next);
  const metersPerPoint = shareOut(sizes.meters, sizes.distributionPoints, 0.45, random.next);
  const feeders: FeederRow[] = [];
  const distributionPoints: DistributionPointRow[] = [];

  for (const substation of substations) {
    const count = feedersPerSubstation[substation.id - 1];
    const firstHeading = random.between(0, 2 * Math.PI);
    for (let k = 0; k < count; k++) {
      const id = feeders.length + 1;
      const heading = firstHeading + (2 * Math.PI * k) / count + random.between(-0.3, 0.3) * (Math.PI / count);
      const route: Segment[] = [];
      const feeder: FeederRow = {
        id,
        feederId: code("FD", id, 3, sizes.feeders),
        substationId: substation.id,
        name: `${siteName(substation)} Feeder ${k + 1}`,
        capacityMva: random.pick([4, 5, 6, 8, 10]),
        route,
      };
      feeders.push(feeder);
      growTree(random, positionOf(substation), heading, pointsPerFeeder[id - 1], (point, parent) => {
        const dpId = distributionPoints.length + 1;
        const from = parent ?? positionOf(substation);
        route.push([[from.lng, from.lat], [point.lng, point.lat]]);
        distributionPoints.push({
          id: dpId,
          dpId: code("DP", dpId, 5, sizes.distributionPoints),
          feederId: id,
          parentDpId: parent ? parent.id : null,
          name: `${siteName(substation)} F${k + 1} T${String(point.ordinal).padStart(2, "0")}`,
          buildingId: random.chance(0.6) ? `BLD-${random.digits(7)}` : null,
          transformerKva: transformerFor(metersPerPoint[dpId - 1], random),
          locationLat: point.lat,
          locationLng: point.lng,
        });
        return dpId;
      });
    }
  }
  return { feeders, distributionPoints, metersPerPoint };
}

type Placed = LatLng & { ordinal: number };

/**
 * Adds `count` points: a third extend the trunk, a quarter extend the newest branch, the rest start a
 * branch from any earlier point; now and then a second cable leaves the substation directly.
 * Headings stay within ~80° of the feeder's direction so branches never curl back to the station.
 */
function growTree(
  random: Random, substation: LatLng, direction: number, count: number,
  add: (point: Placed, parent: (LatLng & { id: number }) | null) => number,
) {
  const nodes: (TreeNode & { id: number })[] = [];
  let trunkTip = -1;
  for (let j = 0; j < count; j++) {
    const roll = random.next();
    let parent = -1;
    let heading: number;
    if (j === 0 || (roll < 0.03 && j < count / 2)) {
      heading = direction + random.between(-0.5, 0.5);
    } else if (roll < 0.35) {
      parent = trunkTip;
      heading = nodes[parent].heading + random.between(-0.3, 0.3);
    } else if (roll < 0.6) {
      parent = nodes.length - 1;
      heading = nodes[parent].heading + random.between(-0.3, 0.3);
    } else {
      parent = random.int(0, nodes.length - 1);
      heading = nodes[parent].heading + (random.chance(0.5) ? 1 : -1) * random.between(0.7, 1.3);
    }
    heading = direction + clamp(wrap(heading - direction), 1.4);
    const from = parent < 0 ? substation : nodes[parent];
    const at = offset(from, random.between(150, 400), heading);
    const point = { lat: roundCoord(at.lat), lng: roundCoord(at.lng), ordinal: j + 1 };
    const id = add(point, parent < 0 ? null : nodes[parent]);
    nodes.push({ ...point, heading, id });
    if (j === 0 || parent === trunkTip) trunkTip = nodes.length - 1;
  }
}

function wrap(angle: number): number {
  return Math.atan2(Math.sin(angle), Math.cos(angle));
}

function clamp(value: number, limit: number): number {
  return Math.max(-limit, Math.min(limit, value));
}

/** Transformer size roughly follows the load it serves, with some oversized ones. */
function transformerFor(meters: number, random: Random): number {
  const sizes = [250, 400, 630, 1000];
  let step = meters <= 6 ? 0 : meters <= 10 ? 1 : meters <= 15 ? 2 : 3;
  if (step < 3 && random.chance(0.2)) step++;
  return sizes[step];
}
