import { sql } from "drizzle-orm";
import { exec, queryRows, together, type DbOrTx } from "../../db/client";
import { arrayParam, unnestRows } from "../../db/arrays";
import type { SourceType } from "../../db/schema";
import { breakerKey, type Evidence } from "../pipeline/evidence";
import { isLive, isOpen } from "../pipeline/outageState";
import type { Breaker, Decisions, MeterPower, OutageSnapshot, PowerStatus } from "../pipeline/types";
import type { Settlement } from "../pipeline/reconcile";
import { isLaterHold, loadHolds, loadOutages, settlementOf, type Hold } from "./loadState";
import { PlaceCallIndex } from "./placeCalls";
import type { TopologyCache } from "./topology";
import type { MeterPowerState, MeterStateChange } from "../../db/queries/powerState";

const date = (v: Date | string | null): Date | null => (v === null ? null : new Date(v));

/** The version of an entry a transaction is using: matches no version in the database. */
const IN_USE = -1;

/** `updatedAt`: the row's, for the derived state's time of a meter that never reported (`at` in db/queries/powerState.ts). */
interface CachedMeter { dpId: number | null; feederId: number | null; power: MeterPower; updatedAt: Date | null }

type EnergizedState = "energized" | "partial" | "de_energized";
const DEVICE_TABLES = { dp: "network_distribution_points", feeder: "network_feeders", substation: "network_substations" } as const;
type DeviceKind = keyof typeof DEVICE_TABLES;

/**
 * What the pipeline keeps of one substation between batches: every meter's power (as
 * `oms_meters` has it), the breakers of the substation and its feeders, and its live outages
 * (open, or restored and still being verified) with their meters and linked signals. It is the
 * database's content, not a guess: valid for one `version` of the substation (table
 * `oms_substation_state`), which every transaction that takes the substation's lock moves on.
 */
interface Entry {
  version: number;
  meters: Map<number, CachedMeter>;
  /** Meters whose power is not plainly "on" (what the pipeline loads of a substation). */
  notOn: Set<number>;
  /** By `breakerKey`: the substation's own breaker and its feeders'. */
  breakers: Map<string, Breaker>;
  outages: OutageSnapshot[];
  /** The stored energized state of the substation, its feeders and points (`dp:1`, `feeder:2`, `substation:3`). */
  devices: Map<string, EnergizedState>;
  /**
   * For meters asked about since the entry was loaded: the latest outage (not merged) holding
   * each, or null for none (what `loadHolds` reads). A meter not in it is read when asked.
   */
  holds: Map<number, Hold | null>;
}

/** What `loadOutages` loads: open, or with a verification window set. */
const isLoaded = (o: OutageSnapshot) => isOpen(o) || o.verificationDueAt !== null;

/**
 * The state of substations as the pipeline needs it, held in memory by the process that
 * correlates them, so a batch costs what its own signals cost rather than a reload of every dark
 * meter and open outage of its substations. Used only under the substations' lock: an entry is
 * used when the version the lock moved the substation to is exactly one past the entry's (no
 * other transaction, in this process or another, changed it since); otherwise it is loaded
 * again. A transaction that rolls back leaves the version where it was, so an entry updated by
 * it never matches and is reloaded.
 */
export class SubstationStateCache {
  private readonly entries = new Map<number, Entry>();
  /** Where calls with only a place lie among the points (network model data, cleared with the rest). */
  readonly placeCalls = new PlaceCallIndex();
  /** Entries loaded from the database, and batches served from memory (for figures and tests). */
  readonly stats = { loads: 0, hits: 0 };

  /**
   * Entries for these substations, locked by the caller, who moved their versions from `before`
   * to `after`: an entry is current when its version is `before` (nobody changed the substation
   * since this cache's last write), else it is loaded again. Entries handed out are marked in use
   * (version -1) until `afterWrite`: a batch that fails half-way, having changed them in memory,
   * leaves them to be loaded again.
   */
  async take(tx: DbOrTx, versions: Map<number, { before: number; after: number }>): Promise<Map<number, Entry>> {
    const result = new Map<number, Entry>();
    const missing: number[] = [];
    for (const [id, { before }] of versions) {
      const e = this.entries.get(id);
      if (e && e.version === before) {
        result.set(id, e);
        this.stats.hits++;
      } else {
        this.entries.delete(id);
        missing.push(id);
      }
    }
    if (missing.length) {
      this.stats.loads += missing.length;
      for (const [id, e] of await loadEntries(tx, missing)) {
        result.set(id, e);
        this.entries.set(id, e);
      }
    }
    for (const e of result.values()) e.version = IN_USE;
    return result;
  }

