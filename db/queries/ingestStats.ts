import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../client";

export type InboxCounts = Record<"processed" | "unmatched" | "rejected" | "failed" | "received" | "dead", number>;

/**
 * What the integrations sent, by source and outcome, over all time and the last hour: an
 * unmatched or rejected signal is counted here, never silently dropped. `received` and
 * `failed` are accepted events still to be processed (the retrier takes them up); `dead` ones
 * are parked after repeated failures until a supervisor retries them. Rejected counts items.
 */
export async function ingestStats(db: DbOrTx, now: Date) {
  const hourAgo = new Date(now.getTime() - 3_600_000).toISOString();
  const rows = await queryRows<{ source: string; status: keyof InboxCounts; total: number; last_hour: number }>(db, sql`
    SELECT source_type AS source, status, COUNT(*)::int AS total,
           COUNT(*) FILTER (WHERE received_at >= ${hourAgo}::timestamptz)::int AS last_hour
    FROM ingest_inbox GROUP BY source_type, status
    UNION ALL
    SELECT source_type, 'rejected', COALESCE(SUM(rejected_count), 0)::int,
           COALESCE(SUM(rejected_count) FILTER (WHERE received_at >= ${hourAgo}::timestamptz), 0)::int
    FROM ingest_rejections GROUP BY source_type`);
  const empty = (): InboxCounts => ({ processed: 0, unmatched: 0, rejected: 0, failed: 0, received: 0, dead: 0 });
  const bySource: Record<string, { total: InboxCounts; lastHour: InboxCounts }> = {};
  for (const source of ["scada", "kaifa", "onu", "call_center"]) bySource[source] = { total: empty(), lastHour: empty() };
  for (const r of rows) {
    bySource[r.source] ??= { total: empty(), lastHour: empty() };
    bySource[r.source].total[r.status] += r.total;
    bySource[r.source].lastHour[r.status] += r.last_hour;
  }
  const sum = (k: keyof InboxCounts) => Object.values(bySource).reduce((n, s) => n + s.total[k], 0);
  return { at: now.toISOString(), bySource, unfinished: sum("received") + sum("failed"), parked: sum("dead") };
}
