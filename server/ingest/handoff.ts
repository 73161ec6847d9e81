import { sql } from "drizzle-orm";
import pg from "pg";
import { queryRows, type DbOrTx } from "../../db/client";
import type { PlacedSignal } from "../pipeline/types";
import { describeError } from "../errorCauses";
import type { SourceType } from "../../db/schema";
import { INBOX_LEASE_MS, storeClaimed, type ClaimedEntry } from "./inbox";
import type { SubstationLeases } from "./leases";
import { processClaimedRows, type ClaimedRow } from "./retrier";
import { newOwner, type IngestDeps } from "./service";

/**
 * How long a row handed to another process is reserved for it. If that process died, the row
 * is claimable again after this, by which time the dead process's substation leases have lapsed
 * too (SUBSTATION_LEASE_TTL_MS), so whoever takes the row over takes the substation as well.
 */
export const HANDOFF_LEASE_MS = 5_000;
/** How often a process looks for rows handed to it, besides being told (a lost notification). */
export const HANDOFF_POLL_MS = 1_000;
/** Rows one look takes up (the next look takes the rest). */
const ROWS_PER_LOOK = 5_000;
const CHANNEL = "oms_handoff";

/** The inbox owner of rows handed to a process and not taken up by it yet. */
export const handoffOwner = (processId: string) => `handoff:${processId}`;

/**
 * A job's entries as the pass sees them: `handOff` when they may go to another process; its
 * source and key, to store the fresh ones it hands off.
 */
export interface RoutedJob { owner: string; handOff: boolean; entries: ClaimedEntry[]; source: SourceType; apiKeyId: string | null }

/**
 * In a pass's transaction, once its signals are placed: takes the leases of the substations
 * they touch (`substations`, from substationsOfEach), and hands the entries of a job that may hand off whose substations another live
 * process holds to that process: their rows are claimed in its name for HANDOFF_LEASE_MS and it
 * is told when the transaction commits. Answers the entries handed off; the rest (substations
 * all this process's, or none) are processed here.
 */
export async function routeByLease(tx: DbOrTx, leases: SubstationLeases, jobs: RoutedJob[], placed: PlacedSignal[], substations: Map<PlacedSignal, number[]>): Promise<Set<ClaimedEntry>> {
  const ofSignal = new Map(placed.map((p) => [p.signal, substations.get(p) ?? []]));
  const { mine, heldBy } = await leases.acquire([...substations.values()].flat());
  const away = new Set<ClaimedEntry>();
  for (const job of jobs) {
    if (!job.handOff) continue;
    const to = new Map<string, ClaimedEntry[]>();
    for (const e of job.entries) {
      // An entry spanning substations of several processes goes to the holder of the lowest one.
      const held = e.signals.flatMap((s) => ofSignal.get(s) ?? []).filter((id) => !mine.has(id)).sort((a, b) => a - b);
      const target = held.map((id) => heldBy.get(id)).find((o) => o !== undefined);
      if (!target) continue;
      away.add(e);
      to.set(target, [...(to.get(target) ?? []), e]);
    }
    for (const [processId, entries] of to) {
      // Events stored before are claimed in its name; fresh ones are stored so (their ids reserved by the pass).
      const ids = entries.filter((e) => !e.fresh).map((e) => e.inboxId);
      if (ids.length) await tx.execute(sql`
        UPDATE ingest_inbox SET claimed_by = ${handoffOwner(processId)},
          claimed_until = clock_timestamp() + ${`${HANDOFF_LEASE_MS} milliseconds`}::interval
        WHERE id = ANY(${sql.param(ids)}::int8[]) AND claimed_by = ${job.owner} AND status IN ('received', 'failed')`);
      await storeClaimed(tx, entries.filter((e) => e.fresh).map((e) => ({ inboxId: e.inboxId, source: job.source, sourceEventId: e.sourceEventId, raw: e.raw, signals: e.signals, apiKeyId: job.apiKeyId })),
        handoffOwner(processId), HANDOFF_LEASE_MS);
      // Delivered when the transaction commits, never if it rolls back.
      await tx.execute(sql`SELECT pg_notify(${CHANNEL}, ${processId})`);
    }
  }
  return away;
}

