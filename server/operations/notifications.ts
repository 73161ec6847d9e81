import { sql, type SQL } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../../db/client";
import type { NotificationType } from "../../db/schema";

export type Channel = "sms" | "email" | "voice" | "push";

export interface QueuedNotifications {
  /** Distinct customers the notification was meant for. */
  customers: number;
  /** Rows written now. */
  queued: number;
  /** Customers who already had this kind of notification for this outage. */
  already_queued: number;
}

/**
 * The customers an outage's notification of this kind is true for: `restored` goes to the
 * customers whose meters are back, `detected` and `etr` to those still dark.
 */
export function outageCustomers(outageId: string, type: NotificationType): SQL {
  const back = type === "restored";
  return sql`
    SELECT COALESCE(am.customer_id, m.customer_id) FROM oms_outage_affected_meters am
    JOIN oms_meters m ON m.id = am.meter_id
    WHERE am.outage_event_id = ${outageId}::uuid AND ${back ? sql`am.state = 'restored'` : sql`am.state <> 'restored'`}`;
}

/**
 * Queues one notification per customer (from `customers`, a query of customer ids) and outage
 * and kind: the unique index makes a repeat a no-op, so restoring twice or a retried request
 * never texts a customer twice.
 */
export async function queueNotifications(tx: DbOrTx, n: {
  outageId: string; type: NotificationType; channel: Channel; message: string; customers: SQL; when: Date;
}): Promise<QueuedNotifications> {
  const [row] = await queryRows<{ customers: number; queued: number }>(tx, sql`
    WITH target AS (
      SELECT DISTINCT t.customer_id FROM (${n.customers}) AS t(customer_id) WHERE t.customer_id IS NOT NULL),
    queued AS (
      INSERT INTO oms_customer_notifications (outage_event_id, customer_id, notification_type, channel, message_content, status, created_at)
      SELECT ${n.outageId}::uuid, customer_id, ${n.type}, ${n.channel}, ${n.message}, 'queued', ${n.when.toISOString()}::timestamptz FROM target
      ON CONFLICT (outage_event_id, customer_id, notification_type) DO NOTHING
      RETURNING 1)
    SELECT (SELECT COUNT(*)::int FROM target) AS customers, (SELECT COUNT(*)::int FROM queued) AS queued`);
  const customers = Number(row.customers);
  const queued = Number(row.queued);
  return { customers, queued, already_queued: customers - queued };
}
