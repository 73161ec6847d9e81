import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../../db/client";
import type { CrewStatus } from "../../db/schema";
import { forbidden, notFound } from "../errors";
import type { Actor } from "../context";
import type { CrewRef, Position } from "./schemas";

export interface CrewRow {
  id: number;
  crew_id: string;
  name: string;
  status: CrewStatus;
}

export interface OpenAssignment {
  id: number;
  outage_event_id: string;
  event_id: string;
}

export async function findCrew(db: DbOrTx, ref: CrewRef, forUpdate = false): Promise<CrewRow> {
  const where = typeof ref === "number" || /^\d+$/.test(ref) ? sql`id = ${Number(ref)}::int` : sql`crew_id = ${ref}`;
  const [row] = await queryRows<CrewRow>(db, sql`
    SELECT id, crew_id, name, status FROM oms_crews WHERE ${where} ${forUpdate ? sql`FOR UPDATE` : sql``}`);
  if (!row) throw notFound(`Crew ${ref}`);
  return row;
}

/** The crew's assignment that is not yet completed or cancelled, if any (a crew works one at a time). */
export async function openAssignmentOf(db: DbOrTx, crewId: number): Promise<OpenAssignment | null> {
  const [row] = await queryRows<OpenAssignment>(db, sql`
    SELECT a.id::int AS id, a.outage_event_id, o.event_id
    FROM oms_crew_assignments a JOIN oms_outage_events o ON o.id = a.outage_event_id
    WHERE a.crew_id = ${crewId}::int AND a.status NOT IN ('completed', 'cancelled')
    ORDER BY a.assigned_at DESC LIMIT 1`);
  return row ?? null;
}

/** Moves a crew (and stamps when), when the caller reported where it is. */
export async function moveCrew(tx: DbOrTx, crewId: number, where: Position | null | undefined, when: Date): Promise<void> {
  if (!where) return;
  await tx.execute(sql`
    UPDATE oms_crews SET location_lat = ${where.latitude}::float8, location_lng = ${where.longitude}::float8,
           position_updated_at = ${when.toISOString()}::timestamptz, position_accuracy_m = NULL
    WHERE id = ${crewId}::int`);
}

/** A crew member moves only their own crew's assignments on; dispatchers and integrations any. */
export function assertMayTouchAssignment(actor: Actor, crewId: number, assignmentId: number): void {
  if (actor.kind === "user" && actor.role === "crew" && actor.crewId !== crewId) {
    throw forbidden(`Assignment ${assignmentId} belongs to another crew`);
  }
}
