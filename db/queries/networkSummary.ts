import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../client";
import { LIVE_OUTAGE } from "./powerState";

export interface FeederSummary {
  id: number;
  code: string;
  name: string;
  status: string;
  customersServed: number;
  customersOut: number;
  /** Customers out of customers served, 0–1 (0 for a feeder that serves nobody). */
  shareOut: number;
  /** [west, south, east, north] of its route, for the map to fit; null without a route. */
  bounds: [number, number, number, number] | null;
}

export interface SubstationNetworkSummary {
  id: number;
  code: string;
  name: string;
  lat: number;
  lng: number;
  status: string;
  customersServed: number;
  customersOut: number;
  shareOut: number;
  /** Live outages (open, or restored and verifying) in it. */
  outages: number;
  feeders: FeederSummary[];
}

const share = (out: number, served: number) => (served > 0 ? out / served : 0);
/** Worst first: the larger share out, then more customers out, then by code. */
const worstFirst = (a: { shareOut: number; customersOut: number; code: string }, b: typeof a) =>
  b.shareOut - a.shareOut || b.customersOut - a.customersOut || a.code.localeCompare(b.code);

/**
 * The network by substation and feeder: customers each serves, how many are out and what share,
 * worst first. "Out" is what the top bar counts (db/queries/outageDetail.ts overview): customers
 * with a meter not back in a live outage, each customer once per device.
 */
export async function networkSummary(db: DbOrTx): Promise<SubstationNetworkSummary[]> {
  const [feeders, substations] = [
    await queryRows<{ id: number; code: string; name: string; status: string; substation_id: number; served: number; out: number; bounds: string | null }>(db, sql`
      WITH served AS (SELECT feeder_id, COUNT(DISTINCT customer_id)::int AS n FROM oms_meters WHERE feeder_id IS NOT NULL GROUP BY feeder_id),
      dark AS (
        SELECT m.feeder_id, COUNT(DISTINCT am.customer_id)::int AS n
        FROM oms_outage_affected_meters am JOIN oms_outage_events o ON o.id = am.outage_event_id JOIN oms_meters m ON m.id = am.meter_id
        WHERE am.state <> 'restored' AND ${LIVE_OUTAGE} GROUP BY m.feeder_id)
      SELECT f.id, f.feeder_id AS code, f.name, f.status, f.substation_id, COALESCE(s.n, 0) AS served, COALESCE(d.n, 0) AS out,
        CASE WHEN f.route IS NULL THEN NULL ELSE concat_ws(',', ST_XMin(f.route), ST_YMin(f.route), ST_XMax(f.route), ST_YMax(f.route)) END AS bounds
      FROM network_feeders f LEFT JOIN served s ON s.feeder_id = f.id LEFT JOIN dark d ON d.feeder_id = f.id`),
    await queryRows<{ id: number; code: string; name: string; lat: number; lng: number; status: string; served: number; out: number; outages: number }>(db, sql`
      WITH served AS (SELECT substation_id, COUNT(DISTINCT customer_id)::int AS n FROM oms_meters WHERE substation_id IS NOT NULL GROUP BY substation_id),
      dark AS (
        SELECT m.substation_id, COUNT(DISTINCT am.customer_id)::int AS n
        FROM oms_outage_affected_meters am JOIN oms_outage_events o ON o.id = am.outage_event_id JOIN oms_meters m ON m.id = am.meter_id
        WHERE am.state <> 'restored' AND ${LIVE_OUTAGE} GROUP BY m.substation_id),
      live AS (SELECT o.substation_id, COUNT(*)::int AS n FROM oms_outage_events o WHERE ${LIVE_OUTAGE} GROUP BY o.substation_id)
      SELECT st.id, st.substation_id AS code, st.name, st.location_lat AS lat, st.location_lng AS lng, st.status,
        COALESCE(s.n, 0) AS served, COALESCE(d.n, 0) AS out, COALESCE(l.n, 0) AS outages
      FROM network_substations st LEFT JOIN served s ON s.substation_id = st.id LEFT JOIN dark d ON d.substation_id = st.id
        LEFT JOIN live l ON l.substation_id = st.id`),
  ];
  const bySubstation = new Map<number, FeederSummary[]>();
  for (const f of feeders) {
    const served = Number(f.served);
    const out = Number(f.out);
    const b = f.bounds?.split(",").map(Number);
    bySubstation.set(f.substation_id, [...(bySubstation.get(f.substation_id) ?? []), {
      id: f.id, code: f.code, name: f.name, status: f.status, customersServed: served, customersOut: out, shareOut: share(out, served),
      bounds: b && b.length === 4 ? [b[0]!, b[1]!, b[2]!, b[3]!] : null,
    }]);
  }
  return substations.map((s) => {
    const served = Number(s.served);
    const out = Number(s.out);
    return {
      id: s.id, code: s.code, name: s.name, lat: Number(s.lat), lng: Number(s.lng), status: s.status,
      customersServed: served, customersOut: out, shareOut: share(out, served), outages: Number(s.outages),
      feeders: (bySubstation.get(s.id) ?? []).sort(worstFirst),
    };
  }).sort(worstFirst);
}
