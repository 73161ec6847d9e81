import fs from "node:fs";
import { createRequire } from "node:module";
import opentype, { type Font } from "opentype.js";

const require = createRequire(import.meta.url);

/**
 * The map's fonts: Noto Sans (SIL Open Font License) from the @fontsource packages, Latin and
 * Arabic subsets (the demo utility is in Amman: names may be written in either). A font stack
 * is several files, each covering part of Unicode; for a character the first file that has it wins.
 */
const FILES: Record<string, string[]> = {
  "Noto Sans Regular": [
    "@fontsource/noto-sans/files/noto-sans-latin-400-normal.woff",
    "@fontsource/noto-sans/files/noto-sans-latin-ext-400-normal.woff",
    "@fontsource/noto-sans-arabic/files/noto-sans-arabic-arabic-400-normal.woff",
  ],
  "Noto Sans Bold": [
    "@fontsource/noto-sans/files/noto-sans-latin-700-normal.woff",
    "@fontsource/noto-sans/files/noto-sans-latin-ext-700-normal.woff",
    "@fontsource/noto-sans-arabic/files/noto-sans-arabic-arabic-700-normal.woff",
  ],
};

export const FONT_NAMES = Object.keys(FILES);
export const REGULAR_FONT = "Noto Sans Regular";
export const BOLD_FONT = "Noto Sans Bold";

const loaded = new Map<string, Font[]>();

/** The parsed files of a font, read once; undefined for a font the app does not carry. */
export function fontFiles(name: string): Font[] | undefined {
  const files = FILES[name];
  if (!files) return undefined;
  let fonts = loaded.get(name);
  if (!fonts) {
    fonts = files.map((file) => {
      const bytes = fs.readFileSync(require.resolve(file));
      return opentype.parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    });
    loaded.set(name, fonts);
  }
  return fonts;
}

