import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../../db/client";
import { unnestRows } from "../../db/arrays";
import type { SourceType } from "../../db/schema";
import type { ParseIssue } from "./signal";

export interface InboxEntry { index: number; sourceEventId: string; raw: unknown }
export interface StoredEntry extends InboxEntry { inboxId: number }
export interface DuplicateEntry extends InboxEntry { response: unknown }

/**
 * Stores accepted events before anything else happens to them. An event already stored under
 * the same (source, source event id) is a duplicate and gets the answer the first delivery got;
 * one whose processing never finished (received or failed) is taken up again.
 */
export async function storeInInbox(tx: DbOrTx, source: SourceType, entries: InboxEntry[], apiKeyId: string | null) {
  const stored: StoredEntry[] = [];
  const duplicates: DuplicateEntry[] = [];
  if (!entries.length) return { stored, duplicates };
  const firstOf = new Map<string, InboxEntry>();
  for (const e of entries) if (!firstOf.has(e.sourceEventId)) firstOf.set(e.sourceEventId, e);
  const unique = [...firstOf.values()];
  const inserted = await queryRows<{ id: number | string; sid: string }>(tx, sql`
    INSERT INTO ingest_inbox (source_type, source_event_id, payload, status, api_key_id)
    SELECT ${source}, sid, payload, 'received', ${apiKeyId} FROM ${unnestRows([
      ["sid", "text", unique.map((e) => e.sourceEventId)], ["payload", "jsonb", unique.map((e) => JSON.stringify(e.raw ?? null))]])}
    ON CONFLICT (source_type, source_event_id) WHERE status <> 'rejected' DO NOTHING
    RETURNING id, source_event_id AS sid`);
  const newIds = new Map(inserted.map((r) => [r.sid, Number(r.id)]));
  const known = unique.filter((e) => !newIds.has(e.sourceEventId)).map((e) => e.sourceEventId);
  const previous = known.length ? await queryRows<{ id: number | string; sid: string; status: string; response: unknown }>(tx, sql`
    SELECT id, source_event_id AS sid, status, response FROM ingest_inbox
    WHERE source_type = ${source} AND status <> 'rejected'
      AND source_event_id = ANY(ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(known)}::jsonb)))`) : [];
  const prev = new Map(previous.map((p) => [p.sid, p]));
  for (const e of entries) {
    const first = firstOf.get(e.sourceEventId) === e;
    const id = newIds.get(e.sourceEventId);
    const p = prev.get(e.sourceEventId);
    if (first && id !== undefined) stored.push({ ...e, inboxId: id });
    else if (first && p && (p.status === "received" || p.status === "failed")) stored.push({ ...e, inboxId: Number(p.id) });
    else duplicates.push({ ...e, response: p?.response ?? null });
  }
  return { stored, duplicates };
}

/** Keeps rejected input with its reasons: nothing of it is processed, but nothing is lost either. */
export async function recordRejections(tx: DbOrTx, source: SourceType, rejected: Array<{ raw: unknown; issues: ParseIssue[] }>, apiKeyId: string | null, rawText?: string) {
  if (!rejected.length) return;
  await tx.execute(sql`
    INSERT INTO ingest_inbox (source_type, payload, raw_text, status, error, api_key_id)
    SELECT ${source}, payload, ${rawText ?? null}, 'rejected', error, ${apiKeyId} FROM ${unnestRows([
      ["payload", "jsonb", rejected.map((r) => JSON.stringify(r.raw ?? null))],
      ["error", "jsonb", rejected.map((r) => JSON.stringify({ issues: r.issues }))]])}`);
}

export async function markProcessed(tx: DbOrTx, results: Array<{ inboxId: number; status: string; response: unknown }>, now: Date) {
  if (!results.length) return;
  await tx.execute(sql`
    UPDATE ingest_inbox i SET status = t.status, response = t.response, processed_at = ${now.toISOString()}, attempts = i.attempts + 1, error = NULL
    FROM ${unnestRows([["id", "int8", results.map((r) => r.inboxId)], ["status", "text", results.map((r) => r.status)],
      ["response", "jsonb", results.map((r) => JSON.stringify(r.response))]])}
    WHERE i.id = t.id`);
}

export async function markFailed(tx: DbOrTx, inboxIds: number[], error: string) {
  if (!inboxIds.length) return;
  await tx.execute(sql`
    UPDATE ingest_inbox SET status = 'failed', attempts = attempts + 1, error = ${JSON.stringify({ message: error })}::jsonb
    WHERE id = ANY(${sql.param(inboxIds)}::int8[])`);
}
