import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../../db/client";
import { activeRuleRow } from "./rules";
import { iso } from "./values";

/** The newest row of oms_storm_mode_config: it alone tells whether storm mode is on. */
export interface StormRow {
  id: number;
  is_active: boolean;
  activated_at: Date | string | null;
  activated_by: string | null;
  activation_reason: string | null;
  deactivated_at: Date | string | null;
  deactivated_by: string | null;
  deactivation_reason: string | null;
  auto_activation_threshold: number;
}

/** Seed 001: storm mode switches itself on at 100 outages an hour unless configured otherwise. */
export const DEFAULT_AUTO_THRESHOLD = 100;

export async function newestStormRow(db: DbOrTx): Promise<StormRow | null> {
  const [row] = await queryRows<StormRow>(db, sql`
    SELECT id, is_active, activated_at, activated_by, activation_reason,
           deactivated_at, deactivated_by, deactivation_reason, auto_activation_threshold
    FROM oms_storm_mode_config ORDER BY created_at DESC, id DESC LIMIT 1`);
  return row ?? null;
}

/** Outages first detected, and signals received (ingest inbox rows), since `since`. */
export async function eventRate(db: DbOrTx, since: Date): Promise<{ outages: number; signals: number }> {
  const [row] = await queryRows<{ outages: number; signals: number }>(db, sql`
    SELECT (SELECT COUNT(*)::int FROM oms_outage_events WHERE first_detected_at >= ${since.toISOString()}::timestamptz) AS outages,
           (SELECT COUNT(*)::int FROM ingest_inbox WHERE received_at >= ${since.toISOString()}::timestamptz) AS signals`);
  return { outages: Number(row.outages), signals: Number(row.signals) };
}

export type StormModeStatus = Awaited<ReturnType<typeof stormModeStatus>>;

/** Whether storm mode is on, since when, by whom and why, the rule in force, and the event rate. */
export async function stormModeStatus(db: DbOrTx, now: Date) {
  const hourAgo = new Date(now.getTime() - 3_600_000);
  // One after the other: inside a transaction they share one connection (pg@9 refuses overlap).
  const storm = await newestStormRow(db);
  const rule = await activeRuleRow(db);
  const rate = await eventRate(db, hourAgo);
  return {
    is_active: storm?.is_active ?? false,
    activated_at: iso(storm?.activated_at),
    activated_by: storm?.activated_by ?? null,
    activation_reason: storm?.activation_reason ?? null,
    deactivated_at: iso(storm?.deactivated_at),
    deactivated_by: storm?.deactivated_by ?? null,
    deactivation_reason: storm?.deactivation_reason ?? null,
    auto_activation_threshold: Number(storm?.auto_activation_threshold ?? DEFAULT_AUTO_THRESHOLD),
    rule: {
      rule_name: rule.rule_name,
      rule_type: rule.rule_type,
      correlation_window_minutes: Number(rule.correlation_window_minutes),
      spatial_radius_meters: Number(rule.spatial_radius_meters),
      confidence_threshold: Number(rule.confidence_threshold),
      parameters: rule.parameters,
      updated_at: iso(rule.updated_at),
      updated_by: rule.updated_by,
    },
    event_rate: { window_minutes: 60, outages_detected: rate.outages, signals_received: rate.signals },
  };
}
