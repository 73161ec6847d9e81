import type { Rule } from "./rules";
import { applySignals, type Evidence } from "./evidence";
import { addLink, notifyDetected, reconcileSubstation, takeAsBack, type IdSource, type Settlement, type SubstationPass } from "./reconcile";
import { deviceMomentaries } from "./momentaries";
import { isOpen, rescore } from "./outageState";
import type { Decisions, OutageSnapshot, PlacedSignal, Topology } from "./types";

export interface PipelineInput {
  now: Date;
  rule: Rule;
  topology: Topology;
  evidence: Evidence;
  /** Open outages of the substations in scope, and restored ones still being verified. */
  outages: OutageSnapshot[];
  settled: Map<number, Settlement>;
  signals: PlacedSignal[];
  /** Substations to re-evaluate with no new signal (a verification or momentary window has ended). */
  sweep?: number[];
  ids: IdSource;
  /** The utility's time zone, for times in timeline text. */
  timeZone: string;
}

export function emptyDecisions(): Decisions {
  return { outages: [], created: new Set(), timeline: [], meterChanges: [], momentaries: [], deviceMomentaries: [], breakerChanges: [], links: [], notifications: [], outcomes: new Map() };
}

/**
 * The correlation pipeline for one batch: pure, deterministic for its input (the clock and id
 * source are injected). Evidence first (stage 1 after enrichment), then per substation the
 * restoration, clustering and merging (stages 2, 5, 7), then the links of each signal to its
 * outage and the scores (stages 3, 4), confirmation and the output actions (stage 8).
 */
export function correlate(input: PipelineInput): Decisions {
  const out = emptyDecisions();
  const { topology, rule, now } = input;
  applySignals(input.signals, input.evidence, rule, out);
  for (const m of deviceMomentaries(out.momentaries, input.evidence.recentMomentaries, topology, rule)) {
    out.deviceMomentaries.push(m);
    // Its meters whose power-off fell in the blip and that have not said they are back are taken as back.
    for (const meterId of m.meterIds) {
      const p = input.evidence.meterPower.get(meterId);
      if (p?.status === "off" && p.changedAt && p.changedAt >= m.startedAt && p.changedAt.getTime() - m.startedAt.getTime() <= rule.momentarySeconds * 1000) {
        takeAsBack({ evidence: input.evidence, out }, meterId, m.endedAt);
      }
    }
  }

  const substations = new Set(input.sweep ?? []);
  for (const s of input.signals) {
    const id = substationOf(s, topology, input.outages);
    if (id != null) substations.add(id);
  }
  const changed: SubstationPass["changed"] = new Map();
  for (const substationId of [...substations].sort((a, b) => a - b)) {
    reconcileSubstation({
      substationId, topology, evidence: input.evidence, rule, now, ids: input.ids, changed, out,
      outages: input.outages.filter((o) => o.substationId === substationId),
      settled: input.settled, timeZone: input.timeZone, inferred: new Map(),
    });
  }
  const all = [...input.outages, ...[...changed.values()].filter((o) => !input.outages.includes(o))];
  linkSignals(input.signals, all, topology, out, changed);
  settle(all, changed, topology, rule, now, out);
  out.outages = [...changed.values()];
  return out;
}

/**
 * Stage 4 for every outage the batch touched: its arithmetic (outageState.ts) from its meters and
 * links, and confirmation at the rule's threshold or on a SCADA trip, with a timeline entry.
 * Verbs that change outages end the same way.
 */
export function settle(outages: OutageSnapshot[], changed: Map<string, OutageSnapshot>, topology: Topology, rule: Rule, now: Date, out: Decisions) {
  for (const o of outages) {
    if (!isOpen(o) && !changed.has(o.id)) continue;
    // Customers are told once the outage has outlasted the momentary window, never of a blip.
    if (isOpen(o) && !o.customersNotified && now.getTime() - o.firstDetectedAt.getTime() >= rule.momentarySeconds * 1000) {
      o.customersNotified = true;
      notifyDetected({ out, topology }, o, [...o.meters].filter(([, m]) => m.state !== "restored").map(([id]) => id));
      changed.set(o.id, o);
    }
    const before = { confidence: o.confidence, severity: o.severity, customers: o.customersOut, status: o.status };
    if (rescore(o, topology, rule, now)) {
      const scada = o.confirmedBy === "scada";
      out.timeline.push({
        outageId: o.id, eventType: "confirmed", status: o.status, actor: { kind: scada ? "scada" : "system" },
        description: scada ? "Confirmed by a SCADA trip" : `Confirmed: confidence ${o.confidence.toFixed(2)} reached the ${rule.name} threshold ${rule.confidenceThreshold}`,
      });
    }
    if (before.confidence !== o.confidence || before.severity !== o.severity || before.customers !== o.customersOut || before.status !== o.status) {
      changed.set(o.id, o);
    }
  }
}

