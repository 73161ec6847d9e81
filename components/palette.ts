import type { CSSProperties } from "react";

/**
 * Every colour that carries a meaning on the control room's screens, in one place. MapLibre
 * layers need literal colours, so this is TypeScript; the badges, chips and legend in CSS read
 * the same values as custom properties (`--sev-high`…) that the root layout sets from here.
 * A colour never changes in one place only: the HIGH badge once had medium's yellow while the
 * map, legend and top bar used orange.
 *
 * Safe for colour-blind people (docs/accessibility.md): the hues are Okabe & Ito's ("Color
 * Universal Design", 2008), lightened where text needs 4.5:1 on the dark panels. The old red
 * critical and orange high looked alike to a deuteranope; rose, orange, yellow and sky blue stay
 * apart under deuteranopia and protanopia (checked in tests/accessibility.test.ts). Colour is
 * still never the only cue: the map adds rings and dashes (map/powerCues.ts), badges add words.
 */
export const SEVERITIES = ["critical", "high", "medium", "low"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const severityColors: Record<Severity, string> = {
  critical: "#ff5c8a",
  high: "#f06c00",
  medium: "#f0e442",
  low: "#56b4e9",
};

/** A device's supply: feeders, distribution points, substations (Okabe & Ito's bluish green, yellow, vermillion). */
export const supplyColors = {
  energized: "#009e73",
  partial: "#f0e442",
  de_energized: "#d55e00",
} as const;

/**
 * A meter's power: reported off (a signal said so) and assumed off (under an open device, silent)
 * are both clearly dark, told apart by fill (solid vs hollow), not by hue alone.
 */
export const meterColors = {
  on: supplyColors.energized,
  off: supplyColors.de_energized,
  /** The hollow centre of an assumed-off meter: dark, so the red ring reads as "no supply". */
  assumedFill: "#3a1a08",
  unknown: "#8e9aaf",
} as const;

export const crewColors = { available: "#3fb27f", assigned: "#4aa3ff", en_route: "#4aa3ff", on_site: "#b38cff", off_duty: "#5b6b82" } as const;

/** Text drawn on a filled badge of a severity colour (the critical badge): dark, for 4.5:1 on every fill. */
export const onSeverityFill = "#0b1320";

/** The CSS custom properties the stylesheet's severity and supply classes read, set on <html>. */
export function paletteCssVariables(): CSSProperties {
  const vars: Record<string, string> = {};
  for (const s of SEVERITIES) vars[`--sev-${s}`] = severityColors[s];
  for (const [k, v] of Object.entries(supplyColors)) vars[`--supply-${k.replace("_", "-")}`] = v;
  vars["--on-severity"] = onSeverityFill;
  return vars as CSSProperties;
}