/**
 * Claims the rows handed to this process, for `owner` (SKIP LOCKED: a look in flight is not
 * waited for). The LIKE repeats the predicate of the index of handed-off rows (migration 0020),
 * so that the planner may use it.
 */
async function claimHandedOff(db: DbOrTx, processId: string, owner: string) {
  return queryRows<ClaimedRow>(db, sql`
    UPDATE ingest_inbox SET claimed_by = ${owner}, claimed_until = clock_timestamp() + ${`${INBOX_LEASE_MS} milliseconds`}::interval
    WHERE id IN (SELECT id FROM ingest_inbox WHERE claimed_by = ${handoffOwner(processId)} AND status IN ('received', 'failed')
      AND claimed_by LIKE 'handoff:%' ORDER BY id LIMIT ${ROWS_PER_LOOK} FOR UPDATE SKIP LOCKED)
    RETURNING id, source_type, source_event_id, payload, signals, api_key_id`);
}

/**
 * Takes up what other processes hand to this one: told by a notification on a dedicated
 * connection (LISTEN, opened again if it drops), and every HANDOFF_POLL_MS in case one was
 * missed. Rows taken are processed here, through the process's pass queue, and never handed on
 * (so a row moves at most once, even while the leases move).
 */
export function startHandoffReceiver(deps: IngestDeps, leases: SubstationLeases, connectionString: string | undefined, log: (m: string) => void) {
  let stopped = false;
  let looking: Promise<void> | undefined;
  let again = false;
  const inFlight = new Set<Promise<unknown>>();
  const look = () => {
    if (stopped) return;
    if (looking) { again = true; return; }
    looking = (async () => {
      do {
        again = false;
        const owner = newOwner("handoff");
        const rows = await claimHandedOff(deps.db, leases.id, owner);
        if (!rows.length) continue;
        leases.counts.takenUp += rows.length;
        // Not awaited: the pass queue gathers these with whatever else arrives meanwhile.
        const work = processClaimedRows(deps, rows, owner)
          .catch((err) => log(`handed-off events failed (the server retries them): ${describeError(err)}`));
        inFlight.add(work);
        void work.finally(() => inFlight.delete(work));
      } while (again && !stopped);
    })().catch((err) => log(`looking for handed-off events failed: ${describeError(err)}`)).finally(() => { looking = undefined; });
  };
  const poll = setInterval(look, HANDOFF_POLL_MS);
  poll.unref();

  let client: pg.Client | undefined;
  let reconnect: NodeJS.Timeout | undefined;
  let failing = false;
  const listen = async () => {
    if (stopped || !connectionString) return;
    const c = new pg.Client({ connectionString, connectionTimeoutMillis: 5_000 });
    client = c;
    const retry = () => {
      if (stopped || client !== c) return;
      client = undefined;
      void c.end().catch(() => {});
      reconnect = setTimeout(() => void listen(), 1_000);
      reconnect.unref();
    };
    c.on("error", retry);
    c.on("end", retry);
    c.on("notification", (n) => { if (n.payload === leases.id) look(); });
    try {
      await c.connect();
      await c.query(`LISTEN ${CHANNEL}`);
      failing = false;
      look();
    } catch (err) {
      // Once per outage of the database, not at every reconnection attempt.
      if (!failing) log(`handoff: LISTEN failed, trying again every second (looking every ${HANDOFF_POLL_MS / 1000} s meanwhile): ${describeError(err)}`);
      failing = true;
      retry();
    }
  };
  void listen();

  return {
    async stop() {
      stopped = true;
      clearInterval(poll);
      clearTimeout(reconnect);
      const c = client;
      client = undefined;
      await c?.end().catch(() => {});
      await looking;
      await Promise.all(inFlight);
    },
  };
}
