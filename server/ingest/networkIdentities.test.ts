import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, runtimeName } from "../../tests/helpers/db";
import { queryRows, sql, type Db, type DbHandle } from "../../db/client";
import { networkModelToken } from "../../db/queries/networkIdentities";
import { generateNetwork } from "../../db/seed/generate";
import { loadNetwork, resetNetwork } from "../../db/seed/load";
import { NetworkIdentities } from "./networkIdentities";
import { placeSignals } from "./placement";
import type { DeviceRef, MeterRef, Signal } from "./signal";

const RADIUS = 300;
interface MeterRow { id: number; num: string; asset: string | null; up: string | null; onu: string | null; serial: string | null; phone: string | null }

let counter = 0;
const signal = (meter: MeterRef | undefined, more: Partial<Signal> = {}): Signal => ({
  sourceType: "kaifa", sourceEventId: `e${++counter}`, kind: "power_off", occurredAt: new Date(0), meter, attributes: {}, ...more,
});
const scada = (device: DeviceRef) => signal(undefined, { sourceType: "scada", device });

/** Every way a signal can name a meter, for each of these meters, plus identifiers nobody has. */
function signalsNaming(meters: MeterRow[]): Signal[] {
  const out: Signal[] = [];
  for (const [i, m] of meters.entries()) {
    const other = meters[(i + 1) % meters.length];
    out.push(signal({ meterNumber: m.num }), signal({ assetMrid: m.asset ?? undefined, usagePointMrid: m.up ?? undefined }));
    if (m.asset) out.push(signal({ meterNumber: m.asset }), signal({ assetMrid: m.asset }));
    if (m.up) out.push(signal({ usagePointMrid: m.up }));
    if (m.onu && Number.isSafeInteger(Number(m.onu))) out.push(signal({ onuId: Number(m.onu) }), signal({ onuSerial: m.serial ?? undefined, onuId: Number(m.onu) }), signal({ onuSerial: m.serial ?? undefined }));
    out.push(signal({ meterNumber: m.num, assetMrid: other.asset ?? undefined }), signal({ assetMrid: m.num }));
    out.push(signal({ onuSerial: "48575443FFFFFFFF" }, { associatedMeterNumbers: [m.num, other.num, "M-NOBODY"] }));
    if (m.phone) {
      const d = m.phone.replace(/\D/g, "");
      for (const spelling of [m.phone, `+${d.slice(0, 3)} ${d.slice(3, 5)} ${d.slice(5, 8)} ${d.slice(8)}`, `00${d}`, `0${d.slice(3)}`, d.slice(3), `+962-${d.slice(3, 4)}-${d.slice(4)}`]) {
        out.push(signal({ phone: spelling }), signal({ phone: spelling, meterNumber: "M-NOBODY" }), signal({ phone: spelling, meterNumber: other.num }));
      }
    }
  }
  out.push(signal({ meterNumber: "M-NOBODY" }), signal({ assetMrid: "no-such-asset" }), signal({ usagePointMrid: "UP-none" }), signal({ onuId: 1 }),
    signal({ onuSerial: "NOPE" }), signal({ phone: "+962 79 000 0000" }), signal({ phone: "12345" }), signal({}), signal(undefined));
  return out;
}

const readMeters = (db: Db, where = sql`TRUE`) => queryRows<MeterRow>(db, sql`
  SELECT m.id, m.meter_number AS num, m.asset_mrid AS asset, m.usage_point_mrid AS up, m.onu_id::text AS onu, o.onu_serial_no AS serial, c.phone
  FROM oms_meters m LEFT JOIN oms_onu_devices o ON o.onu_id = m.onu_id LEFT JOIN oms_customers c ON c.id = m.customer_id
  WHERE ${where} ORDER BY m.id`);

/**
 * The same batch placed from the in-memory copy and by SQL, which must agree exactly; the copy
 * answering with no SQL for identifiers unless the batch holds what it leaves to SQL.
 */
async function placeBoth(db: Db, identities: NetworkIdentities, signals: Signal[], leftToSql = false) {
  expect(await identities.current(db)).not.toBeNull();
  const counted = counting(db);
  const fromMemory = await placeSignals(counted.db, signals, RADIUS, { identities });
  if (!leftToSql && !signals.some((s) => s.location)) expect(counted.executed()).toBe(0);
  const fromSql = await placeSignals(db, signals, RADIUS, { identities: "sql" });
  expect(fromMemory.map((p) => p.placement)).toEqual(fromSql.map((p) => p.placement));
  return fromMemory.map((p) => p.placement);
}

