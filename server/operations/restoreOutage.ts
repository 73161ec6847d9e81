import { sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows } from "../../db/client";
import type { ServiceContext } from "../context";
import { conflict, invalid } from "../errors";
import { restore } from "../pipeline/reconcile";
import { actorRef, commitAndPublish, crewsUpdated } from "./changes";
import { changeOutages } from "./changeOutages";
import { findCrew } from "./crews";
import { outageCustomers, queueNotifications } from "./notifications";
import { isOpenStatus, lockOutage } from "./outages";
import { crewRef, isoTime, outageRef } from "./schemas";
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
 * A person declares the outage restored (stage 7), through the pipeline's own restoration
 * (pipeline/reconcile.ts `restore`): meters are taken as back, except those whose last word was a
 * power-off at or before the restoration. Those keep the outage on the list as restored and
 * verifying until the rule's window ends; then the pipeline splits them off as a nested outage
 * (customers told "still out") unless they report power. The crews on it are released; restored
 * customers are told.
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

    const change = await changeOutages(ctx, tx, [outage.substation_id!], (pass) => {
      const o = pass.outages.find((x) => x.id === outage.id)!;
      o.cause = reason;
      restore(pass, o, restoredAt, { kind: "system" }, `by ${ctx.actor.name}${crew ? ` (crew ${crew.crew_id})` : ""}: ${reason}`,
        { byPerson: true, details: { reason, crewId: crew?.crew_id ?? null, notes: notes ?? null } });
      return o;
    });
    const o = change.result;
    // The restored customers are told below, with the count the answer gives.
    change.decisions.notifications = change.decisions.notifications.filter((n) => n.type !== "restored");
    changes.push(...await change.write());
    const stillOff = [...o.meters.values()].filter((m) => m.state !== "restored").length;
    await tx.execute(sql`UPDATE oms_outage_events SET restored_by = ${actorRef(ctx.actor)} WHERE id = ${outage.id}::uuid`);

    const completed = await queryRows<{ id: number; crew_id: number }>(tx, sql`
      UPDATE oms_crew_assignments SET status = 'completed', completed_at = ${time(restoredAt)}, notes = COALESCE(${notes ?? null}, notes)
      WHERE outage_event_id = ${outage.id}::uuid AND status NOT IN ('completed', 'cancelled')
        ${crew ? sql`AND crew_id = ${crew.id}::int` : sql``}
      RETURNING id::int AS id, crew_id`);
    const crewIds = [...new Set(completed.map((a) => a.crew_id))];
    for (const id of crewIds) await tx.execute(sql`UPDATE oms_crews SET status = 'available' WHERE id = ${id}::int`);

    // Customers never told of the outage (restored within the momentary window) are not told it ended either.
    const notifications = o.customersNotified
      ? await queueNotifications(tx, {
        outageId: outage.id, type: "restored", channel: "sms", when: now, customers: outageCustomers(outage.id, "restored"),
        message: `Power has been restored after outage ${outage.event_id}. Thank you for your patience.`,
      })
      : { customers: 0, queued: 0, already_queued: 0 };
    changes.push(...(await crewsUpdated(tx, crewIds)));
    return {
      outage_event_id: outage.id, event_id: outage.event_id, status: "restored" as const,
      actual_restoration_time: iso(restoredAt), restored_by: actorRef(ctx.actor), cause: reason,
      meters_restored: o.meters.size - stillOff, meters_still_off: stillOff, verification_due_at: iso(o.verificationDueAt),
      completed_assignments: completed.map((a) => a.id), notifications,
    };
  });
}
