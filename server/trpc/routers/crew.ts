import { sql } from "drizzle-orm";
import { queryRows } from "../../../db/client";
import { router, procedure, actorOf, serviceContext } from "../init";
import { updateAssignment, updateAssignmentInput } from "../../operations/updateAssignment";
import { restoreOutage } from "../../operations/restoreOutage";
import { rowId } from "../../operations/schemas";
import { notFound, conflict } from "../../errors";
import { assertMayTouchAssignment } from "../../operations/crews";
import { z } from "zod";
import { assignmentsOfCrew } from "../../../db/queries/crewAssignments";
import { reportCrewPosition, reportPositionInput } from "../../operations/reportCrewPosition";

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
    const [crew] = await queryRows<{ code: string; name: string; status: string; position_at: Date | null }>(ctx.db, sql`
      SELECT crew_id AS code, name, status, position_updated_at AS position_at FROM oms_crews WHERE id = ${crewId}::int`);
    const assignments = await assignmentsOfCrew(ctx.db, crewId);
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
  /** A fix from the crew's phone, while its member shares the location (their own crew only). */
  reportPosition: procedure("crews.position").input(reportPositionInput).mutation(({ ctx, input }) =>
    reportCrewPosition(serviceContext(ctx), input)),
  updateAssignment: procedure("assignments.update").input(updateAssignmentInput).mutation(({ ctx, input }) =>
    updateAssignment(serviceContext(ctx), input)),
});
