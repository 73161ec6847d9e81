import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../../db/client";
import { nearestDistributionPoint } from "../../db/queries/network";
import type { DeviceKeys, MeterKeys, NetworkKeys } from "../../db/queries/networkIdentities";
import { arrayParam } from "../../db/arrays";
import { networkIdentities, type NetworkIdentities } from "./networkIdentities";
import type { Signal } from "./signal";
import type { Placement, PlacedSignal } from "../pipeline/types";

const jsonArray = (values: unknown[]) => sql`ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))`;

/** Jordanian numbers in any common spelling (+962 7…, 00962 7…, 07…) to digits with the country code. */
export function normalisePhone(phone: string): string | null {
  let digits = phone.replace(/\D/g, "");
  if (digits.startsWith("00")) digits = digits.slice(2);
  if (digits.startsWith("0")) digits = `962${digits.slice(1)}`;
  if (digits.length === 9 && digits.startsWith("7")) digits = `962${digits}`;
  return digits.length >= 11 ? digits : null;
}

export interface PlaceOptions {
  /**
   * Where identifiers are looked up: an in-memory copy of the network model's identifiers (the
   * process's by default), or "sql" for indexed queries per batch, as every batch did before the
   * copy (tests compare the two).
   */
  identities?: NetworkIdentities | "sql";
}

/**
 * Stage 1, enrichment: resolve each signal's meter from whatever identifier it carries (meter
 * number, Kaifa asset or usage-point mRID, ONU id or serial, the caller's phone), a SCADA
 * device from its codes, or, for a signal with only a location, the nearest distribution point
 * within the active rule's radius. What cannot be placed is kept as unmatched, with why.
 */
export async function placeSignals(db: DbOrTx, signals: Signal[], radiusMeters: number, options: PlaceOptions = {}): Promise<PlacedSignal[]> {
  return (await placeWithKeys(db, signals, radiusMeters, options)).placed;
}

/**
 * placeSignals, with the in-memory copy of the network model's identifiers it placed them by
 * (null when SQL placed them): the same model tells each meter's and feeder's substation.
 * Its first statement is sent before it returns; `radius` (the rule's) may still be on its way.
 */
export async function placeWithKeys(db: DbOrTx, signals: Signal[], radius: number | Promise<number>, options: PlaceOptions = {}): Promise<{ placed: PlacedSignal[]; keys: NetworkKeys | null }> {
  // Awaited below, unless the look-up fails first (a connection cut mid-pass): its failure is
  // then the pass's, and the radius's own must not end the process as an unhandled rejection.
  if (radius instanceof Promise) radius.catch(() => {});
  const keys = await lookUp(db, signals, options.identities ?? networkIdentities);
  // (A radius still being read was sent before this: it is in by now.)
  const radiusMeters = await radius;
  const placed: PlacedSignal[] = [];
  for (const signal of signals) placed.push({ signal, placement: await place(db, signal, keys.meters, keys.devices, radiusMeters) });
  return { placed, keys: "substationOfMeter" in keys ? keys : null };
}

/**
 * The in-memory copy answers unless the batch names something only SQL can compare exactly
 * (see `exactInMemory`), the copy is being loaded by another batch, or SQL was asked for.
 */
async function lookUp(db: DbOrTx, signals: Signal[], identities: NetworkIdentities | "sql"): Promise<NetworkKeys | Pick<NetworkKeys, "meters" | "devices">> {
  if (identities !== "sql" && signals.some(namesAnything) && signals.every(exactInMemory)) {
    const keys = await identities.current(db);
    if (keys) return keys;
  }
  return { meters: await resolveMeters(db, signals), devices: await resolveDevices(db, signals) };
}

const namesAnything = (s: Signal) => !!s.device || (!!s.meter && Object.values(s.meter).some((v) => v !== undefined)) || !!s.associatedMeterNumbers?.length;

/**
 * A text PostgreSQL cannot hold (a NUL, a lone UTF-16 surrogate, which the driver sends as
 * U+FFFD) or an ONU id past 2^53 (which int8 compares as written, not as JavaScript rounds it)
 * goes to SQL, so that it fails or matches exactly as it always has.
 */
function exactInMemory(s: Signal): boolean {
  const m = s.meter ?? {};
  const texts = [m.meterNumber, m.assetMrid, m.usagePointMrid, m.onuSerial, s.device?.feederCode, s.device?.substationCode, ...(s.associatedMeterNumbers ?? [])];
  return texts.every((t) => !t || !UNSTORABLE.test(t)) && (m.onuId === undefined || Number.isSafeInteger(m.onuId));
}
const UNSTORABLE = /\0|\p{Cs}/u;

