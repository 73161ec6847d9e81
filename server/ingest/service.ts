import { randomUUID } from "node:crypto";
import { together, transactionAtOnce, type Db } from "../../db/client";
import type { SourceType } from "../../db/schema";
import { invalid } from "../errors";
import { describeError, isDatabaseUnavailable, retryTransient } from "../errorCauses";
import { systemActor, type Actor } from "../context";
import type { Rule } from "../pipeline/rules";
import type { Decisions, PlacedSignal } from "../pipeline/types";
import type { Publisher, Change } from "../realtime/publisher";
import type { TopologyCache } from "../repository/topology";
import type { SubstationStateCache } from "../repository/stateCache";
import { writeSourceEvents } from "../repository/sourceEvents";
import { correlateBatch, substationsOfEach } from "./correlateBatch";
import { claimInbox, claimUnfinished, findOrReserve, inboxState, lockOwnedByEach, markFailed, markProcessed, recordRejections, storeFailed, writeAnswered, type AnsweredEntry, type AnsweredRow, type ClaimedEntry, type InboxEntry, type RejectedBody } from "./inbox";
import { placeWithKeys, substationHint } from "./placement";
import { networkIdentities } from "./networkIdentities";
import { routeByLease } from "./handoff";
import type { SubstationLeases } from "./leases";
import { checkMetersUnder, type MeterCheck } from "./scadaMeterCheck";
import type { ParsedItem, ParseIssue, Signal } from "./signal";

export interface IngestDeps {
  db: Db;
  publisher: Publisher;
  now(): Date;
  topology: TopologyCache;
  /** The substations' state this process keeps in memory between batches (none: loaded every batch). */
  state?: SubstationStateCache;
  activeRule(db: Db): Promise<Rule>;
  /** The utility's time zone, for times written into timeline text. */
  timeZone: string;
  /**
   * Told, for each request whose pass pushed changes, how long from its events validated to that
   * push (the metrics' post→push lag).
   */
  observePostToPush?(seconds: number): void;
  /** Told how long each correlation pass waited for its substations' locks (the metrics). */
  observeLockWait?(seconds: number): void;
  /**
   * Correlation passes that may run at once, each on the substations of its lane (INGEST_LANES;
   * 1, the default, is one pass at a time). Only worth more than 1 on PostgreSQL, whose
   * connections work in parallel; PGlite's one session runs one transaction at a time.
   */
  lanes?: number;
  /**
   * Most signals one correlation pass takes (PASS_MAX_SIGNALS unless set). On PGlite, whose
   * passes run their JavaScript on the server's event loop one after another, smaller passes
   * keep each synchronous stretch of the loop short (PGLITE_PASS_MAX_SIGNALS).
   */
  passMaxSignals?: number;
  /** Runs after a batch commits (storm-mode auto-activation). */
  afterCommit?(): Promise<void>;
  /**
   * The substations this process correlates when several share PostgreSQL (server/ingest/leases.ts);
   * none with PGlite (one process).
   */
  leases?: SubstationLeases;
  /**
   * False for requests whose rule only this process knows (`events/correlate` with its own
   * window or radius): they are correlated here even when another process holds the substation.
   */
  handOff?: boolean;
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
  const posted = performance.now();
  const apiKeyId = actor.kind === "integration" ? actor.id : null;
  const bad = items.filter((i): i is Extract<ParsedItem, { ok: false }> => !i.ok);
  const good = items.filter((i): i is Extract<ParsedItem, { ok: true }> => i.ok && i.signals.length > 0);
  const owner = newOwner("request");
  const entries: InboxEntry[] = good.map((i) => ({ index: i.index, sourceEventId: i.signals[0].sourceEventId, raw: i.raw, signals: i.signals }));
  // SCADA's events are stored (committed) and claimed before they are processed: their raw rows
  // reference their inbox rows. Every other source's are stored by the pass that processes them,
  // with their answers, in its transaction (one row written once instead of inserted, then
  // updated); a request is answered only once that pass has committed, so nothing acknowledged
  // is ever unstored, and an event whose processing fails is then stored as failed, to be
  // retried. Copies within the request are answered as the first.
  const storedFirst = source === "scada";
  const { claimed, answered, inFlight, copies } = storedFirst
    ? { copies: [] as ClaimedEntry[], ...await retryTransient(() => bad.length
      ? deps.db.transaction(async (tx) => {
        await recordRejections(tx as never, source, bad, apiKeyId, body);
        return claimInbox(tx as never, source, entries, apiKeyId, owner);
      })
      : claimInbox(deps.db, source, entries, apiKeyId, owner)) }
    : await freshEntries(deps, source, bad, entries, apiKeyId, body);
  if (good.length === 0) {
    // Named for the first 50 bad events (all of them are in the rejection record's count).
    throw invalid(`No valid ${source} event in the request${bad.length > 50 ? ` (${bad.length} bad events; the first 50 are named)` : ""}`,
      bad.slice(0, 50).flatMap((b) => b.issues));
  }

