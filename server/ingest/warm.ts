import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../../db/client";
import { arrayParam } from "../../db/arrays";
import { networkModelToken } from "../../db/queries/networkIdentities";
import type { SubstationStateCache } from "../repository/stateCache";
import type { TopologyCache } from "../repository/topology";
import type { NetworkIdentities } from "./networkIdentities";
import { addSubstationStateRows, takeSubstationLocks } from "./correlateBatch";

/** Substations warmed per transaction: a pass waits for one such group at most. */
const WARM_CHUNK = 4;

export interface Warmed { substations: number; meters: number; seconds: number }

/**
 * Loads the network model's identifiers (for placing signals) and the substations' topology and
 * state into this process's memory before their first correlation pass, so that the first
 * signals after a start (a restart in a storm included) are correlated as fast as the ones after
 * them instead of each paying its substations' load.
 * Each group is read under the substations' locks, their versions read and not moved: the
 * next pass of each finds its entry current (the state cache's rule), and no other process's
 * entries go stale. With several processes, the substations another live process holds are left
 * to it. Stops between groups once `stopped()` says so. Decides nothing and writes nothing
 * but a substation's state row, the first time it is ever locked.
 */
export async function warmSubstations(db: Db, caches: { topology: TopologyCache; state: SubstationStateCache; identities?: NetworkIdentities }, options: { leaseOwner?: string; stopped?: () => boolean } = {}): Promise<Warmed> {
  const started = performance.now();
  await caches.identities?.warm(db);
  const rows = await queryRows<{ id: number }>(db, options.leaseOwner
    ? sql`SELECT s.id FROM network_substations s WHERE NOT EXISTS (SELECT 1 FROM oms_substation_leases l
        WHERE l.substation_id = s.id AND l.owner <> ${options.leaseOwner} AND l.expires_at >= clock_timestamp()) ORDER BY s.id`
    : sql`SELECT id FROM network_substations ORDER BY id`);
  const ids = rows.map((r) => r.id);
  let substations = 0;
  let meters = 0;
  for (let i = 0; i < ids.length && !options.stopped?.(); i += WARM_CHUNK) {
    const group = ids.slice(i, i + WARM_CHUNK);
    meters += await db.transaction(async (tx) => {
      const t = tx as unknown as Db;
      await takeSubstationLocks(t, group);
      await addSubstationStateRows(t, group);
      const versions = await queryRows<{ id: number; version: number | string }>(t, sql`
        SELECT substation_id AS id, version FROM oms_substation_state WHERE substation_id = ANY(${arrayParam(group, "int4")})`);
      caches.state.followModel(caches.topology, await networkModelToken(t));
      await caches.topology.load(t, group);
      return caches.state.prime(t, new Map(versions.map((v) => [v.id, Number(v.version)])));
    });
    substations += group.length;
  }
  return { substations, meters, seconds: (performance.now() - started) / 1000 };
}