  /**
   * Entries loaded ahead of their substations' first batch (server/ingest/warm.ts), by a caller
   * holding the substations' locks, current at these versions, which it read without moving
   * them. An entry already held is kept: the batch that wrote it knows better.
   */
  async prime(tx: DbOrTx, versions: Map<number, number>): Promise<number> {
    const missing = [...versions.keys()].filter((id) => !this.entries.has(id));
    if (!missing.length) return 0;
    const loaded = await loadEntries(tx, missing);
    this.stats.loads += missing.length;
    let meters = 0;
    for (const [id, e] of loaded) {
      if (this.entries.has(id)) continue;
      e.version = versions.get(id)!;
      this.entries.set(id, e);
      meters += e.meters.size;
    }
    return meters;
  }

  /** Whether the database already holds this power for the meter (so writing it changes nothing). */
  holdsPower(entries: Map<number, Entry>, meterId: number, p: MeterPower | undefined): boolean {
    if (!p) return false;
    for (const e of entries.values()) {
      const held = e.meters.get(meterId)?.power;
      if (held) {
        return held.status === p.status && held.changedAt?.getTime() === p.changedAt?.getTime()
          && held.source?.sourceType === p.source?.sourceType && held.source?.sourceEventId === p.source?.sourceEventId;
      }
    }
    return false;
  }

  /**
   * What settles these off meters (loadSettlements' answer): from the outages the entries know
   * hold them; meters not asked about before are read, and kept.
   */
  async settlements(tx: DbOrTx, entries: Map<number, Entry>, offMeterIds: number[]): Promise<Map<number, Settlement>> {
    const settled = new Map<number, Settlement>();
    const unknown: number[] = [];
    for (const id of offMeterIds) {
      const h = entryOf(entries, id)?.holds.get(id);
      if (h === undefined) unknown.push(id);
      else {
        const s = settlementOf(h);
        if (s) settled.set(id, s);
      }
    }
    if (unknown.length) {
      const loaded = await loadHolds(tx, unknown);
      for (const id of unknown) {
        const h = loaded.get(id) ?? null;
        entryOf(entries, id)?.holds.set(id, h);
        const s = settlementOf(h);
        if (s) settled.set(id, s);
      }
    }
    return settled;
  }

  /**
   * After a batch's writes (same transaction; `now` is what it wrote as the outages' last update):
   * what it wrote, so the entries equal the database again, stamped with the version the batch's
   * lock moved them to.
   */
  afterWrite(entries: Map<number, Entry>, versions: Map<number, { before: number; after: number }>, evidence: Evidence, writtenMeterIds: number[], outages: OutageSnapshot[], d: Decisions, now: Date) {
    const meterEntry = (id: number) => entryOf(entries, id);
    for (const id of writtenMeterIds) {
      const p = evidence.meterPower.get(id);
      const e = p && p.changedAt ? meterEntry(id) : undefined;
      if (!e || !p) continue;
      e.meters.get(id)!.power = { status: p.status, changedAt: p.changedAt, source: p.source ? { ...p.source } : undefined };
      if (p.status === "on") e.notOn.delete(id);
      else e.notOn.add(id);
    }
    for (const b of d.breakerChanges) {
      const key = breakerKey(b.level, b.id);
      for (const e of entries.values()) if (e.breakers.has(key)) e.breakers.set(key, { state: b.state, changedAt: b.at, inferred: b.inferred });
    }
    // Who holds each meter, for the meters whose holder the entries know: every outage written
    // holds all its meters (a merged one holds nothing any more).
    for (const o of d.outages) {
      const written: Hold = { outageId: o.id, status: o.status, firstDetectedAt: o.firstDetectedAt, closedAt: o.restoredAt ?? now, verificationDueAt: o.verificationDueAt };
      for (const meterId of o.meters.keys()) {
        const e = meterEntry(meterId);
        const h = e?.holds.get(meterId);
        if (!e || h === undefined) continue;
        if (h?.outageId === o.id) {
          // Detected earlier than it was (a merge): another outage may now be the latest; read it again when asked.
          if (o.status === "merged" || o.firstDetectedAt.getTime() < h.firstDetectedAt.getTime()) e.holds.delete(meterId);
          else e.holds.set(meterId, written);
        } else if (o.status !== "merged" && (h === null || isLaterHold(written, h))) {
          e.holds.set(meterId, written);
        }
      }
    }
    const byId = new Map<string, OutageSnapshot>();
    for (const o of [...outages, ...d.outages]) byId.set(o.id, o);
    for (const [id, e] of entries) {
      e.outages = [...byId.values()].filter((o) => o.substationId === id && isLoaded(o));
      e.version = versions.get(id)!.after;
    }
  }

