import { sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "../../db/client";
import type { Actor, ServiceContext } from "../context";
import { recordChange, type Change } from "../realtime/publisher";
import { actorRef, commitAndPublish } from "./changes";
import { audit } from "../auth/audit";
import { activeRuleRow } from "./rules";
import { DEFAULT_AUTO_THRESHOLD, newestStormRow, stormModeStatus, type StormModeStatus } from "./stormStatus";
import { at as time } from "./values";

/** Seed 000's storm parameters, in ranges that keep the pipeline sane; unknown keys are typos. */
export const stormParameters = z.strictObject({
  correlation_window_minutes: z.number().int().min(1).max(1440).optional(),
  spatial_radius_meters: z.number().int().min(10).max(50_000).optional(),
  confidence_threshold: z.number().min(0).max(1).optional(),
  auto_activation_threshold: z.number().int().min(1).max(1_000_000).optional(),
});

export const activateStormModeInput = z.object({
  activation_reason: z.string().trim().min(1).max(500),
  parameters: stormParameters.optional(),
});
export type ActivateStormModeInput = z.infer<typeof activateStormModeInput>;

export const deactivateStormModeInput = z.object({ deactivation_reason: z.string().trim().min(1).max(500) });
export type DeactivateStormModeInput = z.infer<typeof deactivateStormModeInput>;

/** Switches are serialised, so two supervisors (or one and the auto check) cannot both open a period. */
export async function lockStormMode(tx: DbOrTx): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(7264003)`);
}

/** Opens a storm period: a new newest row. clock_timestamp, not now(): rows sort in lock order. */
export async function switchOn(tx: DbOrTx, actor: Actor, reason: string, when: Date, threshold: number): Promise<void> {
  await tx.execute(sql`
    INSERT INTO oms_storm_mode_config (is_active, activated_at, activated_by, activation_reason, auto_activation_threshold, created_at)
    VALUES (true, ${time(when)}, ${actorRef(actor)}, ${reason}, ${threshold}::int, clock_timestamp())`);
}

export async function stormChanged(tx: DbOrTx, active: boolean, reason: string | null, actor: Actor, when: Date): Promise<Change> {
  const rule = await activeRuleRow(tx);
  return recordChange(tx, "storm:changed", { active, reason, by: actorRef(actor), at: when.toISOString(), rule: rule.rule_name });
}

/**
 * Switches storm mode on and applies the parameters to the storm rule. A second activation is
 * not an error: it answers the current state with `already_active`, still applying parameters.
 */
export async function activateStormMode(ctx: ServiceContext, input: ActivateStormModeInput): Promise<StormModeStatus & { already_active: boolean }> {
  return commitAndPublish(ctx, async (tx, changes) => {
    await lockStormMode(tx);
    const now = ctx.now();
    const current = await newestStormRow(tx);
    const { auto_activation_threshold: threshold, ...rule } = input.parameters ?? {};
    const tuned = await tuneStormRule(tx, ctx.actor, now, rule);
    const alreadyActive = current?.is_active === true;
    if (!alreadyActive) {
      await switchOn(tx, ctx.actor, input.activation_reason, now, threshold ?? current?.auto_activation_threshold ?? DEFAULT_AUTO_THRESHOLD);
    } else if (threshold !== undefined) {
      await tx.execute(sql`UPDATE oms_storm_mode_config SET auto_activation_threshold = ${threshold}::int WHERE id = ${current!.id}::int`);
    }
    if (!alreadyActive || tuned || threshold !== undefined) {
      await audit(tx, ctx.actor, alreadyActive ? "storm_mode.tune" : "storm_mode.activate", null, { reason: input.activation_reason, parameters: input.parameters ?? null });
      const reason = alreadyActive ? current!.activation_reason : input.activation_reason;
      changes.push(await stormChanged(tx, true, reason, ctx.actor, now));
    }
    return { already_active: alreadyActive, ...(await stormModeStatus(tx, now)) };
  });
}

async function tuneStormRule(tx: DbOrTx, actor: Actor, now: Date, p: Omit<z.infer<typeof stormParameters>, "auto_activation_threshold">): Promise<boolean> {
  if (p.correlation_window_minutes === undefined && p.spatial_radius_meters === undefined && p.confidence_threshold === undefined) return false;
  await tx.execute(sql`
    UPDATE oms_correlation_rules SET
      correlation_window_minutes = COALESCE(${p.correlation_window_minutes ?? null}::int, correlation_window_minutes),
      spatial_radius_meters = COALESCE(${p.spatial_radius_meters ?? null}::int, spatial_radius_meters),
      confidence_threshold = COALESCE(${p.confidence_threshold ?? null}::float8, confidence_threshold),
      updated_at = ${time(now)}, updated_by = ${actorRef(actor)}
    WHERE rule_type = 'storm'`);
  return true;
}

/** Closes the storm period; when storm mode is already off, answers the state with `already_inactive`. */
export async function deactivateStormMode(ctx: ServiceContext, input: DeactivateStormModeInput): Promise<StormModeStatus & { already_inactive: boolean }> {
  return commitAndPublish(ctx, async (tx, changes) => {
    await lockStormMode(tx);
    const now = ctx.now();
    const current = await newestStormRow(tx);
    if (!current?.is_active) return { already_inactive: true, ...(await stormModeStatus(tx, now)) };
    await tx.execute(sql`
      UPDATE oms_storm_mode_config
      SET is_active = false, deactivated_at = ${time(now)}, deactivated_by = ${actorRef(ctx.actor)},
          deactivation_reason = ${input.deactivation_reason}
      WHERE id = ${current.id}::int`);
    await audit(tx, ctx.actor, "storm_mode.deactivate", null, { reason: input.deactivation_reason });
    changes.push(await stormChanged(tx, false, input.deactivation_reason, ctx.actor, now));
    return { already_inactive: false, ...(await stormModeStatus(tx, now)) };
  });
}
