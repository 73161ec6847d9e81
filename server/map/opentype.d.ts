// The few parts of opentype.js 2 (which ships no types) that the glyph generator uses.
declare module "opentype.js" {
  export interface PathCommand { type: "M" | "L" | "Q" | "C" | "Z"; x?: number; y?: number; x1?: number; y1?: number; x2?: number; y2?: number }
  export interface Glyph { advanceWidth?: number; getPath(x: number, y: number, fontSize: number): { commands: PathCommand[] } }
  export interface Font {
    unitsPerEm: number;
    ascender: number;
    tables: { cmap: { glyphIndexMap: Record<string, number> } };
    glyphs: { get(index: number): Glyph };
  }
  export function parse(buffer: ArrayBuffer): Font;
  const opentype: { parse: typeof parse };
  export default opentype;
}
