import { randomBytes, randomUUID } from "node:crypto";
import { setImmediate } from "node:timers/promises";
import { sql } from "drizzle-orm";
import { exec, queryRows, together, type DbOrTx } from "../../db/client";
import { networkModelToken, type NetworkKeys } from "../../db/queries/networkIdentities";
import { arrayParam } from "../../db/arrays";
import { correlate } from "../pipeline/correlate";
import type { Rule } from "../pipeline/rules";
import type { Decisions, OutageSnapshot, PlacedSignal, Topology } from "../pipeline/types";
import type { Evidence } from "../pipeline/evidence";
import type { Settlement } from "../pipeline/reconcile";
import { isLive } from "../pipeline/outageState";
import { meterPowerStates, type MeterStateChange } from "../../db/queries/powerState";
import { applyDecisions, deviceStateDrift, writesAtOnce } from "../repository/applyDecisions";
import { loadEvidence, loadOutages, loadReports, loadPowerAndBreakers, loadSettlements, sendReports } from "../repository/loadState";
import { outagesOf, powerAndBreakers, type SubstationStateCache } from "../repository/stateCache";
import { emptyEvidence } from "../pipeline/evidence";
import { isWindowDifference, StateMismatchError, verifySettlements, verifyState } from "../repository/verifyState";
import type { TopologyCache } from "../repository/topology";
import { outageChanges, recordChange, type Change } from "../realtime/publisher";
import type { ChangePayloads, ChangeTopic } from "../realtime/events";
import { deviceStatesOf, outageSummaries } from "../../db/queries/outages";
import type { Actor } from "../context";

/** Advisory lock key for "correlating this substation"; verbs that change outages take it too. */
export const SUBSTATION_LOCK_KEY = 7264002;

export const outageIds = {
  outageId: () => randomUUID(),
  /** `OMS_<epoch seconds>_<8 hex>`, the seed's event id format. */
  eventId: (at: Date) => `OMS_${Math.floor(at.getTime() / 1000)}_${randomBytes(4).toString("hex")}`,
};

/**
 * The substations each placed signal touches (none for an unmatched one or one placed on an
 * outage): where several processes share the database, who correlates it (server/ingest/leases.ts).
 */
export async function substationsOfEach(tx: DbOrTx, placed: PlacedSignal[], keys?: NetworkKeys | null): Promise<Map<PlacedSignal, number[]>> {
  const meters = new Set<number>();
  const dps = new Set<number>();
  const feeders = new Set<number>();
  const of = { m: new Map<number, number>(), d: new Map<number, number>(), f: new Map<number, number>() };
  // The model the signals were placed by (`keys`) tells meters' and feeders' substations as
  // the database holds them under its token; distribution points are read.
  const feederSubstation = keys ? substationOfFeeder(keys) : undefined;
  for (const { placement: p } of placed) {
    if (p.level === "meter") {
      for (const m of p.meterIds) {
        const sub = keys?.substationOfMeter.get(m);
        if (sub !== undefined) of.m.set(m, sub);
        else meters.add(m);
      }
    } else if (p.level === "distribution_point") dps.add(p.dpId);
    else if (p.level === "feeder") {
      const sub = feederSubstation?.get(p.feederId);
      if (sub !== undefined) of.f.set(p.feederId, sub);
      else feeders.add(p.feederId);
    }
  }
  if (meters.size + dps.size + feeders.size) {
    const rows = await queryRows<{ kind: "m" | "d" | "f"; id: number; substation: number | null }>(tx, sql`
      SELECT 'm' AS kind, id, substation_id AS substation FROM oms_meters WHERE id = ANY(${arrayParam([...meters], "int4")})
      UNION ALL SELECT 'd', dp.id, f.substation_id FROM network_distribution_points dp JOIN network_feeders f ON f.id = dp.feeder_id WHERE dp.id = ANY(${arrayParam([...dps], "int4")})
      UNION ALL SELECT 'f', id, substation_id FROM network_feeders WHERE id = ANY(${arrayParam([...feeders], "int4")})`);
    for (const r of rows) if (r.substation != null) of[r.kind].set(r.id, r.substation);
  }
  const each = new Map<PlacedSignal, number[]>();
  for (const ps of placed) {
    const p = ps.placement;
    const ids = p.level === "meter" ? p.meterIds.map((m) => of.m.get(m))
      : p.level === "distribution_point" ? [of.d.get(p.dpId)]
      : p.level === "feeder" ? [of.f.get(p.feederId)]
      : p.level === "substation" ? [p.substationId] : [];
    each.set(ps, [...new Set(ids.filter((id): id is number => id !== undefined))]);
  }
  return each;
}

