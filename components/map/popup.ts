import type { LngLat, Map as MapLibreMap, MapGeoJSONFeature } from "maplibre-gl";
import { LAYERS } from "./layers";
import { meterCues, type MeterState } from "./powerCues";

type MapLibre = typeof import("maplibre-gl");

const fieldsByLayer: Record<string, Array<[label: string, key: string]>> = {
  [LAYERS.substations]: [["Capacity (MVA)", "capacityMva"], ["Feeders", "feederCount"], ["Meters", "meterCount"], ["State", "status"]],
  [LAYERS.feeders]: [["Substation", "substationCode"], ["State", "status"], ["Breaker", "breaker"]],
  [LAYERS.distributionPoints]: [["Feeder", "feederCode"], ["Meters", "meterCount"], ["State", "status"]],
  [LAYERS.outages]: [["Device", "deviceCode"], ["Level", "level"], ["Customers out", "customersOut"], ["Critical customers", "criticalCustomersOut"],
    ["Severity", "severity"], ["Confidence", "confidence"], ["Status", "status"]],
  [LAYERS.crews]: [["Crew", "name"], ["State", "status"], ["Position", "position"], ["Outage", "outage"]],
  [LAYERS.meters]: [["Power", "power"], ["Critical customer", "criticalText"]],
};

const kindByLayer: Record<string, string> = {
  [LAYERS.substations]: "Substation",
  [LAYERS.feeders]: "Feeder",
  [LAYERS.distributionPoints]: "Distribution point",
  [LAYERS.outages]: "Outage",
  [LAYERS.crews]: "Crew",
  [LAYERS.meters]: "Meter",
};

/** Details of a clicked network element, built with DOM nodes (no HTML strings from data). */
export function showFeaturePopup(maplibregl: MapLibre, map: MapLibreMap, at: LngLat, layerId: string, feature: MapGeoJSONFeature) {
  const p = { ...feature.properties } as Record<string, unknown>;
  if (layerId === LAYERS.meters) {
    // A meter's power as the map draws it: the live pushed state wins over the one fetched with the view.
    const state = String(feature.state?.status ?? p.status) as MeterState;
    p.power = meterCues[state]?.label ?? state;
    p.criticalText = p.critical ? "yes" : undefined;
  }
  const root = document.createElement("div");
  root.className = "popup";
  const title = document.createElement("h3");
  title.textContent = `${kindByLayer[layerId] ?? "Element"} ${p.code ?? p.number ?? p.eventId ?? ""}`;
  const subtitle = document.createElement("div");
  subtitle.textContent = String(p.name ?? "");
  const list = document.createElement("dl");
  for (const [label, key] of fieldsByLayer[layerId] ?? []) {
    if (p[key] === undefined) continue;
    const dt = document.createElement("dt");
    dt.textContent = label;
    const dd = document.createElement("dd");
    dd.textContent = typeof p[key] === "number" ? (p[key] as number).toLocaleString("en") : (p[key] === "closed_inferred" ? "closed (inferred from meters)" : key === "power" || key === "position" ? String(p[key]) : String(p[key]).replace("_", "-"));
    list.append(dt, dd);
  }
  root.append(title, subtitle, list);
  new maplibregl.Popup({ closeButton: true, maxWidth: "280px" }).setLngLat(at).setDOMContent(root).addTo(map);
}
