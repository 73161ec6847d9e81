import type { SourceType } from "../../db/schema";
import type { Signal } from "../ingest/signal";
import type { Rule } from "./rules";
import { sourceWeights } from "./scoring";
import type { Breaker, Decisions, MeterPower, PlacedSignal } from "./types";

/** Mutable evidence the batch builds up before clustering. */
export interface Evidence {
  meterPower: Map<number, MeterPower>;
  breakers: Map<string, Breaker>;
  /** Customer reports (calls) still within the rule's window, by meter. */
  reports: Map<number, Date>;
  /** Power-off signals placed only at a distribution point (a location, no meter), by point. */
  dpReports: Map<number, Date>;
  /** Customer calls placed only at a distribution point (a location, no meter), by point. */
  dpCalls: Map<number, Date>;
  /** Meters that came back on in this batch, with when: proof their supply path is live. */
  energizedMeters: Map<number, Date>;
}

export const breakerKey = (level: "feeder" | "substation", id: number) => `${level}:${id}`;

const later = (a: Date, b: Date | null) => b === null || a.getTime() > b.getTime();

/**
 * Stage 1 after enrichment: fold each signal into the evidence, in the order the events
 * happened (not the order they arrived), so late and out-of-order deliveries land right.
 * A power-off followed by a power-on of one meter within the momentary window is recorded as
 * a momentary interruption; an off older than the meter's newest state is stale and ignored.
 */
export function applySignals(signals: PlacedSignal[], evidence: Evidence, rule: Rule, out: Decisions) {
  const ordered = [...signals].sort((a, b) => a.signal.occurredAt.getTime() - b.signal.occurredAt.getTime());
  const momentaryMs = rule.momentarySeconds * 1000;

  for (const { signal, placement } of ordered) {
    const at = signal.occurredAt;
    if (placement.level === "meter" && (signal.kind === "power_off" || signal.kind === "power_on")) {
      const next = signal.kind === "power_off" ? "off" : "on";
      for (const meterId of placement.meterIds) {
        const current = evidence.meterPower.get(meterId) ?? { status: "unknown" as const, changedAt: null };
        if (later(at, current.changedAt)) {
          // A power-on proves the supply path is live even when we already thought it was.
          if (next === "on") evidence.energizedMeters.set(meterId, at);
          if (current.status === next) {
            // A repeated on moves the "known good since"; a repeated off keeps when it went dark.
            if (next === "on") evidence.meterPower.set(meterId, { status: "on", changedAt: at, source: sourceOf(signal) });
            continue;
          }
          if (next === "on" && current.status === "off" && current.changedAt && at.getTime() - current.changedAt.getTime() <= momentaryMs) {
            out.momentaries.push({ meterId, offAt: current.changedAt, onAt: at, source: signal.sourceType });
          }
          out.meterChanges.push(meterChange(meterId, current.status, next, at, signal));
          evidence.meterPower.set(meterId, { status: next, changedAt: at, source: sourceOf(signal) });
        } else if (next === "off" && current.status === "on" && current.changedAt
          && current.changedAt.getTime() - at.getTime() <= momentaryMs) {
          // The off arrived after the on that ended it: still a momentary, never an outage.
          out.momentaries.push({ meterId, offAt: at, onAt: current.changedAt, source: signal.sourceType });
        }
      }
    } else if (signal.kind === "customer_report") {
      if (placement.level === "meter") for (const m of placement.meterIds) keepLatest(evidence.reports, m, at);
      if (placement.level === "distribution_point") keepLatest(evidence.dpCalls, placement.dpId, at);
    } else if (signal.kind === "power_off" && placement.level === "distribution_point") {
      keepLatest(evidence.dpReports, placement.dpId, at);
    } else if ((placement.level === "feeder" || placement.level === "substation") && (signal.kind === "power_off" || signal.kind === "power_on")) {
      const id = placement.level === "feeder" ? placement.feederId : placement.substationId;
      const key = breakerKey(placement.level, id);
      const current = evidence.breakers.get(key) ?? { state: "closed" as const, changedAt: null };
      const state = signal.kind === "power_off" ? "open" : "closed";
      if (later(at, current.changedAt) && current.state !== state) {
        evidence.breakers.set(key, { state, changedAt: at });
        out.breakerChanges.push({ level: placement.level, id, state, at });
      }
    }
  }
}

const sourceOf = (s: Signal) => ({ sourceType: s.sourceType, sourceEventId: s.sourceEventId });

function keepLatest(map: Map<number, Date>, key: number, at: Date) {
  const prev = map.get(key);
  if (!prev || at > prev) map.set(key, at);
}

function meterChange(meterId: number, previous: MeterPower["status"], next: "on" | "off", at: Date, signal: Signal) {
  return {
    meterId, previous, next, at,
    source: signal.sourceType as SourceType,
    sourceEventId: signal.sourceEventId,
    confidence: sourceWeights[signal.sourceType],
  };
}
