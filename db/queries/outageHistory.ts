import { sql, type SQL } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../client";
import type { DeviceLevel, OutageStatus, Severity, SourceType } from "../schema";

/** The outages History lists: closed ones. Open outages are on the live list. */
export const CLOSED_STATUSES = ["restored", "cancelled", "merged"] as const satisfies readonly OutageStatus[];
export type ClosedStatus = (typeof CLOSED_STATUSES)[number];

export interface HistoryFilter {
  from: Date;
  to: Date;
  statuses?: ClosedStatus[];
  /** Substation and feeder codes (`SS001`, `FD0012`). */
  substation?: string;
  feeder?: string;
  /** Part of the restoration's cause, any case. */
  cause?: string;
  /** Only outages with at least one signal of this source. */
  source?: SourceType;
  minCustomers?: number;
}

/** Where the next page starts: the last row's first detection and id (newest first). */
export interface HistoryCursor { at: string; id: string }

export interface HistoryOutageRow {
  id: string;
  eventId: string;
  status: ClosedStatus;
  severity: Severity;
  level: DeviceLevel | null;
  deviceCode: string | null;
  substation: string | null;
  feeder: string | null;
  /** Customers who lost supply in it (its affected meters' customers), whatever they are now. */
  customers: number;
  firstDetectedAt: string;
  /** When it ended: the restoration, else (cancelled, merged) its last change. */
  endedAt: string;
  cause: string | null;
  parentEventId: string | null;
  mergedIntoEventId: string | null;
}

export interface HistoryPage<T> { rows: T[]; total: number; next: HistoryCursor | null }

const iso = (d: unknown) => new Date(d as string).toISOString();
/** A timestamp to the microsecond, for a cursor (a JS Date keeps milliseconds only: a page could skip a row). */
const exact = (col: SQL) => sql`to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * The filter's conditions on outages `o` (substation `s`, feeder `fd`, customers `cu.n`). An
 * outage belongs to the period it began in, as reliability reports count interruptions: the range
 * runs on `first_detected_at`, which has an index, so a year of history costs only the range read.
 */
function outageConditions(f: HistoryFilter): SQL {
  const statuses = f.statuses?.length ? f.statuses : CLOSED_STATUSES;
  const parts: SQL[] = [
    sql`o.first_detected_at >= ${f.from.toISOString()}::timestamptz`,
    sql`o.first_detected_at < ${f.to.toISOString()}::timestamptz`,
    sql`o.status IN (${sql.join(statuses.map((s) => sql`${s}`), sql`, `)})`,
  ];
  if (f.substation) parts.push(sql`upper(s.substation_id) = upper(${f.substation})`);
  if (f.feeder) parts.push(sql`upper(fd.feeder_id) = upper(${f.feeder})`);
  if (f.cause) parts.push(sql`o.cause ILIKE ${`%${f.cause.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`);
  if (f.source) parts.push(sql`EXISTS (SELECT 1 FROM oms_event_sources e WHERE e.outage_event_id = o.id AND e.source_type = ${f.source})`);
  if (f.minCustomers) parts.push(sql`cu.n >= ${f.minCustomers}::int`);
  return sql.join(parts, sql` AND `);
}

const OUTAGE_FROM = sql`FROM oms_outage_events o
  LEFT JOIN network_substations s ON s.id = o.substation_id
  LEFT JOIN network_feeders fd ON fd.id = o.feeder_id
  CROSS JOIN LATERAL (SELECT COUNT(DISTINCT am.customer_id)::int AS n FROM oms_outage_affected_meters am WHERE am.outage_event_id = o.id) cu`;

/**
 * Closed outages that began in the range, newest first, one page after `cursor` (keyset: a page
 * deep in a storm costs what the first does), with how many match in all.
 */
