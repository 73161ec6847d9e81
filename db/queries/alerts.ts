import { sql } from "drizzle-orm";

/**
 * Why an open outage calls for a dispatcher's attention: it is new, it is critical, or critical
 * customers (hospital, life support) are dark in it. A reason stays until someone acknowledges it
 * (a timeline entry `acknowledged` listing the reasons it saw, in `details.reasons`); a reason
 * that appears later (an escalation to critical, a critical customer going dark) calls again.
 */
export const ALERT_REASONS = ["new", "critical", "critical_customers"] as const;
export type AlertReason = (typeof ALERT_REASONS)[number];

/** The reasons an outage, `o`, has now (open outages only). */
export const ALERT_REASONS_NOW = sql`CASE WHEN o.status IN ('detected', 'confirmed', 'in_progress') THEN array_remove(ARRAY['new',
  CASE WHEN o.severity = 'critical' THEN 'critical' END, CASE WHEN o.critical_customers_count > 0 THEN 'critical_customers' END], NULL)
  ELSE ARRAY[]::text[] END`;

/** The reasons of outage `o` nobody has acknowledged yet, as text[]. */
export const UNACKNOWLEDGED = sql`ARRAY(SELECT r FROM unnest(${ALERT_REASONS_NOW}) r WHERE NOT EXISTS (
  SELECT 1 FROM oms_event_timeline t WHERE t.outage_event_id = o.id AND t.event_type = 'acknowledged' AND t.details -> 'reasons' @> jsonb_build_array(r)))`;

export const alertReasons = (v: unknown): AlertReason[] => (Array.isArray(v) ? v.filter((r): r is AlertReason => (ALERT_REASONS as readonly string[]).includes(r)) : []);
