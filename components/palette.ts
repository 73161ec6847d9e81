import type { CSSProperties } from "react";

/**
 * Every colour that carries a meaning on the control room's screens, in one place. MapLibre
 * layers need literal colours, so this is TypeScript; the badges, chips and legend in CSS read
 * the same values as custom properties (`--sev-high`…) that the root layout sets from here.
 * A colour never changes in one place only: the HIGH badge once had medium's yellow while the
 * map, legend and top bar used orange.
 */
export const SEVERITIES = ["critical", "high", "medium", "low"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const severityColors: Record<Severity, string> = {
  critical: "#e5484d",
  high: "#f76b15",
  medium: "#f0b429",
  low: "#8e9aaf",
};

/** A device's supply: feeders, distribution points, substations. */
export const supplyColors = {
  energized: "#3fb27f",
  partial: "#f0b429",
  de_energized: "#e5484d",
} as const;

/**
 * A meter's power: reported off (a signal said so) and assumed off (under an open device, silent)
 * are both clearly dark, told apart by fill (solid vs hollow), not by hue alone.
 */
export const meterColors = {
  on: supplyColors.energized,
  off: supplyColors.de_energized,
  /** The hollow centre of an assumed-off meter: dark, so the red ring reads as "no supply". */
  assumedFill: "#3a1418",
  unknown: "#8e9aaf",
} as const;

export const crewColors = { available: "#3fb27f", assigned: "#4aa3ff", en_route: "#4aa3ff", on_site: "#b38cff", off_duty: "#5b6b82" } as const;

/** The CSS custom properties the stylesheet's severity and supply classes read, set on <html>. */
export function paletteCssVariables(): CSSProperties {
  const vars: Record<string, string> = {};
  for (const s of SEVERITIES) vars[`--sev-${s}`] = severityColors[s];
  for (const [k, v] of Object.entries(supplyColors)) vars[`--supply-${k.replace("_", "-")}`] = v;
  return vars as CSSProperties;
}
