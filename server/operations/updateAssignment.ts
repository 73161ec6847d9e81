import { sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows } from "../../db/client";
import type { AssignmentStatus, OutageStatus } from "../../db/schema";
import type { ServiceContext } from "../context";
import { conflict, notFound } from "../errors";
import { commitAndPublish, crewsUpdated, outagesChanged } from "./changes";
import { assertMayTouchAssignment, findCrew, moveCrew } from "./crews";
import { lockOutage } from "./outages";
import { position, rowId } from "./schemas";
import { addTimeline } from "./timeline";
import { at as time, iso } from "./values";

export const updateAssignmentInput = z.object({
  assignment_id: z.coerce.number().pipe(rowId),
  status: z.enum(["en_route", "on_site", "completed", "cancelled"]),
  notes: z.string().trim().max(2000).nullish(),
  location: position.nullish(),
});
export type UpdateAssignmentInput = z.output<typeof updateAssignmentInput>;

/** A crew only moves forward: assigned → en route → on site → completed (or cancelled at any point). */
const order: Record<AssignmentStatus, number> = { assigned: 0, en_route: 1, on_site: 2, completed: 3, cancelled: 3 };

/** Crew progress on an assignment, as the crew's phone or a dispatcher reports it. */
export async function updateAssignment(ctx: ServiceContext, input: UpdateAssignmentInput) {
  return commitAndPublish(ctx, async (tx, changes) => {
    const now = ctx.now();
    const [seen] = await queryRows<{ outage_event_id: string; crew_id: number }>(tx, sql`
      SELECT outage_event_id, crew_id FROM oms_crew_assignments WHERE id = ${input.assignment_id}::int`);
    if (!seen) throw notFound(`Assignment ${input.assignment_id}`);
    assertMayTouchAssignment(ctx.actor, seen.crew_id, input.assignment_id);
    // Lock order as everywhere: outage, crew, assignment.
    const outage = await lockOutage(tx, seen.outage_event_id);
    const [a] = await queryRows<{ id: number; crew_id: number; status: AssignmentStatus }>(tx, sql`
      SELECT id::int AS id, crew_id, status FROM oms_crew_assignments WHERE id = ${input.assignment_id}::int`);
    const crew = await findCrew(tx, a.crew_id, true);
    await tx.execute(sql`SELECT 1 FROM oms_crew_assignments WHERE id = ${a.id}::int FOR UPDATE`);

    const answer = (status: AssignmentStatus, outageStatus: OutageStatus) => ({
      assignment_id: a.id, crew_id: crew.crew_id, outage_event_id: outage.id, event_id: outage.event_id,
      status, outage_status: outageStatus, updated_at: iso(now),
    });
    if (a.status === input.status && !input.notes && !input.location) return answer(a.status, outage.status);
    if (a.status === "completed" || a.status === "cancelled") throw conflict(`Assignment ${a.id} is already ${a.status}`);
    if (order[input.status] < order[a.status]) throw conflict(`Assignment ${a.id} is ${a.status}; it cannot go back to ${input.status}`);

    const done = input.status === "completed" || input.status === "cancelled";
    await tx.execute(sql`
      UPDATE oms_crew_assignments SET status = ${input.status}, notes = COALESCE(${input.notes ?? null}, notes)
        ${input.status === "on_site" ? sql`, arrived_at = COALESCE(arrived_at, ${time(now)})` : sql``}
        ${done ? sql`, completed_at = ${time(now)}` : sql``}
      WHERE id = ${a.id}::int`);
    await tx.execute(sql`UPDATE oms_crews SET status = ${done ? "available" : input.status} WHERE id = ${crew.id}::int`);
    await moveCrew(tx, crew.id, input.location, now);

    // An outage left with no crew on it is no longer in progress: it waits for one again.
    let outageStatus: OutageStatus = outage.status;
    if (done && outage.status === "in_progress") {
      const [left] = await queryRows<{ n: number }>(tx, sql`
        SELECT COUNT(*)::int AS n FROM oms_crew_assignments
        WHERE outage_event_id = ${outage.id}::uuid AND status NOT IN ('completed', 'cancelled')`);
      if (Number(left.n) === 0) {
        outageStatus = "confirmed";
        await tx.execute(sql`UPDATE oms_outage_events SET status = 'confirmed', last_updated_at = ${time(now)} WHERE id = ${outage.id}::uuid`);
      }
    }
    await addTimeline(tx, ctx.actor, now, {
      outageId: outage.id, eventType: `crew_${input.status}`, status: outageStatus,
      description: `Crew ${crew.crew_id} ${input.status.replace("_", " ")}${input.notes ? `: ${input.notes}` : ""} (reported by ${ctx.actor.name})`,
      details: { assignmentId: a.id, crewId: crew.crew_id, ...(input.location ? { location: input.location } : {}) },
    });
    changes.push(...(await crewsUpdated(tx, [crew.id])));
    if (outageStatus !== outage.status) changes.push(...await outagesChanged(tx, [outage.id]));
    return answer(input.status, outageStatus);
  });
}
