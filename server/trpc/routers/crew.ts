import { sql } from "drizzle-orm";
import { queryRows } from "../../../db/client";
import { router, procedure, actorOf, serviceContext } from "../init";
import { updateAssignment, updateAssignmentInput } from "../../operations/updateAssignment";
import { restoreOutage } from "../../operations/restoreOutage";
import { rowId } from "../../operations/schemas";
import { notFound, conflict } from "../../errors";
import { assertMayTouchAssignment } from "../../operations/crews";
import { z } from "zod";

export const markRestoredInput = z.object({
  assignment_id: rowId,
  /** What it was: a blown fuse, a fallen line, a tree on the line, … */
  cause: z.string().trim().min(1).max(200),
  notes: z.string().trim().max(2000).nullish(),
});

/** The crew's phone page: its own assignments, and moving them on. */
export const crewRouter = router({
  myAssignments: procedure("assignments.own").query(async ({ ctx }) => {
    const actor = actorOf(ctx);
    const crewId = actor.kind === "user" ? actor.crewId : null;
    if (crewId === null) return { crew: null, assignments: [] };
    const [crew] = await queryRows<{ code: string; name: string; status: string }>(ctx.db, sql`
      SELECT crew_id AS code, name, status FROM oms_crews WHERE id = ${crewId}::int`);
    const assignments = await queryRows<Record<string, unknown>>(ctx.db, sql`
      SELECT a.id::int AS id, a.status, a.assigned_at, a.arrived_at, a.completed_at, a.notes,
        o.id AS outage_id, o.event_id, o.status AS outage_status, o.severity, o.affected_customers_count AS customers,
        o.predicted_device_level AS device_level, o.predicted_device_code AS device_code,
        o.estimated_restoration_time AS etr, ST_Y(o.centroid) AS lat, ST_X(o.centroid) AS lng
      FROM oms_crew_assignments a JOIN oms_outage_events o ON o.id = a.outage_event_id
      WHERE a.crew_id = ${crewId}::int
      ORDER BY (a.status IN ('completed', 'cancelled')), a.assigned_at DESC LIMIT 50`);
    return { crew: crew ?? null, assignments };
  }),
  /**
   * The crew says power is back: the outage is restored (with the crew's cause and notes) by the
   * same verb a dispatcher uses, which releases the crews and verifies the meters.
   */
  markRestored: procedure("assignments.update").input(markRestoredInput).mutation(async ({ ctx, input }) => {
    const service = serviceContext(ctx);
    const [a] = await queryRows<{ outage_event_id: string; crew_id: number; status: string; crew_code: string }>(ctx.db, sql`
      SELECT a.outage_event_id, a.crew_id, a.status, c.crew_id AS crew_code
      FROM oms_crew_assignments a JOIN oms_crews c ON c.id = a.crew_id WHERE a.id = ${input.assignment_id}::int`);
    if (!a) throw notFound(`Assignment ${input.assignment_id}`);
    assertMayTouchAssignment(service.actor, a.crew_id, input.assignment_id);
    if (a.status === "completed" || a.status === "cancelled") throw conflict(`Assignment ${input.assignment_id} is already ${a.status}`);
    return restoreOutage(service, {
      outage_event_id: a.outage_event_id,
      restoration_data: { restoration_time: new Date(), restoration_reason: input.cause, crew_id: a.crew_code, notes: input.notes ?? null },
    });
  }),
  updateAssignment: procedure("assignments.update").input(updateAssignmentInput).mutation(({ ctx, input }) =>
    updateAssignment(serviceContext(ctx), input)),
});