const feederSubstations = new WeakMap<NetworkKeys, Map<number, number>>();
/** Each feeder's substation (by feeder id) in this model, made once per model. */
function substationOfFeeder(keys: NetworkKeys): Map<number, number> {
  let of = feederSubstations.get(keys);
  if (!of) feederSubstations.set(keys, (of = new Map([...keys.devices.feeders.values()].map((f) => [f.id, f.substationId]))));
  return of;
}

/**
 * Substations holding these placements (`known`: substationsOfEach's answer for them, when the
 * caller has it), and `extra` (a batch is serialised per substation).
 */
async function substationsOf(tx: DbOrTx, placed: PlacedSignal[], extra: number[], known?: Map<PlacedSignal, number[]>): Promise<number[]> {
  const ids = new Set(extra);
  const each = known ?? await substationsOfEach(tx, placed);
  for (const p of placed) for (const id of each.get(p) ?? []) ids.add(id);
  return [...ids].sort((a, b) => a - b);
}

export interface CorrelateBatchDeps {
  topology: TopologyCache;
  now: Date;
  rule: Rule;
  actor: Actor;
  timeZone: string;
  /** The process's substation state in memory; without it the state is loaded from the database. */
  state?: SubstationStateCache;
  /** Told how long the pass waited for its substations' locks (the metrics). */
  observeLockWait?(seconds: number): void;
  /**
   * Called with the decisions once their writes and the push's reads are sent, before any is
   * waited for: what the caller sends then (the raw rows, the answers) goes in the same round trip.
   */
  beside?(decisions: Decisions): void;
}

/**
 * Takes the lock of these substations (sorted, so two transactions never wait on each other in
 * a cycle) and moves each one's state version on (a new number from a sequence, never reused,
 * even by a transaction that rolls back). Every transaction that may change a substation's
 * outages, meters or breakers goes through here, so the state cache can tell whether anyone
 * changed a substation since its own last write. Returns each substation's version before and after.
 */
export async function lockSubstations(tx: DbOrTx, substationIds: number[]): Promise<Map<number, { before: number; after: number }>> {
  const ids = [...new Set(substationIds)].sort((a, b) => a - b);
  if (!ids.length) return new Map();
  const move = () => queryRows<{ id: number; before: number | string; after: number | string }>(tx, sql`
    UPDATE oms_substation_state s SET version = nextval('oms_substation_state_version')
    FROM (SELECT substation_id, version FROM oms_substation_state WHERE substation_id = ANY(${arrayParam(ids, "int4")})) old
    WHERE s.substation_id = old.substation_id RETURNING s.substation_id AS id, old.version AS before, s.version AS after`);
  // The versions move as soon as the locks are held: sent behind the locks (`together`).
  let [, rows] = await together([takeSubstationLocks(tx, ids), move()]);
  if (rows.length < ids.length) {
    await addSubstationStateRows(tx, ids);
    rows = await move();
  }
  return new Map(rows.map((r) => [r.id, { before: Number(r.before), after: Number(r.after) }]));
}

/** The locks of these substations, sorted ascending by the caller: one statement, taken in the array's order (unnest keeps it). */
export const takeSubstationLocks = (tx: DbOrTx, sortedIds: number[]) =>
  exec(tx, sql`SELECT pg_advisory_xact_lock(${SUBSTATION_LOCK_KEY}::int, id) FROM unnest(${arrayParam(sortedIds, "int4")}) WITH ORDINALITY AS t(id, n) ORDER BY n`);

