import { randomUUID } from "node:crypto";
import type { Db } from "../../db/client";
import type { SourceType } from "../../db/schema";
import { invalid } from "../errors";
import { describeError, isDatabaseUnavailable, retryTransient } from "../errorCauses";
import type { Actor } from "../context";
import type { Rule } from "../pipeline/rules";
import type { Publisher, Change } from "../realtime/publisher";
import type { TopologyCache } from "../repository/topology";
import { writeSourceEvents } from "../repository/sourceEvents";
import { correlateBatch } from "./correlateBatch";
import { claimInbox, claimUnfinished, inboxState, lockOwned, markFailed, markProcessed, recordRejections, type ClaimedEntry, type InboxEntry, type RejectedBody } from "./inbox";
import { placeSignals } from "./placement";
import { checkMetersUnder, type MeterCheck } from "./scadaMeterCheck";
import type { ParsedItem, ParseIssue, Signal } from "./signal";

export interface IngestDeps {
  db: Db;
  publisher: Publisher;
  now(): Date;
  topology: TopologyCache;
  activeRule(db: Db): Promise<Rule>;
  /** The utility's time zone, for times written into timeline text. */
  timeZone: string;
  /** Runs after a batch commits (storm-mode auto-activation). */
  afterCommit?(): Promise<void>;
}

/**
 * `pending`: stored and acknowledged but not processed yet, with the reason: the first delivery
 * of the event is still being processed elsewhere, or processing failed and the server retries
 * it by itself. Either way it is counted exactly once, later.
 */
export type ItemStatus = "correlated" | "recorded" | "unmatched" | "rejected" | "pending";

export interface ItemResult extends Partial<MeterCheck> {
  index: number;
  status: ItemStatus;
  source_event_id?: string;
  outage_event_id?: string | null;
  event_id?: string | null;
  outage_status?: string | null;
  confidence?: number | null;
  reason?: string;
  issues?: ParseIssue[];
  duplicate?: boolean;
}

export interface IngestAnswer {
  accepted: number;
  duplicates: number;
  rejected: number;
  unmatched: number;
  pending: number;
  results: ItemResult[];
}

/** How long a copy of an event waits for the answer of its first delivery, still in flight. */
export const IN_FLIGHT_WAIT_MS = 10_000;

/** A processing owner: one per request or retrier pass, unique across processes. */
export const newOwner = (what: string) => `${what}:${process.pid}:${randomUUID()}`;

/**
 * One request from an integration: bad items are recorded as one bounded rejection and
 * reported by index; good ones are stored in the inbox (committed) and claimed before the
 * pipeline runs, so a failure in processing loses nothing and no event is processed twice:
 * a copy whose first delivery is in flight waits for that answer; a duplicate gets it.
 */
export async function ingest(deps: IngestDeps, actor: Actor, source: SourceType, items: ParsedItem[], body?: RejectedBody): Promise<IngestAnswer> {
  const apiKeyId = actor.kind === "integration" ? actor.id : null;
  const bad = items.filter((i): i is Extract<ParsedItem, { ok: false }> => !i.ok);
  const good = items.filter((i): i is Extract<ParsedItem, { ok: true }> => i.ok && i.signals.length > 0);
  const owner = newOwner("request");
  const entries: InboxEntry[] = good.map((i) => ({ index: i.index, sourceEventId: i.signals[0].sourceEventId, raw: i.raw, signals: i.signals }));
  const { claimed, answered, inFlight } = await retryTransient(() => deps.db.transaction(async (tx) => {
    await recordRejections(tx as never, source, bad, apiKeyId, body);
    return claimInbox(tx as never, source, entries, apiKeyId, owner);
  }));
  if (good.length === 0) {
    // Named for the first 50 bad events (all of them are in the rejection record's count).
    throw invalid(`No valid ${source} event in the request${bad.length > 50 ? ` (${bad.length} bad events; the first 50 are named)` : ""}`,
      bad.slice(0, 50).flatMap((b) => b.issues));
  }

  const mine = await processIsolated(deps, actor, source, claimed, owner);
  deps.publisher.publish(mine.changes);
  const others = await awaitOthers(deps, actor, source, [...inFlight, ...mine.lost], owner);
  if (mine.results.length || others.processedHere) await deps.afterCommit?.().catch((err) => console.error(`after-commit work failed: ${describeError(err)}`));

  const results: ItemResult[] = [
    ...mine.results,
    ...others.results,
    ...answered.map((d) => answerOf(d, d.status, d.response)),
    ...bad.map((b) => ({ index: b.index, status: "rejected" as const, issues: b.issues })),
  ].sort((a, b) => a.index - b.index);
  return {
    accepted: results.filter((r) => !r.duplicate && r.status !== "rejected" && r.status !== "pending").length,
    duplicates: results.filter((r) => r.duplicate).length,
    rejected: bad.length,
    unmatched: results.filter((r) => r.status === "unmatched").length,
    pending: results.filter((r) => r.status === "pending").length,
    results,
  };
}

