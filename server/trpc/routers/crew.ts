import { sql } from "drizzle-orm";
import { queryRows } from "../../../db/client";
import { router, procedure, actorOf, serviceContext } from "../init";
import { updateAssignment, updateAssignmentInput } from "../../operations/updateAssignment";

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
  updateAssignment: procedure("assignments.update").input(updateAssignmentInput).mutation(({ ctx, input }) =>
    updateAssignment(serviceContext(ctx), input)),
});