/** A substation never locked before gets its state row (under its lock, so once). */
export const addSubstationStateRows = (tx: DbOrTx, ids: number[]) =>
  exec(tx, sql`INSERT INTO oms_substation_state (substation_id) SELECT id FROM unnest(${arrayParam(ids, "int4")}) AS t(id) ON CONFLICT DO NOTHING`);

/**
 * Runs the pipeline for placed signals (or, with `sweep`, for substations whose verification
 * windows ended; `substationsOfPlaced`: the signals' substations, when the caller looked them up)
 * inside the caller's transaction: lock the substations, load their state,
 * decide, write, and record the changes to push once the transaction commits.
 */
export async function correlateBatch(tx: DbOrTx, placed: PlacedSignal[], deps: CorrelateBatchDeps, sweep: number[] = [], substationsOfPlaced?: Map<PlacedSignal, number[]>) {
  const substationIds = await substationsOf(tx, placed, sweep, substationsOfPlaced);
  const touchedMeterIds = [...new Set(placed.flatMap(({ placement: p }) => (p.level === "meter" ? p.meterIds : [])))];
  const state = await loadSubstations(tx, substationIds, touchedMeterIds, deps);
  const { topology, evidence, outages, settled } = state;
  const decisions = correlate({ now: deps.now, rule: deps.rule, topology, evidence, outages, settled, signals: placed, sweep, ids: outageIds, timeZone: deps.timeZone });
  // Deciding and building the writes are the pass's two long synchronous stretches: the event
  // loop answers whatever is waiting (other requests, sockets, pages) between them.
  await setImmediate();
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
  /** Where the state came from in the cache, to bring it up to date with what is written. */
  cached?: { cache: SubstationStateCache; entries: Awaited<ReturnType<SubstationStateCache["take"]>>; versions: Map<number, { before: number; after: number }> };
}

/**
 * Locks these substations (two processes correlating one would open duplicate outages) and
 * loads their state: from the process's state cache where it is current, else from the database.
 */
export async function loadSubstations(tx: DbOrTx, substationIds: number[], touchedMeterIds: number[], deps: CorrelateBatchDeps): Promise<SubstationState> {
  const waiting = performance.now();
  const locking = lockSubstations(tx, substationIds);
  // A network model changed since (meters added or moved: migration 0011's token) makes what
  // memory holds of every substation, its topology included, stale. Its token is read behind
  // the locks, sent with them.
  const token = deps.state ? networkModelToken(tx) : undefined;
  token?.catch(() => {}); // awaited below, after the locks
  // The recent calls and momentaries are read behind the locks too, in the same round trip.
  const reports = deps.state ? sendReports(tx, substationIds, deps.now, deps.rule, deps.state.placeCalls) : undefined;
  const versions = await locking;
  deps.observeLockWait?.((performance.now() - waiting) / 1000);
  if (deps.state) deps.state.followModel(deps.topology, await token!);
  const topology = await deps.topology.load(tx, substationIds);
  let evidence: Evidence;
  let outages: OutageSnapshot[];
  let cached: SubstationState["cached"];
  if (deps.state) {
    const entries = await deps.state.take(tx, versions);
    evidence = emptyEvidence();
    const elsewhere = powerAndBreakers(entries, touchedMeterIds, evidence);
    if (elsewhere.length) {
      // Meters the batch names that no substation of it holds: read as the database has them.
      const extra = emptyEvidence();
      await loadPowerAndBreakers(tx, [], elsewhere, extra);
      for (const [id, p] of extra.meterPower) evidence.meterPower.set(id, p);
    }
    await reports!(evidence);
    outages = outagesOf(entries);
    cached = { cache: deps.state, entries, versions };
    if (process.env.OMS_VERIFY_STATE === "1") await verifyCached(tx, substationIds, touchedMeterIds, deps, { evidence, outages });
  } else {
    evidence = await loadEvidence(tx, substationIds, touchedMeterIds, deps.now, deps.rule);
    outages = await loadOutages(tx, substationIds);
  }
  const offMeters = [...evidence.meterPower].filter(([, p]) => p.status === "off").map(([id]) => id);
  const settled = cached
    ? await cached.cache.settlements(tx, cached.entries, offMeters)
    : await loadSettlements(tx, offMeters);
  if (cached && process.env.OMS_VERIFY_STATE === "1") verifySettlements(substationIds, settled, await loadSettlements(tx, offMeters));
  const before = new Map(outages.map((o) => [o.id, new Map([...o.meters].map(([m, a]) => [m, `${a.state}@${a.since.getTime()}`]))]));
  const wasLive = new Map(outages.map((o) => [o.id, isLive(o)]));
  return { substationIds, touchedMeterIds, topology, evidence, outages, settled, before, wasLive, cached };
}

