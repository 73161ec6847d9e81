import { sql, type SQL } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../client";

/** The part of the network a report covers: the whole system, a substation or a feeder (database ids). */
export type ReliabilityScope = { level: "system" } | { level: "substation"; id: number } | { level: "feeder"; id: number };

export interface ReliabilityQuery {
  from: Date;
  /** Exclusive. */
  to: Date;
  scope: ReliabilityScope;
  timeZone: string;
  /** The end of an interruption not yet restored. */
  now: Date;
}

/** Sums of one part of the network over the period (or one day of it), with and without major event days. */
export interface InterruptionTotals {
  /** Customer interruptions longer than 5 minutes. */
  sustained: number;
  /** Their customer minutes. */
  customerMinutes: number;
  /** Distinct customers with at least one of them. */
  customersInterrupted: number;
  /** Momentary events per customer: device momentaries plus interruptions of 5 minutes or less. */
  momentaryEvents: number;
  sustainedExMed: number;
  customerMinutesExMed: number;
}

export interface ReliabilityDay {
  day: string;
  /** The whole system's SAIDI that day (what decides a major event day). */
  systemSaidi: number;
  sustained: number;
  customerMinutes: number;
  momentaryEvents: number;
}

export interface FeederTotals extends InterruptionTotals {
  feederId: number;
  feeder: string;
  substation: string;
  customersServed: number;
}

export interface ReliabilityFigures {
  customersServed: number;
  systemCustomers: number;
  /** exp(α + 2.5β) in minutes; null while fewer than two days of the window had SAIDI > 0. */
  tMed: number | null;
  /** Days of the window with SAIDI > 0 that α and β were taken over. */
  daysWithSaidi: number;
  majorEventDays: string[];
  totals: InterruptionTotals;
  /** Each day of the period, oldest first. */
  days: ReliabilityDay[];
  /** Each feeder of the scope. */
  feeders: FeederTotals[];
}

/** Interruptions of 5 minutes or less are momentary (IEEE 1366-2022, 3.28 / 3.30). */
export const SUSTAINED_AFTER_SECONDS = 300;
/** Major event days are found over the 365 days that end on the period's last day. */
export const MED_WINDOW_DAYS = 365;

/**
 * Every figure of a reliability report in one statement, set-based:
 *
 * 1. each (outage, meter) row of `oms_outage_affected_meters` is an interval from the meter's first
 *    detection in that outage (`since`) to its restoration (its own `restored_at`, else the outage's,
 *    else `now`), for outages neither merged (their meters went to the survivor) nor cancelled (a
 *    blip within the momentary window: it is in `oms_device_momentaries` when it was a device's);
 * 2. a customer's overlapping or touching intervals are one interruption (gaps and islands over the
 *    customer's intervals): a nested outage continues its parent's interruption for the customers
 *    still dark, a meter in two outages is one customer out once;
 * 3. an interruption belongs to the day, in the utility's zone, that it began; longer than
 *    5 minutes it is sustained, otherwise a momentary event;
 * 4. T_MED = exp(α + 2.5β) over ln(daily system SAIDI) of the days with SAIDI > 0 among the 365
 *    ending on the period's last day; a day of the period whose system SAIDI exceeds it is a major
 *    event day, for every level;
 * 5. a device's momentary interruption counts once for each customer under the device.
 */
