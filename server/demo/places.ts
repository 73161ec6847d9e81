import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../../db/client";

/** A meter as the demo feed needs it: every identifier a source may name it by. */
export interface DemoMeter {
  meterNumber: string;
  assetMrid: string | null;
  usagePointMrid: string | null;
  onuId: number | null;
  onuSerial: string | null;
  phone: string | null;
  address: string | null;
  powerOn: boolean;
  lat: number | null;
  lng: number | null;
}

/** A distribution point (transformer) and the meters it feeds. */
export interface DemoPoint {
  dpCode: string;
  lat: number | null;
  lng: number | null;
  meters: DemoMeter[];
}

/** A feeder with its SCADA codes and its points: the place a scenario is planned on. */
export interface DemoFeeder {
  feederCode: string;
  substationCode: string;
  mainStationId: string | null;
  energized: boolean;
  points: DemoPoint[];
}

export type FeederRef = Omit<DemoFeeder, "points">;

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Feeders that have meters, in code order so a seeded choice is repeatable. Read-only. */
export async function listFeeders(db: Db): Promise<FeederRef[]> {
  const rows = await queryRows<{ feeder_code: string; substation_code: string; main_station_id: string | null; status: string; breaker_state: string }>(db, sql`
    SELECT f.feeder_id AS feeder_code, s.substation_id AS substation_code, s.main_station_id, f.status, f.breaker_state
    FROM network_feeders f JOIN network_substations s ON s.id = f.substation_id
    WHERE EXISTS (SELECT 1 FROM oms_meters m WHERE m.feeder_id = f.id)
    ORDER BY f.feeder_id`);
  return rows.map((r) => ({
    feederCode: r.feeder_code,
    substationCode: r.substation_code,
    mainStationId: r.main_station_id,
    energized: r.status === "energized" && r.breaker_state === "closed",
  }));
}

interface MeterRow {
  meter_number: string; asset_mrid: string | null; usage_point_mrid: string | null; onu_id: unknown; onu_serial_no: string | null;
  power_status: string; phone: string | null; address: string | null; lat: unknown; lng: unknown;
  dp_code: string; dp_lat: unknown; dp_lng: unknown;
}

/** The feeder's points and meters (with customer phone, address and ONU). Read-only. */
export async function loadFeeder(db: Db, feeder: FeederRef): Promise<DemoFeeder> {
  const rows = await queryRows<MeterRow>(db, sql`
    SELECT m.meter_number, m.asset_mrid, m.usage_point_mrid, m.onu_id, o.onu_serial_no, m.power_status,
      c.phone, c.address, m.location_lat AS lat, m.location_lng AS lng,
      d.dp_id AS dp_code, d.location_lat AS dp_lat, d.location_lng AS dp_lng
    FROM oms_meters m
    JOIN network_feeders f ON f.id = m.feeder_id
    JOIN network_distribution_points d ON d.id = m.dp_id
    LEFT JOIN oms_customers c ON c.id = m.customer_id
    LEFT JOIN oms_onu_devices o ON o.onu_id = m.onu_id
    WHERE f.feeder_id = ${feeder.feederCode} AND m.status = 'active'
    ORDER BY d.dp_id, m.meter_number`);
  const points = new Map<string, DemoPoint>();
  for (const r of rows) {
    let point = points.get(r.dp_code);
    if (!point) points.set(r.dp_code, (point = { dpCode: r.dp_code, lat: num(r.dp_lat), lng: num(r.dp_lng), meters: [] }));
    point.meters.push({
      meterNumber: r.meter_number,
      assetMrid: r.asset_mrid,
      usagePointMrid: r.usage_point_mrid,
      onuId: num(r.onu_id),
      onuSerial: r.onu_serial_no,
      phone: r.phone,
      address: r.address,
      powerOn: r.power_status === "on",
      lat: num(r.lat),
      lng: num(r.lng),
    });
  }
  return { ...feeder, points: [...points.values()] };
}