async function place(db: DbOrTx, s: Signal, k: MeterKeys, devices: DeviceKeys, radiusMeters: number): Promise<Placement> {
  if (s.device) {
    // A SCADA event names the device that operated. If it names a feeder we do not know, or one
    // that is not on the named substation, it is not placed: falling back to the substation
    // would darken every customer of it on the dispatcher's map.
    const { feederCode, substationCode } = s.device;
    const named = `substation ${substationCode ?? "—"}, feeder ${feederCode ?? "—"}`;
    if (feederCode) {
      const feeder = devices.feeders.get(feederCode);
      if (!feeder) return { level: "unmatched", reason: `unknown SCADA feeder ${feederCode} (${named})` };
      if (substationCode && devices.substations.get(substationCode) !== feeder.substationId) {
        return { level: "unmatched", reason: `feeder ${feederCode} is not on substation ${substationCode} in the network model` };
      }
      return { level: "feeder", feederId: feeder.id };
    }
    const substationId = substationCode ? devices.substations.get(substationCode) : undefined;
    if (substationId) return { level: "substation", substationId };
    return { level: "unmatched", reason: `unknown SCADA device (${named})` };
  }
  const ids = new Set<number>();
  const m = s.meter ?? {};
  const add = (id: number | undefined) => id !== undefined && ids.add(id);
  if (m.meterNumber) add(k.byNumber.get(m.meterNumber) ?? k.byAsset.get(m.meterNumber));
  if (m.assetMrid) add(k.byAsset.get(m.assetMrid) ?? k.byNumber.get(m.assetMrid));
  if (m.usagePointMrid) add(k.byUsagePoint.get(m.usagePointMrid));
  if (m.onuId !== undefined) add(k.byOnuId.get(m.onuId));
  if (m.onuSerial) add(k.byOnuSerial.get(m.onuSerial));
  for (const n of s.associatedMeterNumbers ?? []) add(k.byNumber.get(n));
  if (ids.size === 0 && m.phone) {
    const phone = normalisePhone(m.phone);
    if (phone) add(k.byPhone.get(phone));
  }
  if (ids.size > 0) return { level: "meter", meterIds: [...ids] };
  if (s.location) {
    const dp = await nearestDistributionPoint(db, { lat: s.location.lat, lng: s.location.lng, radiusMeters });
    if (dp) return { level: "distribution_point", dpId: dp.id };
    return { level: "unmatched", reason: `no distribution point within ${radiusMeters} m of ${s.location.lat}, ${s.location.lng}` };
  }
  const named = Object.entries(m).filter(([, v]) => v !== undefined).map(([key, v]) => `${key} ${v}`).join(", ");
  return { level: "unmatched", reason: named ? `unknown meter (${named})` : "no meter, device or location to place it by" };
}

/**
 * The substation a signal will most likely be correlated in, from the model in memory, without
 * the database: the first signal that names a known meter or SCADA device decides. Undefined
 * for one placed only by its location, or naming nothing known. A hint (see splitByLane in
 * service.ts), never a placement.
 */
export function substationHint(keys: NetworkKeys, signals: Signal[]): number | undefined {
  for (const s of signals) {
    if (s.device) {
      const { feederCode, substationCode } = s.device;
      const sub = (feederCode ? keys.devices.feeders.get(feederCode)?.substationId : undefined) ?? (substationCode ? keys.devices.substations.get(substationCode) : undefined);
      if (sub !== undefined) return sub;
      continue;
    }
    const k = keys.meters;
    const m = s.meter ?? {};
    const phone = m.phone ? normalisePhone(m.phone) : null;
    const meterId = (m.meterNumber ? k.byNumber.get(m.meterNumber) ?? k.byAsset.get(m.meterNumber) : undefined)
      ?? (m.assetMrid ? k.byAsset.get(m.assetMrid) ?? k.byNumber.get(m.assetMrid) : undefined)
      ?? (m.usagePointMrid ? k.byUsagePoint.get(m.usagePointMrid) : undefined)
      ?? (m.onuId !== undefined ? k.byOnuId.get(m.onuId) : undefined)
      ?? (m.onuSerial ? k.byOnuSerial.get(m.onuSerial) : undefined)
      ?? (s.associatedMeterNumbers ?? []).map((n) => k.byNumber.get(n)).find((id) => id !== undefined)
      ?? (phone ? k.byPhone.get(phone) : undefined);
    const sub = meterId === undefined ? undefined : keys.substationOfMeter.get(meterId);
    if (sub !== undefined) return sub;
  }
  return undefined;
}

