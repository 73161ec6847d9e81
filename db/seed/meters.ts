import { scramble32, type Random } from "./random";
import { offset, positionOf, roundCoord } from "./geo";
import { AMMAN_STREETS } from "./places";
import { emailFor, jordanMobile, personName } from "./names";
import { code } from "./codes";
import type {
  CriticalType, CustomerRow, DistributionPointRow, FeederRow, MeterRow, OnuDeviceRow, SubstationRow,
} from "./types";

const ONU_SHARE = 0.3;
const CRITICAL_SHARE = 0.025;
const CRITICAL_TYPES: CriticalType[] = ["hospital", "life_support", "water_pumping", "telecom", "government"];
const CRITICAL_WEIGHTS = [0.15, 0.45, 0.15, 0.15, 0.1];

interface Network {
  substations: SubstationRow[];
  feeders: FeederRow[];
  distributionPoints: DistributionPointRow[];
  metersPerPoint: number[];
}

/**
 * One customer and one smart meter per service connection, 20–150 m from its distribution point,
 * with the topology copied onto the meter. Identifiers that must be unique (mRIDs, ONU serials)
 * come from a bijective hash of the row's index rather than the PRNG, so they cannot collide.
 */
export function attachMeters(random: Random, seed: number, network: Network) {
  const { substations, feeders, distributionPoints, metersPerPoint } = network;
  const total = metersPerPoint.reduce((a, b) => a + b, 0);
  const customers: CustomerRow[] = [];
  const meters: MeterRow[] = [];
  const onuDevices: OnuDeviceRow[] = [];
  const key = (salt: number) => scramble32(seed, 0x5bd1e995 + salt);
  let nextOnuId = 3_000_000 + random.int(0, 200_000);

  for (const point of distributionPoints) {
    const feeder = feeders[point.feederId - 1];
    const substation = substations[feeder.substationId - 1];
    const street = random.pick(AMMAN_STREETS);
    for (let k = 0; k < metersPerPoint[point.id - 1]; k++) {
      const id = meters.length + 1;
      const at = offset(positionOf(point), random.between(20, 150), random.between(0, 2 * Math.PI));
      const lat = roundCoord(at.lat);
      const lng = roundCoord(at.lng);
      const critical = random.chance(CRITICAL_SHARE) ? random.weighted(CRITICAL_TYPES, CRITICAL_WEIGHTS) : null;
      const person = personName(random);
      customers.push({
        id,
        customerId: code("CUST", id, 7, total),
        name: critical && critical !== "life_support" ? facilityName(critical, substation.district, random) : person.full,
        phone: jordanMobile(random),
        email: !critical && random.chance(0.4) ? emailFor(person, random) : null,
        address: `${random.int(1, 140)} ${random.chance(0.7) ? street : random.pick(AMMAN_STREETS)}, ${substation.district}, Amman`,
        isCritical: critical !== null,
        criticalType: critical,
        locationLat: lat,
        locationLng: lng,
      });
      let onuId: number | null = null;
      if (random.chance(ONU_SHARE)) {
        onuId = nextOnuId;
        nextOnuId += random.int(1, 5);
        onuDevices.push({
          id: onuDevices.length + 1,
          onuId,
          // "48575443" is the vendor prefix seen in the ONU feed (ASCII "HWTC").
          onuSerialNo: `48575443${hex8(scramble32(onuDevices.length, key(1)))}`,
          customerId: id,
          locationLat: lat,
          locationLng: lng,
        });
      }
      meters.push({
        id,
        meterNumber: `M${10_000_000 + id}`,
        customerId: id,
        dpId: point.id,
        feederId: feeder.id,
        substationId: substation.id,
        assetMrid: kaifaAssetMrid(id, key),
        usagePointMrid: `UP-${String(scramble32(id, key(2))).padStart(10, "0")}`,
        onuId,
        locationLat: lat,
        locationLng: lng,
      });
    }
  }
  return { customers, meters, onuDevices };
}

function hex8(n: number): string {
  return n.toString(16).toUpperCase().padStart(8, "0");
}

/** A UUID-shaped (version 4 layout) mRID, as the Kaifa head-end names its end devices. */
function kaifaAssetMrid(id: number, key: (salt: number) => number): string {
  const a = hex8(scramble32(id, key(3))).toLowerCase();
  const b = hex8(scramble32(id, key(4))).toLowerCase();
  const c = hex8(scramble32(id, key(5))).toLowerCase();
  const unique = hex8(scramble32(id, key(6))).toLowerCase();
  const variant = "89ab"[parseInt(c[0], 16) & 3];
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${variant}${c.slice(1, 4)}-${c.slice(4, 8)}${unique}`;
}

const HOSPITAL_KINDS = ["Hospital", "Medical Center", "Specialty Hospital", "Comprehensive Health Center"];
const GOVERNMENT_KINDS = ["Civil Defense Station", "Police Station", "Municipality Office", "Directorate of Education", "Public School"];
const TELECOM_OPERATORS = ["Orange", "Zain", "Umniah"];

function facilityName(kind: CriticalType, district: string, random: Random): string {
  switch (kind) {
    case "hospital": return `${district} ${random.pick(HOSPITAL_KINDS)}`;
    case "water_pumping": return `Miyahuna Pumping Station ${district} ${random.int(1, 9)}`;
    case "telecom": return `${random.pick(TELECOM_OPERATORS)} Telecom Site ${district}-${random.int(100, 999)}`;
    case "government": return `${random.pick(GOVERNMENT_KINDS)} ${district}`;
    default: return district;
  }
}
