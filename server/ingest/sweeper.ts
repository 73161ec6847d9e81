import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../../db/client";
import { arrayParam } from "../../db/arrays";
import { describeError } from "../errorCauses";
import { LIVE_OUTAGE } from "../../db/queries/powerState";
import { sweepInLanes, type IngestDeps } from "./service";

/**
 * At most this many power-offs recorded in the window are looked up meter by meter; with more,
 * every meter is scanned (the table read once is then cheaper than that many lookups).
 */
export const SWEEP_LOOKUP_MOST = 20_000;

/**
 * Windows end with no signal arriving: this re-runs the pipeline for the substations whose
 * restored outages are due (meters still dark become nested outages) and for those with a
 * power-off no outage holds that has just outlasted the momentary window (it becomes one).
 */
export async function sweepVerifications(deps: IngestDeps): Promise<number> {
  const now = deps.now();
  const rule = await deps.activeRule(deps.db);
  const due = await dueSubstations(deps.db, now, rule.momentarySeconds * 1000);
  if (!due.length) return 0;
  // Reconciled in the lanes' next passes (service.ts sweepInLanes), under the lanes' leases.
  await sweepInLanes(deps, due);
  return due.length;
}

/**
 * The substations with a restored outage due for verification, an open outage whose customers
 * are not told yet, or a meter dark for longer than the momentary window (and at most ten minutes
 * longer) that no live outage holds.
 *
 * The last is asked of the meters whose power-off was recorded in that window (a meter is only
 * ever turned off by a pass, which records the change with the same time in
 * oms_meter_status_events: applyDecisions.ts). The meters' power columns have no index (a
 * storm's meter updates stay HOT, migration 0016), so without this every sweep read the whole
 * table: 0.1–0.3 s each on 200,000 meters. With more than `lookupMost` power-offs in the window
 * (a small network in a long storm) the table is read after all, which is then the cheaper way;
 * both ways find the same substations (tests/sweeper.test.ts).
 */
export async function dueSubstations(db: DbOrTx, now: Date, momentaryMs: number, lookupMost = SWEEP_LOOKUP_MOST): Promise<number[]> {
  const matured = new Date(now.getTime() - momentaryMs);
  // Power-offs that matured since a while ago; older ones were seen by the sweeps before.
  const since = new Date(matured.getTime() - 10 * 60_000);
  const offs = await queryRows<{ id: number }>(db, sql`
    SELECT meter_id AS id FROM oms_meter_status_events
    WHERE new_status = 'off' AND event_timestamp <= ${matured.toISOString()} AND event_timestamp > ${since.toISOString()}
    LIMIT ${lookupMost + 1}`);
  const darkSince = sql`m.power_status = 'off' AND m.last_power_change <= ${matured.toISOString()} AND m.last_power_change > ${since.toISOString()}
      AND m.substation_id IS NOT NULL`;
  const dark = offs.length <= lookupMost
    // Meter by meter (LIMIT 1 keeps each a lookup by key: planned as a join, the planner would
    // rather read the whole table than look up a few thousand rows), and so is the check that no
    // outage holds it: the meter's rows, then each one's outage by its key (OFFSET 0 keeps that a
    // lookup: planned as a join, a new database's all but empty statistics had it read every live
    // outage for each meter).
    ? sql`SELECT DISTINCT m.substation_id FROM unnest(${arrayParam([...new Set(offs.map((o) => o.id))], "int4")}) AS c(id)
      CROSS JOIN LATERAL (SELECT m.id, m.substation_id FROM oms_meters m WHERE m.id = c.id AND ${darkSince} LIMIT 1) m
      WHERE NOT EXISTS (
        SELECT 1 FROM oms_outage_affected_meters am WHERE am.meter_id = m.id AND am.state <> 'restored'
          AND EXISTS (SELECT 1 FROM oms_outage_events o WHERE o.id = am.outage_event_id AND ${LIVE_OUTAGE} OFFSET 0))`
    : sql`SELECT DISTINCT m.substation_id FROM oms_meters m WHERE ${darkSince} AND NOT EXISTS (
        SELECT 1 FROM oms_outage_affected_meters am JOIN oms_outage_events o ON o.id = am.outage_event_id
        WHERE am.meter_id = m.id AND am.state <> 'restored' AND ${LIVE_OUTAGE})`;
  const rows = await queryRows<{ id: number }>(db, sql`
    SELECT DISTINCT substation_id AS id FROM oms_outage_events
    WHERE verification_due_at IS NOT NULL AND verification_due_at <= ${now.toISOString()} AND substation_id IS NOT NULL
    UNION
    SELECT DISTINCT substation_id FROM oms_outage_events
    WHERE NOT customers_notified AND first_detected_at <= ${matured.toISOString()} AND status IN ('detected', 'confirmed', 'in_progress')
    UNION
    ${dark}`);
  return rows.map((r) => r.id);
}

export function startSweeper(deps: IngestDeps, log: (m: string) => void, everyMs = 15_000) {
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      await sweepVerifications(deps);
      await deps.afterCommit?.();
    } catch (err) {
      log(`verification sweep failed: ${describeError(err)}`);
    } finally {
      running = false;
    }
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
