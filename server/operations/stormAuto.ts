import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../../db/client";
import type { ServiceContext } from "../context";
import { systemActor } from "../context";
import { commitAndPublish } from "./changes";
import { lockStormMode, stormChanged, switchOn } from "./stormMode";
import { DEFAULT_AUTO_THRESHOLD } from "./stormStatus";

export interface AutoActivation {
  switched: boolean;
  outages_last_hour: number;
  threshold: number;
}

/**
 * Seed 000's check_storm_mode_activation: with storm mode off, as many outages first detected
 * in the last hour as the threshold switch it on, by the system. Outages detected before a
 * deactivation do not count, or the storm a supervisor just closed would reopen itself on the
 * next batch. Cheap when nothing is due (one statement, no lock): the pipeline calls it after
 * every pass. Only when the count is due does it lock storm mode and count again.
 */
export async function checkStormAutoActivation(ctx: ServiceContext): Promise<AutoActivation> {
  const now = ctx.now();
  // Nothing due is the common case, after every pass of a storm: one statement, no transaction
  // (it ran in a correlation lane's turn, before the pass's answers, as four round trips).
  const first = await assessAtOnce(ctx.db, now);
  if (first.active || first.outages < first.threshold) {
    return { switched: false, outages_last_hour: first.outages, threshold: first.threshold };
  }
  return commitAndPublish(ctx, async (tx, changes) => {
    await lockStormMode(tx);
    const state = await assessAtOnce(tx, now); // under the lock: someone may have switched it since
    if (state.active || state.outages < state.threshold) {
      return { switched: false, outages_last_hour: state.outages, threshold: state.threshold };
    }
    const reason = `auto: ${state.outages} outages in the last hour`;
    await switchOn(tx, systemActor, reason, now, state.threshold);
    changes.push(await stormChanged(tx, true, reason, systemActor, now));
    return { switched: true, outages_last_hour: state.outages, threshold: state.threshold };
  });
}

/**
 * The newest storm row and the outages first detected since the hour before `now` (or the last
 * switch-off, if later), in one statement. Only outages: the signals of the hour (every inbox
 * row) are the status line's business, and counting them after every batch cost more than the batch.
 */
async function assessAtOnce(db: DbOrTx, now: Date): Promise<{ active: boolean; threshold: number; outages: number }> {
  const hourAgo = new Date(now.getTime() - 3_600_000).toISOString();
  const [row] = await queryRows<{ active: boolean | null; threshold: number | null; outages: number }>(db, sql`
    WITH storm AS (
      SELECT is_active, auto_activation_threshold, deactivated_at FROM oms_storm_mode_config ORDER BY created_at DESC, id DESC LIMIT 1)
    SELECT (SELECT is_active FROM storm) AS active, (SELECT auto_activation_threshold FROM storm) AS threshold,
      (SELECT COUNT(*)::int FROM oms_outage_events WHERE first_detected_at >= GREATEST(${hourAgo}::timestamptz,
        COALESCE((SELECT deactivated_at FROM storm), ${hourAgo}::timestamptz))) AS outages`);
  return { active: row.active === true, threshold: Number(row.threshold ?? DEFAULT_AUTO_THRESHOLD), outages: Number(row.outages) };
}