/** The answer for a copy of an event from its row: the first delivery's, or why it is pending. */
function answerOf(e: InboxEntry, status: string, response: unknown): ItemResult {
  if ((status === "processed" || status === "unmatched") && response) return { ...(response as ItemResult), index: e.index, duplicate: true };
  return pendingResult(e, status === "dead"
    ? "processing failed repeatedly; the event is parked for a supervisor to retry"
    : "the first delivery of this event is still being processed; it is counted once", true);
}

function pendingResult(e: InboxEntry, reason: string, duplicate = false): ItemResult {
  return { index: e.index, status: "pending", source_event_id: e.sourceEventId, reason, ...(duplicate ? { duplicate } : {}) };
}

interface Outcome { results: ItemResult[]; changes: Change[]; lost: ClaimedEntry[] }

/**
 * Processes claimed entries in one transaction; when that fails for a reason other than a lost
 * database, halves the batch until the failing event is alone, so one event that breaks the
 * pipeline never holds back the others. The failing one is released with its error, to be
 * retried with backoff (and parked as dead after MAX_ATTEMPTS).
 */
export async function processIsolated(deps: IngestDeps, actor: Actor, source: SourceType, entries: ClaimedEntry[], owner: string): Promise<Outcome> {
  if (!entries.length) return { results: [], changes: [], lost: [] };
  try {
    return await retryTransient(() => processClaimed(deps, actor, source, entries, owner));
  } catch (err) {
    if (isDatabaseUnavailable(err)) throw err;
    if (entries.length > 1) {
      const half = Math.ceil(entries.length / 2);
      const a = await processIsolated(deps, actor, source, entries.slice(0, half), owner);
      const b = await processIsolated(deps, actor, source, entries.slice(half), owner);
      return { results: [...a.results, ...b.results], changes: [...a.changes, ...b.changes], lost: [...a.lost, ...b.lost] };
    }
    const message = describeError(err);
    console.error(`processing ${source} event ${entries[0].sourceEventId} failed (the server retries it): ${message}`);
    await markFailed(deps.db, [entries[0].inboxId], message, owner).catch(() => {});
    return { results: [pendingResult(entries[0], "processing failed; the server retries it by itself")], changes: [], lost: [] };
  }
}

/**
 * Copies whose row another owner holds: waits for that owner's answer, and takes the row over
 * (processing it here) if the owner gave it up or its lease ran out. After IN_FLIGHT_WAIT_MS
 * the copy is answered `pending`: the row is stored, and its owner or the retrier finishes it.
 */
