import Pbf from "pbf";
import { fontFiles } from "./fonts";
import { GLYPH_SIZE, renderSdf, type SdfGlyph } from "./sdf";

/** A glyph range as MapLibre asks for it: 256 code points from a multiple of 256, in the BMP. */
export const RANGE_PATTERN = /^(\d{1,5})-(\d{1,5})\.pbf$/;
export function parseRange(text: string): number | null {
  const m = RANGE_PATTERN.exec(text);
  if (!m) return null;
  const start = Number(m[1]), end = Number(m[2]);
  return start % 256 === 0 && end === start + 255 && end <= 0xffff ? start : null;
}

/** The names of a font stack ("Noto Sans Regular,Noto Sans Bold") the app does not carry. */
export function unknownFonts(fontstack: string): string[] {
  return fontstack.split(",").map((n) => n.trim()).filter((n) => !fontFiles(n));
}

/** One code point's glyph from the first font of the stack (and the first file of it) that has it. */
function glyphFor(stack: string[], codepoint: number): (SdfGlyph & { id: number }) | null {
  for (const name of stack) {
    const files = fontFiles(name)!;
    // One baseline for the whole stack: the first file's ascender (Latin), also for Arabic glyphs.
    const ascender = (files[0]!.ascender * GLYPH_SIZE) / files[0]!.unitsPerEm;
    for (const font of files) {
      const index = font.tables.cmap.glyphIndexMap[codepoint];
      if (index === undefined) continue;
      const glyph = font.glyphs.get(index);
      const scale = GLYPH_SIZE / font.unitsPerEm;
      return { id: codepoint, ...renderSdf(glyph.getPath(0, 0, GLYPH_SIZE).commands, (glyph.advanceWidth ?? 0) * scale, ascender) };
    }
  }
  return null;
}

/**
 * The glyph PBF of one range of a font stack (MapLibre's `{fontstack}/{range}.pbf`). A range the
 * fonts do not cover is a valid, empty answer (MapLibre then draws nothing for those characters).
 */
export function glyphRangePbf(fontstack: string, start: number): Uint8Array {
  const stack = fontstack.split(",").map((n) => n.trim());
  const glyphs: Array<SdfGlyph & { id: number }> = [];
  for (let cp = start; cp < start + 256; cp++) {
    const g = glyphFor(stack, cp);
    if (g) glyphs.push(g);
  }
  const pbf = new Pbf();
  pbf.writeMessage(1, (_: unknown, out: Pbf) => {
    out.writeStringField(1, fontstack);
    out.writeStringField(2, `${start}-${start + 255}`);
    for (const g of glyphs) {
      out.writeMessage(3, (_g: unknown, o: Pbf) => {
        o.writeVarintField(1, g.id);
        if (g.bitmap.length) o.writeBytesField(2, g.bitmap);
        o.writeVarintField(3, g.width);
        o.writeVarintField(4, g.height);
        o.writeSVarintField(5, g.left);
        o.writeSVarintField(6, g.top);
        o.writeVarintField(7, g.advance);
      }, g);
    }
  }, null);
  return pbf.finish();
}

/**
 * Ranges already made, by stack and range: a range takes tens to hundreds of milliseconds to
 * draw, and a map asks for the same few (Basic Latin, Arabic, Arabic presentation forms) again and again.
 * Bounded: the stacks are few, but a client may ask for every range of every stack.
 */
const MAX_CACHED = 300;
const cache = new Map<string, Uint8Array>();
export function cachedGlyphRange(fontstack: string, start: number): Uint8Array {
  const key = `${fontstack}/${start}`;
  let bytes = cache.get(key);
  if (!bytes) {
    bytes = glyphRangePbf(fontstack, start);
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    cache.set(key, bytes);
  }
  return bytes;
}

/** The ranges a control room in Amman asks for first: Basic Latin, Arabic, and Arabic's presentation forms (RTL shaping). */
const COMMON_RANGES = [0, 1536, 65024, 64256];

/**
 * Makes the common ranges of the map's stacks in the background, one at a time with the event
 * loop free between them, so the first map opened does not wait for them. Returns a stop function.
 */
export function warmGlyphs(stacks: string[]): () => void {
  const work = stacks.flatMap((s) => COMMON_RANGES.map((r) => [s, r] as const));
  let timer: NodeJS.Immediate | NodeJS.Timeout | undefined;
  const next = () => {
    const item = work.shift();
    if (!item) return;
    cachedGlyphRange(item[0], item[1]);
    timer = setImmediate(next);
  };
  // After start-up's own work (migrations, seeding, Next's preparation).
  timer = setTimeout(next, 2000);
  timer.unref();
  return () => { work.length = 0; if (timer) { clearTimeout(timer as NodeJS.Timeout); clearImmediate(timer as NodeJS.Immediate); } };
}
