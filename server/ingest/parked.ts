import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../../db/client";
import type { Actor } from "../context";
import { audit } from "../auth/audit";

export interface ParkedEvent {
  id: number;
  source: string;
  sourceEventId: string;
  attempts: number;
  error: string | null;
  receivedAt: string;
  failedAt: string | null;
}

/** Events whose processing failed MAX_ATTEMPTS times, newest first: what a supervisor looks at. */
export async function listParked(db: DbOrTx, limit = 100): Promise<ParkedEvent[]> {
  const rows = await queryRows<{ id: number | string; source_type: string; source_event_id: string; attempts: number; error: { message?: string; at?: string } | null; received_at: string | Date }>(db, sql`
    SELECT id, source_type, source_event_id, attempts, error, received_at FROM ingest_inbox
    WHERE status = 'dead' ORDER BY id DESC LIMIT ${limit}::int`);
  return rows.map((r) => ({
    id: Number(r.id), source: r.source_type, sourceEventId: r.source_event_id, attempts: r.attempts,
    error: r.error?.message ?? null, receivedAt: new Date(r.received_at).toISOString(), failedAt: r.error?.at ?? null,
  }));
}

/**
 * Gives parked events (these ids, or all) a fresh set of attempts, due now: the retrier of any
 * process takes them up within its interval. Recorded in the audit log with the person.
 */
export async function retryParked(db: DbOrTx, actor: Actor, ids?: number[]): Promise<{ queued: number }> {
  const rows = await queryRows<{ id: number | string }>(db, sql`
    UPDATE ingest_inbox SET status = 'failed', attempts = 0, next_attempt_at = NULL, claimed_by = NULL, claimed_until = NULL
    WHERE status = 'dead' ${ids ? sql`AND id = ANY(${sql.param(ids)}::int8[])` : sql``} RETURNING id`);
  if (rows.length) await audit(db, actor, "ingest.retry", null, { events: rows.length, ids: rows.slice(0, 100).map((r) => Number(r.id)) });
  return { queued: rows.length };
}
