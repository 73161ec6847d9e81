import { sql, type SQL } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../client";
import { LIVE_OUTAGE } from "./powerState";

export type SearchKind = "outage" | "customer" | "meter" | "substation" | "feeder" | "distribution_point";

/** One thing found: where a hit leads is its live outage when it has one, else its place on the map. */
export interface SearchHit {
  kind: SearchKind;
  /** Unique within an answer. */
  key: string;
  /** The code a person knows it by: event id, meter number, customer number, device code. */
  code: string;
  title: string;
  detail: string;
  /** Which of its fields the text matched: name, number, phone, address, meter, event id, code. */
  matched: string;
  /** An outage's status, a device's supply state or a meter's derived power state (off, assumed, on, unknown). */
  state: string | null;
  /** The live outage holding it dark (an outage hit: itself, whatever its status). */
  outageId: string | null;
  outageEventId: string | null;
  lat: number | null;
  lng: number | null;
  /** A feeder's route bounds, [west, south, east, north]. */
  bounds: [number, number, number, number] | null;
}

export interface SearchInput {
  /** The text typed, trimmed. */
  text: string;
  /** Customers' names, numbers, phones and addresses are searched only for who may act on outages. */
  customers: boolean;
  limit: number;
}

/** `text` as a LIKE pattern matching itself literally. */
const literal = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * A phone typed in any spelling (+962 79…, 00962 79…, 079…, 79…, with spaces or dashes) as the
 * digits after the country code and trunk zero: what a stored phone is compared by, as a prefix,
 * so that results come as the number is typed. Null for fewer than four such digits.
 */
export function phoneDigits(text: string): string | null {
  if (/[^\d\s+().-]/.test(text)) return null;
  let d = text.replace(/\D/g, "");
  if (d.startsWith("00")) d = d.slice(2);
  if (d.startsWith("962")) d = d.slice(3);
  if (d.startsWith("0")) d = d.slice(1);
  return d.length >= 4 ? d : null;
}
/**
 * The same on a stored phone, in SQL. The separators people write (space, +, -, dot, brackets,
 * slash) are dropped with translate(), cheaper than a regular expression on every customer the
 * search scans; a stored phone with other characters in it would not match.
 */
const STORED_PHONE = sql`(SELECT CASE WHEN d LIKE '00962%' THEN substr(d, 6) WHEN d LIKE '962%' THEN substr(d, 4) WHEN d LIKE '0%' THEN substr(d, 2) ELSE d END
  FROM (SELECT translate(c.phone, ' +-()./', '') AS d) p)`;

type Row = Record<string, unknown>;
const num = (v: unknown) => (v == null ? null : Number(v));
const str = (v: unknown) => (v == null ? null : String(v));

/**
 * One box for everything: customers (name, number, phone, address), meters (number, asset mRID),
 * outages (event id), substations, feeders and distribution points (code or name). Prefix matches
 * for codes and numbers, anywhere for names and addresses; each kind at most `limit`, codes that
 * match exactly first.
 */
