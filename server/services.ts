import type { Db } from "../db/client";
import type { KaifaEventMap } from "./ingest/adapters";
import type { IngestRouteDeps } from "./http/routes/ingest";
import { activeRule } from "./operations/rules";
import { checkStormAutoActivation } from "./operations/stormAuto";
import { systemActor } from "./context";
import type { Publisher } from "./realtime/publisher";
import { TopologyCache } from "./repository/topology";
import { SubstationStateCache } from "./repository/stateCache";
import { networkIdentities } from "./ingest/networkIdentities";

/** The domain services of one process, wired once and handed to every transport. */
export function createServices(db: Db, publisher: Publisher, kaifaEventMap: KaifaEventMap, now: () => Date = () => new Date(), timeZone = "Asia/Amman") {
  const topology = new TopologyCache();
  const ingest: IngestRouteDeps = {
    db, publisher, now, topology, activeRule, kaifaEventMap, timeZone, state: new SubstationStateCache(),
    afterCommit: async () => {
      await checkStormAutoActivation({ db, publisher, now, timeZone, actor: systemActor });
    },
  };
  // Placement's in-memory identifiers load from this handle, off any batch's transaction.
  const forgetIdentities = networkIdentities.loadFrom(db);
  return { db, publisher, now, timeZone, topology, ingest, release: forgetIdentities };
}