  /**
   * The derived power state of these meters as the push carries it (`meterPowerStates`, the view
   * oms_meter_power_state: the latest live outage holding a meter says off or assumed, else the
   * meter's own power), from the entries as `afterWrite` left them; `toRead`: the meters no entry
   * holds, whose state is read from the database.
   */
  meterStates(entries: Map<number, Entry>, meterIds: number[]): { known: MeterStateChange[]; toRead: number[] } {
    const known: MeterStateChange[] = [];
    const toRead: number[] = [];
    for (const id of meterIds) {
      const e = entryOf(entries, id);
      const meter = e?.meters.get(id);
      if (!e || !meter) {
        toRead.push(id);
        continue;
      }
      // The view's order: not restored first, then the latest detected.
      let hold: { outage: OutageSnapshot; state: string } | undefined;
      for (const o of e.outages) {
        const am = o.meters.get(id);
        if (!am || am.state === "restored" || !isLive(o)) continue;
        const restored = o.status === "restored";
        if (!hold || (hold.outage.status === "restored") > restored
          || ((hold.outage.status === "restored") === restored && o.firstDetectedAt.getTime() > hold.outage.firstDetectedAt.getTime())) hold = { outage: o, state: am.state };
      }
      const own = meter.power.status;
      const status: MeterPowerState = hold?.state === "off" || hold?.state === "assumed" ? hold.state
        : own === "off" || own === "on" ? own : "unknown";
      known.push({ id, status, at: new Date(meter.power.changedAt ?? meter.updatedAt ?? 0).toISOString() });
    }
    return { known, toRead };
  }

  /**
   * The energized state of the points, feeders and substations of these entries, from their
   * meters (dark: held by a live outage, or its own last word was off; as refreshDeviceState in
   * applyDecisions.ts computes it in SQL), written for the devices whose state moved.
   */
  async refreshDevices(tx: DbOrTx, entries: Map<number, Entry>) {
    const moved: Record<DeviceKind, Array<[number, EnergizedState]>> = { dp: [], feeder: [], substation: [] };
    for (const [substationId, e] of entries) {
      const dark = new Set<number>(e.notOn);
      for (const id of [...dark]) if (e.meters.get(id)!.power.status !== "off") dark.delete(id);
      for (const o of e.outages) if (isLive(o)) for (const [id, m] of o.meters) if (m.state !== "restored") dark.add(id);
      const counts = new Map<string, { dark: number; total: number }>();
      const count = (key: string, isDark: boolean) => {
        const c = counts.get(key) ?? { dark: 0, total: 0 };
        c.total++;
        if (isDark) c.dark++;
        counts.set(key, c);
      };
      for (const [id, m] of e.meters) {
        const isDark = dark.has(id);
        if (m.dpId !== null) count(`dp:${m.dpId}`, isDark);
        if (m.feederId !== null) count(`feeder:${m.feederId}`, isDark);
        count(`substation:${substationId}`, isDark);
      }
      for (const [key, c] of counts) {
        const state: EnergizedState = c.dark === 0 ? "energized" : c.dark === c.total ? "de_energized" : "partial";
        const was = e.devices.get(key);
        if (was === undefined || was === state) continue;
        e.devices.set(key, state);
        const [kind, id] = key.split(":");
        moved[kind as DeviceKind].push([Number(id), state]);
      }
    }
    // Sent at once, before this returns (`together`).
    await together((Object.keys(moved) as DeviceKind[]).filter((kind) => moved[kind].length).map((kind) => exec(tx, sql`
      UPDATE ${sql.raw(DEVICE_TABLES[kind])} d SET status = t.status
      FROM ${unnestRows([["id", "int4", moved[kind].map(([id]) => id)], ["status", "text", moved[kind].map(([, st]) => st)]])} WHERE d.id = t.id`)));
  }

  /** The network model's token this cache (and the topology it was used with) was loaded under. */
  private model: string | null | undefined;

  /**
   * Forgets everything, the topology's too, when the network model changed since the last batch
   * (`token`: the model's token, read by the batch under its substations' locks).
   */
  followModel(topology: TopologyCache, token: string | null) {
    if (this.model !== undefined && token !== this.model) {
      this.clear();
      topology.clear();
    }
    this.model = token;
  }

  /** Forget everything (the network model was reloaded). */
  clear() {
    this.entries.clear();
    this.placeCalls.clear();
  }
}

