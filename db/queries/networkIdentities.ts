import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../client";
import { networkModelVersion } from "../schema";

/** What a signal's meter identifiers name: each kind of identifier to a meter id. */
export interface MeterKeys {
  byNumber: ReadonlyMap<string, number>;
  byAsset: ReadonlyMap<string, number>;
  byUsagePoint: ReadonlyMap<string, number>;
  /** Only ids JavaScript holds exactly (safe integers); others are looked up in SQL. */
  byOnuId: ReadonlyMap<number, number>;
  byOnuSerial: ReadonlyMap<string, number>;
  /** A customer's phone as its digits only, exactly as stored (not normalised). */
  byPhone: ReadonlyMap<string, number>;
}

/** What SCADA's codes name: feeders (with their substation) and substations. */
export interface DeviceKeys {
  feeders: ReadonlyMap<string, { id: number; substationId: number }>;
  substations: ReadonlyMap<string, number>;
}

/**
 * Each meter's substation: where a signal will be correlated, known before its pass (the
 * ingestion lanes of server/ingest/service.ts group by it; a hint, never a decision).
 */
export type SubstationOfMeter = ReadonlyMap<number, number>;

export interface NetworkKeys { meters: MeterKeys; devices: DeviceKeys; substationOfMeter: SubstationOfMeter }

/** The network model's current token (migration 0011), or null if its row is gone. */
export async function networkModelToken(db: DbOrTx): Promise<string | null> {
  const [row] = await db.select({ token: networkModelVersion.token }).from(networkModelVersion);
  return row?.token ?? null;
}

export interface IdentifierRows {
  meters: { id: number; num: string; asset: string | null; up: string | null; onu: string | null; customer: number | null; sub: number | null }[];
  /** Phones as their digits only. */
  customers: { id: number; phone: string }[];
  onus: { onu: string; serial: string }[];
  feeders: { id: number; code: string; substationId: number }[];
  substations: { id: number; code: string }[];
}

type Meter = IdentifierRows["meters"][number];
type Customer = IdentifierRows["customers"][number];
type Onu = IdentifierRows["onus"][number];

/** Every identifier of the network model: one set-based read per table, no join or sort. */
export async function loadNetworkKeys(db: DbOrTx): Promise<NetworkKeys> {
  // One after another: a transaction has a single connection.
  const meters = await queryRows<Meter>(db, sql`
    SELECT id, meter_number AS num, asset_mrid AS asset, usage_point_mrid AS up, onu_id::text AS onu, customer_id AS customer, substation_id AS sub FROM oms_meters`);
  // Digits as PostgreSQL's \D strips them, which is what the SQL lookup compares.
  const customers = await queryRows<Customer>(db, sql`
    SELECT id, regexp_replace(phone, '\\D', '', 'g') AS phone FROM oms_customers WHERE phone IS NOT NULL`);
  const onus = await queryRows<Onu>(db, sql`SELECT onu_id::text AS onu, onu_serial_no AS serial FROM oms_onu_devices`);
  const feeders = await queryRows<IdentifierRows["feeders"][number]>(db, sql`
    SELECT id, feeder_id AS code, substation_id AS "substationId" FROM network_feeders`);
  const substations = await queryRows<IdentifierRows["substations"][number]>(db, sql`SELECT id, substation_id AS code FROM network_substations`);
  return buildNetworkKeys({ meters, customers, onus, feeders, substations });
}

/**
 * The maps, joined here. Where an identifier names several meters, the one the SQL lookup of
 * server/ingest/placement.ts orders last wins: for an ONU serving several meters the highest
 * meter id; for a phone that customers share, or a customer with several meters, the highest
 * customer id, then its highest meter id.
 */
export async function buildNetworkKeys(rows: IdentifierRows): Promise<NetworkKeys> {
  const { meters } = rows;
  const phoneOf = await fill<Customer, number, string>(rows.customers, (m, c) => m.set(c.id, c.phone));
  const phoneOfMeter = (r: Meter) => (r.customer === null ? undefined : phoneOf.get(r.customer));
  const customerOfPhone = await fill<Meter, string, number>(meters, (m, r) => {
    const phone = phoneOfMeter(r);
    if (phone !== undefined && !((m.get(phone) ?? -1) > r.customer!)) m.set(phone, r.customer!);
  });
  const byPhone = await fill<Meter, string, number>(meters, (m, r) => {
    const phone = phoneOfMeter(r);
    if (phone !== undefined && customerOfPhone.get(phone) === r.customer && !((m.get(phone) ?? -1) > r.id)) m.set(phone, r.id);
  });
  // int8 as PostgreSQL writes it, so that ids past 2^53 stay distinct.
  const byOnuText = await fill<Meter, string, number>(meters, (m, r) => {
    if (r.onu !== null && !((m.get(r.onu) ?? -1) > r.id)) m.set(r.onu, r.id);
  });
  return {
    meters: {
      byNumber: await fill<Meter, string, number>(meters, (m, r) => m.set(r.num, r.id)),
      byAsset: await fill<Meter, string, number>(meters, (m, r) => r.asset !== null && m.set(r.asset, r.id)),
      byUsagePoint: await fill<Meter, string, number>(meters, (m, r) => r.up !== null && m.set(r.up, r.id)),
      byOnuId: await fill<[string, number], number, number>([...byOnuText], (m, [onu, id]) => Number.isSafeInteger(Number(onu)) && m.set(Number(onu), id)),
      byOnuSerial: await fill<Onu, string, number>(rows.onus, (m, r) => {
        const id = byOnuText.get(r.onu);
        if (id !== undefined) m.set(r.serial, id);
      }),
      byPhone,
    },
    devices: {
      feeders: new Map(rows.feeders.map((r) => [r.code, { id: r.id, substationId: r.substationId }])),
      substations: new Map(rows.substations.map((r) => [r.code, r.id])),
    },
    substationOfMeter: await fill<Meter, number, number>(meters, (m, r) => r.sub !== null && m.set(r.id, r.sub)),
  };
}

/**
 * A map filled a slice of rows at a time, one map after another: a 200,000-meter model built in
 * one go held the event loop for ~0.3 s on a busy machine, most of it several maps growing
 * (rehashing every entry) at the same row.
 */
async function fill<T, K, V>(items: T[], put: (map: Map<K, V>, item: T) => unknown): Promise<Map<K, V>> {
  const map = new Map<K, V>();
  for (let i = 0; i < items.length; i++) {
    if (i % SLICE === SLICE - 1) await new Promise<void>((resolve) => setImmediate(resolve));
    put(map, items[i]);
  }
  return map;
}
const SLICE = 5_000;
