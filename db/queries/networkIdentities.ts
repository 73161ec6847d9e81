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

export interface NetworkKeys { meters: MeterKeys; devices: DeviceKeys }

/** The network model's current token (migration 0011), or null if its row is gone. */
export async function networkModelToken(db: DbOrTx): Promise<string | null> {
  const [row] = await db.select({ token: networkModelVersion.token }).from(networkModelVersion);
  return row?.token ?? null;
}

/**
 * Every identifier of the network model, one set-based read per table, joined here rather than
 * in SQL (no join or sort over every meter in the database). Where an identifier names several
 * meters, the one the SQL lookup of server/ingest/placement.ts orders last wins: for an ONU
 * serving several meters the highest meter id; for a phone that customers share, or a customer
 * with several meters, the highest customer id, then its highest meter id.
 */
export async function loadNetworkKeys(db: DbOrTx): Promise<NetworkKeys> {
  // One after another: a transaction has a single connection.
  const meterRows = await queryRows<{ id: number; num: string; asset: string | null; up: string | null; onu: string | null; customer: number | null }>(db, sql`
    SELECT id, meter_number AS num, asset_mrid AS asset, usage_point_mrid AS up, onu_id::text AS onu, customer_id AS customer FROM oms_meters`);
  // Digits as PostgreSQL's \D strips them, which is what the SQL lookup compares.
  const customerRows = await queryRows<{ id: number; phone: string }>(db, sql`
    SELECT id, regexp_replace(phone, '\\D', '', 'g') AS phone FROM oms_customers WHERE phone IS NOT NULL`);
  const onuRows = await queryRows<{ onu: string; serial: string }>(db, sql`SELECT onu_id::text AS onu, onu_serial_no AS serial FROM oms_onu_devices`);
  const feederRows = await queryRows<{ id: number; code: string; substationId: number }>(db, sql`
    SELECT id, feeder_id AS code, substation_id AS "substationId" FROM network_feeders`);
  const substationRows = await queryRows<{ id: number; code: string }>(db, sql`SELECT id, substation_id AS code FROM network_substations`);

  const phoneOf = new Map(customerRows.map((c) => [c.id, c.phone]));
  const byNumber = new Map<string, number>();
  const byAsset = new Map<string, number>();
  const byUsagePoint = new Map<string, number>();
  // int8 as PostgreSQL writes it, so that ids past 2^53 stay distinct.
  const byOnuText = new Map<string, number>();
  const phoneWinner = new Map<string, { customer: number; meter: number }>();
  for (const r of meterRows) {
    byNumber.set(r.num, r.id);
    if (r.asset !== null) byAsset.set(r.asset, r.id);
    if (r.up !== null) byUsagePoint.set(r.up, r.id);
    if (r.onu !== null && !((byOnuText.get(r.onu) ?? -1) > r.id)) byOnuText.set(r.onu, r.id);
    const phone = r.customer === null ? undefined : phoneOf.get(r.customer);
    if (phone === undefined) continue;
    const best = phoneWinner.get(phone);
    if (!best || best.customer < r.customer! || (best.customer === r.customer && best.meter < r.id)) phoneWinner.set(phone, { customer: r.customer!, meter: r.id });
  }
  const byOnuId = new Map<number, number>();
  for (const [onu, id] of byOnuText) if (Number.isSafeInteger(Number(onu))) byOnuId.set(Number(onu), id);
  const byOnuSerial = new Map<string, number>();
  for (const r of onuRows) {
    const id = byOnuText.get(r.onu);
    if (id !== undefined) byOnuSerial.set(r.serial, id);
  }
  return {
    meters: { byNumber, byAsset, byUsagePoint, byOnuId, byOnuSerial, byPhone: new Map([...phoneWinner].map(([phone, w]) => [phone, w.meter])) },
    devices: {
      feeders: new Map(feederRows.map((r) => [r.code, { id: r.id, substationId: r.substationId }])),
      substations: new Map(substationRows.map((r) => [r.code, r.id])),
    },
  };
}