export async function search(db: DbOrTx, input: SearchInput): Promise<SearchHit[]> {
  const text = input.text.trim();
  if (text.length < 2) return [];
  const prefix = `${literal(text)}%`;
  const anywhere = `%${literal(text)}%`;
  const phone = phoneDigits(text);
  const limit = input.limit;
  // A meter (of a customer or a meter hit): its derived power state and the live outage holding it.
  const meterJoin = sql`LEFT JOIN oms_meter_power_state ps ON ps.meter_id = m.id LEFT JOIN oms_outage_events lo ON lo.id = ps.outage_event_id`;
  const asks: Array<Promise<SearchHit[]>> = [
    rows(db, sql`
      SELECT o.id, o.event_id, o.status, o.severity, o.predicted_device_level AS level, o.predicted_device_code AS device,
        o.affected_customers_count AS customers, ST_Y(o.centroid) AS lat, ST_X(o.centroid) AS lng
      FROM oms_outage_events o WHERE o.event_id ILIKE ${prefix}
      ORDER BY (lower(o.event_id) = lower(${text}::text)) DESC, ${LIVE_OUTAGE} DESC, o.first_detected_at DESC LIMIT ${limit}`, (r) => ({
      kind: "outage", key: `outage:${r.id}`, code: String(r.event_id), matched: "event id",
      title: String(r.event_id), detail: `${r.level ? `${String(r.level).replace("_", " ")} ${r.device ?? ""}` : "outage"} · ${r.customers} customers · ${r.severity}`,
      state: String(r.status), outageId: String(r.id), outageEventId: String(r.event_id), lat: num(r.lat), lng: num(r.lng), bounds: null,
    })),
    rows(db, sql`
      SELECT m.meter_number, m.asset_mrid, m.location_lat AS lat, m.location_lng AS lng, ps.state, lo.id AS outage_id, lo.event_id AS outage_event_id,
        dp.dp_id, f.feeder_id, (m.meter_number ILIKE ${prefix}) AS by_number
      FROM oms_meters m ${meterJoin}
      LEFT JOIN network_distribution_points dp ON dp.id = m.dp_id LEFT JOIN network_feeders f ON f.id = m.feeder_id
      WHERE m.meter_number ILIKE ${prefix} OR m.asset_mrid ILIKE ${prefix}
      ORDER BY (lower(m.meter_number) = lower(${text}::text)) DESC, m.meter_number LIMIT ${limit}`, (r) => ({
      kind: "meter", key: `meter:${r.meter_number}`, code: String(r.meter_number), matched: r.by_number ? "meter number" : "asset mRID",
      title: `Meter ${r.meter_number}`, detail: [r.feeder_id, r.dp_id].filter(Boolean).join(" · "),
      ...meterPlace(r),
    })),
    rows(db, sql`
      SELECT s.substation_id AS code, s.name, s.status, s.location_lat AS lat, s.location_lng AS lng, lo.id AS outage_id, lo.event_id AS outage_event_id
      FROM network_substations s
      LEFT JOIN LATERAL (SELECT o.id, o.event_id FROM oms_outage_events o
        WHERE o.predicted_device_level = 'substation' AND o.predicted_device_id = s.id AND o.status IN ('detected', 'confirmed', 'in_progress')
        ORDER BY o.first_detected_at DESC LIMIT 1) lo ON true
      WHERE s.substation_id ILIKE ${prefix} OR s.name ILIKE ${anywhere}
      ORDER BY (lower(s.substation_id) = lower(${text}::text)) DESC, s.substation_id LIMIT ${limit}`, (r) => ({
      kind: "substation", key: `substation:${r.code}`, code: String(r.code), matched: String(r.code).toLowerCase().startsWith(text.toLowerCase()) ? "code" : "name",
      title: `Substation ${r.code}`, detail: String(r.name), state: str(r.status), outageId: str(r.outage_id), outageEventId: str(r.outage_event_id),
      lat: num(r.lat), lng: num(r.lng), bounds: null,
    })),
    rows(db, sql`
      SELECT f.feeder_id AS code, f.name, f.status, s.substation_id AS substation, lo.id AS outage_id, lo.event_id AS outage_event_id,
        ST_XMin(f.route) AS w, ST_YMin(f.route) AS s, ST_XMax(f.route) AS e, ST_YMax(f.route) AS n
      FROM network_feeders f JOIN network_substations s ON s.id = f.substation_id
      LEFT JOIN LATERAL (SELECT o.id, o.event_id FROM oms_outage_events o
        WHERE o.predicted_device_level = 'feeder' AND o.predicted_device_id = f.id AND o.status IN ('detected', 'confirmed', 'in_progress')
        ORDER BY o.first_detected_at DESC LIMIT 1) lo ON true
      WHERE f.feeder_id ILIKE ${prefix} OR f.name ILIKE ${anywhere}
      ORDER BY (lower(f.feeder_id) = lower(${text}::text)) DESC, f.feeder_id LIMIT ${limit}`, (r) => {
      const bounds = r.w == null ? null : [Number(r.w), Number(r.s), Number(r.e), Number(r.n)] as [number, number, number, number];
      return {
        kind: "feeder", key: `feeder:${r.code}`, code: String(r.code), matched: String(r.code).toLowerCase().startsWith(text.toLowerCase()) ? "code" : "name",
        title: `Feeder ${r.code}`, detail: `${r.name} · ${r.substation}`, state: str(r.status), outageId: str(r.outage_id), outageEventId: str(r.outage_event_id),
        lat: bounds ? (bounds[1] + bounds[3]) / 2 : null, lng: bounds ? (bounds[0] + bounds[2]) / 2 : null, bounds,
      };
    }),
    rows(db, sql`
      SELECT dp.dp_id AS code, dp.name, dp.status, dp.location_lat AS lat, dp.location_lng AS lng, f.feeder_id, lo.id AS outage_id, lo.event_id AS outage_event_id
      FROM network_distribution_points dp JOIN network_feeders f ON f.id = dp.feeder_id
      LEFT JOIN LATERAL (SELECT o.id, o.event_id FROM oms_outage_events o
        WHERE o.predicted_device_level = 'distribution_point' AND o.predicted_device_id = dp.id AND o.status IN ('detected', 'confirmed', 'in_progress')
        ORDER BY o.first_detected_at DESC LIMIT 1) lo ON true
      WHERE dp.dp_id ILIKE ${prefix}
      ORDER BY (lower(dp.dp_id) = lower(${text}::text)) DESC, dp.dp_id LIMIT ${limit}`, (r) => ({
      kind: "distribution_point", key: `dp:${r.code}`, code: String(r.code), matched: "code",
      title: `Distribution point ${r.code}`, detail: `${r.name} · ${r.feeder_id}`, state: str(r.status), outageId: str(r.outage_id), outageEventId: str(r.outage_event_id),
      lat: num(r.lat), lng: num(r.lng), bounds: null,
    })),
  ];
  if (input.customers) {
    const matches: SQL[] = [sql`c.customer_id ILIKE ${prefix}`, sql`c.name ILIKE ${anywhere}`, sql`c.address ILIKE ${anywhere}`];
    if (phone) matches.push(sql`${STORED_PHONE} LIKE ${`${phone}%`}`);
    asks.push(rows(db, sql`
      SELECT c.customer_id, c.name, c.address, c.phone, c.is_critical, m.meter_number, m.location_lat AS lat, m.location_lng AS lng,
        ps.state, lo.id AS outage_id, lo.event_id AS outage_event_id,
        CASE WHEN c.customer_id ILIKE ${prefix} THEN 'customer number' WHEN c.name ILIKE ${anywhere} THEN 'name'
             WHEN c.address ILIKE ${anywhere} THEN 'address' ELSE 'phone' END AS matched
      FROM oms_customers c
      -- A customer's meter: the one dark in a live outage if any, else the newest.
      LEFT JOIN LATERAL (SELECT m.* FROM oms_meters m LEFT JOIN oms_meter_power_state ps ON ps.meter_id = m.id
        WHERE m.customer_id = c.id ORDER BY (ps.outage_event_id IS NOT NULL) DESC, m.id DESC LIMIT 1) m ON true
      ${meterJoin}
      WHERE ${sql.join(matches, sql` OR `)}
      ORDER BY (lower(c.customer_id) = lower(${text}::text)) DESC, c.is_critical DESC, c.name, c.customer_id LIMIT ${limit}`, (r) => ({
      kind: "customer", key: `customer:${r.customer_id}`, code: String(r.customer_id), matched: String(r.matched),
      title: `${r.name}${r.is_critical ? " (critical)" : ""}`,
      detail: [r.customer_id, r.phone, r.address, r.meter_number ? `meter ${r.meter_number}` : null].filter(Boolean).join(" · "),
      ...meterPlace(r),
    })));
  }
  return (await Promise.all(asks)).flat();
}

function meterPlace(r: Row) {
  return {
    state: str(r.state), outageId: str(r.outage_id), outageEventId: str(r.outage_event_id), lat: num(r.lat), lng: num(r.lng),
    bounds: null,
  } as const;
}

async function rows(db: DbOrTx, query: SQL, map: (r: Row) => SearchHit): Promise<SearchHit[]> {
  return (await queryRows<Row>(db, query)).map(map);
}
