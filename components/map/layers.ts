import type { ExpressionSpecification, LayerSpecification } from "maplibre-gl";
import { crewColors, severityColors, supplyColors } from "../palette";
import { feederCues, matchCue, meterCues, pointCues, severityCues } from "./powerCues";
import { nameLayers, outageClusterLayer, outageCountLayers } from "./labelLayers";

/** Map layers as data: one place to read how each network element is drawn. */
const status = ["get", "status"];
const byState = matchCue(status, supplyColors, (c) => c, "energized") as unknown as string;

const crewStatusColor = ["match", ["get", "status"], "available", crewColors.available, "assigned", crewColors.assigned,
  "en_route", crewColors.en_route, "on_site", crewColors.on_site, crewColors.off_duty];

export const SOURCES = { feeders: "feeders", substations: "substations", distributionPoints: "distribution-points", outages: "outages", crews: "crews", meters: "meters", areas: "outage-areas", highlight: "highlight", selectedOutage: "outage-selected" } as const;

export const LAYERS = {
  feeders: "feeders-line",
  distributionPoints: "distribution-points-circle",
  substations: "substations-circle",
  outages: "outages-circle",
  selected: "outages-selected",
  selectedFill: "outages-selected-fill",
  outerRing: "outages-critical-ring",
  crews: "crews-circle",
  meters: "meters-circle",
  metersCritical: "meters-critical-halo",
  areas: "outage-areas-fill",
  areasLine: "outage-areas-line",
  highlightLine: "highlight-line",
  highlightPoint: "highlight-point",
} as const;

/** Zoom from which single meters are fetched and drawn. */
export const METER_MIN_ZOOM = 15;

/** An outage's colour by its severity, from the one palette the list badges and top bar also use. */
const bySeverity = ["match", ["get", "severity"], "critical", severityColors.critical, "high", severityColors.high,
  "medium", severityColors.medium, severityColors.low] as unknown as string;
/** The second cue besides colour (powerCues.ts): ring width and the area's dashes by severity. */
const severity = ["get", "severity"];
const ringBySeverity = matchCue(severity, severityCues, (c) => c.ring, "low") as unknown as number;
const outageRadius = (extra: number) => ["interpolate", ["linear"], ["sqrt", ["get", "customersOut"]], 1, 7 + extra, 10, 16 + extra, 40, 34 + extra] as unknown as number;

/** A meter's power: the live pushed state (feature-state) wins over the state fetched with the view. */
const meterPower = ["coalesce", ["feature-state", "status"], ["get", "status"]];
const meter = <T>(pick: (c: (typeof meterCues)["on"]) => unknown) => matchCue(meterPower, meterCues, pick, "on") as unknown as T;
const point = <T>(pick: (c: (typeof pointCues)["energized"]) => unknown) => matchCue(status, pointCues, pick, "energized") as unknown as T;


const feederWidth = matchCue(status, feederCues, (c) => c.width, "energized");

