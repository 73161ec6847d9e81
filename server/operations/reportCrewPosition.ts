import { sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows } from "../../db/client";
import type { Actor, ServiceContext } from "../context";
import { forbidden } from "../errors";
import { commitAndPublish, crewsUpdated } from "./changes";
import { POSITION_MAX_AGE_MS, POSITION_MAX_SKEW_MS } from "./crewTravel";
import { findCrew } from "./crews";
import { crewRef, isoTime } from "./schemas";
import { at as time, iso } from "./values";

/** One fix from a crew's phone (the Geolocation API's coords and timestamp). */
export const reportPositionInput = z.object({
  crew_id: crewRef,
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  /** Radius in metres the phone is 95% sure of; beyond 10 km a fix says nothing useful about a street. */
  accuracy_m: z.number().min(0).max(10_000),
  /** When the phone fixed it. */
  at: isoTime
    .refine((at) => Date.now() - at.getTime() <= POSITION_MAX_AGE_MS, { message: `is stale (fixed more than ${POSITION_MAX_AGE_MS / 60_000} minutes ago)` })
    .refine((at) => at.getTime() - Date.now() <= POSITION_MAX_SKEW_MS, { message: `is in the future (more than ${POSITION_MAX_SKEW_MS / 1000} s after the server's clock)` }),
});
export type ReportPositionInput = z.output<typeof reportPositionInput>;

export interface PositionAnswer {
  crew_id: string;
  latitude: number;
  longitude: number;
  accuracy_m: number;
  position_at: string;
  /** False when a newer fix was already stored (reports that arrive out of order never move a crew back). */
  accepted: boolean;
}

/** Only a member of the crew reports where it is: not another crew, not a dispatcher (who would be guessing). */
function assertMemberOf(actor: Actor, crew: { id: number; crew_id: string }): void {
  if (actor.kind !== "user" || actor.role !== "crew" || actor.crewId !== crew.id) {
    throw forbidden(`Only a member of crew ${crew.crew_id} may report its position`);
  }
}

/**
 * Stores a crew's last position (with its fix time and accuracy) and pushes the move to the
 * control room. No timeline entry: positions are not outage history, and a phone sends one a
 * few times a minute while driving.
 */
export async function reportCrewPosition(ctx: ServiceContext, input: ReportPositionInput): Promise<PositionAnswer> {
  return commitAndPublish(ctx, async (tx, changes) => {
    const crew = await findCrew(tx, input.crew_id, true);
    assertMemberOf(ctx.actor, crew);
    // A phone clock a little ahead is taken as now: a fix must never look younger than it can be.
    const now = ctx.now();
    const fixedAt = input.at > now ? now : input.at;
    const moved = await queryRows<{ id: number }>(tx, sql`
      UPDATE oms_crews SET location_lat = ${input.latitude}::float8, location_lng = ${input.longitude}::float8,
             position_accuracy_m = ${input.accuracy_m}::float8, position_updated_at = ${time(fixedAt)}
      WHERE id = ${crew.id}::int AND (position_updated_at IS NULL OR position_updated_at < ${time(fixedAt)})
      RETURNING id`);
    if (moved.length > 0) changes.push(...(await crewsUpdated(tx, [crew.id])));
    return {
      crew_id: crew.crew_id, latitude: input.latitude, longitude: input.longitude, accuracy_m: input.accuracy_m,
      position_at: iso(fixedAt)!, accepted: moved.length > 0,
    };
  });
}
