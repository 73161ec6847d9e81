"use client";

import { useEffect, useRef, useState } from "react";
import type { GeoJSONSource, Map as MapLibreMap, MapGeoJSONFeature } from "maplibre-gl";
import type { FeatureCollection } from "geojson";
import { useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../providers/trpc";
import { offlineStyle, defaultCenter, rtlTextPluginUrl, withOmsFonts } from "./style";
import { DISTRIBUTION_POINT_MIN_ZOOM, LAYERS, METER_MIN_ZOOM, SOURCES, networkLayers } from "./layers";
import { LABEL_LAYERS, outageSource } from "./labelLayers";
import { countBy, writeReadout } from "./readout";
import { pointsToGeoJson } from "./geojson";
import { showFeaturePopup } from "./popup";

export interface FlyTarget {
  lng: number;
  lat: number;
  zoom?: number;
  /** Pixels at the right that the details panel covers: the target is centred in the rest of the map. */
  rightInset?: number;
  /** Move only when the target is hidden (under the panel or out of view), and keep the zoom. */
  onlyIfHidden?: boolean;
  /** [west, south, east, north] to fit instead of a centre and zoom (a feeder's route). */
  bounds?: [number, number, number, number];
}
export interface MeterUpdate { id: number; status: string }

interface Props {
  styleUrl: string | null;
  substations: FeatureCollection;
  feeders: FeatureCollection;
  outages: FeatureCollection;
  crews?: FeatureCollection;
  areas?: FeatureCollection;
  /** What is chosen outside the map (a substation, a feeder, a meter found by search), outlined in white. */
  highlight?: FeatureCollection;
  /** Live meter power changes: the map applies them to the meters it draws, once per frame. */
  subscribeMeters?: (listener: (meters: MeterUpdate[]) => void) => () => void;
  flyTo?: FlyTarget | null;
  /** Clicking an outage opens it (instead of a popup). */
  onSelectOutage?: (id: string) => void;
  /**
   * Bumped when pushed changes may have changed the supply state of devices in view: the
   * distribution points and meters in view are fetched again (they are fetched by view, not pushed).
   */
  networkVersion?: number;
  /** The zoom buttons; off on the wall display, which has nothing to press. */
  zoomButtons?: boolean;
}

/** How often live meter changes are painted. */
const METER_PAINT_MS = 250;

const EMPTY: FeatureCollection = { type: "FeatureCollection", features: [] };

/** Whether a place is on screen and clear of the panel at the right, with a margin for its marker. */
function inClearView(map: MapLibreMap, lng: number, lat: number, rightInset: number, margin = 30): boolean {
  const p = map.project([lng, lat]);
  const box = map.getContainer();
  return p.x >= margin && p.y >= margin && p.x <= box.clientWidth - rightInset - margin && p.y <= box.clientHeight - margin;
}

/**
 * The network map. MapLibre is loaded in the browser only (it needs WebGL). Data goes into
 * GeoJSON sources, never React markers. After each render settles, what it drew is written on its
 * container (readout.ts: substations, outages and clusters, labels, the centre, the selected
 * outage's screen point), so tests read what a person sees. Text is drawn with the app's own
 * glyphs, Arabic through MapLibre's RTL plugin served by the app, so labels need no internet.
 */
export function NetworkMap({ styleUrl, substations, feeders, outages, crews = EMPTY, areas = EMPTY, highlight = EMPTY, subscribeMeters, flyTo, onSelectOutage, networkVersion = 0, zoomButtons = true }: Props) {
  const selectRef = useRef(onSelectOutage);
  selectRef.current = onSelectOutage;
  const outagesRef = useRef(outages);
  outagesRef.current = outages;
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const [ready, setReady] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const trpc = useTRPC();
  const queryClient = useQueryClient();

  useEffect(() => {
    let cancelled = false;
    let map: MapLibreMap | undefined;
    (async () => {
      const maplibregl = (await import("maplibre-gl")).default;
      if (cancelled || !container.current) return;
      const origin = window.location.origin;
      // Arabic names are shaped and ordered right to left by the plugin, loaded once per page when first needed.
      if (maplibregl.getRTLTextPluginStatus() === "unavailable") {
        maplibregl.setRTLTextPlugin(rtlTextPluginUrl(origin), true).catch((err) => console.warn("map: RTL text plugin:", err));
      }
      map = new maplibregl.Map({
        container: container.current,
        center: defaultCenter,
        zoom: 10,
        attributionControl: styleUrl ? undefined : false,
      });
      // A utility's base map draws its text with the app's glyphs too (style.ts: one glyph source per style).
      map.setStyle(styleUrl ?? offlineStyle(origin), styleUrl ? { transformStyle: (_previous, next) => withOmsFonts(next, origin) } : undefined);
      if (zoomButtons) map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
      map.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "bottom-right");
      // A base map that cannot be reached must not leave the dispatcher with an empty screen:
      // fall back to the built-in style (the network layers are added again on its load).
      let fellBack = false;
      map.on("error", (e) => {
        console.warn("map:", e.error?.message);
        if (styleUrl && !fellBack && !map!.isStyleLoaded()) {
          fellBack = true;
          setError(`The base map at MAP_STYLE_URL could not be loaded; showing the built-in map.`);
          map!.setStyle(offlineStyle(origin));
        }
      });
      map.once("load", () => {
        if (cancelled || !map) return;
        map.addSource(SOURCES.feeders, { type: "geojson", data: EMPTY });
        map.addSource(SOURCES.distributionPoints, { type: "geojson", data: EMPTY });
        map.addSource(SOURCES.substations, { type: "geojson", data: EMPTY });
        map.addSource(SOURCES.outages, outageSource(EMPTY));
        map.addSource(SOURCES.selectedOutage, { type: "geojson", data: EMPTY });
        map.addSource(SOURCES.crews, { type: "geojson", data: EMPTY });
        map.addSource(SOURCES.meters, { type: "geojson", data: EMPTY });
        map.addSource(SOURCES.areas, { type: "geojson", data: EMPTY });
        map.addSource(SOURCES.highlight, { type: "geojson", data: EMPTY });
        for (const layer of networkLayers) map.addLayer(layer);
        // One click, one popup: the topmost element under the pointer (outage over substation over
        // distribution point over feeder), with a few pixels of slack for thin lines.
        const clickable = [LAYERS.selectedFill, LABEL_LAYERS.clusters, LAYERS.outages, LAYERS.crews, LAYERS.substations, LAYERS.meters, LAYERS.distributionPoints, LAYERS.areas, LAYERS.feeders];
        map.on("click", (e) => {
          const { x, y } = e.point;
          const hits = map!.queryRenderedFeatures([[x - 4, y - 4], [x + 4, y + 4]], { layers: clickable });
          const top = clickable.map((id) => hits.find((f) => f.layer.id === id)).find(Boolean) as MapGeoJSONFeature | undefined;
          if (top?.layer.id === LABEL_LAYERS.clusters) {
            // A cluster opens up: zoom to where its outages come apart.
            const center = (top.geometry as GeoJSON.Point).coordinates as [number, number];
            void (map!.getSource(SOURCES.outages) as GeoJSONSource).getClusterExpansionZoom(Number(top.properties.cluster_id))
              .then((zoom) => map!.easeTo({ center, zoom: Math.max(zoom, map!.getZoom() + 1) }));
          } else if ((top?.layer.id === LAYERS.outages || top?.layer.id === LAYERS.selectedFill || top?.layer.id === LAYERS.areas) && selectRef.current) selectRef.current(String(top.properties.key));
          else if (top) showFeaturePopup(maplibregl, map!, e.lngLat, top.layer.id, top);
        });
        for (const id of clickable) {
          map.on("mouseenter", id, () => { map!.getCanvas().style.cursor = "pointer"; });
          map.on("mouseleave", id, () => { map!.getCanvas().style.cursor = ""; });
        }
        let readouts = 0;
        map.on("idle", () => {
          const mine = ++readouts;
          if (container.current) void writeReadout(map!, container.current, outagesRef.current, () => mine === readouts);
        });
        mapRef.current = map;
        setReady(true);
      });
    })().catch((err) => setError(`The map could not start: ${err instanceof Error ? err.message : String(err)}`));
    return () => {
      cancelled = true;
      map?.remove();
      mapRef.current = null;
    };
  }, [styleUrl]);

  // Push data into each source when it changes, and only that source: a pushed outage change must
  // not send the feeder lines to the map again. Fit the view to the network once.
  const setSource = (id: string, data: FeatureCollection) => {
    const map = mapRef.current;
    if (ready && map) (map.getSource(id) as GeoJSONSource).setData(data);
  };
  useEffect(() => {
    setSource(SOURCES.outages, outages);
    setSource(SOURCES.selectedOutage, { ...outages, features: outages.features.filter((f) => f.properties?.selected) });
  }, [ready, outages]);
  useEffect(() => setSource(SOURCES.crews, crews), [ready, crews]);
  useEffect(() => setSource(SOURCES.areas, areas), [ready, areas]);
  useEffect(() => {
    setSource(SOURCES.highlight, highlight);
    const codes = highlight.features.map((f) => String(f.properties?.code ?? ""));
    if (codes.length) container.current?.setAttribute("data-highlight", codes.join(","));
    else container.current?.removeAttribute("data-highlight");
  }, [ready, highlight]);
  useEffect(() => setSource(SOURCES.feeders, feeders), [ready, feeders]);
  const fitted = useRef(false);
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map) return;
    (map.getSource(SOURCES.substations) as GeoJSONSource).setData(substations);
    if (!fitted.current && substations.features.length > 0) {
      fitted.current = true;
      // Fit the whole network (feeders reach beyond their substations), not just the substations.
      const coords = [
        ...substations.features.map((f) => (f.geometry as GeoJSON.Point).coordinates),
        ...feeders.features.flatMap((f) => (f.geometry as GeoJSON.MultiLineString).coordinates.flat()),
      ];
      const lngs = coords.map((c) => c[0]);
      const lats = coords.map((c) => c[1]);
      map.fitBounds([[Math.min(...lngs), Math.min(...lats)], [Math.max(...lngs), Math.max(...lats)]], {
        padding: 30, duration: 0, maxZoom: 13,
      });
    }
    // The fit reads the feeders of the first render only.
  }, [ready, substations]);

  // Distribution points are many: fetch only those in view, and only when zoomed in; again after
  // a change (networkVersion), never from a cache that predates it (staleTime 0).
  const refreshInView = useRef<() => Promise<void>>(async () => {});
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map) return;
    let generation = 0;
    const refresh = async () => {
      const mine = ++generation;
      if (map.getZoom() < DISTRIBUTION_POINT_MIN_ZOOM) return;
      const b = map.getBounds();
      const rows = await queryClient.fetchQuery({ ...trpc.network.distributionPoints.queryOptions({
        bbox: { west: b.getWest(), south: b.getSouth(), east: b.getEast(), north: b.getNorth() },
      }), staleTime: 0 });
      if (mine === generation) {
        (map.getSource(SOURCES.distributionPoints) as GeoJSONSource).setData(pointsToGeoJson(rows));
        container.current?.setAttribute("data-point-states", countBy(rows.map((r) => r.status)));
      }
      if (map.getZoom() < METER_MIN_ZOOM) return;
      const meters = await queryClient.fetchQuery({ ...trpc.network.meters.queryOptions({
        bbox: { west: b.getWest(), south: b.getSouth(), east: b.getEast(), north: b.getNorth() },
      }), staleTime: 0 });
      if (mine === generation) {
        (map.getSource(SOURCES.meters) as GeoJSONSource).setData(pointsToGeoJson(meters));
        container.current?.setAttribute("data-rendered-meters", String(meters.length));
      }
    };
    refreshInView.current = refresh;
    map.on("moveend", refresh);
    void refresh();
    return () => { map.off("moveend", refresh); };
  }, [ready, queryClient, trpc]);
  useEffect(() => {
    if (networkVersion > 0) void refreshInView.current();
  }, [networkVersion]);

  // Meter changes arrive by the thousand in a storm: keep the latest per meter and paint them
  // four times a second (each paint redraws the map; a person cannot follow more anyway).
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map || !subscribeMeters) return;
    const latest = new Map<number, string>();
    let timer: ReturnType<typeof setTimeout> | null = null;
    let frame = 0;
    let applied = 0;
    const paint = () => {
      frame = 0;
      timer = null;
      for (const [id, status] of latest) map.setFeatureState({ source: SOURCES.meters, id }, { status });
      applied += latest.size;
      latest.clear();
      container.current?.setAttribute("data-meter-updates", String(applied));
    };
    const unsubscribe = subscribeMeters((meters) => {
      for (const m of meters) latest.set(m.id, m.status);
      timer ??= setTimeout(() => { frame = requestAnimationFrame(paint); }, METER_PAINT_MS);
    });
    return () => { unsubscribe(); if (timer) clearTimeout(timer); if (frame) cancelAnimationFrame(frame); };
  }, [ready, subscribeMeters]);

  // The padding is given every time: MapLibre keeps a camera's padding, and a flight made while the
  // details panel was open must not leave later ones off centre.
  useEffect(() => {
    const map = mapRef.current;
    if (!ready || !map || !flyTo) return;
    const right = Math.min(flyTo.rightInset ?? 0, map.getContainer().clientWidth / 2);
    if (flyTo.onlyIfHidden && inClearView(map, flyTo.lng, flyTo.lat, right)) return;
    if (flyTo.bounds) {
      const [w, s, e, n] = flyTo.bounds;
      map.fitBounds([[w, s], [e, n]], { padding: { top: 40, bottom: 40, left: 40, right: right + 40 }, maxZoom: 15 });
      return;
    }
    map.flyTo({ center: [flyTo.lng, flyTo.lat], zoom: flyTo.onlyIfHidden ? map.getZoom() : flyTo.zoom ?? 13, padding: { top: 0, bottom: 0, left: 0, right } });
  }, [ready, flyTo]);

  return (
    <>
      <div ref={container} className="map" data-testid="network-map" role="region" aria-label="Network map" />
      {!ready && !error && <p className="loading map-loading" role="status">Loading the map…</p>}
      {error && <div className="map-warning" role="alert">{error}</div>}
    </>
  );
}
