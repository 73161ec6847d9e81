import { randomBytes, randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../../db/client";
import { arrayParam } from "../../db/arrays";
import { correlate } from "../pipeline/correlate";
import type { Rule } from "../pipeline/rules";
import type { Decisions, OutageSnapshot, PlacedSignal, Topology } from "../pipeline/types";
import type { Evidence } from "../pipeline/evidence";
import type { Settlement } from "../pipeline/reconcile";
import { isOpen } from "../pipeline/outageState";
import { meterPowerStates } from "../../db/queries/powerState";
import { applyDecisions } from "../repository/applyDecisions";
import { loadEvidence, loadOutages, loadSettlements } from "../repository/loadState";
import type { TopologyCache } from "../repository/topology";
import { recordChange, recordOutageChanges, type Change } from "../realtime/publisher";
import type { Actor } from "../context";

/** Advisory lock key for "correlating this substation"; verbs that change outages take it too. */
export const SUBSTATION_LOCK_KEY = 7264002;

export const outageIds = {
  outageId: () => randomUUID(),
  /** `OMS_<epoch seconds>_<8 hex>`, the seed's event id format. */
  eventId: (at: Date) => `OMS_${Math.floor(at.getTime() / 1000)}_${randomBytes(4).toString("hex")}`,
};

/** Substations holding these placements (a batch is serialised per substation). */
async function substationsOf(tx: DbOrTx, placed: PlacedSignal[], extra: number[]): Promise<number[]> {
  const ids = new Set(extra);
  const meters: number[] = [];
  const dps: number[] = [];
  const feeders: number[] = [];
  for (const { placement: p } of placed) {
    if (p.level === "meter") meters.push(...p.meterIds);
    else if (p.level === "distribution_point") dps.push(p.dpId);
    else if (p.level === "feeder") feeders.push(p.feederId);
    else if (p.level === "substation") ids.add(p.substationId);
  }
  if (meters.length + dps.length + feeders.length) {
    const rows = await queryRows<{ id: number }>(tx, sql`
      SELECT substation_id AS id FROM oms_meters WHERE id = ANY(${arrayParam(meters, "int4")})
      UNION SELECT f.substation_id FROM network_distribution_points dp JOIN network_feeders f ON f.id = dp.feeder_id WHERE dp.id = ANY(${arrayParam(dps, "int4")})
      UNION SELECT substation_id FROM network_feeders WHERE id = ANY(${arrayParam(feeders, "int4")})`);
    for (const r of rows) if (r.id != null) ids.add(r.id);
  }
  return [...ids].sort((a, b) => a - b);
}

export interface CorrelateBatchDeps { topology: TopologyCache; now: Date; rule: Rule; actor: Actor; timeZone: string }

/**
 * Runs the pipeline for placed signals (or, with `sweep`, for substations whose verification
 * windows ended) inside the caller's transaction: lock the substations, load their state,
 * decide, write, and record the changes to push once the transaction commits.
 */
export async function correlateBatch(tx: DbOrTx, placed: PlacedSignal[], deps: CorrelateBatchDeps, sweep: number[] = []) {
  const substationIds = await substationsOf(tx, placed, sweep);
  const touchedMeterIds = [...new Set(placed.flatMap(({ placement: p }) => (p.level === "meter" ? p.meterIds : [])))];
  const state = await loadSubstations(tx, substationIds, touchedMeterIds, deps);
  const { topology, evidence, outages, settled } = state;
  const decisions = correlate({ now: deps.now, rule: deps.rule, topology, evidence, outages, settled, signals: placed, sweep, ids: outageIds, timeZone: deps.timeZone });
  return { decisions, changes: await writeSubstations(tx, state, decisions, deps) };
}

/** What the pipeline knows of some substations, loaded under their lock, and how it was before. */
export interface SubstationState {
  substationIds: number[];
  touchedMeterIds: number[];
  topology: Topology;
  evidence: Evidence;
  outages: OutageSnapshot[];
  settled: Map<number, Settlement>;
  /** What each outage's meters were before (`state@since`), so only the meters that change are written. */
  before: Map<string, Map<number, string>>;
  wasLive: Map<string, boolean>;
}

/** Locks these substations (two processes correlating one would open duplicate outages) and loads their state. */
export async function loadSubstations(tx: DbOrTx, substationIds: number[], touchedMeterIds: number[], deps: CorrelateBatchDeps): Promise<SubstationState> {
  for (const id of substationIds) await tx.execute(sql`SELECT pg_advisory_xact_lock(${SUBSTATION_LOCK_KEY}::int, ${id}::int)`);
  const topology = await deps.topology.load(tx, substationIds);
  const evidence = await loadEvidence(tx, substationIds, touchedMeterIds, deps.now, deps.rule);
  const outages = await loadOutages(tx, substationIds);
  const offMeters = [...evidence.meterPower].filter(([, p]) => p.status === "off").map(([id]) => id);
  const settled = await loadSettlements(tx, offMeters);
  const before = new Map(outages.map((o) => [o.id, new Map([...o.meters].map(([m, a]) => [m, `${a.state}@${a.since.getTime()}`]))]));
  const wasLive = new Map(outages.map((o) => [o.id, isLive(o)]));
  return { substationIds, touchedMeterIds, topology, evidence, outages, settled, before, wasLive };
}

/** Writes what was decided for these substations and records the changes to push after the commit. */
export async function writeSubstations(tx: DbOrTx, state: SubstationState, decisions: Decisions, deps: CorrelateBatchDeps): Promise<Change[]> {
  const { topology, evidence, touchedMeterIds, substationIds, before, wasLive } = state;
  await applyDecisions(tx, decisions, { topology, evidence, touchedMeterIds, substationIds, now: deps.now, actor: deps.actor, before, momentaryMs: deps.rule.momentarySeconds * 1000 });
  // Meters whose derived power state may have moved: their own power, or their outage's hold on them.
  const meters = new Set(decisions.meterChanges.map((c) => c.meterId));
  for (const o of decisions.outages) {
    const whole = wasLive.get(o.id) !== isLive(o);
    for (const [meterId, m] of o.meters) if (whole || before.get(o.id)?.get(meterId) !== `${m.state}@${m.since.getTime()}`) meters.add(meterId);
  }
  return recordChanges(tx, decisions, [...meters]);
}

/** Open, or restored and still being verified: an outage that holds its meters dark. */
const isLive = (o: OutageSnapshot) => isOpen(o) || (o.status === "restored" && o.verificationDueAt !== null);

async function recordChanges(tx: DbOrTx, d: Decisions, meterIds: number[]): Promise<Change[]> {
  const changes: Change[] = [];
  if (d.outages.length) {
    changes.push(...await recordOutageChanges(tx, d.outages.map((o) => o.id), d.created));
  }
  const meters = await meterPowerStates(tx, meterIds);
  if (meters.length) changes.push(await recordChange(tx, "meter:status", { meters }));
  return changes;
}
