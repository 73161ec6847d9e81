import type { StyleSpecification } from "maplibre-gl";

/**
 * The built-in style: no tiles, no glyphs, no sprites, so the control room draws its network
 * with no internet at all. MAP_STYLE_URL replaces it with a real base map where one exists.
 */
export const offlineStyle: StyleSpecification = {
  version: 8,
  name: "OMS offline",
  sources: {},
  layers: [{ id: "background", type: "background", paint: { "background-color": "#0e1726" } }],
};

/** Amman, where the demo network is generated. */
export const defaultCenter: [number, number] = [35.93, 31.95];
