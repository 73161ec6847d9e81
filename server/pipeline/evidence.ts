import type { SourceType } from "../../db/schema";
import type { Signal } from "../ingest/signal";
import type { Rule } from "./rules";
import { sourceWeights } from "./scoring";
import type { Breaker, Decisions, MeterMomentary, MeterPower, PlacedSignal, SignalRef } from "./types";

/** A report that counts for a while (a call, a power-off placed only at a point): when, and which signal. */
export interface Report { at: Date; source: SignalRef }

/** Mutable evidence the batch builds up before clustering. */
export interface Evidence {
  meterPower: Map<number, MeterPower>;
  breakers: Map<string, Breaker>;
  /** Customer reports (calls) still within the rule's window and not answered by a restoration, by meter. */
  reports: Map<number, Report>;
  /** Power-off signals placed only at a distribution point (a location, no meter), by point. */
  dpReports: Map<number, Report>;
  /** Customer calls placed only at a distribution point (a location, no meter), by point. */
  dpCalls: Map<number, Report>;
  /** Meters that came back on in this batch, with when: proof their supply path is live. */
  energizedMeters: Map<number, Date>;
  /**
   * For each open breaker (by `breakerKey`): meters under it that reported power since it opened,
   * among those the batch does not name (the batch's own are in `meterPower`).
   */
  poweredSinceOpen: Map<string, number>;
  /** Meter momentaries of these substations recent enough to join a device momentary with this batch's. */
  recentMomentaries: MeterMomentary[];
  /**
   * Meters whose power-off outlasted the momentary window and whose power-on arrived in this
   * batch before any batch saw the off as sustained: an interruption that must still be an
   * outage (then restored at once), never lost between two sweeps.
   */
  sustainedEnded: Map<number, { offAt: Date; source?: SignalRef }>;
}

export function emptyEvidence(): Evidence {
  return {
    meterPower: new Map(), breakers: new Map(), reports: new Map(), dpReports: new Map(), dpCalls: new Map(),
    energizedMeters: new Map(), poweredSinceOpen: new Map(), recentMomentaries: [], sustainedEnded: new Map(),
  };
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
          if (next === "on" && current.status === "off" && current.changedAt) {
            if (at.getTime() - current.changedAt.getTime() <= momentaryMs) {
              out.momentaries.push({ meterId, offAt: current.changedAt, onAt: at, source: signal.sourceType });
            } else {
              evidence.sustainedEnded.set(meterId, { offAt: current.changedAt, source: current.source });
            }
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
      if (placement.level === "meter") for (const m of placement.meterIds) keepLatest(evidence.reports, m, signal);
      if (placement.level === "distribution_point") keepLatest(evidence.dpCalls, placement.dpId, signal);
    } else if (signal.kind === "power_off" && placement.level === "distribution_point") {
      keepLatest(evidence.dpReports, placement.dpId, signal);
    } else if ((placement.level === "feeder" || placement.level === "substation") && (signal.kind === "power_off" || signal.kind === "power_on")) {
      const id = placement.level === "feeder" ? placement.feederId : placement.substationId;
      const key = breakerKey(placement.level, id);
      const current = evidence.breakers.get(key) ?? { state: "closed" as const, changedAt: null };
      const state = signal.kind === "power_off" ? "open" : "closed";
      if (later(at, current.changedAt) && current.state !== state) {
        evidence.breakers.set(key, { state, changedAt: at });
        out.breakerChanges.push({ level: placement.level, id, state, at, inferred: false });
      } else if (state === "closed" && current.state === "closed" && !current.inferred && later(at, current.changedAt)) {
        // A close of a closed breaker still dates it: a trip delivered late, older than this close, is over.
        evidence.breakers.set(key, { state, changedAt: at });
        out.breakerChanges.push({ level: placement.level, id, state, at, inferred: false });
      } else if (state === "closed" && current.state === "closed" && current.inferred) {
        // SCADA confirms a close the meters had already proved: the breaker is no longer inferred, nothing else changes.
        evidence.breakers.set(key, { state, changedAt: current.changedAt, inferred: false });
        out.breakerChanges.push({ level: placement.level, id, state, at: current.changedAt ?? at, inferred: false });
      }
    }
  }
}

const sourceOf = (s: Signal) => ({ sourceType: s.sourceType, sourceEventId: s.sourceEventId });

function keepLatest(map: Map<number, Report>, key: number, signal: Signal) {
  const prev = map.get(key);
  if (!prev || signal.occurredAt > prev.at) map.set(key, { at: signal.occurredAt, source: sourceOf(signal) });
}

function meterChange(meterId: number, previous: MeterPower["status"], next: "on" | "off", at: Date, signal: Signal) {
  return {
    meterId, previous, next, at,
    source: signal.sourceType as SourceType,
    sourceEventId: signal.sourceEventId,
    confidence: sourceWeights[signal.sourceType],
  };
}