export async function reliabilityFigures(db: DbOrTx, q: ReliabilityQuery): Promise<ReliabilityFigures> {
  const from = sql`${q.from.toISOString()}::timestamptz`;
  const to = sql`${q.to.toISOString()}::timestamptz`;
  const now = sql`${q.now.toISOString()}::timestamptz`;
  const tz = sql`${q.timeZone}::text`;
  const inScope: (alias: string) => SQL = (a) =>
    q.scope.level === "system" ? sql`TRUE`
      : q.scope.level === "substation" ? sql`${sql.raw(a)}.substation_id = ${q.scope.id}::int`
      : sql`${sql.raw(a)}.feeder_id = ${q.scope.id}::int`;
  const [row] = await queryRows<{ figures: RawFigures }>(db, sql`
    WITH bounds AS MATERIALIZED (
      SELECT b.first_day, b.last_day, b.window_first, LEAST(${from}, (b.window_first::timestamp AT TIME ZONE ${tz})) AS lower
      FROM (SELECT ((${from} AT TIME ZONE ${tz})::date) AS first_day,
                   ((${to} - interval '1 microsecond') AT TIME ZONE ${tz})::date AS last_day,
                   ((${to} - interval '1 microsecond') AT TIME ZONE ${tz})::date - ${MED_WINDOW_DAYS - 1}::int AS window_first) b
    ),
    raw AS (
      SELECT m.customer_id, m.feeder_id, m.substation_id, am.since AS s,
             GREATEST(am.since, COALESCE(am.restored_at, o.actual_restoration_time, ${now})) AS e
      FROM oms_outage_events o
      JOIN oms_outage_affected_meters am ON am.outage_event_id = o.id
      JOIN oms_meters m ON m.id = am.meter_id
      CROSS JOIN bounds
      WHERE o.status NOT IN ('merged', 'cancelled') AND m.customer_id IS NOT NULL
        AND o.first_detected_at < ${to} AND am.since < ${to}
        AND COALESCE(am.restored_at, o.actual_restoration_time, ${now}) >= bounds.lower
    ),
    marked AS (
      SELECT raw.*, CASE WHEN s <= MAX(e) OVER (PARTITION BY customer_id ORDER BY s, e ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
                         THEN 0 ELSE 1 END AS starts
      FROM raw
    ),
    grouped AS (
      SELECT marked.*, SUM(starts) OVER (PARTITION BY customer_id ORDER BY s, e ROWS UNBOUNDED PRECEDING) AS g FROM marked
    ),
    intr AS MATERIALIZED (
      SELECT i.customer_id, i.feeder_id, i.substation_id, (i.s AT TIME ZONE ${tz})::date AS day,
             EXTRACT(EPOCH FROM i.e - i.s)::float8 / 60 AS minutes, i.e - i.s > make_interval(secs => ${SUSTAINED_AFTER_SECONDS}) AS sustained,
             i.s >= ${from} AS in_period
      FROM (SELECT customer_id, MIN(feeder_id) AS feeder_id, MIN(substation_id) AS substation_id, MIN(s) AS s, MAX(e) AS e
            FROM grouped GROUP BY customer_id, g) i
      CROSS JOIN bounds
      WHERE i.s >= bounds.lower AND i.s < ${to}
    ),
    served AS MATERIALIZED (
      SELECT (SELECT COUNT(DISTINCT customer_id) FROM oms_meters WHERE customer_id IS NOT NULL)::int AS system,
             (SELECT COUNT(DISTINCT customer_id) FROM oms_meters m WHERE customer_id IS NOT NULL AND ${inScope("m")})::int AS scope
    ),
    daily AS MATERIALIZED (
      SELECT day, SUM(minutes) / NULLIF((SELECT system FROM served), 0) AS saidi
      FROM intr WHERE sustained GROUP BY day
    ),
    stats AS MATERIALIZED (
      SELECT COUNT(*)::int AS n, AVG(LN(d.saidi)) AS alpha, STDDEV_SAMP(LN(d.saidi)) AS beta
      FROM daily d CROSS JOIN bounds WHERE d.saidi > 0 AND d.day BETWEEN bounds.window_first AND bounds.last_day
    ),
    tmed AS MATERIALIZED (SELECT CASE WHEN n >= 2 THEN EXP(alpha + 2.5 * beta) END AS t, n FROM stats),
    med AS MATERIALIZED (
      SELECT d.day FROM daily d CROSS JOIN tmed CROSS JOIN bounds
      WHERE tmed.t IS NOT NULL AND d.saidi > tmed.t AND d.day BETWEEN bounds.first_day AND bounds.last_day
    ),
    period AS MATERIALIZED (
      SELECT intr.*, intr.day IN (SELECT day FROM med) AS is_med FROM intr WHERE in_period
    ),
    scoped_feeders AS MATERIALIZED (
      SELECT f.id, f.feeder_id AS code, s.substation_id AS substation FROM network_feeders f
      JOIN network_substations s ON s.id = f.substation_id WHERE ${q.scope.level === "feeder" ? sql`f.id = ${q.scope.id}::int` : q.scope.level === "substation" ? sql`f.substation_id = ${q.scope.id}::int` : sql`TRUE`}
    ),
    feeder_customers AS MATERIALIZED (
      SELECT feeder_id, COUNT(DISTINCT customer_id)::int AS n FROM oms_meters
      WHERE customer_id IS NOT NULL AND feeder_id IN (SELECT id FROM scoped_feeders) GROUP BY feeder_id
    ),
    device_momentaries AS MATERIALIZED (
      SELECT dm.level, dm.device_id, (dm.started_at AT TIME ZONE ${tz})::date AS day
      FROM oms_device_momentaries dm WHERE dm.started_at >= ${from} AND dm.started_at < ${to}
    ),
    dp_customers AS (
      SELECT dp_id, feeder_id, COUNT(DISTINCT customer_id)::int AS n FROM oms_meters
      WHERE customer_id IS NOT NULL AND feeder_id IN (SELECT id FROM scoped_feeders)
        AND dp_id IN (SELECT device_id FROM device_momentaries WHERE level = 'distribution_point')
      GROUP BY dp_id, feeder_id
    ),
    momentary_feeder_days AS MATERIALIZED (
      SELECT x.feeder_id, x.day, SUM(x.n)::int AS events FROM (
        SELECT c.feeder_id, dm.day, c.n FROM device_momentaries dm JOIN dp_customers c ON dm.level = 'distribution_point' AND c.dp_id = dm.device_id
        UNION ALL
        SELECT c.feeder_id, dm.day, c.n FROM device_momentaries dm JOIN feeder_customers c ON dm.level = 'feeder' AND c.feeder_id = dm.device_id
        UNION ALL
        SELECT c.feeder_id, dm.day, c.n FROM device_momentaries dm JOIN network_feeders f ON dm.level = 'substation' AND f.substation_id = dm.device_id
          JOIN feeder_customers c ON c.feeder_id = f.id
      ) x GROUP BY x.feeder_id, x.day
    ),
    scoped AS MATERIALIZED (SELECT * FROM period p WHERE ${inScope("p")}),
    totals AS (
      SELECT COUNT(*) FILTER (WHERE sustained)::int AS sustained,
             COALESCE(SUM(minutes) FILTER (WHERE sustained), 0) AS customer_minutes,
             (SELECT COUNT(*) FROM (SELECT DISTINCT customer_id FROM scoped WHERE sustained) c)::int AS customers_interrupted,
             COUNT(*) FILTER (WHERE NOT sustained)::int + (SELECT COALESCE(SUM(events), 0)::int FROM momentary_feeder_days) AS momentary_events,
             COUNT(*) FILTER (WHERE sustained AND NOT is_med)::int AS sustained_ex_med,
             COALESCE(SUM(minutes) FILTER (WHERE sustained AND NOT is_med), 0) AS customer_minutes_ex_med
      FROM scoped
    ),
    days AS (
      SELECT d.day::date AS day, COALESCE(sd.saidi, 0) AS system_saidi, COALESCE(x.sustained, 0) AS sustained,
             COALESCE(x.customer_minutes, 0) AS customer_minutes,
             COALESCE(x.short, 0) + COALESCE((SELECT SUM(events) FROM momentary_feeder_days mf WHERE mf.day = d.day::date), 0)::int AS momentary_events
      FROM bounds b CROSS JOIN generate_series(b.first_day::timestamp, b.last_day::timestamp, interval '1 day') d(day)
      LEFT JOIN daily sd ON sd.day = d.day::date
      LEFT JOIN (SELECT day, COUNT(*) FILTER (WHERE sustained)::int AS sustained, SUM(minutes) FILTER (WHERE sustained) AS customer_minutes,
                        COUNT(*) FILTER (WHERE NOT sustained)::int AS short
                 FROM scoped GROUP BY day) x ON x.day = d.day::date
    ),
    feeders AS (
      SELECT f.id, f.code, f.substation, COALESCE(fc.n, 0) AS customers_served,
             COALESCE(p.sustained, 0) AS sustained, COALESCE(p.customer_minutes, 0) AS customer_minutes,
             COALESCE(ci.n, 0) AS customers_interrupted,
             COALESCE(p.short, 0) + COALESCE((SELECT SUM(events) FROM momentary_feeder_days mf WHERE mf.feeder_id = f.id), 0)::int AS momentary_events,
             COALESCE(p.sustained_ex_med, 0) AS sustained_ex_med, COALESCE(p.customer_minutes_ex_med, 0) AS customer_minutes_ex_med
      FROM scoped_feeders f
      LEFT JOIN feeder_customers fc ON fc.feeder_id = f.id
      LEFT JOIN (SELECT feeder_id, COUNT(*) FILTER (WHERE sustained)::int AS sustained, SUM(minutes) FILTER (WHERE sustained) AS customer_minutes,
                        COUNT(*) FILTER (WHERE NOT sustained)::int AS short,
                        COUNT(*) FILTER (WHERE sustained AND NOT is_med)::int AS sustained_ex_med,
                        SUM(minutes) FILTER (WHERE sustained AND NOT is_med) AS customer_minutes_ex_med
                 FROM scoped GROUP BY feeder_id) p ON p.feeder_id = f.id
      LEFT JOIN (SELECT feeder_id, COUNT(*)::int AS n FROM (SELECT DISTINCT feeder_id, customer_id FROM scoped WHERE sustained) d
                 GROUP BY feeder_id) ci ON ci.feeder_id = f.id
    )
    SELECT json_build_object(
      'served', (SELECT row_to_json(served) FROM served),
      'tmed', (SELECT row_to_json(tmed) FROM tmed),
      'med', (SELECT COALESCE(json_agg(to_char(day, 'YYYY-MM-DD') ORDER BY day), '[]'::json) FROM med),
      'totals', (SELECT row_to_json(totals) FROM totals),
      'days', (SELECT COALESCE(json_agg(json_build_array(to_char(day, 'YYYY-MM-DD'), system_saidi, sustained, customer_minutes, momentary_events) ORDER BY day), '[]'::json) FROM days),
      'feeders', (SELECT COALESCE(json_agg(json_build_array(id, code, substation, customers_served, sustained, customer_minutes,
                    customers_interrupted, momentary_events, sustained_ex_med, customer_minutes_ex_med) ORDER BY code), '[]'::json) FROM feeders)
    ) AS figures`);
  return figuresOf(typeof row.figures === "string" ? JSON.parse(row.figures) : row.figures);
}