/** The part of `Evidence` an entry answers: meter power and breakers, as `loadEvidence` loads them. */
export function powerAndBreakers(entries: Map<number, Entry>, touchedMeterIds: number[], evidence: Evidence): number[] {
  const touched = new Set(touchedMeterIds);
  const found = new Set<number>();
  const clone = (p: MeterPower): MeterPower => ({ status: p.status, changedAt: p.changedAt, source: p.source ? { ...p.source } : undefined });
  for (const e of entries.values()) {
    for (const id of e.notOn) evidence.meterPower.set(id, clone(e.meters.get(id)!.power));
    for (const id of touched) {
      const m = e.meters.get(id);
      if (m) {
        evidence.meterPower.set(id, clone(m.power));
        found.add(id);
      }
    }
    for (const [key, b] of e.breakers) {
      evidence.breakers.set(key, { ...b });
      if (b.state !== "open") continue;
      // Meters under the open breaker (not named by the batch) that reported power since it opened.
      const feederId = key.startsWith("feeder:") ? Number(key.slice("feeder:".length)) : null;
      let back = 0;
      if (b.changedAt) {
        const since = b.changedAt.getTime();
        for (const [id, m] of e.meters) {
          if (feederId !== null && m.feederId !== feederId) continue;
          if (m.power.status === "on" && m.power.changedAt && m.power.changedAt.getTime() > since && !touched.has(id)) back++;
        }
      }
      evidence.poweredSinceOpen.set(key, back);
    }
  }
  // Meters named by the batch that no substation of it holds (none in a consistent model).
  return touchedMeterIds.filter((id) => !found.has(id));
}

/** The entry holding this meter. */
function entryOf(entries: Map<number, Entry>, meterId: number): Entry | undefined {
  for (const e of entries.values()) if (e.meters.has(meterId)) return e;
  return undefined;
}

/** The live outages of these entries. */
export const outagesOf = (entries: Map<number, Entry>) => [...entries.values()].flatMap((e) => e.outages);

async function loadEntries(tx: DbOrTx, substationIds: number[]): Promise<Map<number, Entry>> {
  const subs = arrayParam(substationIds, "int4");
  const entries = new Map<number, Entry>(substationIds.map((id) => [id, { version: 0, meters: new Map(), notOn: new Set(), breakers: new Map(), outages: [], devices: new Map(), holds: new Map() }]));
  const meters = await queryRows<{ id: number; sub: number; dp: number | null; feeder: number | null; status: PowerStatus; at: Date | string | null; st: SourceType | null; se: string | null; upd: Date | string | null }>(tx, sql`
    SELECT id, substation_id AS sub, dp_id AS dp, feeder_id AS feeder, power_status AS status, last_power_change AS at, power_source_type AS st, power_source_event_id AS se, updated_at AS upd
    FROM oms_meters WHERE substation_id = ANY(${subs})`);
  for (const m of meters) {
    const e = entries.get(m.sub)!;
    e.meters.set(m.id, { dpId: m.dp, feederId: m.feeder, updatedAt: date(m.upd), power: { status: m.status, changedAt: date(m.at), source: m.st && m.se ? { sourceType: m.st, sourceEventId: m.se } : undefined } });
    if (m.status !== "on") e.notOn.add(m.id);
  }
  const breakers = await queryRows<{ level: "feeder" | "substation"; id: number; sub: number; state: "open" | "closed"; at: Date | string | null; inferred: boolean; status: EnergizedState }>(tx, sql`
    SELECT 'feeder' AS level, id, substation_id AS sub, breaker_state AS state, breaker_changed_at AS at, breaker_inferred AS inferred, status
    FROM network_feeders WHERE substation_id = ANY(${subs})
    UNION ALL
    SELECT 'substation', id, id, breaker_state, breaker_changed_at, breaker_inferred, status FROM network_substations WHERE id = ANY(${subs})`);
  for (const b of breakers) {
    const e = entries.get(b.sub)!;
    e.breakers.set(breakerKey(b.level, b.id), { state: b.state, changedAt: date(b.at), inferred: b.inferred });
    e.devices.set(`${b.level}:${b.id}`, b.status);
  }
  const dps = await queryRows<{ id: number; sub: number; status: EnergizedState }>(tx, sql`
    SELECT dp.id, f.substation_id AS sub, dp.status FROM network_distribution_points dp JOIN network_feeders f ON f.id = dp.feeder_id
    WHERE f.substation_id = ANY(${subs})`);
  for (const d of dps) entries.get(d.sub)!.devices.set(`dp:${d.id}`, d.status);
  for (const o of await loadOutages(tx, substationIds)) entries.get(o.substationId)?.outages.push(o);
  return entries;
}
