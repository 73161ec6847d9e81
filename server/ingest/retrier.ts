import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../../db/client";
import type { SourceType } from "../../db/schema";
import { systemActor, type Actor } from "../context";
import { describeError } from "../errorCauses";
import { claimUnfinished, reviveSignals, type ClaimedEntry } from "./inbox";
import { newOwner, processIsolated, type IngestDeps } from "./service";

/** How often each process looks for unfinished inbox rows it can take over. */
export const RETRY_INTERVAL_MS = 10_000;
/** Rows taken up per pass (the next pass takes the rest). */
const ROWS_PER_PASS = 500;

export interface RetryPass { claimed: number; processed: number; pending: number }

/**
 * The server finishes what it accepted: takes over inbox rows left unfinished (their request
 * crashed, lost its database or failed) once their lease has run out and their next attempt is
 * due, and processes them as their sender's key would have. `ids` limits the pass to those rows
 * (a supervisor's retry), due or not.
 */
export async function retryUnfinished(deps: IngestDeps, ids?: number[]): Promise<RetryPass> {
  const owner = newOwner("retrier");
  const rows = await claimUnfinished(deps.db, owner, { limit: ROWS_PER_PASS, ...(ids ? { ids, due: false } : {}) });
  if (!rows.length) return { claimed: 0, processed: 0, pending: 0 };
  return { claimed: rows.length, ...await processClaimedRows(deps, rows, owner) };
}

/** Inbox rows `owner` has claimed, as `claimUnfinished` returns them. */
export type ClaimedRow = Awaited<ReturnType<typeof claimUnfinished>>[number];

/**
 * Processes rows claimed by `owner` outside any request (the retrier, a hand-off from another
 * process), each as its sender's key would have, here: never handed on.
 */
export async function processClaimedRows(deps: IngestDeps, rows: ClaimedRow[], owner: string) {
  const actors = await actorsOf(deps.db, rows.map((r) => r.api_key_id));
  const groups = new Map<string, { source: SourceType; actor: Actor; entries: ClaimedEntry[] }>();
  const unreadable: number[] = [];
  for (const [index, r] of rows.entries()) {
    const signals = reviveSignals(r.signals);
    if (!signals) { unreadable.push(Number(r.id)); continue; }
    const key = `${r.source_type}\u0001${r.api_key_id ?? ""}`;
    const group = groups.get(key) ?? { source: r.source_type, actor: actors.get(r.api_key_id ?? "") ?? systemActor, entries: [] };
    group.entries.push({ index, inboxId: Number(r.id), sourceEventId: r.source_event_id, raw: r.payload, signals });
    groups.set(key, group);
  }
  // Rows stored before the inbox kept parsed signals cannot be replayed here: parked for a person.
  if (unreadable.length) await deps.db.execute(sql`
    UPDATE ingest_inbox SET status = 'dead', claimed_by = NULL, claimed_until = NULL,
      error = '{"message":"stored without its parsed signals (before exactly-once ingestion); ask the sender to re-deliver it"}'::jsonb
    WHERE id = ANY(${sql.param(unreadable)}::int8[]) AND claimed_by = ${owner}`);
  let processed = 0;
  let pending = 0;
  // Submitted together, so one correlation pass takes them all.
  const outcomes = await Promise.all([...groups.values()].map(({ source, actor, entries }) => processIsolated(deps, actor, source, entries, owner)));
  for (const outcome of outcomes) {
    processed += outcome.results.filter((r) => r.status !== "pending").length;
    pending += outcome.results.length - outcome.results.filter((r) => r.status !== "pending").length;
  }
  return { processed, pending: pending + unreadable.length };
}

/** The integration each row came from, as the actor its processing is recorded under. */
async function actorsOf(db: DbOrTx, keyIds: Array<string | null>): Promise<Map<string, Actor>> {
  const ids = [...new Set(keyIds.filter((k): k is string => !!k))];
  if (!ids.length) return new Map();
  const rows = await queryRows<{ id: string; name: string; scope: SourceType }>(db, sql`
    SELECT id, name, scope FROM oms_api_keys WHERE id = ANY(${sql.param(ids)}::text[])`);
  return new Map(rows.map((r) => [r.id, { kind: "integration", id: r.id, name: r.name, source: r.scope } as Actor]));
}

/** Runs a pass every `everyMs` (a pass that finds a full batch goes on at once), until stopped. */
export function startRetrier(deps: IngestDeps, log: (m: string) => void, everyMs = RETRY_INTERVAL_MS) {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<void> | undefined;
  const pass = async () => {
    let again = false;
    try {
      const done = await retryUnfinished(deps);
      if (done.claimed) log(`inbox retry: took up ${done.claimed} unfinished event(s), ${done.processed} processed, ${done.pending} still pending`);
      again = done.claimed >= ROWS_PER_PASS;
    } catch (err) {
      log(`inbox retry failed (next pass in ${everyMs / 1000} s): ${describeError(err)}`);
    }
    if (!stopped) schedule(again ? 0 : everyMs);
  };
  const schedule = (ms: number) => {
    timer = setTimeout(() => { running = pass(); }, ms);
    timer.unref();
  };
  schedule(everyMs);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