function substationOf(s: PlacedSignal, topology: Topology, outages: OutageSnapshot[]): number | null {
  const p = s.placement;
  switch (p.level) {
    case "meter": return topology.meters.get(p.meterIds[0])?.substationId ?? null;
    case "distribution_point": return topology.feeders.get(topology.dps.get(p.dpId)?.feederId ?? -1)?.substationId ?? null;
    case "feeder": return topology.feeders.get(p.feederId)?.substationId ?? null;
    case "substation": return p.substationId;
    case "outage": return outages.find((o) => o.id === p.outageId)?.substationId ?? null;
    default: return null;
  }
}

/** Stage 3: every signal is linked to the outage that holds its meter or device. */
function linkSignals(signals: PlacedSignal[], outages: OutageSnapshot[], topology: Topology, out: Decisions, changed: Map<string, OutageSnapshot>) {
  // Linking adds links only: no outage's status, start, meters or device moves meanwhile, so
  // the outages are ranked and indexed once for the batch rather than once per signal.
  const targets = { open: new TargetIndex(outages, topology, false), restoring: undefined as TargetIndex | undefined };
  for (const { signal, placement } of signals) {
    if (placement.level === "unmatched") {
      out.outcomes.set(signal, { status: "unmatched", reason: placement.reason });
      continue;
    }
    const index = signal.kind === "power_on" ? (targets.restoring ??= new TargetIndex(outages, topology, true)) : targets.open;
    const target = index.find(placement);
    if (!target || signal.kind === "info") {
      out.outcomes.set(signal, { status: "recorded" });
      continue;
    }
    // A restore says the outage ended, not that it was real: it is kept as a link, not scored (outageState.ts).
    const meterId = placement.level === "meter" ? placement.meterIds[0] : null;
    addLink({ out }, target, {
      outageId: target.id, sourceType: signal.sourceType, sourceEventId: signal.sourceEventId,
      signalKind: signal.kind, detectedAt: signal.occurredAt, meterId,
    });
    out.outcomes.set(signal, { status: "correlated", outageId: target.id });
    changed.set(target.id, target);
  }
}

/**
 * The outage a placed signal belongs to: of the outages that hold its meter or device, the first
 * in rank — open ones first, then the latest detected (a restore may also belong to one it just
 * closed). Each key (meter, point, feeder, substation, outage id) maps to its best rank.
 */
class TargetIndex {
  private readonly ranked: OutageSnapshot[];
  private readonly byMeter = new Map<number, number>();
  private readonly byDevice = new Map<string, number>();
  private readonly byId = new Map<string, number>();

  constructor(outages: OutageSnapshot[], private readonly topology: Topology, restoring: boolean) {
    const live = outages.filter((o) => isOpen(o) || (restoring && (o.status === "restored" || o.status === "cancelled")));
    // A stable sort: outages of equal rank keep their order.
    this.ranked = live.sort((a, b) => Number(isOpen(b)) - Number(isOpen(a)) || b.firstDetectedAt.getTime() - a.firstDetectedAt.getTime());
    this.ranked.forEach((o, rank) => {
      for (const m of o.meters.keys()) if (!this.byMeter.has(m)) this.byMeter.set(m, rank);
      const device = `${o.level}:${o.deviceId}`;
      if (!this.byDevice.has(device)) this.byDevice.set(device, rank);
      if (!this.byId.has(o.id)) this.byId.set(o.id, rank);
    });
  }

  find(p: PlacedSignal["placement"]): OutageSnapshot | undefined {
    const best = (...ranks: Array<number | undefined>) => {
      let min: number | undefined;
      for (const r of ranks) if (r !== undefined && (min === undefined || r < min)) min = r;
      return min === undefined ? undefined : this.ranked[min];
    };
    const meters = (ids: number[]) => ids.map((m) => this.byMeter.get(m));
    switch (p.level) {
      case "meter": return best(...meters(p.meterIds));
      case "distribution_point": return best(this.byDevice.get(`distribution_point:${p.dpId}`), ...meters(this.topology.dps.get(p.dpId)?.meterIds ?? []));
      case "feeder": {
        const substationId = this.topology.feeders.get(p.feederId)?.substationId;
        return best(this.byDevice.get(`feeder:${p.feederId}`), substationId === undefined ? undefined : this.byDevice.get(`substation:${substationId}`));
      }
      case "substation": return best(this.byDevice.get(`substation:${p.substationId}`));
      case "outage": return best(this.byId.get(p.outageId));
      default: return undefined;
    }
  }
}
