"use client";

import { useEffect, useRef } from "react";
import type { Map as MapLibreMap } from "maplibre-gl";
import type { FeatureCollection } from "geojson";
import { offlineStyle } from "../map/style";
import { supplyColors } from "../palette";

/** Where the job is: a small map of the feeders around it with the place marked (no base map needed). */
export function CrewMiniMap({ lat, lng, feeders, styleUrl }: { lat: number; lng: number; feeders?: FeatureCollection; styleUrl: string | null }) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  useEffect(() => {
    let cancelled = false;
    let map: MapLibreMap | undefined;
    void (async () => {
      const maplibregl = (await import("maplibre-gl")).default;
      if (cancelled || !container.current) return;
      map = new maplibregl.Map({ container: container.current, style: styleUrl ?? offlineStyle(window.location.origin), center: [lng, lat], zoom: 14.5, attributionControl: false, interactive: true });
      map.once("load", () => {
        if (!map) return;
        map.addSource("feeders", { type: "geojson", data: feeders ?? { type: "FeatureCollection", features: [] } });
        map.addLayer({ id: "feeders", type: "line", source: "feeders", paint: { "line-color": supplyColors.energized, "line-width": 2, "line-opacity": 0.7 } });
        map.addSource("site", { type: "geojson", data: { type: "Feature", geometry: { type: "Point", coordinates: [lng, lat] }, properties: {} } });
        map.addLayer({ id: "site", type: "circle", source: "site", paint: { "circle-radius": 9, "circle-color": supplyColors.de_energized, "circle-stroke-color": "#fff", "circle-stroke-width": 3 } });
        mapRef.current = map;
      });
    })();
    return () => { cancelled = true; map?.remove(); mapRef.current = null; };
  }, [lat, lng, styleUrl, feeders]);
  return <div ref={container} className="mini-map" role="img" aria-label={`Map of the job at ${lat.toFixed(5)}, ${lng.toFixed(5)}`} />;
}