interface RawFigures {
  served: { system: number; scope: number };
  tmed: { t: number | null; n: number };
  med: string[];
  totals: Record<string, number>;
  days: Array<[string, number, number, number, number]>;
  feeders: Array<[number, string, string, number, number, number, number, number, number, number]>;
}

function figuresOf(r: RawFigures): ReliabilityFigures {
  const t = r.totals;
  return {
    customersServed: r.served.scope,
    systemCustomers: r.served.system,
    tMed: r.tmed.t === null ? null : Number(r.tmed.t),
    daysWithSaidi: r.tmed.n,
    majorEventDays: r.med,
    totals: {
      sustained: Number(t.sustained), customerMinutes: Number(t.customer_minutes), customersInterrupted: Number(t.customers_interrupted),
      momentaryEvents: Number(t.momentary_events), sustainedExMed: Number(t.sustained_ex_med), customerMinutesExMed: Number(t.customer_minutes_ex_med),
    },
    days: r.days.map(([day, systemSaidi, sustained, customerMinutes, momentaryEvents]) => ({
      day, systemSaidi: Number(systemSaidi), sustained: Number(sustained), customerMinutes: Number(customerMinutes), momentaryEvents: Number(momentaryEvents),
    })),
    feeders: r.feeders.map(([feederId, feeder, substation, customersServed, sustained, customerMinutes, customersInterrupted, momentaryEvents, sustainedExMed, customerMinutesExMed]) => ({
      feederId, feeder, substation, customersServed: Number(customersServed), sustained: Number(sustained), customerMinutes: Number(customerMinutes),
      customersInterrupted: Number(customersInterrupted), momentaryEvents: Number(momentaryEvents),
      sustainedExMed: Number(sustainedExMed), customerMinutesExMed: Number(customerMinutesExMed),
    })),
  };
}

/** The substations and feeders a report can be asked for, by code (the Reports page's pickers). */
export async function reportLevels(db: DbOrTx): Promise<{ substations: string[]; feeders: Array<{ feeder: string; substation: string }> }> {
  const [substations, feeders] = await Promise.all([
    queryRows<{ code: string }>(db, sql`SELECT substation_id AS code FROM network_substations ORDER BY substation_id`),
    queryRows<{ feeder: string; substation: string }>(db, sql`
      SELECT f.feeder_id AS feeder, s.substation_id AS substation FROM network_feeders f JOIN network_substations s ON s.id = f.substation_id
      ORDER BY f.feeder_id`),
  ]);
  return { substations: substations.map((s) => s.code), feeders };
}
