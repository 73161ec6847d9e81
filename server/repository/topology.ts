import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../../db/client";
import { arrayParam } from "../../db/arrays";
import type { Topology } from "../pipeline/types";

/**
 * The static network (substations, feeders, points, meters, which customers are critical) of
 * the substations a batch touches. It changes only when the network model is reloaded, so it
 * is cached per process; `clear()` after a reload.
 */
export class TopologyCache {
  private readonly bySubstation = new Map<number, Topology>();
  async load(db: DbOrTx, substationIds: number[]): Promise<Topology> {
    const missing = substationIds.filter((id) => !this.bySubstation.has(id));
    if (missing.length) for (const [id, t] of await loadTopology(db, missing)) this.bySubstation.set(id, t);
    // One substation's topology is used as it is (nothing writes into a topology); several are merged.
    const ids = [...new Set(substationIds)].filter((id) => this.bySubstation.has(id));
    if (ids.length === 1) return this.bySubstation.get(ids[0])!;
    const merged: Topology = { meters: new Map(), dps: new Map(), feeders: new Map(), substations: new Map() };
    for (const id of ids) {
      const t = this.bySubstation.get(id)!;
      for (const key of ["meters", "dps", "feeders", "substations"] as const) {
        for (const [k, v] of t[key] as Map<number, unknown>) (merged[key] as Map<number, unknown>).set(k, v);
      }
    }
    return merged;
  }

  clear() {
    this.bySubstation.clear();
  }
}

async function loadTopology(db: DbOrTx, substationIds: number[]): Promise<Map<number, Topology>> {
  const ids = arrayParam(substationIds, "int4");
  // One after another: a transaction has a single connection.
  const substations = await queryRows<{ id: number; code: string }>(db, sql`SELECT id, substation_id AS code FROM network_substations WHERE id = ANY(${ids})`);
  const feeders = await queryRows<{ id: number; code: string; substationId: number }>(db, sql`
      SELECT id, feeder_id AS code, substation_id AS "substationId" FROM network_feeders WHERE substation_id = ANY(${ids}) ORDER BY id`);
  const dps = await queryRows<{ id: number; code: string; feederId: number; substationId: number }>(db, sql`
      SELECT dp.id, dp.dp_id AS code, dp.feeder_id AS "feederId", f.substation_id AS "substationId"
      FROM network_distribution_points dp JOIN network_feeders f ON f.id = dp.feeder_id
      WHERE f.substation_id = ANY(${ids}) ORDER BY dp.id`);
  const meters = await queryRows<{ id: number; meterNumber: string; dpId: number; feederId: number; substationId: number; customerId: number | null; critical: boolean | null; smart: boolean }>(db, sql`
      SELECT m.id, m.meter_number AS "meterNumber", m.dp_id AS "dpId", m.feeder_id AS "feederId",
             m.substation_id AS "substationId", m.customer_id AS "customerId", c.is_critical AS critical,
             (m.asset_mrid IS NOT NULL OR m.onu_id IS NOT NULL) AS smart
      FROM oms_meters m LEFT JOIN oms_customers c ON c.id = m.customer_id
      WHERE m.substation_id = ANY(${ids}) AND m.dp_id IS NOT NULL AND m.status = 'active' ORDER BY m.id`);
  const result = new Map<number, Topology>();
  for (const s of substations) {
    result.set(s.id, { meters: new Map(), dps: new Map(), feeders: new Map(), substations: new Map([[s.id, { id: s.id, code: s.code, feederIds: [] }]]) });
  }
  for (const f of feeders) {
    const t = result.get(f.substationId)!;
    t.feeders.set(f.id, { id: f.id, code: f.code, substationId: f.substationId, dpIds: [] });
    t.substations.get(f.substationId)!.feederIds.push(f.id);
  }
  for (const d of dps) {
    const t = result.get(d.substationId)!;
    t.dps.set(d.id, { id: d.id, code: d.code, feederId: d.feederId, meterIds: [] });
    t.feeders.get(d.feederId)!.dpIds.push(d.id);
  }
  for (const m of meters) {
    const t = result.get(m.substationId)!;
    t.meters.set(m.id, { ...m, critical: Boolean(m.critical), smart: Boolean(m.smart) });
    t.dps.get(m.dpId)?.meterIds.push(m.id);
  }
  return result;
}
