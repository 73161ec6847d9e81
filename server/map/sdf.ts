import type { PathCommand } from "opentype.js";

/**
 * A glyph's signed distance field as MapLibre reads it from a glyph PBF (the format node-fontnik
 * writes): drawn at 24 px, with a 3 px border, distances up to 8 px of which a quarter inside, so
 * the outline sits at the value 192 that MapLibre's text shader cuts at.
 */
export const GLYPH_SIZE = 24;
export const BORDER = 3;
const RADIUS = 8;
const CUTOFF = 0.25;
/** Straight pieces a curve is cut into: a 24 px glyph's curves are short. */
const CURVE_STEPS = 6;

export interface SdfGlyph { width: number; height: number; left: number; top: number; advance: number; bitmap: Uint8Array }

type Pt = [number, number];

/** The outline as closed polygons of points, in pixels, y down (opentype.js draws that way). */
function contours(commands: PathCommand[]): Pt[][] {
  const out: Pt[][] = [];
  let ring: Pt[] = [];
  let at: Pt = [0, 0];
  const close = () => { if (ring.length > 2) out.push(ring); ring = []; };
  for (const c of commands) {
    if (c.type === "M") { close(); at = [c.x!, c.y!]; ring.push(at); }
    else if (c.type === "L") { at = [c.x!, c.y!]; ring.push(at); }
    else if (c.type === "Q") {
      const [x0, y0] = at;
      for (let i = 1; i <= CURVE_STEPS; i++) {
        const t = i / CURVE_STEPS, u = 1 - t;
        ring.push([u * u * x0 + 2 * u * t * c.x1! + t * t * c.x!, u * u * y0 + 2 * u * t * c.y1! + t * t * c.y!]);
      }
      at = [c.x!, c.y!];
    } else if (c.type === "C") {
      const [x0, y0] = at;
      for (let i = 1; i <= CURVE_STEPS; i++) {
        const t = i / CURVE_STEPS, u = 1 - t;
        ring.push([
          u * u * u * x0 + 3 * u * u * t * c.x1! + 3 * u * t * t * c.x2! + t * t * t * c.x!,
          u * u * u * y0 + 3 * u * u * t * c.y1! + 3 * u * t * t * c.y2! + t * t * t * c.y!,
        ]);
      }
      at = [c.x!, c.y!];
    } else close();
  }
  close();
  return out;
}

/** Squared distance from (px, py) to the segment a-b. */
function segmentDistance2(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax, dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const ex = ax + t * dx - px, ey = ay + t * dy - py;
  return ex * ex + ey * ey;
}

/**
 * The SDF of one glyph from its outline (exact distances to the flattened outline, inside by the
 * non-zero winding rule, as TrueType fills). `ascender` (px) is subtracted from the top, as
 * node-fontnik does, so every glyph of a stack shares one baseline.
 */
export function renderSdf(commands: PathCommand[], advance: number, ascender: number): SdfGlyph {
  const rings = contours(commands);
  const points = rings.flat();
  if (points.length === 0) return { width: 0, height: 0, left: 0, top: 0, advance: Math.round(advance), bitmap: new Uint8Array(0) };
  const left = Math.floor(Math.min(...points.map((p) => p[0])));
  const right = Math.ceil(Math.max(...points.map((p) => p[0])));
  const topY = Math.floor(Math.min(...points.map((p) => p[1])));
  const bottomY = Math.ceil(Math.max(...points.map((p) => p[1])));
  const width = right - left, height = bottomY - topY;
  const w = width + 2 * BORDER, h = height + 2 * BORDER;
  // Segments as flat arrays: the loop below runs width × height × segments times.
  const segs: number[] = [];
  for (const ring of rings) {
    for (let i = 0; i < ring.length; i++) {
      const a = ring[i]!, b = ring[(i + 1) % ring.length]!;
      segs.push(a[0], a[1], b[0], b[1]);
    }
  }
  const bitmap = new Uint8Array(w * h);
  // Beyond REACH a distance no longer changes the value (it is clamped): per row, only the edges
  // that come that near matter for the distance, and only those crossing the row for the winding.
  const reach = RADIUS * Math.max(CUTOFF, 1 - CUTOFF) + 1;
  const near: number[] = [];
  for (let j = 0; j < h; j++) {
    const py = topY - BORDER + j + 0.5;
    near.length = 0;
    for (let k = 0; k < segs.length; k += 4) {
      const ay = segs[k + 1]!, by = segs[k + 3]!;
      if (Math.min(ay, by) - reach <= py && py <= Math.max(ay, by) + reach) near.push(k);
    }
    for (let i = 0; i < w; i++) {
      const px = left - BORDER + i + 0.5;
      let best = reach * reach;
      let winding = 0;
      for (const k of near) {
        const ax = segs[k]!, ay = segs[k + 1]!, bx = segs[k + 2]!, by = segs[k + 3]!;
        if (Math.min(ax, bx) - reach <= px && px <= Math.max(ax, bx) + reach) {
          const d = segmentDistance2(px, py, ax, ay, bx, by);
          if (d < best) best = d;
        }
        // Winding number: a horizontal ray to the right crossing the edge upwards or downwards.
        const cross = (bx - ax) * (py - ay) - (px - ax) * (by - ay);
        if (ay <= py) { if (by > py && cross > 0) winding++; }
        else if (by <= py && cross < 0) winding--;
      }
      const signed = (winding !== 0 ? -1 : 1) * Math.sqrt(best);
      const value = 255 - 255 * (signed / RADIUS + CUTOFF);
      bitmap[j * w + i] = value < 0 ? 0 : value > 255 ? 255 : Math.round(value);
    }
  }
  return { width, height, left, top: -topY - Math.round(ascender), advance: Math.round(advance), bitmap };
}
