import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../../db/client";
import { systemActor } from "../context";
import { correlateBatch } from "./correlateBatch";
import type { IngestDeps } from "./service";

/**
 * Verification windows end with no signal arriving: this re-runs the pipeline for the
 * substations whose restored outages are due, so meters still dark become nested outages.
 */
export async function sweepVerifications(deps: IngestDeps): Promise<number> {
  const now = deps.now();
  const due = await queryRows<{ id: number }>(deps.db, sql`
    SELECT DISTINCT substation_id AS id FROM oms_outage_events
    WHERE verification_due_at IS NOT NULL AND verification_due_at <= ${now.toISOString()} AND substation_id IS NOT NULL`);
  if (!due.length) return 0;
  const rule = await deps.activeRule(deps.db);
  const { changes } = await deps.db.transaction((tx) =>
    correlateBatch(tx as unknown as Db, [], { topology: deps.topology, now, rule, actor: systemActor }, due.map((d) => d.id)));
  deps.publisher.publish(changes);
  return due.length;
}

export function startSweeper(deps: IngestDeps, log: (m: string) => void, everyMs = 15_000) {
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      await sweepVerifications(deps);
      await deps.afterCommit?.();
    } catch (err) {
      log(`verification sweep failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      running = false;
    }
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
