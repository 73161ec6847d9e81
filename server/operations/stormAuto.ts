import type { ServiceContext } from "../context";
import { systemActor } from "../context";
import { commitAndPublish } from "./changes";
import { lockStormMode, stormChanged, switchOn } from "./stormMode";
import { DEFAULT_AUTO_THRESHOLD, newestStormRow, outagesSince } from "./stormStatus";

export interface AutoActivation {
  switched: boolean;
  outages_last_hour: number;
  threshold: number;
}

/**
 * Seed 000's check_storm_mode_activation: with storm mode off, as many outages first detected
 * in the last hour as the threshold switch it on, by the system. Outages detected before a
 * deactivation do not count, or the storm a supervisor just closed would reopen itself on the
 * next batch. Cheap when nothing is due (two small reads, no lock): the pipeline calls it often.
 */
export async function checkStormAutoActivation(ctx: ServiceContext): Promise<AutoActivation> {
  return commitAndPublish(ctx, async (tx, changes) => {
    const now = ctx.now();
    const assess = async () => {
      const storm = await newestStormRow(tx);
      const threshold = Number(storm?.auto_activation_threshold ?? DEFAULT_AUTO_THRESHOLD);
      let since = new Date(now.getTime() - 3_600_000);
      if (storm?.deactivated_at && new Date(storm.deactivated_at) > since) since = new Date(storm.deactivated_at);
      // Only outages: the signals of the hour (every inbox row) are the status line's business, and
      // counting them after every batch of a storm cost more than the batch.
      const outages = await outagesSince(tx, since);
      return { active: storm?.is_active === true, threshold, outages };
    };
    let state = await assess();
    if (state.active || state.outages < state.threshold) {
      return { switched: false, outages_last_hour: state.outages, threshold: state.threshold };
    }
    await lockStormMode(tx);
    state = await assess(); // someone may have switched it while we counted
    if (state.active || state.outages < state.threshold) {
      return { switched: false, outages_last_hour: state.outages, threshold: state.threshold };
    }
    const reason = `auto: ${state.outages} outages in the last hour`;
    await switchOn(tx, systemActor, reason, now, state.threshold);
    changes.push(await stormChanged(tx, true, reason, systemActor, now));
    return { switched: true, outages_last_hour: state.outages, threshold: state.threshold };
  });
}
