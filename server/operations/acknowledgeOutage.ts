import { sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows } from "../../db/client";
import { alertReasons, UNACKNOWLEDGED, type AlertReason } from "../../db/queries/alerts";
import type { ServiceContext } from "../context";
import { conflict } from "../errors";
import { commitAndPublish, outagesChanged } from "./changes";
import { findOutage, isOpenStatus } from "./outages";
import { outageRef } from "./schemas";
import { addTimeline } from "./timeline";

export const acknowledgeOutageInput = z.object({ outage_event_id: outageRef });

const REASON_WORDS: Record<AlertReason, string> = { new: "new outage", critical: "critical", critical_customers: "critical customers dark" };

/**
 * A dispatcher acknowledges what an open outage calls attention for (new, critical, critical
 * customers dark): a timeline entry naming them and listing the reasons seen, so a reason that
 * appears later calls again. The outage row itself is not written, so the pipeline's lock is
 * not taken. Acknowledging with nothing left to acknowledge changes nothing.
 */
export async function acknowledgeOutage(ctx: ServiceContext, input: z.output<typeof acknowledgeOutageInput>) {
  return commitAndPublish(ctx, async (tx, changes) => {
    const outage = await findOutage(tx, input.outage_event_id);
    if (!isOpenStatus(outage.status)) throw conflict(`Outage ${outage.event_id} is ${outage.status}; only an open outage can be acknowledged`);
    // Serialises two dispatchers acknowledging the same outage (the second finds nothing left).
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('oms_ack:' || ${outage.id}::text))`);
    const [row] = await queryRows<{ alerts: unknown }>(tx, sql`SELECT ${UNACKNOWLEDGED} AS alerts FROM oms_outage_events o WHERE o.id = ${outage.id}::uuid`);
    const reasons = alertReasons(row?.alerts);
    if (reasons.length > 0) {
      await addTimeline(tx, ctx.actor, ctx.now(), {
        outageId: outage.id, eventType: "acknowledged", status: outage.status,
        description: `Acknowledged by ${ctx.actor.name}: ${reasons.map((r) => REASON_WORDS[r]).join(", ")}`, details: { reasons },
      });
      changes.push(...await outagesChanged(tx, [outage.id]));
    }
    return { outage_event_id: outage.id, event_id: outage.event_id, acknowledged: reasons, already_acknowledged: reasons.length === 0 };
  });
}
