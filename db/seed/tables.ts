import type {
  CrewRow, CustomerRow, DistributionPointRow, FeederRow, GeneratedNetwork, MeterRow, OnuDeviceRow,
  Segment, SubstationRow,
} from "./types";

/**
 * How each generated row maps onto its table. Every column travels as one array parameter and
 * rows are rebuilt with `unnest`, so a batch of thousands of rows costs a dozen parameters
 * (PGlite and node-postgres cap parameters per statement) and no per-row SQL text.
 */
export interface ColumnSpec<R> {
  name: string;
  /** PostgreSQL element type of the array parameter. */
  type: "int4" | "int8" | "float8" | "text" | "bool";
  value: (row: R) => string | number | boolean | null;
  /** Expression over the unnested column (named as the column) when it is not stored as sent. */
  select?: string;
}

export interface TableSpec<R> {
  table: string;
  stage: string;
  rows: (network: GeneratedNetwork) => R[];
  columns: ColumnSpec<R>[];
}

const located = <R extends { locationLat: number; locationLng: number }>(): ColumnSpec<R>[] => [
  { name: "location_lat", type: "float8", value: (r) => r.locationLat },
  { name: "location_lng", type: "float8", value: (r) => r.locationLng },
];

function routeWkt(route: Segment[]): string | null {
  if (route.length === 0) return null;
  return `MULTILINESTRING(${route.map(([[x1, y1], [x2, y2]]) => `(${x1} ${y1},${x2} ${y2})`).join(",")})`;
}

const substations: TableSpec<SubstationRow> = {
  table: "network_substations",
  stage: "substations",
  rows: (n) => n.substations,
  columns: [
    { name: "id", type: "int4", value: (r) => r.id },
    { name: "substation_id", type: "text", value: (r) => r.substationId },
    { name: "name", type: "text", value: (r) => r.name },
    { name: "main_station_id", type: "text", value: (r) => r.mainStationId },
    { name: "capacity_mva", type: "float8", value: (r) => r.capacityMva },
    ...located<SubstationRow>(),
  ],
};

const feeders: TableSpec<FeederRow> = {
  table: "network_feeders",
  stage: "feeders",
  rows: (n) => n.feeders,
  columns: [
    { name: "id", type: "int4", value: (r) => r.id },
    { name: "feeder_id", type: "text", value: (r) => r.feederId },
    { name: "substation_id", type: "int4", value: (r) => r.substationId },
    { name: "name", type: "text", value: (r) => r.name },
    { name: "capacity_mva", type: "float8", value: (r) => r.capacityMva },
    { name: "route", type: "text", value: (r) => routeWkt(r.route), select: "ST_GeomFromText(route, 4326)" },
  ],
};

const distributionPoints: TableSpec<DistributionPointRow> = {
  table: "network_distribution_points",
  stage: "distribution points",
  rows: (n) => n.distributionPoints,
  columns: [
    { name: "id", type: "int4", value: (r) => r.id },
    { name: "dp_id", type: "text", value: (r) => r.dpId },
    { name: "feeder_id", type: "int4", value: (r) => r.feederId },
    { name: "parent_dp_id", type: "int4", value: (r) => r.parentDpId },
    { name: "name", type: "text", value: (r) => r.name },
    { name: "building_id", type: "text", value: (r) => r.buildingId },
    { name: "transformer_kva", type: "int4", value: (r) => r.transformerKva },
    ...located<DistributionPointRow>(),
  ],
};

const customers: TableSpec<CustomerRow> = {
  table: "oms_customers",
  stage: "customers",
  rows: (n) => n.customers,
  columns: [
    { name: "id", type: "int4", value: (r) => r.id },
    { name: "customer_id", type: "text", value: (r) => r.customerId },
    { name: "name", type: "text", value: (r) => r.name },
    { name: "phone", type: "text", value: (r) => r.phone },
    { name: "email", type: "text", value: (r) => r.email },
    { name: "address", type: "text", value: (r) => r.address },
    { name: "is_critical", type: "bool", value: (r) => r.isCritical },
    { name: "critical_type", type: "text", value: (r) => r.criticalType },
    ...located<CustomerRow>(),
  ],
};

const onuDevices: TableSpec<OnuDeviceRow> = {
  table: "oms_onu_devices",
  stage: "ONU devices",
  rows: (n) => n.onuDevices,
  columns: [
    { name: "id", type: "int4", value: (r) => r.id },
    { name: "onu_id", type: "int8", value: (r) => r.onuId },
    { name: "onu_serial_no", type: "text", value: (r) => r.onuSerialNo },
    { name: "customer_id", type: "int4", value: (r) => r.customerId },
    ...located<OnuDeviceRow>(),
  ],
};

const meters: TableSpec<MeterRow> = {
  table: "oms_meters",
  stage: "meters",
  rows: (n) => n.meters,
  columns: [
    { name: "id", type: "int4", value: (r) => r.id },
    { name: "meter_number", type: "text", value: (r) => r.meterNumber },
    { name: "customer_id", type: "int4", value: (r) => r.customerId },
    { name: "dp_id", type: "int4", value: (r) => r.dpId },
    { name: "feeder_id", type: "int4", value: (r) => r.feederId },
    { name: "substation_id", type: "int4", value: (r) => r.substationId },
    { name: "asset_mrid", type: "text", value: (r) => r.assetMrid },
    { name: "usage_point_mrid", type: "text", value: (r) => r.usagePointMrid },
    { name: "onu_id", type: "int8", value: (r) => r.onuId },
    ...located<MeterRow>(),
  ],
};

const crews: TableSpec<CrewRow> = {
  table: "oms_crews",
  stage: "crews",
  rows: (n) => n.crews,
  columns: [
    { name: "id", type: "int4", value: (r) => r.id },
    { name: "crew_id", type: "text", value: (r) => r.crewId },
    { name: "name", type: "text", value: (r) => r.name },
    { name: "phone", type: "text", value: (r) => r.phone },
    { name: "size", type: "int4", value: (r) => r.size },
    { name: "home_depot", type: "text", value: (r) => r.homeDepot },
    { name: "depot_lat", type: "float8", value: (r) => r.depotLat },
    { name: "depot_lng", type: "float8", value: (r) => r.depotLng },
    // A crew starts the day at its depot.
    { name: "location_lat", type: "float8", value: (r) => r.depotLat },
    { name: "location_lng", type: "float8", value: (r) => r.depotLng },
  ],
};

/** In foreign-key order: a table only refers to tables above it. */
export const NETWORK_TABLES = [
  substations, feeders, distributionPoints, customers, onuDevices, meters, crews,
] as TableSpec<unknown>[];
