import { sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows, type DbOrTx } from "../../db/client";
import { reliabilityFigures, type InterruptionTotals, type ReliabilityFigures, type ReliabilityScope } from "../../db/queries/reliability";
import { invalid } from "../errors";
import { EARLIEST_TIME, LATEST_TIME, isoTime } from "../operations/schemas";

/** Longest period a report covers: ten years of days is still one fast statement. */
export const MAX_PERIOD_DAYS = 3660;

/** A calendar day in the utility's zone (`2026-03-01`): resolved to its first instant there. */
export interface ZonedDay { day: string }

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const HAS_OFFSET = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

/**
 * An ISO 8601 time with its offset; one without an offset is UTC, as on the ingestion routes; a
 * date alone is that calendar day's midnight in the utility's zone (so `to=2026-04-01` ends March).
 */
const reportTime = z.string().trim().max(40).transform((s, ctx): Date | ZonedDay => {
  if (DAY.test(s)) {
    const at = new Date(`${s}T00:00:00Z`);
    if (!Number.isNaN(at.getTime()) && at.toISOString().startsWith(s) && at >= EARLIEST_TIME && at < LATEST_TIME) return { day: s };
  } else {
    const parsed = isoTime.safeParse(HAS_OFFSET.test(s) ? s : `${s}Z`);
    if (parsed.success) return parsed.data;
  }
  ctx.issues.push({ code: "custom", input: s, message: "must be an ISO 8601 time (2026-03-01T00:00:00+03:00) or date (2026-03-01) from 1970 to 2099" });
  return z.NEVER;
});

/** `from`, `to` (exclusive), `level` and, below the system, the substation's or feeder's code. */
export const reliabilityInput = z.object({
  from: reportTime,
  to: reportTime,
  level: z.preprocess((v) => (typeof v === "string" ? v.trim().toLowerCase() : v), z.enum(["system", "substation", "feeder"]).default("system")),
  id: z.preprocess((v) => (v === "" ? undefined : v), z.string().trim().min(1).max(40).optional()),
}).superRefine((v, ctx) => {
  if (v.level !== "system" && !v.id) ctx.addIssue({ code: "custom", path: ["id"], message: `is required for level ${v.level} (the ${v.level}'s code)` });
});
export type ReliabilityInput = z.output<typeof reliabilityInput>;

/** SAIFI, SAIDI (minutes), CAIDI (minutes): the indices also given without major event days. */
export interface CoreIndices { saifi: number | null; saidi: number | null; caidi: number | null }

/** IEEE 1366-2022 indices of a period and part of the network; an index whose denominator is 0 is null. */
export interface ReliabilityIndices extends CoreIndices {
  from: string;
  to: string;
  level: ReliabilityInput["level"];
  id: string | null;
  customers_served: number;
  caifi: number | null;
  maifi_e: number | null;
  asai: number | null;
  t_med_minutes: number | null;
  major_event_days: string[];
  excluding_major_events: CoreIndices;
}

export interface FeederIndices extends CoreIndices {
  feeder: string;
  substation: string;
  customers_served: number;
  caifi: number | null;
  maifi_e: number | null;
  excluding_major_events: CoreIndices;
}

export interface DailyFigure {
  day: string;
  major_event_day: boolean;
  system_saidi: number;
  customer_interruptions: number;
  customer_minutes: number;
  saifi: number | null;
  saidi: number | null;
  momentary_events: number;
}

/** What the Reports page shows: the indices, each day of the period, each feeder of the level. */
export interface ReliabilityReport {
  indices: ReliabilityIndices;
  days_with_saidi: number;
  daily: DailyFigure[];
  feeders: FeederIndices[];
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

function core(sustained: number, minutes: number, served: number): CoreIndices {
  return { saifi: ratio(sustained, served), saidi: ratio(minutes, served), caidi: ratio(minutes, sustained) };
}

function indicesOf(t: InterruptionTotals, served: number) {
  return {
    ...core(t.sustained, t.customerMinutes, served),
    caifi: ratio(t.sustained, t.customersInterrupted),
    maifi_e: ratio(t.momentaryEvents, served),
    excluding_major_events: core(t.sustainedExMed, t.customerMinutesExMed, served),
  };
}

/** The report: figures from one set-based statement (db/queries/reliability.ts), indices from their sums. */
export async function reliabilityReport(db: DbOrTx, input: ReliabilityInput, opts: { timeZone: string; now: Date }): Promise<ReliabilityReport> {
  const { from, to } = await periodOf(db, input, opts.timeZone);
  const scope = await scopeOf(db, input);
  const f: ReliabilityFigures = await reliabilityFigures(db, { from, to, scope, timeZone: opts.timeZone, now: opts.now });
  const served = f.customersServed;
  const periodMinutes = (to.getTime() - from.getTime()) / 60_000;
  const med = new Set(f.majorEventDays);
  const indices: ReliabilityIndices = {
    from: from.toISOString(), to: to.toISOString(), level: input.level, id: input.level === "system" ? null : input.id ?? null,
    customers_served: served,
    ...indicesOf(f.totals, served),
    asai: served > 0 ? 1 - f.totals.customerMinutes / (served * periodMinutes) : null,
    t_med_minutes: f.tMed,
    major_event_days: f.majorEventDays,
  };
  // Key order as documented: indices, then the threshold and the days, then the figures without them.
  const { excluding_major_events, ...rest } = indices;
  return {
    indices: { ...rest, excluding_major_events },
    days_with_saidi: f.daysWithSaidi,
    daily: f.days.map((d) => ({
      day: d.day, major_event_day: med.has(d.day), system_saidi: d.systemSaidi, customer_interruptions: d.sustained,
      customer_minutes: d.customerMinutes, saifi: ratio(d.sustained, served), saidi: ratio(d.customerMinutes, served), momentary_events: d.momentaryEvents,
    })),
    feeders: f.feeders.map((fd) => ({ feeder: fd.feeder, substation: fd.substation, customers_served: fd.customersServed, ...indicesOf(fd, fd.customersServed) })),
  };
}

/** The period as instants: a date alone is its midnight in the utility's zone (PostgreSQL's zone rules, as the days of the report). */
async function periodOf(db: DbOrTx, input: ReliabilityInput, timeZone: string): Promise<{ from: Date; to: Date }> {
  const at = async (t: Date | ZonedDay) => {
    if (t instanceof Date) return t;
    const [row] = await queryRows<{ at: string }>(db, sql`SELECT (${t.day}::date::timestamp AT TIME ZONE ${timeZone}::text) AS at`);
    return new Date(row.at);
  };
  const [from, to] = [await at(input.from), await at(input.to)];
  const problem = to <= from ? "must be after from"
    : to.getTime() - from.getTime() > MAX_PERIOD_DAYS * 86_400_000 ? `must be at most ${MAX_PERIOD_DAYS} days after from` : null;
  if (problem) throw invalid(`The query is not valid: to ${problem}`, [{ path: "to", message: problem }]);
  return { from, to };
}

async function scopeOf(db: DbOrTx, input: ReliabilityInput): Promise<ReliabilityScope> {
  if (input.level === "system" || !input.id) return { level: "system" };
  const [row] = input.level === "substation"
    ? await queryRows<{ id: number }>(db, sql`SELECT id FROM network_substations WHERE substation_id = ${input.id!}`)
    : await queryRows<{ id: number }>(db, sql`SELECT id FROM network_feeders WHERE feeder_id = ${input.id!}`);
  if (!row) {
    const message = `is not a known ${input.level} code`;
    throw invalid(`The query is not valid: id ${message}`, [{ path: "id", message }]);
  }
  return { level: input.level, id: row.id };
}

