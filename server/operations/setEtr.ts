import { utilityTime } from "../pipeline/timeText";
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { ServiceContext } from "../context";
import { conflict, invalid } from "../errors";
import { commitAndPublish, outagesChanged } from "./changes";
import { outageCustomers, queueNotifications } from "./notifications";
import { isOpenStatus, lockOutage } from "./outages";
import { isoTime, outageRef } from "./schemas";
import { addTimeline } from "./timeline";
import { at as time, iso } from "./values";

export const setEtrInput = z.object({
  outage_event_id: outageRef,
  estimated_restoration_time: isoTime,
  channel: z.enum(["sms", "email", "voice", "push"]).default("sms"),
  /** The text customers get; by default one naming the outage and the time (UTC). */
  message_content: z.string().trim().min(1).max(2000).nullish(),
});
export type SetEtrInput = z.output<typeof setEtrInput>;

/** An estimate a minute or more in the past is a slip, not an estimate. */
const PAST_TOLERANCE_MS = 60_000;

/**
 * Sets the estimated restoration time of an open outage and tells the customers still dark.
 * They are told once per outage (the notification index is per outage, customer and kind), so
 * a revised estimate shows on the outage but texts nobody again.
 */
export async function setEtr(ctx: ServiceContext, input: SetEtrInput) {
  const etr = input.estimated_restoration_time;
  return commitAndPublish(ctx, async (tx, changes) => {
    const now = ctx.now();
    if (etr.getTime() < now.getTime() - PAST_TOLERANCE_MS) {
      throw invalid("The estimated restoration time is in the past", [{ path: "estimated_restoration_time", message: "must not be in the past" }]);
    }
    const outage = await lockOutage(tx, input.outage_event_id);
    if (!isOpenStatus(outage.status)) throw conflict(`Outage ${outage.event_id} is ${outage.status}; only open outages take an estimate`);
    await tx.execute(sql`
      UPDATE oms_outage_events SET estimated_restoration_time = ${time(etr)}, last_updated_at = ${time(now)}
      WHERE id = ${outage.id}::uuid`);
    const was = outage.estimated_restoration_time;
    const message = input.message_content
      ?? `Outage ${outage.event_id}: power is expected back by ${utilityTime(etr, ctx.timeZone)}.`;
    const notifications = await queueNotifications(tx, {
      outageId: outage.id, type: "etr", channel: input.channel, message, customers: outageCustomers(outage.id, "etr"), when: now,
    });
    await addTimeline(tx, ctx.actor, now, {
      outageId: outage.id, eventType: "etr", status: outage.status,
      description: `Estimated restoration ${was ? `moved from ${utilityTime(was, ctx.timeZone)} ` : ""}set to ${utilityTime(etr, ctx.timeZone)} by ${ctx.actor.name}`,
      details: { estimatedRestorationTime: etr.toISOString(), previous: iso(was), notifications },
    });
    changes.push(...await outagesChanged(tx, [outage.id]));
    return {
      outage_event_id: outage.id, event_id: outage.event_id, status: outage.status,
      estimated_restoration_time: etr.toISOString(), previous_estimate: iso(was), notifications,
    };
  });
}
