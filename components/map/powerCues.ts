import { meterColors, severityColors, supplyColors, type Severity } from "../palette";

/**
 * How supply and power states are drawn, as data shared by the map layers and the legend.
 * Energized green and de-energized red differ little in lightness (contrast 1.47), so colour is
 * never the only cue: a dark device or meter is also bigger, outlined, hollow or dashed.
 */
export type SupplyState = keyof typeof supplyColors;
export type MeterState = "on" | "off" | "assumed" | "unknown";

/** Feeders: solid when energized, long dashes when partly out, short thick dashes when dead. Dashes are in line widths. */
export const feederCues: Record<SupplyState, { color: string; dash: [number, number] | null; width: number; label: string }> = {
  energized: { color: supplyColors.energized, dash: null, width: 1, label: "energized" },
  partial: { color: supplyColors.partial, dash: [3, 1.5], width: 1.3, label: "partly out" },
  de_energized: { color: supplyColors.de_energized, dash: [2, 1.5], width: 1.7, label: "de-energized" },
};

/** Circles (distribution points, meters): `scale` multiplies the zoom's base radius. */
export interface CircleCue { fill: string; stroke: string; strokeWidth: number; scale: number; label: string }

const MAP_BACKGROUND = "#0e1726";

/** Distribution points (transformers): a dark one is larger and ringed in white. */
export const pointCues: Record<SupplyState, CircleCue> = {
  energized: { fill: supplyColors.energized, stroke: MAP_BACKGROUND, strokeWidth: 1, scale: 1, label: "energized" },
  partial: { fill: supplyColors.partial, stroke: "#ffffff", strokeWidth: 1.5, scale: 1.3, label: "partly out" },
  de_energized: { fill: supplyColors.de_energized, stroke: "#ffffff", strokeWidth: 2, scale: 1.5, label: "de-energized" },
};

/**
 * Meters: reported off (a signal said so) is a solid red disc ringed in white; assumed off (under
 * an open breaker or transformer, silent) is a hollow disc with a thick red ring. Both are large;
 * powered and unknown meters stay small and quiet.
 */
export const meterCues: Record<MeterState, CircleCue> = {
  on: { fill: meterColors.on, stroke: MAP_BACKGROUND, strokeWidth: 0.5, scale: 1, label: "on" },
  off: { fill: meterColors.off, stroke: "#ffffff", strokeWidth: 1.5, scale: 1.6, label: "off (reported)" },
  assumed: { fill: meterColors.assumedFill, stroke: meterColors.off, strokeWidth: 2.5, scale: 1.6, label: "off (assumed: under an open device)" },
  unknown: { fill: meterColors.unknown, stroke: MAP_BACKGROUND, strokeWidth: 0.5, scale: 1, label: "unknown" },
};

/**
 * Outages by severity, told apart without colour too: the worse, the heavier its ring (critical
 * also gets a second, outer ring) and the more solid its area's outline (critical solid, high long
 * dashes, medium short dashes, low dots). Ring and outline widths are in pixels, dashes in line widths.
 */
export const severityCues: Record<Severity, { color: string; ring: number; outerRing: boolean; areaDash: [number, number] | null; areaWidth: number }> = {
  critical: { color: severityColors.critical, ring: 3.5, outerRing: true, areaDash: null, areaWidth: 2.5 },
  high: { color: severityColors.high, ring: 3, outerRing: false, areaDash: [4, 2], areaWidth: 2 },
  medium: { color: severityColors.medium, ring: 1.5, outerRing: false, areaDash: [2, 2], areaWidth: 1.5 },
  low: { color: severityColors.low, ring: 0.5, outerRing: false, areaDash: [0.6, 2.4], areaWidth: 1.5 },
};

/** A MapLibre `match` on a state, from a table of cues; the first key is the fallback. */
export function matchCue<K extends string, C>(input: unknown, cues: Record<K, C>, pick: (c: C) => unknown, fallback: K): unknown {
  const arms = (Object.keys(cues) as K[]).filter((k) => k !== fallback).flatMap((k) => [k, pick(cues[k])]);
  return ["match", input, ...arms, pick(cues[fallback])];
}