/** The handle with its raw SQL counted: placement from memory must send none for identifiers. */
function counting(db: Db) {
  let executed = 0;
  const proxy = new Proxy(db, {
    get: (target, key) => (key === "execute" ? (...args: Parameters<Db["execute"]>) => (executed++, target.execute(...args)) : Reflect.get(target, key)),
  });
  return { db: proxy, executed: () => executed };
}

describe(`placing signals from the in-memory network identifiers (${runtimeName})`, () => {
  let handle: DbHandle;
  let db: Db;
  const network = generateNetwork({ meters: 1200, seed: 23, substations: 2, feeders: 8, distributionPoints: 120 });
  const identities = new NetworkIdentities();

  beforeAll(async () => {
    handle = await createTestDb();
    db = handle.db;
    await loadNetwork(db, network);
    // The model's awkward corners, beside the generated network.
    const [a, b, , d, e, f, g] = await readMeters(db, sql`m.id IN (10, 20, 30, 40, 50, 60, 70)`);
    const [shared] = await readMeters(db, sql`m.onu_id IS NOT NULL`);
    const spaced = (phone: string) => `${phone.slice(0, 4)} ${phone.slice(4, 6)} ${phone.slice(6, 9)} ${phone.slice(9)}`;
    for (const change of [
      sql`INSERT INTO oms_meters (meter_number, asset_mrid) VALUES (${a.asset}, ${b.num})`, // one's number is another's asset mRID, and back
      sql`INSERT INTO oms_meters (meter_number, onu_id) VALUES ('M-ONU-TWIN', ${shared.onu}::int8)`, // an ONU serving two meters
      sql`INSERT INTO oms_meters (meter_number, customer_id) VALUES ('M-SECOND', 30)`, // a customer with two meters
      sql`UPDATE oms_customers SET phone = ${spaced(d.phone!)} WHERE id = 80`, // customer 40's phone, spelt otherwise
      sql`INSERT INTO oms_meters (meter_number, customer_id) VALUES ('M-40-LATER', 40)`, // the lower customer, the higher meter id
      sql`UPDATE oms_customers SET phone = ${`0${e.phone!.slice(4)}`} WHERE id = 50`, // a phone stored in the local spelling
      sql`UPDATE oms_customers SET phone = NULL WHERE id = 60`,
      sql`UPDATE oms_meters SET status = 'removed', dp_id = NULL WHERE id = ${f.id}`,
      sql`UPDATE oms_meters SET asset_mrid = NULL, usage_point_mrid = NULL WHERE id = ${g.id}`,
      sql`INSERT INTO oms_onu_devices (onu_id, onu_serial_no) VALUES (9007199254740993, 'ONU-PAST-2^53')`,
      sql`INSERT INTO oms_meters (meter_number, onu_id) VALUES ('M-BIG-ONU', 9007199254740993)`,
    ]) await db.execute(change);
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("names the same meter as SQL for every identifier of every meter, and no meter for unknown ones", async () => {
    const meters = await readMeters(db);
    const placed = await placeBoth(db, identities, signalsNaming(meters));
    expect(placed.filter((p) => p.level === "meter").length).toBeGreaterThan(meters.length * 10);
    expect(placed.filter((p) => p.level === "unmatched").length).toBeGreaterThanOrEqual(8);
    // And in the small batches most requests are.
    for (const m of meters.filter((_, i) => i % 97 === 0)) await placeBoth(db, identities, signalsNaming([m]));
  });

  it("keeps SQL's choice where an identifier names several meters or kinds", async () => {
    const [a, b] = await readMeters(db, sql`m.id IN (10, 20)`);
    const [twin, second] = await readMeters(db, sql`m.meter_number IN ('M-ONU-TWIN', 'M-SECOND')`);
    const [both] = await readMeters(db, sql`m.meter_number = ${a.asset}`);
    const [shared] = await readMeters(db, sql`m.onu_id IS NOT NULL`);
    const [first, sharer] = await readMeters(db, sql`m.id IN (40, 80)`);
    const ids = (p: { level: string; meterIds?: number[] }) => (p.level === "meter" ? p.meterIds : p.level);
    const placed = await placeBoth(db, identities, [
      signal({ meterNumber: a.asset! }), signal({ assetMrid: a.asset! }), signal({ assetMrid: b.num }), signal({ meterNumber: b.num }),
      signal({ onuId: Number(shared.onu) }), signal({ onuSerial: shared.serial! }), signal({ phone: first.phone! }), signal({ phone: sharer.phone! }),
      signal({ phone: (await readMeters(db, sql`m.customer_id = 30`))[0].phone! }),
    ]);
    expect(placed.map(ids)).toEqual([[both.id], [a.id], [both.id], [b.id], [twin.id], [twin.id], [sharer.id], [sharer.id], [second.id]]);
  });

  it("places a meter that is not active or has no distribution point, as SQL does", async () => {
    const [removed] = await readMeters(db, sql`m.status = 'removed'`);
    expect(await placeBoth(db, identities, [signal({ meterNumber: removed.num })])).toEqual([{ level: "meter", meterIds: [removed.id] }]);
  });

  it("leaves what only SQL compares exactly to SQL: ONU ids past 2^53, text PostgreSQL cannot hold", async () => {
    await placeBoth(db, identities, [signal({ onuId: 9007199254740992 }), signal({ onuId: 9007199254740993 }), signal({ onuSerial: "ONU-PAST-2^53" })], true);
    expect((await placeBoth(db, identities, [signal({ onuSerial: "ONU-PAST-2^53" })]))[0].level).toBe("meter");
    for (const meter of [{ meterNumber: "M\u0000" }, { onuId: 1e21 }, { onuId: 1.5 }]) {
      const fromMemory = await placeSignals(db, [signal(meter)], RADIUS, { identities }).then(() => "placed", () => "failed");
      const fromSql = await placeSignals(db, [signal(meter)], RADIUS, { identities: "sql" }).then(() => "placed", () => "failed");
      expect({ meter, fromMemory }).toEqual({ meter, fromMemory: fromSql });
    }
    const lone = signal({ meterNumber: "M\uD800" });
    expect(await placeSignals(db, [lone], RADIUS, { identities })).toEqual(await placeSignals(db, [lone], RADIUS, { identities: "sql" }));
  });

  it("places SCADA devices as SQL does: known, unknown, a feeder not on the named substation", async () => {
    const feeders = await queryRows<{ code: string; sub: string }>(db, sql`
      SELECT f.feeder_id AS code, s.substation_id AS sub FROM network_feeders f JOIN network_substations s ON s.id = f.substation_id ORDER BY f.id`);
    const subs = [...new Set(feeders.map((f) => f.sub))];
    const signals = feeders.flatMap((f) => [
      scada({ feederCode: f.code, substationCode: f.sub }), scada({ feederCode: f.code }), scada({ substationCode: f.sub }),
      ...subs.filter((s) => s !== f.sub).map((s) => scada({ feederCode: f.code, substationCode: s })),
      scada({ feederCode: f.code, substationCode: "SS-NONE" }), scada({ feederCode: "FD-NONE", substationCode: f.sub }),
    ]);
    signals.push(scada({ substationCode: "SS-NONE" }), scada({ mainStationId: "MS-1" }), scada({}));
    const placed = await placeBoth(db, identities, signals);
    expect(new Set(placed.map((p) => p.level))).toEqual(new Set(["feeder", "substation", "unmatched"]));
  });

  it("places a signal with only a location by SQL, as before", async () => {
    const dp = network.distributionPoints[3];
    const located = [signal(undefined, { location: { lat: dp.locationLat, lng: dp.locationLng } }), signal(undefined, { location: { lat: 0, lng: 0 } })];
    const placed = await placeBoth(db, identities, located);
    expect(placed.map((p) => p.level)).toEqual(["distribution_point", "unmatched"]);
  });

  it("follows changes made after it was loaded: a new meter, a changed identifier, a moved phone", async () => {
    const before = await identities.current(db);
    // The pipeline's runtime state is not the model: the copy stays.
    await db.execute(sql`UPDATE oms_meters SET power_status = 'off', last_power_change = now() WHERE id = 1`);
    await db.execute(sql`UPDATE network_feeders SET status = 'de_energized' WHERE id = 1`);
    expect(await identities.current(db)).toBe(before);

    const [a, b, c] = await readMeters(db, sql`m.id IN (100, 110, 120)`);
    await db.execute(sql`INSERT INTO oms_meters (meter_number) VALUES ('M-NEW')`);
    await db.execute(sql`INSERT INTO oms_meters (meter_number) VALUES (${a.asset})`); // a's mRID is now first another's number
    await db.execute(sql`UPDATE oms_meters SET asset_mrid = 'ASSET-CHANGED' WHERE id = ${b.id}`);
    await db.execute(sql`UPDATE oms_customers SET phone = ${c.phone} WHERE id = 130`); // a later customer shares c's phone
    const [fresh, shadow] = await readMeters(db, sql`m.meter_number IN ('M-NEW', ${a.asset})`);
    const [d] = await readMeters(db, sql`m.customer_id = 130`);
    const placed = await placeBoth(db, identities, [
      signal({ meterNumber: "M-NEW" }), signal({ meterNumber: a.asset! }), signal({ assetMrid: a.asset! }),
      signal({ assetMrid: b.asset! }), signal({ assetMrid: "ASSET-CHANGED" }), signal({ phone: c.phone! }),
    ]);
    const meter = (id: number) => ({ level: "meter", meterIds: [id] });
    expect(placed).toEqual([meter(fresh.id), meter(shadow.id), meter(a.id), expect.objectContaining({ level: "unmatched" }), meter(b.id), meter(d.id)]);
    expect(await identities.current(db)).not.toBe(before);
  });

  it.runIf(process.env.DATABASE_URL)("follows a change made by another process", async () => {
    await identities.current(db);
    const other = new pg.Client({ connectionString: handle.location });
    await other.connect();
    await other.query("INSERT INTO oms_meters (meter_number) VALUES ('M-OTHER-PROCESS')");
    await other.end();
    expect((await placeBoth(db, identities, [signal({ meterNumber: "M-OTHER-PROCESS" })]))[0].level).toBe("meter");
  });

  it("sees its own transaction's uncommitted meter, and nobody else does", async () => {
    await identities.current(db);
    const rolledBack = db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      await tx.execute(sql`INSERT INTO oms_meters (meter_number) VALUES ('M-UNCOMMITTED')`);
      expect((await placeBoth(tx, identities, [signal({ meterNumber: "M-UNCOMMITTED" })]))[0].level).toBe("meter");
      throw new Error("roll back");
    });
    await expect(rolledBack).rejects.toThrow("roll back");
    expect((await placeBoth(db, identities, [signal({ meterNumber: "M-UNCOMMITTED" })]))[0].level).toBe("unmatched");
  });

  it("loads in the background from a registered handle, SQL answering meanwhile", async () => {
    const background = new NetworkIdentities();
    const forget = background.loadFrom(db);
    expect(await background.current(db)).toBeNull();
    let keys = null;
    for (let i = 0; i < 200 && !keys; i++) keys = await new Promise((r) => setTimeout(r, 50)).then(() => background.current(db));
    expect(keys).not.toBeNull();
    await placeBoth(db, background, signalsNaming(await readMeters(db, sql`m.id % 7 = 0`)));
    forget();
  });

  it("holds the model once warmed, even with a registered handle: a start's first batch is placed in memory", async () => {
    const warmed = new NetworkIdentities();
    const forget = warmed.loadFrom(db);
    await warmed.warm(db);
    expect(await warmed.current(db)).not.toBeNull();
    await placeBoth(db, warmed, signalsNaming(await readMeters(db, sql`m.id % 11 = 0`)));
    forget();
  });

  it("answers for the new network after a reseed, never from the old one", async () => {
    const old = await readMeters(db, sql`m.id % 40 = 0`);
    await identities.current(db);
    await resetNetwork(db);
    await loadNetwork(db, generateNetwork({ meters: 900, seed: 31, substations: 2, feeders: 6, distributionPoints: 90 }));
    const now = await readMeters(db, sql`m.id % 40 = 0`);
    await placeBoth(db, identities, [...signalsNaming(old), ...signalsNaming(now)]);
    // Ids restart at 1, so a stale copy would name a meter that exists: the old mRIDs name none.
    const placed = await placeSignals(db, old.filter((m) => m.asset).map((m) => signal({ assetMrid: m.asset! })), RADIUS, { identities });
    expect(placed.every((p) => p.placement.level === "unmatched")).toBe(true);
  });
});
