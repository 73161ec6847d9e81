import { conflict, invalid } from "../errors";
import type { ServiceContext } from "../context";
import { commitAndPublish } from "../operations/changes";
import { changeOutages } from "../operations/changeOutages";
import { isOpenStatus, lockOutage, type OutageRow } from "../operations/outages";
import { mergeOutage } from "../pipeline/reconcile";

export interface MergeInput { intoId: string; fromIds: string[]; reason?: string }

/**
 * Merges outages into one, with the pipeline's own merge (pipeline/reconcile.ts): the affected
 * meters and contributing signals of each move to the survivor, which keeps its id and first
 * detection time (the earliest wins if it is earlier); counts, confidence and severity follow
 * from the one outage arithmetic. Used by the seed's clustering call and by dispatchers.
 */
export async function mergeOutages(ctx: ServiceContext, input: MergeInput) {
  if (input.fromIds.length === 0) throw invalid("Nothing to merge", [{ path: "from", message: "name at least one outage" }]);
  return commitAndPublish(ctx, async (tx, changes) => {
    const into = await lockOutage(tx, input.intoId);
    if (!isOpenStatus(into.status)) throw conflict(`Outage ${into.event_id} is ${into.status} and cannot take others`);
    const froms: OutageRow[] = [];
    for (const ref of input.fromIds) {
      const from = await lockOutage(tx, ref);
      if (from.id === into.id || froms.some((f) => f.id === from.id)) continue;
      if (!isOpenStatus(from.status)) throw conflict(`Outage ${from.event_id} is ${from.status} and cannot be merged`);
      froms.push(from);
    }
    const change = await changeOutages(ctx, tx, [into.substation_id!, ...froms.map((f) => f.substation_id!)], (pass) => {
      const survivor = pass.outages.find((o) => o.id === into.id)!;
      for (const f of froms) mergeOutage(pass, pass.outages.find((o) => o.id === f.id)!, survivor, { kind: "system" }, input.reason ? `: ${input.reason}` : "");
    });
    changes.push(...await change.write());
    return { outage_event_id: into.id, event_id: into.event_id, merged: froms.map((f) => f.id) };
  });
}
