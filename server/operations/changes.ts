import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../../db/client";
import { outageSummaries } from "../../db/queries/outages";
import { actorLabel, inTransaction, type Actor, type ServiceContext } from "../context";
import { recordChange, recordOutageChanges, type Change } from "../realtime/publisher";
import { intList } from "./values";

/**
 * Runs a verb's writes in one transaction (the caller's, if it lent one) and hands the changes
 * it recorded to the publisher only after the commit, so no browser ever sees a change that
 * rolled back. A caller that lends its transaction must also lend a publisher that holds the
 * changes until its own commit.
 */
export async function commitAndPublish<T>(
  ctx: ServiceContext,
  work: (tx: DbOrTx, changes: Change[]) => Promise<T>,
): Promise<T> {
  const changes: Change[] = [];
  const result = await inTransaction(ctx, (tx) => work(tx, changes));
  ctx.publisher.publish(changes);
  return result;
}

/** How "by" columns name an actor: a person by username (unique, never renamed), others by id. */
export const actorRef = (actor: Actor): string => (actor.kind === "user" ? actor.username : actorLabel(actor).actorId);

/** Records the new state of these outages (`outage:updated`, or `outage:restored` for closed ones). */
export async function outagesChanged(tx: DbOrTx, outageIds: string[]): Promise<Change[]> {
  return recordOutageChanges(tx, outageIds);
}

/** Records one `crew:updated` change per crew, with its status, position (and when it was fixed) and current outage. */
export async function crewsUpdated(tx: DbOrTx, crewIds: number[]): Promise<Change[]> {
  if (crewIds.length === 0) return [];
  const crews = await queryRows<{ id: number; status: string; lat: number | null; lng: number | null; position_at: Date | string | null; accuracy: number | null; outage_id: string | null; outage: string | null }>(tx, sql`
    SELECT c.id, c.status, c.location_lat AS lat, c.location_lng AS lng, c.position_updated_at AS position_at, c.position_accuracy_m AS accuracy,
           a.outage_event_id AS outage_id, a.event_id AS outage
    FROM oms_crews c
    LEFT JOIN LATERAL (SELECT a.outage_event_id, o.event_id FROM oms_crew_assignments a JOIN oms_outage_events o ON o.id = a.outage_event_id
                       WHERE a.crew_id = c.id AND a.status NOT IN ('completed', 'cancelled')
                       ORDER BY a.assigned_at DESC LIMIT 1) a ON true
    WHERE c.id IN (${intList(crewIds)})
    ORDER BY c.id`);
  const changes: Change[] = [];
  for (const c of crews) {
    changes.push(await recordChange(tx, "crew:updated", {
      crewId: c.id, status: c.status, outageId: c.outage_id, outage: c.outage, lat: c.lat, lng: c.lng,
      positionAt: c.position_at == null ? null : new Date(c.position_at).toISOString(), accuracy: c.accuracy,
    }));
  }
  return changes;
}
