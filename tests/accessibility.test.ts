import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { crewColors, paletteCssVariables, severityColors, supplyColors } from "../components/palette";
import { contrast, difference, over, parseHex, type Deficiency, type Rgb } from "./helpers/colour";

/**
 * WCAG AA for every text colour the stylesheets set (4.5:1, 3:1 for large text), and the palette
 * told apart with deuteranopia and protanopia. Reads the real stylesheets, so a new rule with a
 * colour is checked without anyone adding it here.
 */
const root = path.resolve(__dirname, "..");
const sheets = ["app/globals.css", ...fs.readdirSync(path.join(root, "components"), { recursive: true, encoding: "utf8" })
  .filter((f) => f.endsWith(".css")).map((f) => `components/${f}`)];
const css = sheets.map((f) => fs.readFileSync(path.join(root, f), "utf8").replace(/\/\*[\s\S]*?\*\//g, "")).join("\n");

const vars: Record<string, string> = { ...(paletteCssVariables() as Record<string, string>) };
for (const m of /:root\s*\{([^}]*)\}/.exec(css)![1]!.matchAll(/(--[\w-]+)\s*:\s*([^;]+);/g)) vars[m[1]!] = m[2]!.trim();

const panel = () => parseHex(vars["--panel"]!);
/** A colour value as painted (rgba over the panel); null for what is not a colour (inherit, none…). */
function paint(value: string | undefined): Rgb | null {
  if (!value) return null;
  const v = value.replace(/!important/, "").trim();
  const ref = /^var\((--[\w-]+)\)$/.exec(v);
  if (ref) return paint(vars[ref[1]!]);
  if (/^#[0-9a-f]{3}([0-9a-f]{3})?$/i.test(v)) return parseHex(v);
  const rgba = /^rgba?\(([^)]+)\)$/.exec(v);
  if (rgba) { const [r, g, b, a = 1] = rgba[1]!.split(",").map(Number); return over([r!, g!, b!, a], panel()); }
  if (v === "#fff" || v === "white") return [255, 255, 255];
  return null;
}

/** The surfaces text without a background of its own sits on. */
const SURFACES = ["--bg", "--panel", "--panel-2"] as const;

type Pair = { rule: string; text: string; on: string; ratio: number; need: number };
const pairs: Pair[] = [];
for (const m of css.matchAll(/([^{}]+)\{([^{}]*)\}/g)) {
  const selector = m[1]!.trim();
  if (selector.startsWith(":root") || selector.startsWith("@")) continue;
  const decl = Object.fromEntries([...m[2]!.matchAll(/([\w-]+)\s*:\s*([^;]+)/g)].map((d) => [d[1]!, d[2]!.trim()]));
  const text = decl.color;
  const fg = paint(text);
  if (!fg) continue;
  const size = parseFloat(decl["font-size"] ?? "14");
  const bold = /^(bold|[6-9]00)$/.test(decl["font-weight"] ?? "");
  // WCAG's large text: 18 pt (24 px), or 14 pt (18.66 px) bold.
  const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
  const bg = paint(decl["background-color"] ?? decl.background?.split(/\s+(?![^(]*\))/)[0]);
  const grounds = bg ? [[decl["background-color"] ?? decl.background!, bg] as const] : SURFACES.map((s) => [s, paint(`var(${s})`)!] as const);
  for (const [on, colour] of grounds) pairs.push({ rule: selector, text: text!, on, ratio: contrast(fg, colour), need });
}

describe("contrast: WCAG AA for text", () => {
  it("finds the stylesheets' text colours (the parse works)", () => {
    expect(pairs.length).toBeGreaterThan(40);
    expect(pairs.some((p) => p.text === "var(--sev-high)")).toBe(true);
    expect(pairs.some((p) => p.rule.includes(".sev-critical") && p.on.includes("--sev-critical"))).toBe(true);
  });

  it("every text colour on its background is at least 4.5:1 (3:1 for large text)", () => {
    const failing = pairs.filter((p) => p.ratio < p.need).map((p) => `${p.rule}: ${p.text} on ${p.on} = ${p.ratio.toFixed(2)} < ${p.need}`);
    expect(failing).toEqual([]);
  });

  it.each(Object.entries(severityColors))("a %s badge's text reads on every panel, as text and as a fill", (_name, colour) => {
    for (const s of SURFACES) expect(contrast(parseHex(colour), paint(`var(${s})`)!)).toBeGreaterThanOrEqual(4.5);
  });

  it("map colours stand out from the map's background by 3:1 (WCAG's non-text contrast)", () => {
    const map = parseHex("#0e1726");
    for (const c of [...Object.values(severityColors), ...Object.values(supplyColors), crewColors.available, crewColors.on_site, crewColors.assigned]) {
      expect(contrast(parseHex(c), map), c).toBeGreaterThanOrEqual(3);
    }
  });
});

describe("colour-blind safe", () => {
  /** Pairs closer than `min` (CIE76 ΔE; about 2 is just noticeable, 20 is plainly two colours) as seen with `deficiency`. */
  const apart = (colours: Record<string, string>, deficiency: Deficiency | undefined, min: number) => {
    const names = Object.keys(colours);
    const close: string[] = [];
    for (const [i, a] of names.entries()) for (const b of names.slice(i + 1)) {
      const d = difference(parseHex(colours[a]!), parseHex(colours[b]!), deficiency);
      if (d < min) close.push(`${a}/${b} ${d.toFixed(1)}`);
    }
    return close;
  };
  it.each([["normal vision", undefined], ["deuteranopia", "deuteranopia"], ["protanopia", "protanopia"]] as const)(
    "the four severities stay apart with %s", (_label, deficiency) => {
      expect(apart(severityColors, deficiency, 20)).toEqual([]);
    });
  it.each([["normal vision", undefined], ["deuteranopia", "deuteranopia"], ["protanopia", "protanopia"]] as const)(
    "energized, partly out and de-energized stay apart with %s", (_label, deficiency) => {
      expect(apart(supplyColors, deficiency, 20)).toEqual([]);
    });
  it("the old palette would have failed (the check can fail)", () => {
    expect(apart({ critical: "#e5484d", high: "#f76b15", medium: "#f0b429", low: "#8e9aaf" }, "deuteranopia", 20)).not.toEqual([]);
  });
});
