import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../../db/client";
import { ruleFromRow, type Rule } from "../pipeline/rules";

/** A row of oms_correlation_rules, as the storm-mode status shows it. */
export interface RuleRow {
  id: number;
  rule_name: string;
  rule_type: "standard" | "storm" | "scada_priority";
  correlation_window_minutes: number;
  spatial_radius_meters: number;
  confidence_threshold: number;
  parameters: Record<string, number>;
  updated_at: Date | string;
  updated_by: string | null;
}

/**
 * The rule in force, in one query: the storm rule while the newest storm-mode row is active;
 * otherwise the active one of Standard / SCADA Priority, falling back to Standard. The storm
 * rule's own is_active flag is ignored: storm mode, not the flag, decides when it applies.
 */
export async function activeRuleRow(db: DbOrTx): Promise<RuleRow> {
  const [row] = await queryRows<RuleRow>(db, sql`
    WITH storm AS (
      SELECT is_active FROM oms_storm_mode_config ORDER BY created_at DESC, id DESC LIMIT 1)
    SELECT r.id, r.rule_name, r.rule_type, r.correlation_window_minutes, r.spatial_radius_meters,
           r.confidence_threshold, r.parameters, r.updated_at, r.updated_by
    FROM oms_correlation_rules r
    ORDER BY CASE
      WHEN r.rule_type = 'storm' THEN CASE WHEN COALESCE((SELECT is_active FROM storm), false) THEN 0 ELSE 9 END
      WHEN r.is_active THEN 1
      WHEN r.rule_type = 'standard' THEN 2
      ELSE 3 END, r.id
    LIMIT 1`);
  // Migration 0003 inserts the three rules; an empty table is a broken installation.
  if (!row) throw new Error("oms_correlation_rules is empty: no correlation rule to apply");
  return row;
}

/** The rule the pipeline applies to the next batch (it asks on every batch). */
export async function activeRule(db: DbOrTx): Promise<Rule> {
  const row = await activeRuleRow(db);
  return ruleFromRow({
    ruleName: row.rule_name,
    correlationWindowMinutes: Number(row.correlation_window_minutes),
    spatialRadiusMeters: Number(row.spatial_radius_meters),
    confidenceThreshold: Number(row.confidence_threshold),
    parameters: row.parameters,
  });
}
