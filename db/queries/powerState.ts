import { sql } from "drizzle-orm";
import { arrayParam } from "../arrays";
import { queryRows, type DbOrTx } from "../client";

/**
 * A meter's derived power state (view oms_meter_power_state): `off` — a signal of its own says
 * it is dark; `assumed` — dark because a device above it is out (it said nothing); `on` — its
 * last word was power; `unknown` — it never said anything and no outage holds it.
 */
export type MeterPowerState = "off" | "assumed" | "on" | "unknown";
export const DARK_STATES: readonly MeterPowerState[] = ["off", "assumed"];

export interface MeterStateChange { id: number; status: MeterPowerState; at: string }

/** The derived state of these meters now, as the live push carries it. */
export async function meterPowerStates(db: DbOrTx, meterIds: number[]): Promise<MeterStateChange[]> {
  if (!meterIds.length) return [];
  const rows = await queryRows<{ id: number; status: MeterPowerState; at: Date | string | null }>(db, sql`
    SELECT s.meter_id AS id, s.state AS status, COALESCE(m.last_power_change, m.updated_at) AS at
    FROM oms_meter_power_state s JOIN oms_meters m ON m.id = s.meter_id
    WHERE s.meter_id = ANY(${arrayParam(meterIds, "int4")}) ORDER BY s.meter_id`);
  return rows.map((r) => ({ id: r.id, status: r.status, at: new Date(r.at ?? 0).toISOString() }));
}

/** Live: open, or restored and still being verified (its meters not back are still dark). */
export const LIVE_OUTAGE = sql`(o.status IN ('detected', 'confirmed', 'in_progress') OR (o.status = 'restored' AND o.verification_due_at IS NOT NULL))`;

/**
 * The top bar's numbers by the same rule as the view: customers held dark by live outages, and
 * meters that report no power but no outage holds yet (inside the momentary window).
 */
export async function darkTotals(db: DbOrTx): Promise<{ customersOut: number; metersOut: number; unheldReportedOff: number }> {
  const [row] = await queryRows<Record<string, number>>(db, sql`
    SELECT (SELECT COUNT(DISTINCT am.customer_id) FROM oms_outage_affected_meters am JOIN oms_outage_events o ON o.id = am.outage_event_id
            WHERE am.state <> 'restored' AND ${LIVE_OUTAGE})::int AS customers_out,
           (SELECT COUNT(DISTINCT am.meter_id) FROM oms_outage_affected_meters am JOIN oms_outage_events o ON o.id = am.outage_event_id
            WHERE am.state <> 'restored' AND ${LIVE_OUTAGE})::int AS meters_out,
           (SELECT COUNT(*) FROM oms_meters m WHERE m.power_status = 'off' AND NOT EXISTS (
              SELECT 1 FROM oms_outage_affected_meters am JOIN oms_outage_events o ON o.id = am.outage_event_id
              WHERE am.meter_id = m.id AND am.state <> 'restored' AND ${LIVE_OUTAGE}))::int AS unheld`);
  return { customersOut: Number(row.customers_out), metersOut: Number(row.meters_out), unheldReportedOff: Number(row.unheld) };
}
