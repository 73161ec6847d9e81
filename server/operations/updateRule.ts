import { sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows } from "../../db/client";
import { audit } from "../auth/audit";
import type { ServiceContext } from "../context";
import { notFound } from "../errors";
import type { RuleRow } from "./rules";

const share = z.number().min(0.01).max(1);

/** What a supervisor may change in a correlation rule; omitted fields stay as they are. */
export const updateRuleInput = z.object({
  id: z.number().int().positive(),
  correlation_window_minutes: z.number().int().min(1).max(24 * 60).optional(),
  spatial_radius_meters: z.number().int().min(10).max(50_000).optional(),
  confidence_threshold: z.number().min(0.05).max(1).optional(),
  parameters: z.strictObject({
    dpRollupShare: share, feederRollupShare: share, breakerInferShare: z.number().min(0).max(0.99),
    rollupMinChildren: z.number().int().min(1).max(50),
    verificationMinutes: z.number().min(0).max(240),
    momentarySeconds: z.number().min(0).max(3600),
  }).partial().optional(),
});

const columns = sql`id, rule_name, rule_type, correlation_window_minutes, spatial_radius_meters, confidence_threshold, parameters, is_active, updated_at, updated_by`;

export async function listRules(db: ServiceContext["db"]) {
  return queryRows<RuleRow & { is_active: boolean }>(db, sql`SELECT ${columns} FROM oms_correlation_rules ORDER BY id`);
}

/** Changes a rule; the next batch the pipeline correlates uses it. Audited with before and after. */
export async function updateRule(ctx: ServiceContext, input: z.output<typeof updateRuleInput>) {
  return ctx.db.transaction(async (tx) => {
    const [before] = await queryRows<RuleRow>(tx, sql`SELECT ${columns} FROM oms_correlation_rules WHERE id = ${input.id} FOR UPDATE`);
    if (!before) throw notFound(`Correlation rule ${input.id}`);
    const by = ctx.actor.kind === "user" ? ctx.actor.username : ctx.actor.name;
    const [after] = await queryRows<RuleRow>(tx, sql`
      UPDATE oms_correlation_rules SET
        correlation_window_minutes = COALESCE(${input.correlation_window_minutes ?? null}::int, correlation_window_minutes),
        spatial_radius_meters = COALESCE(${input.spatial_radius_meters ?? null}::int, spatial_radius_meters),
        confidence_threshold = COALESCE(${input.confidence_threshold ?? null}::float8, confidence_threshold),
        parameters = parameters || ${JSON.stringify(input.parameters ?? {})}::jsonb,
        updated_at = ${ctx.now().toISOString()}, updated_by = ${by}
      WHERE id = ${input.id} RETURNING ${columns}`);
    await audit(tx as never, ctx.actor, "rule.update", String(input.id), {
      rule: before.rule_name,
      before: { window: before.correlation_window_minutes, radius: before.spatial_radius_meters, threshold: before.confidence_threshold, parameters: before.parameters },
      after: { window: after.correlation_window_minutes, radius: after.spatial_radius_meters, threshold: after.confidence_threshold, parameters: after.parameters },
    });
    return after;
  });
}
