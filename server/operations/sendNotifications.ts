import { sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows, type DbOrTx } from "../../db/client";
import type { NotificationType } from "../../db/schema";
import type { ServiceContext } from "../context";
import { invalid } from "../errors";
import { commitAndPublish } from "./changes";
import { outageCustomers, queueNotifications, type QueuedNotifications } from "./notifications";
import { findOutage } from "./outages";
import { outageRef, rowId } from "./schemas";
import { addTimeline } from "./timeline";
import { intList } from "./values";

/** Seed 000's customer communication request; customers by numeric id or code (CUST…). */
export const sendNotificationsInput = z.object({
  outage_event_id: outageRef,
  notification_data: z.object({
    notification_type: z.enum(["detected", "etr", "restored"]),
    channel: z.enum(["sms", "email", "voice", "push"]),
    message_content: z.string().trim().min(1).max(2000),
    customer_ids: z.array(z.union([rowId, z.string().trim().min(1).max(40)])).max(10_000).default([]),
  }),
});
export type SendNotificationsInput = z.output<typeof sendNotificationsInput>;

export type SendNotificationsResult = QueuedNotifications & {
  outage_event_id: string; event_id: string; notification_type: NotificationType; channel: string;
};

/**
 * Queues a notification for the outage's customers (all of those it is true for when the list
 * is empty), once per customer and kind: a repeat reports the customers as already queued.
 */
export async function sendNotifications(ctx: ServiceContext, input: SendNotificationsInput): Promise<SendNotificationsResult> {
  const { notification_type: type, channel, message_content: message, customer_ids: refs } = input.notification_data;
  return commitAndPublish(ctx, async (tx) => {
    const now = ctx.now();
    const outage = await findOutage(tx, input.outage_event_id);
    const customers = refs.length === 0 ? outageCustomers(outage.id, type) : sql`SELECT unnest(ARRAY[${intList(await customerIds(tx, refs))}]::int[])`;
    const result = await queueNotifications(tx, { outageId: outage.id, type, channel, message, customers, when: now });
    if (result.queued > 0) {
      await addTimeline(tx, ctx.actor, now, {
        outageId: outage.id, eventType: "notification", status: outage.status,
        description: `${result.queued} ${type} notification(s) queued by ${channel} by ${ctx.actor.name}` +
          (result.already_queued ? `; ${result.already_queued} customer(s) already had one` : ""),
        details: { type, channel, ...result },
      });
    }
    return { outage_event_id: outage.id, event_id: outage.event_id, notification_type: type, channel, ...result };
  });
}

/** Resolves ids and codes; unknown ones are bad input, named by their place in the list. */
async function customerIds(tx: DbOrTx, refs: Array<number | string>): Promise<number[]> {
  const ids = refs.filter((r): r is number => typeof r === "number");
  const codes = refs.filter((r): r is string => typeof r === "string");
  const rows = await queryRows<{ id: number; customer_id: string }>(tx, sql`
    SELECT id, customer_id FROM oms_customers
    WHERE ${ids.length ? sql`id IN (${intList(ids)})` : sql`false`}
       OR ${codes.length ? sql`customer_id IN (${sql.join(codes.map((c) => sql`${c}`), sql`, `)})` : sql`false`}`);
  const byId = new Set(rows.map((r) => r.id));
  const byCode = new Map(rows.map((r) => [r.customer_id, r.id]));
  const issues = refs.flatMap((r, i) => (typeof r === "number" ? byId.has(r) : byCode.has(r))
    ? [] : [{ path: `notification_data.customer_ids.${i}`, message: `unknown customer ${r}` }]);
  if (issues.length) throw invalid(`${issues.length} customer(s) are unknown`, issues);
  return refs.map((r) => (typeof r === "number" ? r : byCode.get(r)!));
}
