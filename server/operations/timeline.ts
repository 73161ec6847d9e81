import { sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import type { OutageStatus } from "../../db/schema";
import { actorLabel, type Actor } from "../context";
import { at as time } from "./values";

export interface TimelineEntry {
  outageId: string;
  /** What happened: confirmed, crew_dispatched, crew_en_route, restored, etr, notification, … */
  eventType: string;
  status: OutageStatus;
  description: string;
  details?: Record<string, unknown>;
}

/** Appends to an outage's audit trail, naming the actor (every timeline row names one). */
export async function addTimeline(tx: DbOrTx, actor: Actor, when: Date, entry: TimelineEntry): Promise<void> {
  const { source, actorId } = actorLabel(actor);
  await tx.execute(sql`
    INSERT INTO oms_event_timeline (outage_event_id, event_type, status, description, source, actor_id, details, created_at)
    VALUES (${entry.outageId}::uuid, ${entry.eventType}, ${entry.status}, ${entry.description}, ${source}, ${actorId},
            ${entry.details ? JSON.stringify(entry.details) : null}::jsonb, ${time(when)})`);
}
