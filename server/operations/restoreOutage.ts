import { sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows } from "../../db/client";
import type { ServiceContext } from "../context";
import { conflict, invalid } from "../errors";
import { actorRef, commitAndPublish, crewsUpdated, outagesChanged } from "./changes";
import { findCrew } from "./crews";
import { outageCustomers, queueNotifications } from "./notifications";
import { isOpenStatus, lockOutage } from "./outages";
import { activeRule } from "./rules";
import { crewRef, isoTime, outageRef } from "./schemas";
import { addTimeline } from "./timeline";
import { at as time, iso } from "./values";

/** Seed 000's restoration request. */
export const restoreOutageInput = z.object({
  outage_event_id: outageRef,
  restoration_data: z.object({
    restoration_time: isoTime,
    restoration_reason: z.string().trim().min(1).max(500),
    crew_id: crewRef.nullish(),
    notes: z.string().trim().max(2000).nullish(),
  }),
});
export type RestoreOutageInput = z.output<typeof restoreOutageInput>;

/** Clocks of field devices and phones drift; a restoration this far ahead is a mistake. */
const FUTURE_TOLERANCE_MS = 60_000;

/**
 * A person declares the outage restored (stage 7). Meters are taken as back, except those whose
 * last word was a power-off at or before the restoration: they stay off, and the outage is
 * verified until the rule's window ends, after which the pipeline splits them off as a nested
 * outage unless they report power. The crews on it are released; restored customers are told.
 */
export async function restoreOutage(ctx: ServiceContext, input: RestoreOutageInput) {
  const { restoration_time: restoredAt, restoration_reason: reason, crew_id: crewRefIn, notes } = input.restoration_data;
  return commitAndPublish(ctx, async (tx, changes) => {
    const now = ctx.now();
    if (restoredAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) {
      throw invalid("The restoration time is in the future", [{ path: "restoration_data.restoration_time", message: "must not be in the future" }]);
    }
    const outage = await lockOutage(tx, input.outage_event_id);
    if (!isOpenStatus(outage.status)) throw conflict(`Outage ${outage.event_id} is already ${outage.status}`);
    if (restoredAt < outage.first_detected_at) {
      throw invalid("The restoration time is before the outage was detected", [
        { path: "restoration_data.restoration_time", message: `must not be before ${outage.first_detected_at.toISOString()}` }]);
    }
    const crew = crewRefIn == null ? null : await findCrew(tx, crewRefIn);
    const rule = await activeRule(tx);

    await tx.execute(sql`
      UPDATE oms_outage_affected_meters am SET state = 'restored', restored_at = ${time(restoredAt)}
      WHERE am.outage_event_id = ${outage.id}::uuid AND am.state <> 'restored'
        AND NOT EXISTS (SELECT 1 FROM oms_meters m WHERE m.id = am.meter_id
                        AND m.power_status = 'off' AND m.last_power_change <= ${time(restoredAt)})`);
    const [scope] = await queryRows<{ restored: number; still_off: number; customers_out: number; critical_out: number }>(tx, sql`
      SELECT COUNT(*) FILTER (WHERE am.state = 'restored')::int AS restored,
             COUNT(*) FILTER (WHERE am.state <> 'restored')::int AS still_off,
             COUNT(DISTINCT c.id) FILTER (WHERE am.state <> 'restored')::int AS customers_out,
             COUNT(DISTINCT c.id) FILTER (WHERE am.state <> 'restored' AND c.is_critical)::int AS critical_out
      FROM oms_outage_affected_meters am JOIN oms_meters m ON m.id = am.meter_id
      LEFT JOIN oms_customers c ON c.id = COALESCE(am.customer_id, m.customer_id)
      WHERE am.outage_event_id = ${outage.id}::uuid`);
    const stillOff = Number(scope.still_off);
    const verifyUntil = stillOff > 0 ? new Date(restoredAt.getTime() + rule.verificationMinutes * 60_000) : null;
    // Counts are of customers still out, as the pipeline keeps them.
    await tx.execute(sql`
      UPDATE oms_outage_events SET status = 'restored', actual_restoration_time = ${time(restoredAt)},
        restored_by = ${actorRef(ctx.actor)}, cause = ${reason}, verification_due_at = ${time(verifyUntil)},
        affected_customers_count = ${Number(scope.customers_out)}::int, critical_customers_count = ${Number(scope.critical_out)}::int,
        last_updated_at = ${time(now)}
      WHERE id = ${outage.id}::uuid`);

    const completed = await queryRows<{ id: number; crew_id: number }>(tx, sql`
      UPDATE oms_crew_assignments SET status = 'completed', completed_at = ${time(restoredAt)}, notes = COALESCE(${notes ?? null}, notes)
      WHERE outage_event_id = ${outage.id}::uuid AND status NOT IN ('completed', 'cancelled')
        ${crew ? sql`AND crew_id = ${crew.id}::int` : sql``}
      RETURNING id::int AS id, crew_id`);
    const crewIds = [...new Set(completed.map((a) => a.crew_id))];
    for (const id of crewIds) await tx.execute(sql`UPDATE oms_crews SET status = 'available' WHERE id = ${id}::int`);

    const notifications = await queueNotifications(tx, {
      outageId: outage.id, type: "restored", channel: "sms", when: now, customers: outageCustomers(outage.id, "restored"),
      message: `Power has been restored after outage ${outage.event_id}. Thank you for your patience.`,
    });
    await addTimeline(tx, ctx.actor, now, {
      outageId: outage.id, eventType: "restored", status: "restored",
      description: `Restored at ${restoredAt.toISOString()} by ${ctx.actor.name}${crew ? ` (crew ${crew.crew_id})` : ""}: ${reason}; ` +
        (stillOff ? `${stillOff} meter(s) still report no power and are verified until ${verifyUntil!.toISOString()}` : "all meters back"),
      details: { restoredAt: restoredAt.toISOString(), reason, crewId: crew?.crew_id ?? null, notes: notes ?? null, stillOff, completedAssignments: completed.map((a) => a.id), notifications },
    });
    changes.push(...await outagesChanged(tx, [outage.id]), ...(await crewsUpdated(tx, crewIds)));
    return {
      outage_event_id: outage.id, event_id: outage.event_id, status: "restored" as const,
      actual_restoration_time: iso(restoredAt), restored_by: actorRef(ctx.actor), cause: reason,
      meters_restored: Number(scope.restored), meters_still_off: stillOff, verification_due_at: iso(verifyUntil),
      completed_assignments: completed.map((a) => a.id), notifications,
    };
  });
}
