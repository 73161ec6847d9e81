import { createHash } from "node:crypto";
import { sql, type SQL } from "drizzle-orm";
import { exec, queryRows, type DbOrTx } from "../../db/client";
import { unnestRows } from "../../db/arrays";
import type { SourceType } from "../../db/schema";
import type { ParseIssue, Signal } from "./signal";

/**
 * How long a claim on an inbox row lasts. Within it, the claimant is the row's only processing
 * owner; a copy of the event that arrives meanwhile waits for the owner's answer. Past it (the
 * owner crashed or lost its database), the retrier or a re-delivery takes the row over. The
 * processing transaction locks its rows, so a lease that runs out mid-processing changes nothing.
 */
export const INBOX_LEASE_MS = 30_000;
/**
 * Processing attempts before a row is parked as `dead` (a supervisor can retry it). After the
 * n-th failure the next attempt waits 5 s × 2^(n−1), at most 5 minutes (see markFailed).
 */
export const MAX_ATTEMPTS = 5;

/** The longest body prefix kept with a rejection, and how many items' issues are kept. */
export const REJECTED_BODY_HEAD_CHARS = 65_536;
export const REJECTED_ITEMS_KEPT = 50;
const ISSUES_PER_ITEM_KEPT = 10;
const ISSUE_TEXT_CHARS = 500;

export interface InboxEntry { index: number; sourceEventId: string; raw: unknown; signals: Signal[] }
/**
 * An entry whose row this request owns: it processes it. `fresh`: the row is not stored yet; the
 * pass that processes the event stores it with its answer (writeAnswered), or, should processing
 * fail, it is stored as failed (storeFailed). `inboxId` is then the id the pass reserved for it.
 */
export interface ClaimedEntry extends InboxEntry { inboxId: number; fresh?: boolean }
/** An entry answered before: the first delivery's answer is replayed. */
export interface AnsweredEntry extends InboxEntry { inboxId: number; status: string; response: unknown }