/**
 * OMS_VERIFY_STATE=1: the state taken from memory must be what the database holds. Calls and
 * momentaries are read from the database on both sides, and are not under the substations'
 * lock: one committed by another transaction between the two reads (a pass inserting a call while
 * the verification sweep reads) is not the cache's error, so on a difference there alone both are
 * read once more, back to back, and must then agree.
 */
async function verifyCached(tx: DbOrTx, substationIds: number[], touchedMeterIds: number[], deps: CorrelateBatchDeps, cached: { evidence: Evidence; outages: OutageSnapshot[] }) {
  const loaded = { evidence: await loadEvidence(tx, substationIds, touchedMeterIds, deps.now, deps.rule), outages: await loadOutages(tx, substationIds) };
  try {
    await verifyState(substationIds, cached, loaded);
  } catch (err) {
    if (!(err instanceof StateMismatchError) || !err.differences.every(isWindowDifference)) throw err;
    const again = emptyEvidence();
    await loadReports(tx, substationIds, deps.now, deps.rule, again, deps.state?.placeCalls);
    const plain = emptyEvidence();
    await loadReports(tx, substationIds, deps.now, deps.rule, plain);
    const windowed = (e: Evidence) => ({ ...loaded.evidence, reports: e.reports, dpCalls: e.dpCalls, recentMomentaries: e.recentMomentaries });
    await verifyState(substationIds, { evidence: windowed(again), outages: loaded.outages }, { evidence: windowed(plain), outages: loaded.outages });
  }
}

