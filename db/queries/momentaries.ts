import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../client";

export interface DeviceMomentaryRow {
  id: string;
  level: "distribution_point" | "feeder" | "substation";
  deviceCode: string;
  startedAt: string;
  endedAt: string;
  customers: number;
  metersReporting: number;
}

/** Momentary interruptions of whole devices since `since`, newest first: never outages, kept for MAIFI. */
export async function deviceMomentariesSince(db: DbOrTx, since: Date, limit = 500): Promise<DeviceMomentaryRow[]> {
  const rows = await queryRows<Record<string, unknown>>(db, sql`
    SELECT id, level, device_code, started_at, ended_at, customers, meters_reporting
    FROM oms_device_momentaries WHERE started_at >= ${since.toISOString()}::timestamptz
    ORDER BY started_at DESC, id DESC LIMIT ${limit}`);
  return rows.map((r) => ({
    id: String(r.id), level: r.level as DeviceMomentaryRow["level"], deviceCode: String(r.device_code),
    startedAt: new Date(r.started_at as string).toISOString(), endedAt: new Date(r.ended_at as string).toISOString(),
    customers: Number(r.customers), metersReporting: Number(r.meters_reporting),
  }));
}
