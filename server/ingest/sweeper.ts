import { sql } from "drizzle-orm";
import { queryRows } from "../../db/client";
import { describeError } from "../errorCauses";
import { LIVE_OUTAGE } from "../../db/queries/powerState";
import { sweepInLanes, type IngestDeps } from "./service";

/**
 * Windows end with no signal arriving: this re-runs the pipeline for the substations whose
 * restored outages are due (meters still dark become nested outages) and for those with a
 * power-off no outage holds that has just outlasted the momentary window (it becomes one).
 */
export async function sweepVerifications(deps: IngestDeps): Promise<number> {
  const now = deps.now();
  const rule = await deps.activeRule(deps.db);
  const matured = new Date(now.getTime() - rule.momentarySeconds * 1000);
  // Power-offs that matured since a while ago; older ones were seen by the sweeps before.
  const since = new Date(matured.getTime() - 10 * 60_000);
  const due = await queryRows<{ id: number }>(deps.db, sql`
    SELECT DISTINCT substation_id AS id FROM oms_outage_events
    WHERE verification_due_at IS NOT NULL AND verification_due_at <= ${now.toISOString()} AND substation_id IS NOT NULL
    UNION
    SELECT DISTINCT substation_id FROM oms_outage_events
    WHERE NOT customers_notified AND first_detected_at <= ${matured.toISOString()} AND status IN ('detected', 'confirmed', 'in_progress')
    UNION
    SELECT DISTINCT m.substation_id FROM oms_meters m
    WHERE m.power_status = 'off' AND m.last_power_change <= ${matured.toISOString()} AND m.last_power_change > ${since.toISOString()}
      AND m.substation_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM oms_outage_affected_meters am JOIN oms_outage_events o ON o.id = am.outage_event_id
        WHERE am.meter_id = m.id AND am.state <> 'restored' AND ${LIVE_OUTAGE})`);
  if (!due.length) return 0;
  // Reconciled in the lanes' next passes (service.ts sweepInLanes), under the lanes' leases.
  await sweepInLanes(deps, due.map((d) => d.id));
  return due.length;
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
