import { utilityTime } from "../pipeline/timeText";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows } from "../../db/client";
import type { ServiceContext } from "../context";
import { conflict } from "../errors";
import { actorRef, commitAndPublish, crewsUpdated, outagesChanged } from "./changes";
import { findCrew, moveCrew, openAssignmentOf } from "./crews";
import { isOpenStatus, lockOutage } from "./outages";
import { crewRef, isoTime, outageRef, position } from "./schemas";
import { addTimeline } from "./timeline";
import { at as time, iso } from "./values";

/** Seed 000's crew dispatch request. */
export const dispatchCrewInput = z.object({
  outage_event_id: outageRef,
  crew_data: z.object({
    crew_id: crewRef,
    /** Informational: the crew registry, not the caller, names the crew. */
    crew_name: z.string().max(200).nullish(),
    assignment_type: z.string().trim().min(1).max(40).default("repair"),
    estimated_arrival: isoTime.nullish(),
    location: position.nullish(),
    /** What the crew should know on the way (access, hazards, who to call): shown on the crew's phone. */
    notes: z.string().trim().max(2000).nullish(),
  }),
});
/** What the verb receives: the request as the schema parsed it (times as Dates, defaults filled). */
export type DispatchCrewInput = z.output<typeof dispatchCrewInput>;

export interface DispatchResult {
  assignment_id: number;
  outage_event_id: string;
  event_id: string;
  crew_id: string;
  crew_name: string;
  status: "assigned" | "en_route" | "on_site";
  outage_status: "in_progress";
  estimated_arrival: string | null;
  /** The crew was already on this outage: nothing was written (a retried request). */
  already_assigned: boolean;
}

/**
 * Sends a crew to an open outage. The outage goes in progress (a dispatcher sending a crew to a
 * merely detected outage has confirmed it); a crew works one outage at a time.
 */
export async function dispatchCrew(ctx: ServiceContext, input: DispatchCrewInput): Promise<DispatchResult> {
  return commitAndPublish(ctx, async (tx, changes) => {
    const now = ctx.now();
    const outage = await lockOutage(tx, input.outage_event_id);
    if (!isOpenStatus(outage.status)) throw conflict(`Outage ${outage.event_id} is ${outage.status}; crews go to open outages only`);
    const crew = await findCrew(tx, input.crew_data.crew_id, true);
    if (crew.status === "off_duty") throw conflict(`Crew ${crew.crew_id} is off duty`);
    const busy = await openAssignmentOf(tx, crew.id);
    const answer = (assignmentId: number, status: DispatchResult["status"], eta: Date | string | null, again: boolean): DispatchResult => ({
      assignment_id: assignmentId, outage_event_id: outage.id, event_id: outage.event_id, crew_id: crew.crew_id,
      crew_name: crew.name, status, outage_status: "in_progress", estimated_arrival: iso(eta), already_assigned: again,
    });
    if (busy && busy.outage_event_id === outage.id) {
      const [a] = await queryRows<{ status: DispatchResult["status"]; estimated_arrival: Date | null }>(tx, sql`
        SELECT status, estimated_arrival FROM oms_crew_assignments WHERE id = ${busy.id}::int`);
      return answer(busy.id, a.status, a.estimated_arrival, true);
    }
    if (busy) throw conflict(`Crew ${crew.crew_id} is busy on outage ${busy.event_id} (assignment ${busy.id})`);

    const { assignment_type: kind, estimated_arrival: eta = null, location, notes = null } = input.crew_data;
    const by = actorRef(ctx.actor);
    const [{ id }] = await queryRows<{ id: number }>(tx, sql`
      INSERT INTO oms_crew_assignments (outage_event_id, crew_id, assignment_type, status, assigned_at, estimated_arrival, assigned_by, dispatch_notes)
      VALUES (${outage.id}::uuid, ${crew.id}::int, ${kind}, 'assigned', ${time(now)}, ${time(eta)}, ${by}, ${notes || null})
      RETURNING id::int AS id`);
    await tx.execute(sql`UPDATE oms_crews SET status = 'assigned' WHERE id = ${crew.id}::int`);
    await moveCrew(tx, crew.id, location, now);
    const confirming = outage.status === "detected";
    await tx.execute(sql`
      UPDATE oms_outage_events SET status = 'in_progress', last_updated_at = ${time(now)}
        ${confirming ? sql`, confirmed_at = COALESCE(confirmed_at, ${time(now)}), confirmed_by = ${by}` : sql``}
      WHERE id = ${outage.id}::uuid`);

    if (confirming) {
      await addTimeline(tx, ctx.actor, now, {
        outageId: outage.id, eventType: "confirmed", status: "in_progress",
        description: `Confirmed by ${ctx.actor.name} in dispatching crew ${crew.crew_id}`,
      });
    }
    await addTimeline(tx, ctx.actor, now, {
      outageId: outage.id, eventType: "crew_dispatched", status: "in_progress",
      description: `Crew ${crew.crew_id} (${crew.name}) dispatched for ${kind} by ${ctx.actor.name}${eta ? `, expected on site ${utilityTime(eta, ctx.timeZone)}` : ""}${notes ? `. Notes: ${notes}` : ""}`,
      details: { assignmentId: id, crewId: crew.crew_id, assignmentType: kind, estimatedArrival: iso(eta), ...(notes ? { notes } : {}) },
    });
    changes.push(...(await crewsUpdated(tx, [crew.id])), ...(await outagesChanged(tx, [outage.id])));
    return answer(id, "assigned", eta, false);
  });
}
