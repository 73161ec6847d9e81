import type { StyleSpecification } from "maplibre-gl";

/** The app's fonts (server/map/fonts.ts), as layers name them in `text-font`. */
export const FONTS = { regular: ["Noto Sans Regular"], bold: ["Noto Sans Bold"] };

/** The app's glyph ranges (server/map/router.ts) and RTL text plugin, on the app's own origin. */
export const glyphsUrl = (origin: string) => `${origin}/map/glyphs/{fontstack}/{range}.pbf`;
export const rtlTextPluginUrl = (origin: string) => `${origin}/map/mapbox-gl-rtl-text.js`;

/**
 * The built-in style: no tiles and no sprites, only the app's own glyphs, so the control room
 * draws its network and labels with no internet at all. MAP_STYLE_URL replaces it with a real
 * base map where one exists.
 */
export function offlineStyle(origin: string): StyleSpecification {
  return {
    version: 8,
    name: "OMS offline",
    glyphs: glyphsUrl(origin),
    sources: {},
    layers: [{ id: "background", type: "background", paint: { "background-color": "#0e1726" } }],
  };
}

/**
 * A utility's base map (MAP_STYLE_URL) made to draw its text with the app's fonts: a style has
 * one glyph source, and the network's labels need the app's (Latin and Arabic, served offline).
 * Each of its symbol layers gets Noto Sans Bold where its first font is a bold one, else Regular.
 */
export function withOmsFonts(style: StyleSpecification, origin: string): StyleSpecification {
  const layers = style.layers.map((layer) => {
    if (layer.type !== "symbol" || !layer.layout?.["text-font"]) return layer;
    const font = layer.layout["text-font"];
    const first = Array.isArray(font) && typeof font[0] === "string" ? font[0] : JSON.stringify(font);
    return { ...layer, layout: { ...layer.layout, "text-font": /bold|black|heavy|semibold/i.test(first) ? FONTS.bold : FONTS.regular } };
  });
  return { ...style, glyphs: glyphsUrl(origin), layers };
}

/** Amman, where the demo network is generated. */
export const defaultCenter: [number, number] = [35.93, 31.95];
