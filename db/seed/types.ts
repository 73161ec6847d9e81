/**
 * Plain rows produced by the network generator. Ids are explicit (1..n per table) so the loader
 * can insert parents and children in bulk without reading ids back.
 */

export interface NetworkSizeOptions {
  /** PRNG seed; the same options always give the same network. Default 1. */
  seed?: number;
  meters: number;
  distributionPoints?: number;
  feeders?: number;
  substations?: number;
  crews?: number;
}

export interface NetworkSizes {
  seed: number;
  meters: number;
  distributionPoints: number;
  feeders: number;
  substations: number;
  crews: number;
}

export interface SubstationRow {
  id: number;
  substationId: string;
  name: string;
  /** The district the substation serves; customer addresses and crew depots use it. */
  district: string;
  mainStationId: string;
  capacityMva: number;
  locationLat: number;
  locationLng: number;
}

/** One line segment of a feeder: [[lng, lat], [lng, lat]], GeoJSON order. */
export type Segment = [[number, number], [number, number]];

export interface FeederRow {
  id: number;
  feederId: string;
  substationId: number;
  name: string;
  capacityMva: number;
  /** Substation → first point and every parent → child edge: the feeder's radial tree. */
  route: Segment[];
}

export interface DistributionPointRow {
  id: number;
  dpId: string;
  feederId: number;
  /** null: fed straight from the substation breaker. */
  parentDpId: number | null;
  name: string;
  buildingId: string | null;
  transformerKva: number;
  locationLat: number;
  locationLng: number;
}

export type CriticalType = "hospital" | "life_support" | "water_pumping" | "telecom" | "government";

export interface CustomerRow {
  id: number;
  customerId: string;
  name: string;
  phone: string;
  email: string | null;
  address: string;
  isCritical: boolean;
  criticalType: CriticalType | null;
  locationLat: number;
  locationLng: number;
}

export interface OnuDeviceRow {
  id: number;
  onuId: number;
  onuSerialNo: string;
  customerId: number;
  locationLat: number;
  locationLng: number;
}

export interface MeterRow {
  id: number;
  meterNumber: string;
  customerId: number;
  dpId: number;
  feederId: number;
  substationId: number;
  assetMrid: string;
  usagePointMrid: string;
  onuId: number | null;
  locationLat: number;
  locationLng: number;
}

export interface CrewRow {
  id: number;
  crewId: string;
  name: string;
  phone: string;
  size: number;
  homeDepot: string;
  depotLat: number;
  depotLng: number;
}

export interface GeneratedNetwork {
  sizes: NetworkSizes;
  substations: SubstationRow[];
  feeders: FeederRow[];
  distributionPoints: DistributionPointRow[];
  customers: CustomerRow[];
  onuDevices: OnuDeviceRow[];
  meters: MeterRow[];
  crews: CrewRow[];
}
