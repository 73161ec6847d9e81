import path from "node:path";
import { createRequire } from "node:module";
import { Router } from "express";
import { cachedGlyphRange, parseRange, unknownFonts } from "./glyphs";
import { FONT_NAMES } from "./fonts";

const require = createRequire(import.meta.url);
/** MapLibre's right-to-left plugin (Arabic shaping and bidi), served by the app: no CDN. */
// (The package exports only its source entry, so the built file is found beside it.)
const rtlTextPlugin = path.join(path.dirname(require.resolve("@mapbox/mapbox-gl-rtl-text")), "../dist/mapbox-gl-rtl-text.js");

/** Where the map's own assets are served; the built-in style and the client read these. */
export const GLYPHS_PATH = "/map/glyphs";
export const RTL_TEXT_PATH = "/map/mapbox-gl-rtl-text.js";

/** A stack name is at most a few font names: anything longer is not a map asking. */
const MAX_FONTSTACK = 200;

/**
 * The map's glyphs (`/map/glyphs/{fontstack}/{range}.pbf`, SDF glyphs made from the bundled Noto
 * fonts on first request, then kept) and the RTL text plugin. Open to anyone, like the page's
 * scripts: fonts are public and carry nothing of the utility's.
 */
export function mapAssetsRouter(): Router {
  const router = Router();
  router.get(`${GLYPHS_PATH.replace("/map", "")}/:fontstack/:range`, (req, res) => {
    const { fontstack, range } = req.params;
    const start = parseRange(range);
    if (fontstack.length > MAX_FONTSTACK || start === null) {
      const issues = start === null
        ? [{ path: "range", message: "must be {start}-{end}.pbf, 256 code points from a multiple of 256 up to 65535" }]
        : [{ path: "fontstack", message: `must be at most ${MAX_FONTSTACK} characters` }];
      return void res.status(400).json({ error: "invalid", message: `The glyph request is not valid: ${issues[0]!.path} ${issues[0]!.message}`, issues });
    }
    const unknown = unknownFonts(fontstack);
    if (unknown.length) {
      return void res.status(404).json({ error: "not_found", message: `No font ${unknown.join(", ")}; this server has ${FONT_NAMES.join(", ")}`, issues: [{ path: "fontstack", message: `unknown font ${unknown.join(", ")}` }] });
    }
    // The fonts come with the app's packages: they change only with a new build.
    res.set({ "Cache-Control": "public, max-age=86400", "Content-Type": "application/x-protobuf" });
    res.send(Buffer.from(cachedGlyphRange(fontstack, start)));
  });
  router.get(RTL_TEXT_PATH.replace("/map", ""), (_req, res) => {
    res.sendFile(rtlTextPlugin, { maxAge: "1d", headers: { "Content-Type": "text/javascript; charset=utf-8" } });
  });
  return router;
}
