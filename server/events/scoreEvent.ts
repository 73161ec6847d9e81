import { sql } from "drizzle-orm";
import { queryRows } from "../../db/client";
import type { SourceType } from "../../db/schema";
import type { ServiceContext } from "../context";
import { commitAndPublish, outagesChanged } from "../operations/changes";
import { lockOutage } from "../operations/outages";
import { activeRule } from "../operations/rules";
import { addTimeline } from "../operations/timeline";
import { severityOf, sourceWeights } from "../pipeline/scoring";

export interface ScoreInput { outageId: string; weights?: Partial<Record<SourceType, number>> }

/**
 * Seed stage 4 on demand: the seed's confidence formula over the outage's contributing
 * signals, with the request's weights where given; severity and confirmation follow.
 */
export async function scoreEvent(ctx: ServiceContext, input: ScoreInput) {
  return commitAndPublish(ctx, async (tx, changes) => {
    const outage = await lockOutage(tx, input.outageId);
    const counts = await queryRows<{ source_type: SourceType; n: number }>(tx, sql`
      SELECT source_type, COUNT(*)::int AS n FROM oms_event_sources
      WHERE outage_event_id = ${outage.id}::uuid AND signal_kind <> 'power_on' GROUP BY source_type`);
    const weights = { ...sourceWeights };
    for (const [source, w] of Object.entries(input.weights ?? {}) as [SourceType, number | undefined][]) if (w !== undefined) weights[source] = w;
    const total = counts.reduce((s, c) => s + c.n, 0);
    const confidence = Math.min(1, counts.reduce((s, c) => s + weights[c.source_type] * c.n, 0) / Math.max(total, 1));
    const [scope] = await queryRows<{ customers: number; critical: number }>(tx, sql`
      SELECT affected_customers_count AS customers, critical_customers_count AS critical FROM oms_outage_events WHERE id = ${outage.id}::uuid`);
    const severity = severityOf(confidence, { customersOut: scope.customers, criticalCustomersOut: scope.critical });
    const rule = await activeRule(tx);
    const confirm = outage.status === "detected" && confidence >= rule.confidenceThreshold;
    await tx.execute(sql`
      UPDATE oms_outage_events SET confidence_score = ${confidence}, severity = ${severity}, last_updated_at = now()
        ${confirm ? sql`, status = 'confirmed', confirmed_at = now(), confirmed_by = 'rule'` : sql``}
      WHERE id = ${outage.id}::uuid`);
    if (confirm) {
      await addTimeline(tx, ctx.actor, ctx.now(), { outageId: outage.id, eventType: "confirmed", status: "confirmed", description: `Confirmed on scoring: confidence ${confidence.toFixed(2)} ≥ ${rule.confidenceThreshold}` });
    }
    changes.push(...await outagesChanged(tx, [outage.id]));
    return {
      outage_event_id: outage.id, event_id: outage.event_id, confidence_score: Number(confidence.toFixed(4)), severity,
      status: confirm ? "confirmed" : outage.status, source_counts: Object.fromEntries(counts.map((c) => [c.source_type, c.n])),
      weights,
    };
  });
}
