import { sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { conflict, invalid } from "../errors";
import type { ServiceContext } from "../context";
import { commitAndPublish, outagesChanged } from "../operations/changes";
import { isOpenStatus, lockOutage } from "../operations/outages";
import { addTimeline } from "../operations/timeline";

export interface MergeInput { intoId: string; fromIds: string[]; reason?: string }

/**
 * Merges outages into one: the affected meters and contributing signals of each move to the
 * survivor, which keeps its id and first detection time (the earliest wins if it is earlier).
 * Used by the seed's clustering call and by dispatchers.
 */
export async function mergeOutages(ctx: ServiceContext, input: MergeInput) {
  if (input.fromIds.length === 0) throw invalid("Nothing to merge", [{ path: "from", message: "name at least one outage" }]);
  return commitAndPublish(ctx, async (tx, changes) => {
    const into = await lockOutage(tx, input.intoId);
    if (!isOpenStatus(into.status)) throw conflict(`Outage ${into.event_id} is ${into.status} and cannot take others`);
    const merged: string[] = [];
    for (const ref of input.fromIds) {
      const from = await lockOutage(tx, ref);
      if (from.id === into.id) continue;
      if (!isOpenStatus(from.status)) throw conflict(`Outage ${from.event_id} is ${from.status} and cannot be merged`);
      await moveInto(tx, from.id, into.id);
      await addTimeline(tx, ctx.actor, ctx.now(), { outageId: from.id, eventType: "merged", status: "merged", description: `Merged into ${into.event_id}${input.reason ? `: ${input.reason}` : ""}` });
      await addTimeline(tx, ctx.actor, ctx.now(), { outageId: into.id, eventType: "merged", status: into.status, description: `Absorbed ${from.event_id}${input.reason ? `: ${input.reason}` : ""}` });
      merged.push(from.id);
    }
    await recount(tx, into.id);
    changes.push(...await outagesChanged(tx, [into.id, ...merged]));
    return { outage_event_id: into.id, event_id: into.event_id, merged };
  });
}

async function moveInto(tx: DbOrTx, fromId: string, intoId: string) {
  await tx.execute(sql`
    INSERT INTO oms_outage_affected_meters (outage_event_id, meter_id, customer_id, state, since, restored_at)
    SELECT ${intoId}::uuid, meter_id, customer_id, state, since, restored_at FROM oms_outage_affected_meters WHERE outage_event_id = ${fromId}::uuid
    ON CONFLICT (outage_event_id, meter_id) DO NOTHING`);
  await tx.execute(sql`
    INSERT INTO oms_event_sources (outage_event_id, source_type, source_event_id, meter_id, signal_kind, detected_at, correlation_weight)
    SELECT ${intoId}::uuid, source_type, source_event_id, meter_id, signal_kind, detected_at, correlation_weight FROM oms_event_sources WHERE outage_event_id = ${fromId}::uuid
    ON CONFLICT DO NOTHING`);
  await tx.execute(sql`
    UPDATE oms_outage_events o SET first_detected_at = LEAST(o.first_detected_at, f.first_detected_at)
    FROM oms_outage_events f WHERE o.id = ${intoId}::uuid AND f.id = ${fromId}::uuid`);
  await tx.execute(sql`UPDATE oms_outage_events SET status = 'merged', merged_into_id = ${intoId}::uuid, last_updated_at = now() WHERE id = ${fromId}::uuid`);
}

/** Customer and meter counts follow the affected meters. */
export async function recount(tx: DbOrTx, outageId: string) {
  await tx.execute(sql`
    UPDATE oms_outage_events o SET
      affected_meters_count = c.meters, affected_customers_count = c.customers, critical_customers_count = c.critical, last_updated_at = now()
    FROM (SELECT COUNT(*)::int AS meters, COUNT(DISTINCT am.customer_id)::int AS customers,
                 COUNT(*) FILTER (WHERE cu.is_critical)::int AS critical
          FROM oms_outage_affected_meters am LEFT JOIN oms_customers cu ON cu.id = am.customer_id
          WHERE am.outage_event_id = ${outageId}::uuid AND am.state <> 'restored') c
    WHERE o.id = ${outageId}::uuid`);
}
