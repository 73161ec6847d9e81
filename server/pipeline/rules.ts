/**
 * A correlation rule as the pipeline reads it: the seed's window, radius and threshold, plus
 * the tunables the seeds leave open (stored in `oms_correlation_rules.parameters`).
 */
export interface Rule {
  name: string;
  windowMinutes: number;
  radiusMeters: number;
  confidenceThreshold: number;
  /** Share of a distribution point's meters that must be off before the outage is put at the point. */
  dpRollupShare: number;
  /** Share of a feeder's distribution points out before the outage rolls up to the feeder. */
  feederRollupShare: number;
  /**
   * A breaker whose SCADA close never arrives is taken as closed once more than this share of the
   * meters under it that can report (smart meters) have reported power since it opened.
   */
  breakerInferShare: number;
  /** Fewest children out before any roll-up (two distribution points, two feeders, two meters). */
  rollupMinChildren: number;
  /** After a restoration, how long a meter that sent a power-off has to report back. */
  verificationMinutes: number;
  /** An off and on of one meter within this many seconds is a momentary interruption. */
  momentarySeconds: number;
}

export const ruleDefaults: Omit<Rule, "name" | "windowMinutes" | "radiusMeters" | "confidenceThreshold"> = {
  dpRollupShare: 0.3,
  feederRollupShare: 0.5,
  breakerInferShare: 0.5,
  rollupMinChildren: 2,
  verificationMinutes: 5,
  momentarySeconds: 60,
};

/** Builds a Rule from a stored row, filling tunables the row does not set. */
export function ruleFromRow(row: {
  ruleName: string;
  correlationWindowMinutes: number;
  spatialRadiusMeters: number;
  confidenceThreshold: number;
  parameters: Record<string, number> | null;
}): Rule {
  const p = row.parameters ?? {};
  const pick = <K extends keyof typeof ruleDefaults>(k: K) => (typeof p[k] === "number" ? p[k] : ruleDefaults[k]);
  return {
    name: row.ruleName,
    windowMinutes: row.correlationWindowMinutes,
    radiusMeters: row.spatialRadiusMeters,
    confidenceThreshold: row.confidenceThreshold,
    dpRollupShare: pick("dpRollupShare"),
    feederRollupShare: pick("feederRollupShare"),
    breakerInferShare: pick("breakerInferShare"),
    rollupMinChildren: pick("rollupMinChildren"),
    verificationMinutes: pick("verificationMinutes"),
    momentarySeconds: pick("momentarySeconds"),
  };
}