async function awaitOthers(deps: IngestDeps, actor: Actor, source: SourceType, entries: ClaimedEntry[], owner: string) {
  const results: ItemResult[] = [];
  let processedHere = false;
  let waiting = entries;
  const deadline = Date.now() + IN_FLIGHT_WAIT_MS;
  for (let pause = 20; waiting.length; pause = Math.min(pause * 2, 250)) {
    const ids = [...new Set(waiting.map((e) => e.inboxId))];
    const state = new Map((await inboxState(deps.db, ids)).map((r) => [Number(r.id), r]));
    const free = ids.filter((id) => state.get(id)?.claimable);
    if (free.length) {
      const taken = new Set((await claimUnfinished(deps.db, owner, { ids: free, due: false })).map((r) => Number(r.id)));
      const firsts = new Map<number, ClaimedEntry>();
      for (const e of waiting) if (taken.has(e.inboxId) && !firsts.has(e.inboxId)) firsts.set(e.inboxId, e);
      const done = await processIsolated(deps, actor, source, [...firsts.values()], owner);
      deps.publisher.publish(done.changes);
      processedHere ||= done.results.length > 0;
      results.push(...done.results);
      waiting = waiting.filter((e) => firsts.get(e.inboxId) !== e);
      continue;
    }
    const still: ClaimedEntry[] = [];
    for (const e of waiting) {
      const row = state.get(e.inboxId);
      if (row && row.status !== "received" && row.status !== "failed") results.push(answerOf(e, row.status, row.response));
      else still.push(e);
    }
    waiting = still;
    if (!waiting.length) break;
    if (Date.now() >= deadline) {
      results.push(...waiting.map((e) => pendingResult(e, "the first delivery of this event is still being processed; it is counted once", true)));
      break;
    }
    await new Promise((r) => setTimeout(r, pause));
  }
  return { results, processedHere };
}

/** One processing transaction over the rows `owner` still owns; rows taken over meanwhile are `lost`. */
async function processClaimed(deps: IngestDeps, actor: Actor, source: SourceType, entries: ClaimedEntry[], owner: string): Promise<Outcome> {
  const now = deps.now();
  const rule = await deps.activeRule(deps.db);
  return deps.db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    const owned = await lockOwned(tx, owner, entries.map((e) => e.inboxId));
    const items = entries.filter((e) => owned.has(e.inboxId));
    const lost = entries.filter((e) => !owned.has(e.inboxId));
    if (!items.length) return { results: [], changes: [], lost };
    const signals = items.flatMap((i) => i.signals);
    const placed = await placeSignals(tx, signals, rule.radiusMeters);
    const { decisions, changes } = await correlateBatch(tx, placed, { topology: deps.topology, now, rule, actor, timeZone: deps.timeZone });
    const placementOf = new Map(placed.map((p) => [p.signal, p.placement]));
    const outcomeOf = (s: Signal) => decisions.outcomes.get(s) ?? { status: "recorded" as const };
    const outageOf = (s: Signal) => { const o = outcomeOf(s); return o.status === "correlated" ? o.outageId : null; };

    const scadaIds = await writeSourceEvents(tx, source, items.map((i) => ({
      inboxId: i.inboxId, signal: i.signals[0], placement: placementOf.get(i.signals[0])!, outageId: outageOf(i.signals[0]),
    })));
    const outages = new Map(decisions.outages.map((o) => [o.id, o]));
    const results: ItemResult[] = [];
    for (const item of items) {
      const signal = item.signals[0];
      const outcome = outcomeOf(signal);
      const outage = outcome.status === "correlated" ? outages.get(outcome.outageId) : undefined;
      const result: ItemResult = {
        index: item.index,
        status: outcome.status,
        source_event_id: item.sourceEventId,
        outage_event_id: outcome.status === "correlated" ? outcome.outageId : null,
        event_id: outage?.eventId ?? null,
        outage_status: outage?.status ?? null,
        confidence: outage ? Number(outage.confidence.toFixed(3)) : null,
        ...(outcome.status === "unmatched" ? { reason: outcome.reason } : {}),
      };
      const scadaId = scadaIds.get(item.inboxId);
      if (scadaId && signal.kind === "power_off") Object.assign(result, await checkMetersUnder(tx, scadaId, placementOf.get(signal)!, result.outage_event_id ?? null));
      else if (scadaId) result.scada_event_id = scadaId;
      results.push(result);
    }
    await markProcessed(tx, results.map((r, i) => ({
      inboxId: items[i].inboxId, status: r.status === "unmatched" ? "unmatched" : "processed", response: { ...r, index: undefined },
    })), now);
    return { results, changes, lost };
  });
}
