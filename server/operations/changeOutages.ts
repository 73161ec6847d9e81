import type { DbOrTx } from "../../db/client";
import type { ServiceContext } from "../context";
import { loadSubstations, outageIds, writeSubstations } from "../ingest/correlateBatch";
import { emptyDecisions, settle } from "../pipeline/correlate";
import type { SubstationPass } from "../pipeline/reconcile";
import type { Change } from "../realtime/publisher";
import { TopologyCache } from "../repository/topology";
import { activeRule } from "./rules";

/**
 * A person's change to outages (restore, merge, split) goes through the pipeline's own state
 * and arithmetic: the substations are locked and loaded as the pipeline loads them, `act`
 * changes the outages with the pipeline's pure verbs, every changed outage is settled by the
 * one outage arithmetic (pipeline/outageState.ts), and the result is written — device states
 * and meter pushes included — exactly as a batch of signals is.
 */
export async function changeOutages<T>(ctx: ServiceContext, tx: DbOrTx, substationIds: number[], act: (pass: SubstationPass) => T) {
  const now = ctx.now();
  const deps = { topology: new TopologyCache(), now, rule: await activeRule(tx), actor: ctx.actor, timeZone: ctx.timeZone };
  const state = await loadSubstations(tx, [...new Set(substationIds)].sort((a, b) => a - b), [], deps);
  const out = emptyDecisions();
  const pass: SubstationPass = {
    substationId: substationIds[0], topology: state.topology, evidence: state.evidence, rule: deps.rule, now, outages: state.outages,
    settled: state.settled, ids: outageIds, changed: new Map(), out, timeZone: ctx.timeZone, inferred: new Map(),
  };
  const result = act(pass);
  settle(pass.outages, pass.changed, state.topology, deps.rule, now, out);
  out.outages = [...pass.changed.values()];
  return { result, decisions: out, write: (): Promise<Change[]> => writeSubstations(tx, state, out, deps) };
}
