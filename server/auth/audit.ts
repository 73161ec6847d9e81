import { sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { actorLabel, type Actor } from "../context";

/** Records a change a person (or key, or the system) made that belongs to no outage's timeline. */
export async function audit(db: DbOrTx, actor: Actor, action: string, subject?: string | null, details?: Record<string, unknown>) {
  const { source, actorId } = actorLabel(actor);
  await db.execute(sql`INSERT INTO oms_audit_log (actor_type, actor_id, action, subject, details)
    VALUES (${source}, ${actorId}, ${action}, ${subject ?? null}, ${details ? JSON.stringify(details) : null}::jsonb)`);
}
