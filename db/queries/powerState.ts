import { sql } from "drizzle-orm";
import { arrayParam } from "../arrays";
import { queryRows, type DbOrTx } from "../client";

/**
 * A meter's derived power state (view oms_meter_power_state): `off` — a signal of its own says
 * it is dark; `assumed` — dark because a device above it is out (it said nothing); `on` — its
 * last word was power; `unknown` — it never said anything and no outage holds it.
 */
export type MeterPowerState = "off" | "assumed" | "on" | "unknown";

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
