import type { Severity, SourceType } from "../../db/schema";

/** Source reliability weights of seed 001 (SCADA > Kaifa > ONU > call center). */
export const sourceWeights: Record<SourceType, number> = {
  scada: 1.0,
  kaifa: 0.8,
  onu: 0.6,
  call_center: 0.4,
};

export type SourceCounts = Partial<Record<SourceType, number>>;

/**
 * The seed's confidence formula (seed 000, "Calculate confidence score based on source
 * weights"): the mean source weight over the contributing signals, capped at 1. It rates how
 * trustworthy the kind of evidence is, not how much of it there is; scope is what raises
 * severity below.
 */
export function confidenceOf(counts: SourceCounts): number {
  let weighted = 0;
  let total = 0;
  for (const [source, n] of Object.entries(counts) as [SourceType, number][]) {
    weighted += sourceWeights[source] * n;
    total += n;
  }
  return Math.min(1, weighted / Math.max(total, 1));
}

/** Seed thresholds: ≥0.9 critical, ≥0.7 high, ≥0.5 medium, else low. */
export function severityFromConfidence(confidence: number): Severity {
  if (confidence >= 0.9) return "critical";
  if (confidence >= 0.7) return "high";
  if (confidence >= 0.5) return "medium";
  return "low";
}

const severityRank: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };
const maxSeverity = (a: Severity, b: Severity): Severity => (severityRank[a] >= severityRank[b] ? a : b);

export interface Scope {
  customersOut: number;
  criticalCustomersOut: number;
}

/** Scope thresholds that raise severity (documented in the README). */
export const scopeThresholds = {
  highCustomers: 200,
  criticalCustomers: 1000,
};

/**
 * Severity is the seed's confidence band, raised by what is at stake: a hospital or a
 * life-support customer in the dark, or many customers, is never "low" for a dispatcher.
 */
export function severityOf(confidence: number, scope: Scope): Severity {
  let severity = severityFromConfidence(confidence);
  if (scope.criticalCustomersOut > 0 || scope.customersOut >= scopeThresholds.highCustomers) {
    severity = maxSeverity(severity, "high");
  }
  if (scope.customersOut >= scopeThresholds.criticalCustomers) severity = "critical";
  return severity;
}
