import type { ExpressionSpecification, GeoJSONSourceSpecification, LayerSpecification } from "maplibre-gl";
import { severityColors } from "../palette";
import { FONTS } from "./style";

/**
 * The map's words and numbers as layers: names of substations, feeders and distribution points
 * (larger zooms for smaller things), the customers out on every outage, and clusters of outages
 * at low zoom with their customers summed. Drawn with the app's own glyphs (server/map).
 */
export const LABEL_LAYERS = {
  substations: "substations-label",
  feeders: "feeders-label",
  distributionPoints: "distribution-points-label",
  outages: "outages-label",
  clusters: "outage-clusters-circle",
  clusterLabels: "outage-clusters-label",
  selectedLabel: "outages-selected-label",
} as const;

/** Zooms from which names appear: substations first, feeders, then distribution points. */
export const LABEL_MIN_ZOOM = { substations: 10, feeders: 12.5, distributionPoints: 15 } as const;

/** Outages merge into clusters up to this zoom; from the next one each is drawn alone. */
export const CLUSTER_MAX_ZOOM = 12;

/** Severity as a rank, so a cluster takes the colour of its worst outage. */
const severityRank: ExpressionSpecification = ["match", ["get", "severity"], "critical", 3, "high", 2, "medium", 1, 0];

/** The outages' source: clustered (MapLibre's supercluster), each cluster summing its customers out. */
export const outageSource = (data: GeoJSONSourceSpecification["data"]): GeoJSONSourceSpecification => ({
  type: "geojson",
  data,
  cluster: true,
  clusterMaxZoom: CLUSTER_MAX_ZOOM,
  clusterRadius: 45,
  clusterProperties: {
    customersOut: ["+", ["get", "customersOut"]],
    worst: ["max", severityRank],
  },
});

const TEXT = "#f3f6fa";
const HALO = "#0b1320";
const customers = ["number-format", ["coalesce", ["get", "customersOut"], 0], { "max-fraction-digits": 0 }] as unknown as ExpressionSpecification;
const byWorst = ["match", ["get", "worst"], 3, severityColors.critical, 2, severityColors.high, 1, severityColors.medium, severityColors.low] as unknown as string;

/** Names: under their symbol for points, along the line for feeders; hidden where they would collide. */
export function nameLayers(sources: { substations: string; feeders: string; distributionPoints: string }): LayerSpecification[] {
  return [
    {
      id: LABEL_LAYERS.feeders,
      type: "symbol",
      source: sources.feeders,
      minzoom: LABEL_MIN_ZOOM.feeders,
      layout: {
        "symbol-placement": "line",
        "symbol-spacing": 350,
        // The code dispatchers use ("FD012") fits along short stretches; the full name once there is room.
        "text-field": ["step", ["zoom"], ["get", "code"], 15, ["get", "name"]],
        "text-font": FONTS.regular,
        "text-size": ["interpolate", ["linear"], ["zoom"], 12.5, 10, 16, 12],
        "text-max-angle": 40,
      },
      paint: { "text-color": "#c9d4e3", "text-halo-color": HALO, "text-halo-width": 1.5 },
    },
    {
      id: LABEL_LAYERS.distributionPoints,
      type: "symbol",
      source: sources.distributionPoints,
      minzoom: LABEL_MIN_ZOOM.distributionPoints,
      layout: {
        "text-field": ["get", "name"],
        "text-font": FONTS.regular,
        "text-size": 10,
        "text-anchor": "top",
        "text-offset": [0, 0.7],
        "text-optional": true,
      },
      paint: { "text-color": "#c9d4e3", "text-halo-color": HALO, "text-halo-width": 1.2 },
    },
    {
      id: LABEL_LAYERS.substations,
      type: "symbol",
      source: sources.substations,
      minzoom: LABEL_MIN_ZOOM.substations,
      layout: {
        "text-field": ["get", "name"],
        "text-font": FONTS.bold,
        "text-size": ["interpolate", ["linear"], ["zoom"], 10, 11, 14, 13],
        "text-anchor": "top",
        "text-offset": [0, 0.9],
        "text-max-width": 9,
      },
      paint: { "text-color": TEXT, "text-halo-color": HALO, "text-halo-width": 1.5 },
    },
  ];
}

/** Outages near each other merged into one circle at low zoom (MapLibre's clustering), coloured by the worst severity in it. */
export const outageClusterLayer = (outages: string): LayerSpecification => ({
  id: LABEL_LAYERS.clusters,
  type: "circle",
  source: outages,
  filter: ["has", "point_count"],
  paint: {
    "circle-radius": ["interpolate", ["linear"], ["sqrt", ["get", "customersOut"]], 1, 20, 10, 24, 40, 40],
    "circle-color": byWorst,
    "circle-opacity": 0.7,
    "circle-stroke-color": "#ffffff",
    "circle-stroke-width": 2,
  },
});

/**
 * The customers out on every outage and cluster: always drawn, and drawn last (layers.ts puts them
 * above the crews and the highlight), so neither a name nor a crew waiting at the depot beside a
 * substation hides a digit of the count; a cluster also says how many outages it holds.
 */
export function outageCountLayers(outages: string, selected: string): LayerSpecification[] {
  const count: LayerSpecification["layout"] = {
    "text-font": FONTS.bold,
    "text-allow-overlap": true,
    "text-ignore-placement": true,
  };
  return [
    {
      id: LABEL_LAYERS.clusterLabels,
      type: "symbol",
      source: outages,
      filter: ["has", "point_count"],
      layout: {
        ...count,
        "text-field": ["format", customers, { "font-scale": 1 }, "\n", {}, ["concat", ["to-string", ["get", "point_count"]], " outages"], { "font-scale": 0.75 }] as unknown as ExpressionSpecification,
        "text-size": 13,
        "text-line-height": 1.1,
      },
      paint: { "text-color": TEXT, "text-halo-color": HALO, "text-halo-width": 1.5 },
    },
    {
      id: LABEL_LAYERS.outages,
      type: "symbol",
      source: outages,
      filter: ["!", ["has", "point_count"]],
      layout: { ...count, "text-field": customers, "text-size": 12 },
      paint: { "text-color": TEXT, "text-halo-color": HALO, "text-halo-width": 1.5 },
    },
    selectedOutageLabel(selected),
  ];
}

/** The customers out on the outage open in the details panel (its own source, never clustered). */
export const selectedOutageLabel = (selected: string): LayerSpecification => ({
  id: LABEL_LAYERS.selectedLabel,
  type: "symbol",
  source: selected,
  layout: { "text-font": FONTS.bold, "text-allow-overlap": true, "text-ignore-placement": true, "text-field": customers, "text-size": 12 },
  paint: { "text-color": TEXT, "text-halo-color": HALO, "text-halo-width": 1.5 },
});
