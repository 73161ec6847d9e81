import type { SourceType } from "../../db/schema";
import type { Signal, SignalKind } from "../ingest/signal";
import { correlate } from "./correlate";
import { emptyEvidence, type Evidence, type Report } from "./evidence";
import { isOpen } from "./outageState";
import type { Settlement } from "./reconcile";
import { ruleFromRow, type Rule } from "./rules";
import type { Breaker, Decisions, MeterMomentary, MeterPower, OutageSnapshot, Placement, Topology } from "./types";

/**
 * A tiny network and an in-memory stand-in for the repository, so pipeline tests can run
 * several batches and see the state carried between them. Substation 1 has feeders 10 and 20
 * (more with `feeders`); each feeder has 4 distribution points (101..104, 201..204) with 4
 * meters each (1011..1014, …; `metersPerDp` for bigger points: meter ids dp * 100 + i then).
 */
export function smallTopology({ feeders = [10, 20], metersPerDp = 4 } = {}): Topology {
  const t: Topology = { meters: new Map(), dps: new Map(), feeders: new Map(), substations: new Map() };
  t.substations.set(1, { id: 1, code: "SS001", feederIds: feeders });
  for (const f of feeders) {
    const dpIds = [1, 2, 3, 4].map((i) => f * 10 + i);
    t.feeders.set(f, { id: f, code: `FD0${f}`, substationId: 1, dpIds });
    for (const dp of dpIds) {
      const meterIds = Array.from({ length: metersPerDp }, (_, i) => (metersPerDp > 9 ? dp * 100 : dp * 10) + i + 1);
      t.dps.set(dp, { id: dp, code: `DP${dp}`, feederId: f, meterIds });
      for (const m of meterIds) {
        t.meters.set(m, { id: m, meterNumber: `M${m}`, dpId: dp, feederId: f, substationId: 1, customerId: m, critical: m === 1011, smart: m !== 2033 });
      }
    }
  }
  return t;
}

export const standardRule: Rule = ruleFromRow({
  ruleName: "Standard", correlationWindowMinutes: 30, spatialRadiusMeters: 1000, confidenceThreshold: 0.7,
  parameters: { dpRollupShare: 0.3, feederRollupShare: 0.5, rollupMinChildren: 2, verificationMinutes: 5, momentarySeconds: 60 },
});

export const t0 = new Date("2026-11-22T10:00:00Z");
export const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

let counter = 0;
export function signal(sourceType: SourceType, kind: SignalKind, seconds: number, placement: Placement): { signal: Signal; placement: Placement } {
  return { signal: { sourceType, sourceEventId: `${sourceType}-${++counter}`, kind, occurredAt: at(seconds), attributes: {} }, placement };
}
export const gasp = (meterId: number, s: number) => signal("kaifa", "power_off", s, { level: "meter", meterIds: [meterId] });
export const back = (meterId: number, s: number) => signal("kaifa", "power_on", s, { level: "meter", meterIds: [meterId] });
export const trip = (feederId: number, s: number) => signal("scada", "power_off", s, { level: "feeder", feederId });
export const close = (feederId: number, s: number) => signal("scada", "power_on", s, { level: "feeder", feederId });
export const call = (meterId: number, s: number) => signal("call_center", "customer_report", s, { level: "meter", meterIds: [meterId] });

export class World {
  outages = new Map<string, OutageSnapshot>();
  meterPower = new Map<number, MeterPower>();
  breakers = new Map<string, Breaker>();
  reports = new Map<number, Report>();
  momentaries: MeterMomentary[] = [];
  last!: Decisions;
  private ids = 0;

  constructor(public topology: Topology = smallTopology(), public rule: Rule = standardRule) {
    for (const id of topology.meters.keys()) this.meterPower.set(id, { status: "on", changedAt: null });
  }

  step(signals: ReturnType<typeof signal>[], nowSeconds: number, sweep?: number[]): Decisions {
    const evidence: Evidence = {
      ...emptyEvidence(), meterPower: this.meterPower, breakers: this.breakers, reports: this.reports,
      poweredSinceOpen: this.poweredSinceOpen(signals), recentMomentaries: [...this.momentaries],
    };
    const outages = [...this.outages.values()].filter((o) => isOpen(o) || o.verificationDueAt).map((o) => structuredClone(o));
    this.last = correlate({
      now: at(nowSeconds), rule: this.rule, topology: this.topology, evidence, outages, settled: this.settled(),
      signals, sweep, ids: { outageId: () => `O${++this.ids}`, eventId: () => `OMS_${this.ids}` }, timeZone: "Asia/Amman",
    });
    for (const o of this.last.outages) this.outages.set(o.id, structuredClone(o));
    this.momentaries.push(...this.last.momentaries);
    // The repository forgets calls an outage's restoration answered (loadState.ts); so does the world.
    for (const o of this.outages.values()) {
      if (!o.restoredAt) continue;
      for (const m of o.meters.keys()) if ((this.reports.get(m)?.at ?? Infinity) <= o.restoredAt) this.reports.delete(m);
    }
    return this.last;
  }

  /** As the repository counts it: meters (not named by the batch) on since each open breaker opened. */
  private poweredSinceOpen(signals: ReturnType<typeof signal>[]): Map<string, number> {
    const named = new Set(signals.flatMap((s) => (s.placement.level === "meter" ? s.placement.meterIds : [])));
    const counts = new Map<string, number>();
    for (const [key, b] of this.breakers) {
      if (b.state !== "open" || !b.changedAt) continue;
      const [level, id] = key.split(":");
      let n = 0;
      for (const m of this.topology.meters.values()) {
        if ((level === "feeder" ? m.feederId : m.substationId) !== Number(id) || named.has(m.id)) continue;
        const p = this.meterPower.get(m.id);
        if (p?.status === "on" && p.changedAt && p.changedAt > b.changedAt) n++;
      }
      counts.set(key, n);
    }
    return counts;
  }

  /** What the repository answers: off meters whose latest outage is closed. */
  private settled(): Map<number, Settlement> {
    const result = new Map<number, Settlement>();
    for (const [meterId, p] of this.meterPower) {
      if (p.status !== "off") continue;
      const latest = [...this.outages.values()].filter((o) => o.meters.has(meterId))
        .sort((a, b) => b.firstDetectedAt.getTime() - a.firstDetectedAt.getTime())[0];
      if (latest && !isOpen(latest) && latest.restoredAt) {
        result.set(meterId, { outageId: latest.id, closedAt: latest.restoredAt, verificationDueAt: latest.verificationDueAt });
      }
    }
    return result;
  }

  open() { return [...this.outages.values()].filter(isOpen); }
}