/** A text PostgreSQL can store: no NUL, no lone surrogate (both are refused by text and jsonb). */
export function storableText(s: string): string {
  return s.replace(/\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
}

const lease = sql`clock_timestamp() + ${`${INBOX_LEASE_MS} milliseconds`}::interval`;
const claimable = sql`status IN ('received', 'failed') AND (claimed_until IS NULL OR claimed_until < clock_timestamp())`;

/**
 * Stores a request's good events and claims the ones nobody owns (in the caller's transaction,
 * or statement by statement; a retry after a conflict takes back the rows it stored before):
 * a new event is inserted already claimed by `owner`; an event stored before is claimed only
 * if it is unfinished and its lease has run out. Everything else is either answered (finished
 * or parked) or in flight under another owner. Concurrent requests with the same event, in
 * this process or another, serialise on the unique index and on the row, so one of them wins.
 */
export async function claimInbox(tx: DbOrTx, source: SourceType, entries: InboxEntry[], apiKeyId: string | null, owner: string) {
  const claimed: ClaimedEntry[] = [];
  const answered: AnsweredEntry[] = [];
  const inFlight: ClaimedEntry[] = [];
  if (!entries.length) return { claimed, answered, inFlight };
  const firstOf = new Map<string, InboxEntry>();
  for (const e of entries) if (!firstOf.has(e.sourceEventId)) firstOf.set(e.sourceEventId, e);
  // In one order everywhere (by event id), so that two requests with the same events in other
  // orders wait for each other instead of deadlocking on the unique index.
  const unique = [...firstOf.values()].sort((a, b) => (a.sourceEventId < b.sourceEventId ? -1 : a.sourceEventId > b.sourceEventId ? 1 : 0));
  const inserted = await queryRows<{ id: number | string; sid: string }>(tx, sql`
    INSERT INTO ingest_inbox (source_type, source_event_id, payload, signals, status, api_key_id, claimed_by, claimed_until)
    SELECT ${source}, sid, payload, signals, 'received', ${apiKeyId}, ${owner}, ${lease} FROM ${unnestRows([
      ["sid", "text", unique.map((e) => e.sourceEventId)],
      ["payload", "jsonb", unique.map((e) => JSON.stringify(e.raw ?? null))],
      ["signals", "jsonb", unique.map((e) => JSON.stringify(e.signals))]])}
    ON CONFLICT (source_type, source_event_id) WHERE status <> 'rejected' DO NOTHING
    RETURNING id, source_event_id AS sid`);
  const ids = new Map(inserted.map((r) => [r.sid, Number(r.id)]));
  const known = unique.filter((e) => !ids.has(e.sourceEventId)).map((e) => e.sourceEventId);
  const taken = known.length ? await queryRows<{ id: number | string; sid: string }>(tx, sql`
    UPDATE ingest_inbox SET claimed_by = ${owner}, claimed_until = ${lease}
    WHERE id IN (SELECT id FROM ingest_inbox WHERE source_type = ${source} AND source_event_id = ANY(${sql.param(known)}::text[])
      AND (${claimable} OR (claimed_by = ${owner} AND status IN ('received', 'failed'))) ORDER BY id FOR UPDATE)
    RETURNING id, source_event_id AS sid`) : [];
  for (const r of taken) ids.set(r.sid, Number(r.id));
  const others = known.filter((sid) => !taken.some((t) => t.sid === sid));
  const previous = others.length ? await queryRows<{ id: number | string; sid: string; status: string; response: unknown }>(tx, sql`
    SELECT id, source_event_id AS sid, status, response FROM ingest_inbox
    WHERE source_type = ${source} AND status <> 'rejected' AND source_event_id = ANY(${sql.param(others)}::text[])`) : [];
  const prev = new Map(previous.map((p) => [p.sid, p]));
  for (const e of entries) {
    const first = firstOf.get(e.sourceEventId) === e;
    const id = ids.get(e.sourceEventId);
    const p = prev.get(e.sourceEventId);
    if (first && id !== undefined) claimed.push({ ...e, inboxId: id });
    else if (id !== undefined) inFlight.push({ ...e, inboxId: id }); // a second copy within the request: answered after the first
    else if (p && (p.status === "received" || p.status === "failed")) inFlight.push({ ...e, inboxId: Number(p.id) });
    else answered.push({ ...e, inboxId: Number(p?.id ?? 0), status: p?.status ?? "processed", response: p?.response ?? null });
  }
  return { claimed, answered, inFlight };
}

/**
 * Raised in a pass that would store an event a concurrent transaction stored first (a copy
 * delivered to two processes at once, or an unmatched event, which takes no substation's lock):
 * the pass rolls back and runs again, and then finds the row. SQLSTATE 40001, so that
 * retryTransient runs it again.
 */
export class InboxRaceError extends Error {
  readonly code = "40001";
  constructor(count: number) { super(`${count} event(s) of the pass were stored meanwhile by another transaction`); }
}

/** What the inbox holds of events not stored by this request: each one's row, or the id reserved for it. */
export type FreshRow = { id: number; status: string; response: unknown; stored: true } | { id: number; stored: false };

/**
 * In the processing transaction, for events a request did not store first: the row of each
 * one stored before (a duplicate, answered or in flight), else a new id for it from the inbox's
 * sequence, in one statement. Rows committed by other transactions are seen; the pass stores the
 * new ones with their answers (writeAnswered), which fails if a copy got stored meanwhile.
 */
export async function findOrReserve(tx: DbOrTx, events: Array<{ source: SourceType; sourceEventId: string }>): Promise<FreshRow[]> {
  if (!events.length) return [];
  const rows = await queryRows<{ n: number | string; id: number | string | null; status: string | null; response: unknown; reserved: number | string | null }>(tx, sql`
    SELECT t.n, i.id, i.status, i.response, CASE WHEN i.id IS NULL THEN nextval('ingest_inbox_id_seq') END AS reserved
    FROM ${unnestRows([["n", "int4", events.map((_, n) => n)], ["st", "text", events.map((e) => e.source)], ["sid", "text", events.map((e) => e.sourceEventId)]], { opaque: true })}
    LEFT JOIN ingest_inbox i ON i.source_type = t.st AND i.source_event_id = t.sid AND i.status <> 'rejected'
    ORDER BY t.n`);
  return rows.map((r) => (r.id != null
    ? { id: Number(r.id), status: r.status!, response: r.response, stored: true as const }
    : { id: Number(r.reserved), stored: false as const }));
}

/** An event stored by the pass that processed it: its row, answered. */
export interface AnsweredRow { inboxId: number; source: SourceType; sourceEventId: string; raw: unknown; signals: Signal[]; apiKeyId: string | null; status: string; response: unknown }

/**
 * Stores events with their answers, in the transaction that processed them, under the ids
 * findOrReserve gave them. A copy stored meanwhile by another transaction (the unique index
 * waits for it to commit) fails the pass with InboxRaceError: it runs again and finds it.
 */
export async function writeAnswered(tx: DbOrTx, rows: AnsweredRow[], now: Date) {
  await insertFresh(tx, rows, sql`status, response, processed_at, attempts`, sql`status, response, ${now.toISOString()}, 1`, [
    ["status", "text", rows.map((r) => r.status)],
    ["response", "jsonb", rows.map((r) => JSON.stringify(r.response))]]);
}

/**
 * Stores events unprocessed, claimed by `owner` for `leaseMs` (events handed to another
 * process). A copy stored meanwhile fails the pass with InboxRaceError, as in writeAnswered.
 */
export async function storeClaimed(tx: DbOrTx, rows: FreshEvent[], owner: string, leaseMs: number) {
  await insertFresh(tx, rows, sql`status, claimed_by, claimed_until`, sql`'received', ${owner}, clock_timestamp() + ${`${leaseMs} milliseconds`}::interval`);
}

/** An event a pass stores itself: its reserved id, what it is, and the key that sent it. */
type FreshEvent = Omit<AnsweredRow, "status" | "response">;

/** Inserts fresh events' rows with the further `columns` set to `values` (which may name `extra`'s unnest columns). */
async function insertFresh(tx: DbOrTx, rows: FreshEvent[], columns: SQL, values: SQL, extra: Parameters<typeof unnestRows>[0] = []) {
  if (!rows.length) return;
  const stored = await queryRows<{ id: number | string }>(tx, sql`
    INSERT INTO ingest_inbox (id, source_type, source_event_id, payload, signals, api_key_id, ${columns})
    SELECT id, st, sid, payload, signals, key, ${values} FROM ${unnestRows([
      ["id", "int8", rows.map((r) => r.inboxId)],
      ["st", "text", rows.map((r) => r.source)],
      ["sid", "text", rows.map((r) => r.sourceEventId)],
      ["payload", "jsonb", rows.map((r) => JSON.stringify(r.raw ?? null))],
      ["signals", "jsonb", rows.map((r) => JSON.stringify(r.signals))],
      ["key", "text", rows.map((r) => r.apiKeyId)],
      ...extra])}
    ON CONFLICT (source_type, source_event_id) WHERE status <> 'rejected' DO NOTHING
    RETURNING id`);
  if (stored.length < rows.length) throw new InboxRaceError(rows.length - stored.length);
}

/**
 * An event whose processing failed before its row was ever stored: stored now, failed, with its
 * error, to be retried with backoff like any failed row (a copy stored meanwhile stands instead).
 */
export async function storeFailed(db: DbOrTx, row: Omit<FreshEvent, "inboxId">, error: string) {
  await exec(db, sql`
    INSERT INTO ingest_inbox (source_type, source_event_id, payload, signals, status, api_key_id, attempts, error, next_attempt_at)
    VALUES (${row.source}, ${row.sourceEventId}, ${JSON.stringify(row.raw ?? null)}::jsonb, ${JSON.stringify(row.signals)}::jsonb, 'failed', ${row.apiKeyId}, 1,
      ${JSON.stringify({ message: storableText(error.slice(0, 2_000)), at: new Date().toISOString() })}::jsonb, clock_timestamp() + interval '5 seconds')
    ON CONFLICT (source_type, source_event_id) WHERE status <> 'rejected' DO NOTHING`);
}

/**
 * Takes over unfinished rows whose lease has run out (their owner crashed, failed or lost its
 * database) and whose next attempt is due; `ids` limits it to those rows. Rows another process
 * is claiming at this moment are skipped, not waited for.
 */
export async function claimUnfinished(tx: DbOrTx, owner: string, opts: { ids?: number[]; limit?: number; due?: boolean } = {}) {
  return queryRows<{ id: number | string; source_type: SourceType; source_event_id: string; payload: unknown; signals: unknown; api_key_id: string | null }>(tx, sql`
    UPDATE ingest_inbox SET claimed_by = ${owner}, claimed_until = ${lease}
    WHERE id IN (
      SELECT id FROM ingest_inbox
      WHERE ${claimable} ${opts.due === false ? sql`` : sql`AND (next_attempt_at IS NULL OR next_attempt_at <= clock_timestamp())`}
        ${opts.ids ? sql`AND id = ANY(${sql.param(opts.ids)}::int8[])` : sql``}
      ORDER BY id LIMIT ${opts.limit ?? 500} FOR UPDATE SKIP LOCKED)
    RETURNING id, source_type, source_event_id, payload, signals, api_key_id`);
}

/**
 * In the processing transaction: locks each job's rows its owner still owns (unfinished,
 * claimed by it) until the transaction ends, and answers which they are, for all the jobs of a
 * pass in one statement. A row taken over by someone else since is left to them.
 */
export async function lockOwnedByEach(tx: DbOrTx, jobs: Array<{ owner: string; inboxIds: number[] }>): Promise<Array<Set<number>>> {
  const ids = jobs.flatMap((j) => j.inboxIds);
  if (!ids.length) return jobs.map(() => new Set());
  const rows = await queryRows<{ id: number | string; owner: string }>(tx, sql`
    SELECT id, claimed_by AS owner FROM ingest_inbox WHERE id = ANY(${sql.param(ids)}::int8[])
      AND claimed_by = ANY(${sql.param([...new Set(jobs.map((j) => j.owner))])}::text[])
      AND status IN ('received', 'failed') ORDER BY id FOR UPDATE`);
  const ownerOf = new Map(rows.map((r) => [Number(r.id), r.owner]));
  return jobs.map((j) => new Set(j.inboxIds.filter((id) => ownerOf.get(id) === j.owner)));
}

/** Where a set of rows stands now: finished ones with their answer, and which are claimable. */
export async function inboxState(db: DbOrTx, inboxIds: number[]) {
  return queryRows<{ id: number | string; status: string; response: unknown; claimable: boolean }>(db, sql`
    SELECT id, status, response, (${claimable}) AS claimable FROM ingest_inbox WHERE id = ANY(${sql.param(inboxIds)}::int8[])`);
}

/** A parsed signal as stored in the inbox (`occurredAt` comes back as text). */
export function reviveSignals(stored: unknown): Signal[] | null {
  if (!Array.isArray(stored) || !stored.length) return null;
  return stored.map((s: Signal & { occurredAt: string | Date }) => ({ ...s, occurredAt: new Date(s.occurredAt) }));
}

export interface RejectedBody {
  /** The request body's bytes as received (JSON or XML). */
  bytes?: Buffer;
  contentType?: string;
}

/**
 * Keeps rejected input with its reasons, bounded whatever the number of bad items: one row per
 * request, the body once (its first 64 KiB, its length and SHA-256), the first 50 items' issues.
 */
export async function recordRejections(tx: DbOrTx, source: SourceType, rejected: Array<{ index: number; raw: unknown; issues: ParseIssue[] }>, apiKeyId: string | null, body: RejectedBody = {}) {
  if (!rejected.length) return;
  const bytes = body.bytes ?? Buffer.from(safeJson(rejected.length === 1 ? rejected[0].raw : rejected.map((r) => r.raw)), "utf8");
  const head = storableText(bytes.subarray(0, REJECTED_BODY_HEAD_CHARS * 4).toString("utf8").slice(0, REJECTED_BODY_HEAD_CHARS));
  const issues = rejected.slice(0, REJECTED_ITEMS_KEPT).map((r) => ({
    index: r.index,
    issues: r.issues.slice(0, ISSUES_PER_ITEM_KEPT).map((i) => ({
      path: storableText(String(i.path).slice(0, ISSUE_TEXT_CHARS)), message: storableText(String(i.message).slice(0, ISSUE_TEXT_CHARS)),
    })),
  }));
  await tx.execute(sql`
    INSERT INTO ingest_rejections (source_type, api_key_id, content_type, body_sha256, body_length, body_head, rejected_count, issues)
    VALUES (${source}, ${apiKeyId}, ${body.contentType ? storableText(body.contentType.slice(0, 200)) : null},
      ${createHash("sha256").update(bytes).digest("hex")}, ${bytes.length}::int, ${head}, ${rejected.length}::int, ${JSON.stringify(issues)}::jsonb)`);
}

/** JSON of anything a parser produced (a cycle or a BigInt cannot come from JSON, but stay safe). */
function safeJson(v: unknown): string {
  try { return JSON.stringify(v ?? null) ?? "null"; } catch { return "null"; }
}

/** Finishes rows in the transaction that processed them: their answer, and nobody owns them any more. */
export async function markProcessed(tx: DbOrTx, results: Array<{ inboxId: number; status: string; response: unknown }>, now: Date) {
  if (!results.length) return;
  await exec(tx, sql`
    UPDATE ingest_inbox i SET status = t.status, response = t.response, processed_at = ${now.toISOString()}, attempts = i.attempts + 1,
      error = NULL, claimed_by = NULL, claimed_until = NULL, next_attempt_at = NULL
    FROM ${unnestRows([["id", "int8", results.map((r) => r.inboxId)], ["status", "text", results.map((r) => r.status)],
      ["response", "jsonb", results.map((r) => JSON.stringify(r.response))]])}
    WHERE i.id = t.id`);
}

/**
 * A processing attempt failed: the row is released with its error and retried after a backoff,
 * or parked as `dead` once it has failed MAX_ATTEMPTS times. Only rows `owner` still owns.
 */
export async function markFailed(db: DbOrTx, inboxIds: number[], error: string, owner: string) {
  if (!inboxIds.length) return;
  await db.execute(sql`
    UPDATE ingest_inbox SET attempts = attempts + 1,
      status = CASE WHEN attempts + 1 >= ${MAX_ATTEMPTS}::int THEN 'dead' ELSE 'failed' END,
      error = ${JSON.stringify({ message: storableText(error.slice(0, 2_000)), at: new Date().toISOString() })}::jsonb,
      next_attempt_at = clock_timestamp() + make_interval(secs => LEAST(5 * power(2, attempts), 300)),
      claimed_by = NULL, claimed_until = NULL
    WHERE id = ANY(${sql.param(inboxIds)}::int8[]) AND claimed_by = ${owner} AND status IN ('received', 'failed')`);
}