export const networkLayers: LayerSpecification[] = [
  {
    // Each open outage as the area of its affected meters, under everything else.
    id: LAYERS.areas,
    type: "fill",
    source: SOURCES.areas,
    paint: { "fill-color": bySeverity, "fill-opacity": 0.14 },
  },
  {
    id: LAYERS.areasLine,
    type: "line",
    source: SOURCES.areas,
    paint: {
      "line-color": bySeverity,
      "line-width": matchCue(severity, severityCues, (c) => c.areaWidth, "low") as unknown as number,
      "line-opacity": 0.8,
      "line-dasharray": matchCue(severity, severityCues, (c) => ["literal", c.areaDash ?? [1, 0]], "low") as unknown as ExpressionSpecification,
    },
  },
  {
    // What was chosen in the Substations tab or found by search: a white casing under its feeder.
    id: LAYERS.highlightLine,
    type: "line",
    source: SOURCES.highlight,
    filter: ["match", ["geometry-type"], ["LineString", "MultiLineString"], true, false],
    layout: { "line-cap": "round", "line-join": "round" },
    paint: { "line-color": "#ffffff", "line-opacity": 0.55, "line-width": ["interpolate", ["linear"], ["zoom"], 9, 6, 14, 12] },
  },
  {
    id: LAYERS.feeders,
    type: "line",
    source: SOURCES.feeders,
    layout: { "line-cap": "round", "line-join": "round" },
    paint: {
      "line-color": byState,
      // Dead and partly dead feeders are thicker and dashed, not only red or yellow.
      "line-width": ["interpolate", ["linear"], ["zoom"], 9, ["*", 1, feederWidth], 13, ["*", 2.5, feederWidth], 16, ["*", 4, feederWidth]] as unknown as number,
      "line-dasharray": matchCue(status, feederCues, (c) => ["literal", c.dash ?? [1, 0]], "energized") as unknown as ExpressionSpecification,
      "line-opacity": 0.85,
    },
  },
  {
    id: LAYERS.distributionPoints,
    type: "circle",
    source: SOURCES.distributionPoints,
    minzoom: 13,
    paint: {
      "circle-radius": ["interpolate", ["linear"], ["zoom"], 13, ["*", 2.5, point((c) => c.scale)], 17, ["*", 6, point((c) => c.scale)]] as unknown as number,
      "circle-color": point<string>((c) => c.fill),
      "circle-stroke-color": point<string>((c) => c.stroke),
      "circle-stroke-width": point<number>((c) => c.strokeWidth),
    },
  },
  {
    // A critical customer's meter (hospital, life support): a faint white halo, whatever its power.
    id: LAYERS.metersCritical,
    type: "circle",
    source: SOURCES.meters,
    minzoom: METER_MIN_ZOOM,
    filter: ["==", ["get", "critical"], true],
    paint: {
      "circle-radius": ["interpolate", ["linear"], ["zoom"], 15, ["+", 4, ["*", 2, meter((c) => c.scale)]], 18, ["+", 6, ["*", 4.5, meter((c) => c.scale)]]] as unknown as number,
      "circle-color": "rgba(0,0,0,0)",
      "circle-stroke-color": "#ffffff",
      "circle-stroke-width": 1,
      "circle-stroke-opacity": 0.7,
    },
  },
  {
    // Single meters at close zoom: dark ones (reported solid, assumed hollow) stand out, the rest stay quiet.
    id: LAYERS.meters,
    type: "circle",
    source: SOURCES.meters,
    minzoom: METER_MIN_ZOOM,
    paint: {
      "circle-radius": ["interpolate", ["linear"], ["zoom"], 15, ["*", 2, meter((c) => c.scale)], 18, ["*", 4.5, meter((c) => c.scale)]] as unknown as number,
      "circle-color": meter<string>((c) => c.fill),
      "circle-stroke-color": meter<string>((c) => c.stroke),
      "circle-stroke-width": meter<number>((c) => c.strokeWidth),
    },
  },
  {
    id: LAYERS.substations,
    type: "circle",
    source: SOURCES.substations,
    paint: {
      "circle-radius": ["interpolate", ["linear"], ["zoom"], 9, 5, 14, 10],
      "circle-color": byState,
      "circle-stroke-color": "#ffffff",
      "circle-stroke-width": 2,
    },
  },
  ...nameLayers(SOURCES),
  {
    // An outage at its affected meters' centre, sized by the customers it holds dark (alone, out of any cluster).
    id: LAYERS.outages,
    type: "circle",
    source: SOURCES.outages,
    filter: ["!", ["has", "point_count"]],
    paint: {
      "circle-radius": outageRadius(0),
      "circle-color": bySeverity,
      "circle-opacity": 0.55,
      "circle-stroke-color": bySeverity,
      "circle-stroke-width": ringBySeverity,
    },
  },
  {
    // A critical outage's second, outer ring: critical reads as critical without telling colours apart.
    id: LAYERS.outerRing,
    type: "circle",
    source: SOURCES.outages,
    filter: ["all", ["!", ["has", "point_count"]], ["==", ["get", "severity"], "critical"]],
    paint: {
      "circle-radius": outageRadius(6),
      "circle-color": "rgba(0,0,0,0)",
      "circle-stroke-color": severityColors.critical,
      "circle-stroke-width": 2,
    },
  },
  outageClusterLayer(SOURCES.outages),
  {
    // The outage open in the details panel, from a source of its own: drawn even where its neighbours are clustered.
    id: LAYERS.selectedFill,
    type: "circle",
    source: SOURCES.selectedOutage,
    paint: {
      "circle-radius": outageRadius(0),
      "circle-color": bySeverity,
      "circle-opacity": 0.75,
      "circle-stroke-color": bySeverity,
      "circle-stroke-width": ringBySeverity,
    },
  },
  {
    id: LAYERS.selected,
    type: "circle",
    source: SOURCES.selectedOutage,
    paint: {
      "circle-radius": ["interpolate", ["linear"], ["sqrt", ["get", "customersOut"]], 1, 11, 10, 20, 40, 38],
      "circle-color": "rgba(0,0,0,0)",
      "circle-stroke-color": "#ffffff",
      "circle-stroke-width": 3,
    },
  },
  {
    // Crews where they reported from, a dot in the colour of what they are doing; a crew with no
    // recent position is at its depot, drawn hollow (a ring in that colour), so nobody reads it as tracked.
    id: LAYERS.crews,
    type: "circle",
    source: SOURCES.crews,
    paint: {
      "circle-radius": ["interpolate", ["linear"], ["zoom"], 9, 4, 14, 8],
      "circle-color": ["case", ["boolean", ["get", "atDepot"], false], "rgba(11,19,32,0.85)", crewStatusColor] as unknown as string,
      "circle-stroke-color": ["case", ["boolean", ["get", "atDepot"], false], crewStatusColor, "#0b1320"] as unknown as string,
      "circle-stroke-width": ["case", ["boolean", ["get", "atDepot"], false], 2.5, 2] as unknown as number,
    },
  },
  {
    // A chosen substation or a meter found by search: a white ring around it.
    id: LAYERS.highlightPoint,
    type: "circle",
    source: SOURCES.highlight,
    filter: ["match", ["geometry-type"], ["Point", "MultiPoint"], true, false],
    paint: {
      "circle-radius": ["interpolate", ["linear"], ["zoom"], 9, 10, 16, 16],
      "circle-color": "rgba(0,0,0,0)",
      "circle-stroke-color": "#ffffff",
      "circle-stroke-width": 3,
    },
  },
  // Last: the customers out on every outage, cluster and the open outage, above crews and rings.
  ...outageCountLayers(SOURCES.outages, SOURCES.selectedOutage),
];

/** Zoom at which distribution points are fetched and drawn. */
export const DISTRIBUTION_POINT_MIN_ZOOM = 13;