/** Writes what was decided for these substations and records the changes to push after the commit. */
export async function writeSubstations(tx: DbOrTx, state: SubstationState, decisions: Decisions, deps: CorrelateBatchDeps): Promise<Change[]> {
  const { topology, evidence, touchedMeterIds, substationIds, before, wasLive } = state;
  // The batch's meters and those the pipeline moved itself (taken as back after a momentary);
  // with the state in memory, only those whose power is not what the database already holds.
  let writtenMeterIds = [...new Set([...touchedMeterIds, ...decisions.meterChanges.map((c) => c.meterId)])];
  if (state.cached) {
    const { cache, entries } = state.cached;
    writtenMeterIds = writtenMeterIds.filter((id) => !cache.holdsPower(entries, id, evidence.meterPower.get(id)));
  }
  const applied = applyDecisions(tx, decisions, {
    topology, evidence, writtenMeterIds, substationIds, now: deps.now, actor: deps.actor, before, momentaryMs: deps.rule.momentarySeconds * 1000,
    refreshDevices: !state.cached,
  });
  // Awaited below; marked handled so that a throw before then cannot leave it unobserved.
  applied.catch(() => {});
  // Meters whose derived power state may have moved: their own power (its status, or only since
  // when: a repeated power-on moves the "known good since" the push carries), or their outage's
  // hold on them.
  const meters = new Set([...decisions.meterChanges.map((c) => c.meterId), ...writtenMeterIds]);
  for (const o of decisions.outages) {
    const whole = wasLive.get(o.id) !== isLive(o);
    for (const [meterId, m] of o.meters) if (whole || before.get(o.id)?.get(meterId) !== `${m.state}@${m.since.getTime()}`) meters.add(meterId);
  }
  const writes: Array<Promise<unknown>> = [applied];
  if (state.cached) {
    // The devices' state from memory, sent behind the decisions' writes without waiting for
    // them (`together`). Should the transaction fail, the entries' versions no longer match the
    // database's and they are loaded again.
    const { cache, entries, versions } = state.cached;
    cache.afterWrite(entries, versions, evidence, writtenMeterIds, state.outages, decisions, deps.now);
    const refreshed = cache.refreshDevices(tx, entries);
    refreshed.catch(() => {}); // awaited in `together`
    writes.push(refreshed);
  }
  // The push's reads go right behind the writes when every write is sent by now (they run after
  // them on the transaction's connection); else once the writes are done.
  if (!writesAtOnce(decisions)) {
    await together(writes);
    writes.length = 0;
  }
  if (state.cached && process.env.OMS_VERIFY_STATE === "1") {
    // The devices' state written from memory must be what the meters make it: checked behind the writes.
    const checked = deviceStateDrift(tx, substationIds).then((drift) => {
      if (drift.length) throw new StateMismatchError(substationIds, drift);
    });
    checked.catch(() => {}); // awaited in `together`
    writes.push(checked);
  }
  // The meters' derived state from memory where the entries hold them (the database's for the rest).
  const fromMemory = state.cached ? state.cached.cache.meterStates(state.cached.entries, [...meters]) : undefined;
  if (fromMemory && process.env.OMS_VERIFY_STATE === "1") {
    // ...and it must be what the database's view says, read behind the writes.
    const checked = meterPowerStates(tx, [...meters]).then((read) => {
      const kept = new Map(fromMemory.known.map((m) => [m.id, `${m.status}@${m.at}`]));
      const drift = read.filter((r) => kept.has(r.id) && kept.get(r.id) !== `${r.status}@${r.at}`)
        .map((r) => `meter ${r.id}: ${r.status}@${r.at} in the database, ${kept.get(r.id)} in memory`);
      if (drift.length) throw new StateMismatchError(substationIds, drift);
    });
    checked.catch(() => {}); // awaited in `together`
    writes.push(checked);
  }
  // The writes are on their way; the event loop answers what waits before the push's reads and
  // the raw rows and answers (`beside`) are built, the pass's last synchronous stretch.
  await setImmediate();
  return recordChanges(tx, decisions, fromMemory ?? { known: [], toRead: [...meters] }, writes, deps.beside);
}


/**
 * `meterStates`: the derived state of the meters the push carries, known from memory, and the
 * meters to read it of; `written`: writes sent before and not yet waited for; `beside`: see
 * CorrelateBatchDeps.
 */
async function recordChanges(tx: DbOrTx, d: Decisions, meterStates: { known: MeterStateChange[]; toRead: number[] }, written: Array<Promise<unknown>>, beside?: (d: Decisions) => void): Promise<Change[]> {
  // What the push carries, read at once after the writes, then recorded at once.
  const outageIds = d.outages.map((o) => o.id);
  const reads = [
    outageSummaries(tx, outageIds),
    outageIds.length ? deviceStatesOf(tx, [...new Set(d.outages.map((o) => o.substationId).filter((id) => id != null))]) : undefined,
    meterPowerStates(tx, meterStates.toRead),
  ] as const;
  for (const r of reads) r?.catch(() => {}); // awaited in `together`
  beside?.(d);
  const [, summaries, devices, read] = await together([together(written), ...reads]);
  const meters = [...meterStates.known, ...read].sort((a, b) => a.id - b.id);
  const changes: Array<{ topic: ChangeTopic; payload: ChangePayloads[ChangeTopic] }> = outageChanges(summaries, d.created, devices);
  if (meters.length) changes.push({ topic: "meter:status", payload: { meters } });
  return together(changes.map(({ topic, payload }) => recordChange(tx, topic, payload)));
}
