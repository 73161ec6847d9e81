import type { GeoJSONSource, Map as MapLibreMap } from "maplibre-gl";
import type { FeatureCollection } from "geojson";
import { LAYERS, SOURCES } from "./layers";
import { LABEL_LAYERS } from "./labelLayers";

/** "assumed:40,off:3,on:120": how many of each state, in a stable order (for the map's data attributes). */
export function countBy(states: Iterable<string>): string {
  const counts = new Map<string, number>();
  for (const s of states) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts].sort().map(([k, n]) => `${k}:${n}`).join(",");
}

const distinct = (values: unknown[]) => [...new Set(values.map(String))].sort();

/**
 * What the map has drawn, written on its container once a render settles, so tests read what a
 * person sees: substations, outages (alone or counted in a drawn cluster), clusters as
 * `customers/outages@x y[eventIds]`, the labels drawn per layer (`substations-label:12,…`), meters by
 * state, the crews (`code@lng,lat`, `:depot` when drawn at the depot), the view, and the selected
 * outage's screen point.
 */
export async function writeReadout(map: MapLibreMap, box: HTMLElement, outages: FeatureCollection, stillCurrent: () => boolean): Promise<void> {
  const rendered = (layer: string) => map.queryRenderedFeatures({ layers: [layer] });
  box.setAttribute("data-rendered-substations", distinct(rendered(LAYERS.substations).map((f) => f.properties.code)).join(","));
  const b = map.getBounds();
  box.setAttribute("data-bounds", [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((x) => x.toFixed(6)).join(","));
  const c = map.getCenter();
  box.setAttribute("data-center", `${c.lng.toFixed(4)},${c.lat.toFixed(4)}`);
  box.setAttribute("data-zoom", map.getZoom().toFixed(2));
  // Crews drawn, each as code@lng,lat (":depot" when drawn at its depot for want of a recent position).
  const crewsDrawn = new Map<string, string>();
  for (const f of rendered(LAYERS.crews)) {
    const [x, y] = (f.geometry as GeoJSON.Point).coordinates;
    crewsDrawn.set(String(f.properties.code), `${f.properties.code}@${x.toFixed(4)},${y.toFixed(4)}${f.properties.atDepot ? ":depot" : ""}`);
  }
  box.setAttribute("data-rendered-crews", [...crewsDrawn.values()].sort().join(";"));
  // Meters drawn, by the power state they are drawn in (the live one wins), e.g. "assumed:40,off:3,on:120".
  // (A feature on a tile edge is returned once per tile: count each meter once.)
  const stateOf = new Map<unknown, string>();
  for (const f of rendered(LAYERS.meters)) stateOf.set(f.id, String(f.state?.status ?? f.properties.status));
  box.setAttribute("data-rendered-meter-states", countBy(stateOf.values()));
  const labels = Object.values(LABEL_LAYERS).filter((l) => !l.endsWith("-circle"))
    .map((l) => `${l}:${new Set(rendered(l).map((f) => f.id ?? f.properties.code ?? f.properties.cluster_id)).size}`);
  box.setAttribute("data-rendered-labels", labels.join(","));
  const selected = outages.features.find((f) => f.properties?.selected);
  if (selected?.geometry.type === "Point") {
    const p = map.project(selected.geometry.coordinates as [number, number]);
    box.setAttribute("data-selected-point", `${Math.round(p.x)},${Math.round(p.y)}`);
  } else box.removeAttribute("data-selected-point");

  // Clusters hold their outages out of sight: ask the source which ones (asynchronous).
  const source = map.getSource(SOURCES.outages) as GeoJSONSource;
  const alone = rendered(LAYERS.outages).map((f) => f.properties.eventId);
  const clusters = new Map<number, { customers: number; count: number; at: string }>();
  for (const f of rendered(LABEL_LAYERS.clusters)) {
    const p = map.project((f.geometry as GeoJSON.Point).coordinates as [number, number]);
    clusters.set(Number(f.properties.cluster_id), { customers: Number(f.properties.customersOut), count: Number(f.properties.point_count), at: `${Math.round(p.x)} ${Math.round(p.y)}` });
  }
  const described: string[] = [];
  const inClusters: unknown[] = [];
  for (const [id, { customers, count, at }] of clusters) {
    const leaves = await source.getClusterLeaves(id, Infinity, 0).catch(() => []);
    const ids = distinct(leaves.map((l) => l.properties?.eventId));
    inClusters.push(...ids);
    described.push(`${customers}/${count}@${at}[${ids.join(" ")}]`);
  }
  // A later render may have written its own readout meanwhile: the newest wins.
  if (!stillCurrent()) return;
  const selectedDrawn = rendered(LAYERS.selectedFill).map((f) => f.properties.eventId);
  box.setAttribute("data-rendered-clusters", described.sort().join(","));
  box.setAttribute("data-rendered-outages", distinct([...alone, ...inClusters, ...selectedDrawn]).join(","));
}