export async function outageHistory(db: DbOrTx, f: HistoryFilter, cursor: HistoryCursor | null, limit: number): Promise<HistoryPage<HistoryOutageRow>> {
  const where = outageConditions(f);
  const after = cursor ? sql`AND (o.first_detected_at, o.id) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)` : sql``;
  const rows = await queryRows<Record<string, unknown>>(db, sql`
    SELECT o.id, o.event_id, o.status, o.severity, o.predicted_device_level, o.predicted_device_code, s.substation_id AS substation,
           fd.feeder_id AS feeder, cu.n AS customers, o.first_detected_at, COALESCE(o.actual_restoration_time, o.last_updated_at) AS ended_at,
           o.cause, p.event_id AS parent_event_id, m.event_id AS merged_into_event_id, ${exact(sql`o.first_detected_at`)} AS cursor_at
    ${OUTAGE_FROM}
    LEFT JOIN oms_outage_events p ON p.id = o.parent_outage_id
    LEFT JOIN oms_outage_events m ON m.id = o.merged_into_id
    WHERE ${where} ${after}
    ORDER BY o.first_detected_at DESC, o.id DESC LIMIT ${limit + 1}::int`);
  // The count counts customers only when it filters on them (a storm day's outages hold hundreds of thousands of meters).
  const countFrom = f.minCustomers ? OUTAGE_FROM : sql`FROM oms_outage_events o
    LEFT JOIN network_substations s ON s.id = o.substation_id LEFT JOIN network_feeders fd ON fd.id = o.feeder_id`;
  const [{ n }] = await queryRows<{ n: number }>(db, sql`SELECT COUNT(*)::int AS n ${countFrom} WHERE ${where}`);
  const page = rows.slice(0, limit).map((r): HistoryOutageRow => ({
    id: String(r.id), eventId: String(r.event_id), status: r.status as ClosedStatus, severity: r.severity as Severity,
    level: (r.predicted_device_level as DeviceLevel | null) ?? null, deviceCode: (r.predicted_device_code as string | null) ?? null,
    substation: (r.substation as string | null) ?? null, feeder: (r.feeder as string | null) ?? null, customers: Number(r.customers),
    firstDetectedAt: iso(r.first_detected_at), endedAt: iso(r.ended_at), cause: (r.cause as string | null) ?? null,
    parentEventId: (r.parent_event_id as string | null) ?? null, mergedIntoEventId: (r.merged_into_event_id as string | null) ?? null,
  }));
  const last = rows[limit - 1];
  return { rows: page, total: Number(n), next: rows.length > limit && last ? { at: String(last.cursor_at), id: String(last.id) } : null };
}

export interface HistoryMomentaryRow {
  id: string;
  level: Exclude<DeviceLevel, "meter">;
  deviceCode: string;
  substation: string | null;
  feeder: string | null;
  startedAt: string;
  endedAt: string;
  customers: number;
  metersReporting: number;
}

/** Momentary interruptions of whole devices that began in the range, newest first, paged like the outages. */
export async function momentaryHistory(db: DbOrTx, f: Pick<HistoryFilter, "from" | "to" | "substation" | "feeder" | "minCustomers">,
  cursor: HistoryCursor | null, limit: number): Promise<HistoryPage<HistoryMomentaryRow>> {
  const parts: SQL[] = [sql`d.started_at >= ${f.from.toISOString()}::timestamptz`, sql`d.started_at < ${f.to.toISOString()}::timestamptz`];
  if (f.substation) parts.push(sql`upper(s.substation_id) = upper(${f.substation})`);
  if (f.feeder) parts.push(sql`upper(fd.feeder_id) = upper(${f.feeder})`);
  if (f.minCustomers) parts.push(sql`d.customers >= ${f.minCustomers}::int`);
  const where = sql.join(parts, sql` AND `);
  const from = sql`FROM oms_device_momentaries d
    LEFT JOIN network_substations s ON s.id = d.substation_id LEFT JOIN network_feeders fd ON fd.id = d.feeder_id`;
  const after = cursor ? sql`AND (d.started_at, d.id) < (${cursor.at}::timestamptz, ${cursor.id}::bigint)` : sql``;
  const rows = await queryRows<Record<string, unknown>>(db, sql`
    SELECT d.id, d.level, d.device_code, s.substation_id AS substation, fd.feeder_id AS feeder, d.started_at, d.ended_at, d.customers, d.meters_reporting,
      ${exact(sql`d.started_at`)} AS cursor_at
    ${from} WHERE ${where} ${after} ORDER BY d.started_at DESC, d.id DESC LIMIT ${limit + 1}::int`);
  const [{ n }] = await queryRows<{ n: number }>(db, sql`SELECT COUNT(*)::int AS n ${from} WHERE ${where}`);
  const page = rows.slice(0, limit).map((r): HistoryMomentaryRow => ({
    id: String(r.id), level: r.level as HistoryMomentaryRow["level"], deviceCode: String(r.device_code),
    substation: (r.substation as string | null) ?? null, feeder: (r.feeder as string | null) ?? null,
    startedAt: iso(r.started_at), endedAt: iso(r.ended_at), customers: Number(r.customers), metersReporting: Number(r.meters_reporting),
  }));
  const last = rows[limit - 1];
  return { rows: page, total: Number(n), next: rows.length > limit && last ? { at: String(last.cursor_at), id: String(last.id) } : null };
}