/** The SQL lookup: only the identifiers this batch names; the maps hold exactly what they match. */
async function resolveMeters(db: DbOrTx, signals: Signal[]): Promise<MeterKeys> {
  const texts = new Set<string>();
  const onuIds = new Set<number>();
  const phones = new Set<string>();
  for (const s of signals) {
    const m = s.meter ?? {};
    for (const v of [m.meterNumber, m.assetMrid, m.usagePointMrid, m.onuSerial, ...(s.associatedMeterNumbers ?? [])]) if (v) texts.add(v);
    if (m.onuId !== undefined) onuIds.add(m.onuId);
    const phone = m.phone ? normalisePhone(m.phone) : null;
    if (phone) phones.add(phone);
  }
  const keys = { byNumber: new Map<string, number>(), byAsset: new Map<string, number>(), byUsagePoint: new Map<string, number>(), byOnuId: new Map<number, number>(), byOnuSerial: new Map<string, number>(), byPhone: new Map<string, number>() };
  if (texts.size + onuIds.size > 0) {
    // One indexed lookup per identifier kind, united: an OR across columns would scan every meter.
    // Ordered so that where an ONU serves several meters the last, the highest id, wins, as the
    // in-memory copy (db/queries/networkIdentities.ts) picks; unordered it was the plan's choice.
    const t = arrayParam([...texts], "text");
    const rows = await queryRows<{ id: number; num: string; asset: string | null; up: string | null; onu: number | string | null; serial: string | null }>(db, sql`
      SELECT m.id, m.meter_number AS num, m.asset_mrid AS asset, m.usage_point_mrid AS up, m.onu_id AS onu, o.onu_serial_no AS serial
      FROM oms_meters m LEFT JOIN oms_onu_devices o ON o.onu_id = m.onu_id
      WHERE m.id IN (
        SELECT id FROM oms_meters WHERE meter_number = ANY(${t})
        UNION SELECT id FROM oms_meters WHERE asset_mrid = ANY(${t})
        UNION SELECT id FROM oms_meters WHERE usage_point_mrid = ANY(${t})
        UNION SELECT mm.id FROM oms_onu_devices od JOIN oms_meters mm ON mm.onu_id = od.onu_id WHERE od.onu_serial_no = ANY(${t})
        UNION SELECT id FROM oms_meters WHERE onu_id = ANY(${arrayParam([...onuIds], "int8")}))
      ORDER BY m.id`);
    for (const r of rows) {
      keys.byNumber.set(r.num, r.id);
      if (r.asset) keys.byAsset.set(r.asset, r.id);
      if (r.up) keys.byUsagePoint.set(r.up, r.id);
      if (r.onu !== null) keys.byOnuId.set(Number(r.onu), r.id);
      if (r.serial) keys.byOnuSerial.set(r.serial, r.id);
    }
  }
  if (phones.size > 0) {
    // Phones are stored as +9627XXXXXXXX; compare digits only. A phone shared by customers, or a
    // customer with several meters, names the last row. Unordered, that row was the plan's
    // choice (the newest customer once the tables have statistics, the oldest on a table just
    // loaded); ordered, it is the newest customer, then its newest meter: a recycled mobile
    // number most likely belongs to whoever gave it last.
    const rows = await queryRows<{ id: number; phone: string }>(db, sql`
      SELECT m.id, regexp_replace(c.phone, '\\D', '', 'g') AS phone FROM oms_customers c JOIN oms_meters m ON m.customer_id = c.id
      WHERE regexp_replace(c.phone, '\\D', '', 'g') = ANY(${jsonArray([...phones])})
      ORDER BY c.id, m.id`);
    for (const r of rows) keys.byPhone.set(r.phone, r.id);
  }
  return keys;
}

async function resolveDevices(db: DbOrTx, signals: Signal[]): Promise<DeviceKeys> {
  const feederCodes = signals.map((s) => s.device?.feederCode).filter((c): c is string => !!c);
  const substationCodes = signals.map((s) => s.device?.substationCode).filter((c): c is string => !!c);
  const feeders = new Map<string, { id: number; substationId: number }>();
  const substations = new Map<string, number>();
  if (feederCodes.length) {
    for (const r of await queryRows<{ id: number; code: string; substationId: number }>(db, sql`
      SELECT id, feeder_id AS code, substation_id AS "substationId" FROM network_feeders WHERE feeder_id = ANY(${jsonArray(feederCodes)})`)) {
      feeders.set(r.code, { id: r.id, substationId: r.substationId });
    }
  }
  if (substationCodes.length) {
    for (const r of await queryRows<{ id: number; code: string }>(db, sql`SELECT id, substation_id AS code FROM network_substations WHERE substation_id = ANY(${jsonArray(substationCodes)})`)) substations.set(r.code, r.id);
  }
  return { feeders, substations };
}