  // Only this first processing may hand events to the process holding their substation: what is
  // taken over later (a lapsed hand-off, the retrier) is processed where it is, so nothing loops.
  const mine = await processIsolated(deps, actor, source, claimed, owner, deps.handOff !== false, posted);
  if (deps.leases) deps.leases.counts.handedOff += mine.handedOff.length;
  const others = await awaitOthers(deps, actor, source, [...inFlight, ...mine.lost], owner, mine.handedOff);
  // A fresh event's later copies in the request: answered as the first was.
  const byEvent = new Map([...mine.results, ...others].map((r) => [r.source_event_id, r]));
  const copied = copies.map((c): ItemResult => {
    const first = byEvent.get(c.sourceEventId);
    return first && first.status !== "pending" ? { ...first, index: c.index, duplicate: true }
      : pendingResult(c, first?.reason ?? "the first delivery of this event is still being processed; it is counted once", true);
  });

  const results: ItemResult[] = [
    ...mine.results,
    ...others,
    ...copied,
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

/**
 * Entries of a request whose events the processing pass stores (see `ingest`): the first copy of
 * each event to process, fresh; its later copies in the request, answered as it. Rejected events
 * are recorded first, in their own statement.
 */
async function freshEntries(deps: IngestDeps, source: SourceType, bad: Array<Extract<ParsedItem, { ok: false }>>, entries: InboxEntry[], apiKeyId: string | null, body?: RejectedBody) {
  if (bad.length) await retryTransient(() => recordRejections(deps.db, source, bad, apiKeyId, body));
  const seen = new Set<string>();
  const claimed: ClaimedEntry[] = [];
  const copies: ClaimedEntry[] = [];
  for (const e of entries) {
    if (seen.has(e.sourceEventId)) copies.push({ ...e, inboxId: 0 });
    else { seen.add(e.sourceEventId); claimed.push({ ...e, inboxId: 0, fresh: true }); }
  }
  return { claimed, answered: [] as AnsweredEntry[], inFlight: [] as ClaimedEntry[], copies };
}

/** The answer for a copy of an event from its row: the first delivery's, or why it is pending. */
function answerOf(e: InboxEntry, status: string, response: unknown, duplicate = true): ItemResult {
  if ((status === "processed" || status === "unmatched") && response) return { ...(response as ItemResult), index: e.index, ...(duplicate ? { duplicate } : {}) };
  return pendingResult(e, status === "dead"
    ? "processing failed repeatedly; the event is parked for a supervisor to retry"
    : duplicate ? "the first delivery of this event is still being processed; it is counted once" : HANDED_OFF_PENDING, duplicate);
}

const HANDED_OFF_PENDING = "handed to the process that correlates its substation, still being processed; it is counted once";

function pendingResult(e: InboxEntry, reason: string, duplicate = false): ItemResult {
  return { index: e.index, status: "pending", source_event_id: e.sourceEventId, reason, ...(duplicate ? { duplicate } : {}) };
}

/** `lost`: rows taken over by another owner meanwhile; `handedOff`: given to the process holding their substation. */
interface Outcome { results: ItemResult[]; lost: ClaimedEntry[]; handedOff: ClaimedEntry[] }

/**
 * Claimed entries of one request (or retrier pass) to process: its owner, source and key;
 * `handOff` when entries of a substation another process holds may be handed to it.
 */
export interface ProcessJob {
  actor: Actor; source: SourceType; entries: ClaimedEntry[]; owner: string; handOff?: boolean;
  /** When the request's events were validated (`performance.now()`), for the post→push lag. */
  posted?: number;
  /**
   * Substations whose windows ended with no signal (the verification sweep, sweeper.ts): they
   * are reconciled in the lane's next pass, with whatever signals it carries, instead of in a
   * transaction of their own that would wait on the lanes' locks and make them wait on it.
   */
  sweep?: number[];
}

/**
 * Most signals one correlation pass takes: jobs waiting beyond it go to the next pass. A pass
 * of this size takes a few hundred milliseconds, which bounds what a request waits for the
 * requests coalesced with it.
 */
export const PASS_MAX_SIGNALS = 5_000;
/**
 * The same on the embedded PGlite: a pass's decisions and the building of its writes take
 * about 20 µs a signal each on the event loop: 500 keeps each stretch near 10 ms, and the loop's
 * delay p99 under 50 ms at full speed (1,000 gave 12% more events a second, with a p99 of 62–71 ms;
 * README, "After the eighth round").
 */
export const PGLITE_PASS_MAX_SIGNALS = 500;

interface Waiting { job: ProcessJob; resolve(o: Outcome): void; reject(err: unknown): void }

/**
 * Group commit: requests that arrive while a correlation pass runs are gathered into the next
 * pass, one transaction and one run of the pipeline for all of them, instead of queueing one
 * behind another on the substations' lock. Each request still gets its own per-event answer
 * when its pass commits. One queue per set of dependencies (one per process for the routes;
 * a request with its own window or radius, `events/correlate`, has its own).
 */
class PassQueue {
  private waiting: Waiting[] = [];
  private running = false;
  /** Passes this lane ran. */
  passes = 0;
  /** The most signals one of its passes carried. */
  mostSignals = 0;

  constructor(private readonly deps: IngestDeps, private readonly busy: LaneUse) {}

  submit(job: ProcessJob): Promise<Outcome> {
    if (!job.entries.length && !job.sweep?.length) return Promise.resolve({ results: [], lost: [], handedOff: [] });
    return new Promise((resolve, reject) => {
      this.waiting.push({ job, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain() {
    this.running = true;
    try {
      while (this.waiting.length) {
        const pass: Waiting[] = [];
        let signals = 0;
        const most = this.deps.passMaxSignals ?? PASS_MAX_SIGNALS;
        while (this.waiting.length && (pass.length === 0 || signals + countSignals(this.waiting[0].job) <= most)) {
          const next = this.waiting.shift()!;
          signals += countSignals(next.job);
          pass.push(next);
        }
        this.passes++;
        this.mostSignals = Math.max(this.mostSignals, signals);
        this.busy.now++;
        this.busy.most = Math.max(this.busy.most, this.busy.now);
        await this.run(pass).catch((err) => { for (const w of pass) w.reject(err); }).finally(() => this.busy.now--);
      }
    } finally {
      this.running = false;
    }
  }

  private async run(pass: Waiting[]) {
    const outcomes: Array<Outcome | undefined> = [];
    const changes: Change[] = [];
    try {
      const done = await retryTransient(() => processJobs(this.deps, pass.map((w) => w.job)));
      outcomes.push(...done.outcomes);
      changes.push(...done.changes);
    } catch (err) {
      if (isDatabaseUnavailable(err)) {
        for (const w of pass) w.reject(err);
        return;
      }
      // Failed for another reason: each job on its own, and within it event by event, so one
      // bad event costs only itself (a job alone in the pass is halved at once). A sweep is
      // tried again on its own; if it fails it is reported to the sweeper, which sweeps again
      // on its next tick.
      for (const w of pass) {
        try {
          if (w.job.sweep?.length && !w.job.entries.length) {
            const swept = await retryTransient(() => processJobs(this.deps, [w.job]));
            changes.push(...swept.changes);
            outcomes.push(swept.outcomes[0]);
            continue;
          }
          const one = await isolate(this.deps, w.job, w.job.entries, pass.length === 1);
          changes.push(...one.changes);
          outcomes.push(one);
        } catch (e) {
          outcomes.push(undefined);
          w.reject(e);
        }
      }
    }
    this.deps.publisher.publish(changes);
    if (changes.length && this.deps.observePostToPush) {
      const pushed = performance.now();
      pass.forEach((w, i) => {
        if (w.job.posted !== undefined && outcomes[i]?.results.length) this.deps.observePostToPush!((pushed - w.job.posted) / 1000);
      });
    }
    if (outcomes.some((o) => o?.results.length)) await this.deps.afterCommit?.().catch((err) => console.error(`after-commit work failed: ${describeError(err)}`));
    pass.forEach((w, i) => {
      const o = outcomes[i];
      if (o) w.resolve({ results: o.results, lost: o.lost, handedOff: o.handedOff });
    });
  }
}

const countSignals = (job: ProcessJob) => job.entries.reduce((n, e) => n + e.signals.length, 0);

/** How many of a process's lanes run a pass now, and the most that ever did at once. */
interface LaneUse { now: number; most: number }

const queues = new WeakMap<IngestDeps, { lanes: PassQueue[]; busy: LaneUse }>();

function lanesOf(deps: IngestDeps) {
  let q = queues.get(deps);
  if (!q) {
    const busy = { now: 0, most: 0 };
    queues.set(deps, (q = { busy, lanes: Array.from({ length: Math.max(1, deps.lanes ?? 1) }, () => new PassQueue(deps, busy)) }));
  }
  return q;
}

/** Passes run by each lane, the most lanes that ran one at the same time, and the most signals a pass carried (figures and tests). */
export function laneUse(deps: IngestDeps) {
  const { lanes, busy } = lanesOf(deps);
  return { passes: lanes.map((l) => l.passes), mostAtOnce: busy.most, mostSignals: Math.max(...lanes.map((l) => l.mostSignals)) };
}

/**
 * Processes claimed entries: coalesced with other requests' into the next correlation pass;
 * its changes are pushed (and storm mode looked at) when that pass commits. A pass that fails
 * for a reason other than a lost database is retried job by job, and a failing job is halved
 * until the failing event is alone: it is released with its error, to be retried with backoff
 * (and parked as dead after MAX_ATTEMPTS).
 */
export async function processIsolated(deps: IngestDeps, actor: Actor, source: SourceType, entries: ClaimedEntry[], owner: string, handOff = false, posted?: number): Promise<Outcome> {
  const { lanes } = lanesOf(deps);
  if (lanes.length === 1) return lanes[0].submit({ actor, source, entries, owner, handOff, posted });
  const parts = splitByLane(entries, lanes.length);
  // The post→push lag is the request's, once: when the last of its parts has been pushed.
  const settled = await Promise.allSettled(parts.map((part, lane) => lanes[lane].submit({ actor, source, entries: part, owner, handOff })));
  const failed = settled.find((s) => s.status === "rejected");
  if (failed) throw failed.reason;
  const done = settled.map((s) => (s as PromiseFulfilledResult<Outcome>).value);
  if (posted !== undefined && deps.observePostToPush && done.some((o) => o.results.length)) deps.observePostToPush((performance.now() - posted) / 1000);
  return { results: done.flatMap((o) => o.results), lost: done.flatMap((o) => o.lost), handedOff: done.flatMap((o) => o.handedOff) };
}

/**
 * Reconciles substations whose windows ended (the verification sweep) in the lanes' next passes,
 * each substation in the lane its signals take, so the sweep never waits on a lane's locks nor
 * makes a lane wait on its own. Resolves when every lane's pass holding it has committed.
 */
export async function sweepInLanes(deps: IngestDeps, substationIds: number[]): Promise<void> {
  const { lanes } = lanesOf(deps);
  const parts: number[][] = Array.from({ length: lanes.length }, () => []);
  for (const id of substationIds) parts[id % lanes.length].push(id);
  const owner = newOwner("sweep");
  await Promise.all(parts.map((ids, lane) => (ids.length ? lanes[lane].submit({ actor: systemActor, source: "kaifa", entries: [], owner, sweep: ids }) : undefined)));
}

/**
 * Entries by lane: every signal of one substation in the same lane, so that a substation's
 * signals keep their order and two lanes' passes do not wait on each other's locks. The lane is
 * a hint taken from the network model loaded last (a signal's substation before its pass places
 * it); a wrong hint (a model changed since, a call placed only by its location) costs a wait on
 * the substation's lock, never a decision: correlation takes the locks of whatever it touches.
 */
function splitByLane(entries: ClaimedEntry[], lanes: number): ClaimedEntry[][] {
  const parts: ClaimedEntry[][] = Array.from({ length: lanes }, () => []);
  const keys = networkIdentities.latest();
  for (const e of entries) {
    const substation = keys ? substationHint(keys, e.signals) : undefined;
    parts[substation === undefined ? 0 : substation % lanes].push(e);
  }
  return parts;
}

async function isolate(deps: IngestDeps, job: ProcessJob, entries: ClaimedEntry[], failedWhole = false): Promise<Outcome & { changes: Change[] }> {
  if (!entries.length) return { results: [], changes: [], lost: [], handedOff: [] };
  try {
    if (failedWhole && entries.length > 1) throw new Error("the whole job failed");
    const { outcomes: [one], changes } = await retryTransient(() => processJobs(deps, [{ ...job, entries }]));
    return { ...one!, changes };
  } catch (err) {
    if (isDatabaseUnavailable(err)) throw err;
    if (entries.length > 1) {
      const half = Math.ceil(entries.length / 2);
      const a = await isolate(deps, job, entries.slice(0, half));
      const b = await isolate(deps, job, entries.slice(half));
      return { results: [...a.results, ...b.results], changes: [...a.changes, ...b.changes], lost: [...a.lost, ...b.lost], handedOff: [...a.handedOff, ...b.handedOff] };
    }
    const message = describeError(err);
    const e = entries[0];
    console.error(`processing ${job.source} event ${e.sourceEventId} failed (the server retries it): ${message}`);
    if (e.fresh) await storeFailed(deps.db, { source: job.source, sourceEventId: e.sourceEventId, raw: e.raw, signals: e.signals, apiKeyId: apiKeyOf(job.actor) }, message).catch(() => {});
    else await markFailed(deps.db, [e.inboxId], message, job.owner).catch(() => {});
    return { results: [pendingResult(entries[0], "processing failed; the server retries it by itself")], changes: [], lost: [], handedOff: [] };
  }
}

/**
 * Copies whose row another owner holds: waits for that owner's answer, and takes the row over
 * (processing it here) if the owner gave it up or its lease ran out. After IN_FLIGHT_WAIT_MS
 * the copy is answered `pending`: the row is stored, and its owner or the retrier finishes it.
 * Entries this request handed to another process (`handedOff`) are waited for the same way, but
 * answered first-hand: that process processed them for this request.
 */
async function awaitOthers(deps: IngestDeps, actor: Actor, source: SourceType, entries: ClaimedEntry[], owner: string, handedOff: ClaimedEntry[] = []) {
  const results: ItemResult[] = [];
  const firstHand = new Set(handedOff);
  let waiting = [...handedOff, ...entries];
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
      results.push(...done.results);
      waiting = [...waiting.filter((e) => firsts.get(e.inboxId) !== e), ...done.lost];
      continue;
    }
    const still: ClaimedEntry[] = [];
    for (const e of waiting) {
      const row = state.get(e.inboxId);
      if (row && row.status !== "received" && row.status !== "failed") results.push(answerOf(e, row.status, row.response, !firstHand.has(e)));
      else still.push(e);
    }
    waiting = still;
    if (!waiting.length) break;
    if (Date.now() >= deadline) {
      results.push(...waiting.map((e) => (firstHand.has(e) ? pendingResult(e, HANDED_OFF_PENDING) : pendingResult(e, "the first delivery of this event is still being processed; it is counted once", true))));
      break;
    }
    await new Promise((r) => setTimeout(r, pause));
  }
  return results;
}

/**
 * One processing transaction for the jobs of a pass, over the rows each job's owner still owns
 * (rows taken over meanwhile are that job's `lost`): one placement and one run of the pipeline
 * for all their signals, the raw events written per source, an answer per event.
 */
async function processJobs(deps: IngestDeps, jobs: ProcessJob[]): Promise<{ outcomes: Outcome[]; changes: Change[] }> {
  const now = deps.now();
  let sweep = [...new Set(jobs.flatMap((j) => j.sweep ?? []))].sort((a, b) => a - b);
  // With several processes, each sweeps the due substations it holds or can take (a dead
  // process's, once its leases lapse), so every window still ends, swept by one process.
  if (sweep.length && deps.leases) {
    const { mine } = await deps.leases.acquire(sweep);
    sweep = sweep.filter((id) => mine.has(id));
  }
  // BEGIN goes out with the pass's first statements (transactionAtOnce).
  return transactionAtOnce(deps.db, async (tx) => {
    const kept: KeptJob[] = [];
    // The active rule, the rows' ownership and the signals' placement are sent together (the
    // placement reads only the network model, and the rule's radius for a signal placed by its
    // location); the placements of rows taken over meanwhile are dropped. Events stored before:
    // their rows locked; fresh ones: their rows if stored by now (copies), else ids reserved.
    const signals = jobs.flatMap((job) => job.entries.flatMap((e) => e.signals));
    const ruling = deps.activeRule(tx);
    const owning = lockOwnedByEach(tx, jobs.map((job) => ({ owner: job.owner, inboxIds: job.entries.filter((e) => !e.fresh).map((e) => e.inboxId) })));
    const fresh = jobs.flatMap((job) => job.entries.filter((e) => e.fresh).map((e) => ({ source: job.source, sourceEventId: e.sourceEventId, e })));
    const finding = findOrReserve(tx, fresh);
    const placing = signals.length ? placeWithKeys(tx, signals, ruling.then((r) => r.radiusMeters)) : Promise.resolve({ placed: [], keys: null });
    for (const p of [ruling, owning, finding, placing]) p.catch(() => {}); // awaited in `together`
    const [rule, ownedByEach, found, placement] = await together([ruling, owning, finding, placing]);
    const rowOf = new Map(fresh.map(({ e }, i) => [e, found[i]]));
    const firstInPass = new Map<string, ClaimedEntry>();
    jobs.forEach((job, i) => {
      const owned = ownedByEach[i];
      const k: KeptJob = { job, items: [], lost: [], handedOff: [], answered: [] };
      for (const e of job.entries) {
        if (!e.fresh) { (owned.has(e.inboxId) ? k.items : k.lost).push(e); continue; }
        const row = rowOf.get(e)!;
        const key = `${job.source}\u0001${e.sourceEventId}`;
        const first = firstInPass.get(key);
        if (row.stored && (row.status === "received" || row.status === "failed")) k.lost.push({ ...e, inboxId: row.id, fresh: false }); // in flight elsewhere
        else if (row.stored) k.answered.push(answerOf(e, row.status, row.response));
        else if (first) k.lost.push({ ...e, inboxId: first.inboxId, fresh: false }); // another request's copy in this pass: answered as it, once stored
        else {
          const item = { ...e, inboxId: row.id };
          firstInPass.set(key, item);
          k.items.push(item);
        }
      }
      kept.push(k);
    });
    const none = () => ({ outcomes: kept.map((k) => ({ results: k.answered, lost: k.lost, handedOff: k.handedOff })), changes: [] });
    if (!kept.some((k) => k.items.length) && !sweep.length) return none();
    const owned = new Set(kept.flatMap((k) => k.items).flatMap((i) => i.signals));
    let placed = placement.placed.filter((p) => owned.has(p.signal));
    // The substations each signal touches: who correlates it, and which the pass locks.
    const substations = await substationsOfEach(tx, placed, placement.keys);
    if (deps.leases && placed.length) {
      // Several processes share the database: signals of substations another one holds go to it.
      const away = await routeByLease(tx, deps.leases, kept.map((k) => ({ owner: k.job.owner, handOff: !!k.job.handOff, entries: k.items, source: k.job.source, apiKeyId: apiKeyOf(k.job.actor) })), placed, substations);
      if (away.size) {
        for (const k of kept) {
          k.handedOff = k.items.filter((e) => away.has(e)).map((e) => ({ ...e, fresh: false })); // stored now, in the holder's name
          k.items = k.items.filter((e) => !away.has(e));
        }
        const here = new Set(kept.flatMap((k) => k.items).flatMap((i) => i.signals));
        placed = placed.filter((p) => here.has(p.signal));
        if (!placed.length && !sweep.length) return none();
      }
    }
    // What the pipeline itself decides is recorded under the pass's key, or the system's when
    // the pass gathered several keys' requests or carries the sweep.
    const actors = new Set(kept.filter((k) => k.items.length).map((k) => `${k.job.actor.kind}:${k.job.actor.id}`));
    const actor = actors.size === 1 && !sweep.length ? kept.find((k) => k.items.length)!.job.actor : systemActor;
    // The raw rows and the answers depend on the decisions alone, but SCADA's, whose answers
    // carry their rows' ids and the meter check: without SCADA in the pass they are sent with
    // the decisions' writes (`beside`), in the same round trip.
    const finish = (decisions: Decisions) => answerPass(tx, kept, placed, decisions, now);
    const hasScada = kept.some((k) => k.items.length && k.job.source === "scada");
    let finishing: ReturnType<typeof finish> | undefined;
    const beside = hasScada ? undefined : (decisions: Decisions) => {
      finishing = finish(decisions);
      finishing.catch(() => {}); // awaited below
    };
    const { decisions, changes } = await correlateBatch(tx, placed, { topology: deps.topology, state: deps.state, now, rule, actor, timeZone: deps.timeZone, observeLockWait: deps.observeLockWait, beside }, sweep, substations);
    const { outcomes, sent } = await (finishing ?? finish(decisions));
    await together(sent);
    return { outcomes, changes };
  });
}

/** A job's items this pass processes, those it lost or handed off, and the answers of fresh events stored before. */
interface KeptJob { job: ProcessJob; items: ClaimedEntry[]; lost: ClaimedEntry[]; handedOff: ClaimedEntry[]; answered: ItemResult[] }

const apiKeyOf = (actor: Actor) => (actor.kind === "integration" ? actor.id : null);

/**
 * The raw source rows and each event's answer, for the jobs' kept items: sends them (SCADA's rows
 * and meter checks waited for, the rest not) and returns what was sent, to wait for.
 */
async function answerPass(tx: Db, kept: KeptJob[], placed: PlacedSignal[], decisions: Decisions, now: Date) {
  const placementOf = new Map(placed.map((p) => [p.signal, p.placement]));
  const outcomeOf = (s: Signal) => decisions.outcomes.get(s) ?? { status: "recorded" as const };
  const outageOf = (s: Signal) => { const o = outcomeOf(s); return o.status === "correlated" ? o.outageId : null; };

  const scadaIds = new Map<number, string>();
  const sources = new Map<SourceType, ClaimedEntry[]>();
  for (const k of kept) if (k.items.length) (sources.get(k.job.source) ?? sources.set(k.job.source, []).get(k.job.source)!).push(...k.items);
  // The raw rows are sent without waiting for them (`together`, below), but SCADA's: its
  // answers carry their ids.
  const written: Array<Promise<unknown>> = [];
  for (const [source, list] of sources) {
    const sent = writeSourceEvents(tx, source, list.map((i) => ({
      inboxId: i.inboxId, signal: i.signals[0], placement: placementOf.get(i.signals[0])!, outageId: outageOf(i.signals[0]),
    })));
    if (source === "scada") for (const [inboxId, id] of await sent) scadaIds.set(inboxId, id);
    else {
      sent.catch(() => {}); // awaited in `together` below; handled should anything throw first
      written.push(sent);
    }
  }
  const outages = new Map(decisions.outages.map((o) => [o.id, o]));
  const outcomes: Outcome[] = [];
  const processed: Array<{ inboxId: number; status: string; response: unknown }> = [];
  const answered: AnsweredRow[] = [];
  for (const k of kept) {
    const results: ItemResult[] = [];
    for (const item of k.items) {
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
      const row = { inboxId: item.inboxId, status: result.status === "unmatched" ? "unmatched" : "processed", response: { ...result, index: undefined } };
      if (item.fresh) answered.push({ ...row, source: k.job.source, sourceEventId: item.sourceEventId, raw: item.raw, signals: item.signals, apiKeyId: apiKeyOf(k.job.actor) });
      else processed.push(row);
    }
    outcomes.push({ results: [...k.answered, ...results], lost: k.lost, handedOff: k.handedOff });
  }
  const rows = [markProcessed(tx, processed, now), writeAnswered(tx, answered, now)];
  for (const r of rows) r.catch(() => {}); // awaited by the caller, after the decisions' own writes, which may fail first
  return { outcomes, sent: [...written, ...rows] };
}
