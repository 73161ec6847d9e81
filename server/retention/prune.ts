import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Db, type DbOrTx } from "../../db/client";
import { LIVE_OUTAGE } from "../../db/queries/powerState";
import { describeError } from "../errorCauses";

/**
 * What grows with every event and is pruned past its age (RETENTION_DAYS_*; 0 keeps it for
 * ever). Never pruned: outages, their sources, timelines and affected meters, momentary
 * interruptions, meter status history, notifications, crews, the audit log and storm switches.
 */
export interface RetentionPolicy {
  changeLogDays: number;
  inboxDays: number;
  rejectionsDays: number;
  rawEventsDays: number;
  batchRows: number;
}

export type PrunedTable = "oms_change_log" | "ingest_inbox" | "ingest_rejections" | "scada_events" | "kaifa_events" | "onu_events" | "callcenter_tickets";
export type PruneCounts = Partial<Record<PrunedTable, number>>;

/** One pruner at a time across every process on the database (a transaction-level advisory lock per batch). */
export const RETENTION_LOCK_KEY = 7264014;
/** A pass stops after this many batches per table and goes on at the next interval. */
const MAX_BATCHES_PER_PASS = 200;

const RAW_TABLES = ["scada_events", "kaifa_events", "onu_events", "callcenter_tickets"] as const;
const cutoff = (now: Date, days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();
const ids = (rows: Array<{ id: number | string }>) => rows.map((r) => String(r.id));

/**
 * One batch of one table, in its own transaction, only if no other process holds the
 * retention lock: answers the rows deleted, or null when another process is pruning.
 */
async function batch(db: Db, work: (tx: DbOrTx) => Promise<number>): Promise<number | null> {
  return db.transaction(async (tx) => {
    const [lock] = await queryRows<{ got: boolean }>(tx as unknown as Db, sql`SELECT pg_try_advisory_xact_lock(${RETENTION_LOCK_KEY}) AS got`);
    if (!lock?.got) return null;
    return work(tx as unknown as Db);
  });
}

/** The batches of one table: the oldest rows first, until none is left past the age or the pass's budget is spent. */
async function pruneTable(db: Db, table: PrunedTable, work: (tx: DbOrTx) => Promise<number>, limit: number, counts: PruneCounts): Promise<boolean> {
  for (let i = 0; i < MAX_BATCHES_PER_PASS; i++) {
    const deleted = await batch(db, work);
    if (deleted === null) return false;
    counts[table] = (counts[table] ?? 0) + deleted;
    if (deleted < limit) return true;
    // Let requests between batches: a pass is background work.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return true;
}

const deleteWhereIdIn = async (tx: DbOrTx, table: SQL, key: SQL, select: SQL) =>
  (await queryRows<{ n: number }>(tx, sql`WITH gone AS (DELETE FROM ${table} WHERE ${key} IN (${select}) RETURNING 1) SELECT count(*)::int AS n FROM gone`))[0]?.n ?? 0;

/**
 * One pass over every table with a retention age; answers the rows deleted per table, or null
 * when another process holds the lock (it prunes; this one does nothing).
 */
export async function pruneOnce(db: Db, policy: RetentionPolicy, now: Date): Promise<PruneCounts | null> {
  const n = policy.batchRows;
  const counts: PruneCounts = {};
  const run = (table: PrunedTable, work: (tx: DbOrTx) => Promise<number>) => pruneTable(db, table, work, n, counts);

  if (policy.changeLogDays > 0) {
    // The newest change stays whatever its age: clients count on from its seq after a restart.
    const before = cutoff(now, policy.changeLogDays);
    if (!await run("oms_change_log", (tx) => deleteWhereIdIn(tx, sql`oms_change_log`, sql`seq`, sql`
      SELECT seq FROM oms_change_log WHERE created_at < ${before}::timestamptz AND seq < (SELECT max(seq) FROM oms_change_log) ORDER BY seq LIMIT ${n}`))) return null;
  }
  if (policy.rejectionsDays > 0) {
    const before = cutoff(now, policy.rejectionsDays);
    if (!await run("ingest_rejections", (tx) => deleteWhereIdIn(tx, sql`ingest_rejections`, sql`id`, sql`
      SELECT id FROM ingest_rejections WHERE received_at < ${before}::timestamptz ORDER BY id LIMIT ${n}`))) return null;
  }
  if (policy.rawEventsDays > 0) {
    const before = cutoff(now, policy.rawEventsDays);
    for (const table of RAW_TABLES) {
      const ok = await run(table, async (tx) => {
        // A SCADA event of an outage still live stays with it, whatever its age.
        const live = table === "scada_events" ? sql`AND (e.outage_event_id IS NULL OR NOT EXISTS (SELECT 1 FROM oms_outage_events o WHERE o.id = e.outage_event_id AND ${LIVE_OUTAGE}))` : sql``;
        const doomed = ids(await queryRows<{ id: string }>(tx, sql`
          SELECT e.id FROM ${sql.identifier(table)} e WHERE e.created_at < ${before}::timestamptz ${live} ORDER BY e.created_at LIMIT ${n}`));
        if (!doomed.length) return 0;
        if (table === "scada_events") await queryRows(tx, sql`DELETE FROM scada_event_affected_meters WHERE scada_event_id = ANY(${sql.param(doomed)}::uuid[])`);
        return deleteWhereIdIn(tx, sql`${sql.identifier(table)}`, sql`id`, sql`SELECT unnest(${sql.param(doomed)}::uuid[])`);
      });
      if (!ok) return null;
    }
  }
  if (policy.inboxDays > 0) {
    const before = cutoff(now, policy.inboxDays);
    // Only finished rows: received, failed and parked (dead) events are still to be processed.
    // The raw events that came from a pruned row stay (their own age applies), unlinked from it.
    if (!await run("ingest_inbox", async (tx) => {
      const doomed = ids(await queryRows<{ id: string }>(tx, sql`
        SELECT id FROM ingest_inbox WHERE received_at < ${before}::timestamptz AND status IN ('processed', 'unmatched', 'rejected') ORDER BY received_at LIMIT ${n}`));
      if (!doomed.length) return 0;
      for (const table of RAW_TABLES) await queryRows(tx, sql`UPDATE ${sql.identifier(table)} SET inbox_id = NULL WHERE inbox_id = ANY(${sql.param(doomed)}::int8[])`);
      return deleteWhereIdIn(tx, sql`ingest_inbox`, sql`id`, sql`SELECT unnest(${sql.param(doomed)}::int8[])`);
    })) return null;
  }
  return counts;
}

/**
 * Prunes every `intervalMs` (the first pass a minute after start), one pass at a time in this
 * process and one process at a time on the database. `onPruned` feeds /metrics.
 */
export function startRetention(db: Db, policy: RetentionPolicy & { intervalMs: number }, now: () => Date, log: (m: string) => void, onPruned?: (counts: PruneCounts) => void) {
  let pass: Promise<void> | undefined;
  const tick = () => {
    if (pass) return;
    pass = pruneOnce(db, policy, now()).then((counts) => {
      if (!counts) return;
      onPruned?.(counts);
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      if (total > 0) log(`retention: pruned ${Object.entries(counts).filter(([, v]) => v).map(([t, v]) => `${v} from ${t}`).join(", ")}`);
    }, (err) => log(`retention pass failed: ${describeError(err)}`)).finally(() => { pass = undefined; });
  };
  const first = setTimeout(tick, Math.min(60_000, policy.intervalMs));
  const timer = setInterval(tick, policy.intervalMs);
  first.unref();
  timer.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await pass;
    },
  };
}
