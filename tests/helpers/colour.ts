/**
 * Colour arithmetic for the accessibility test: WCAG 2.x relative luminance and contrast ratio
 * (https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio), and how a colour looks to someone with
 * deuteranopia or protanopia (Machado, Oliveira & Fernandes 2009, severity 1.0), compared in CIELAB.
 */
export type Rgb = [number, number, number];

export function parseHex(hex: string): Rgb {
  const h = hex.length === 4 ? `#${[...hex.slice(1)].map((c) => c + c).join("")}` : hex;
  return [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)) as Rgb;
}

/** An rgba() colour laid over an opaque one, as the browser paints it. */
export function over([r, g, b, a]: [number, number, number, number], under: Rgb): Rgb {
  return [r, g, b].map((c, i) => Math.round(c * a + under[i]! * (1 - a))) as Rgb;
}

const linear = (c: number) => { const s = c / 255; return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; };

export function luminance(rgb: Rgb): number {
  const [r, g, b] = rgb.map(linear) as Rgb;
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrast(a: Rgb, b: Rgb): number {
  const [x, y] = [luminance(a), luminance(b)];
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}

const MACHADO = {
  deuteranopia: [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.01182, 0.04294, 0.968881]],
  protanopia: [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
} as const;
export type Deficiency = keyof typeof MACHADO;

function lab(lin: Rgb): Rgb {
  const x = (0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]) / 0.95047;
  const y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
  const z = (0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]) / 1.08883;
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}

/** CIE76 colour difference between two colours as seen with `deficiency` (or normal vision). */
export function difference(a: Rgb, b: Rgb, deficiency?: Deficiency): number {
  const seen = (c: Rgb): Rgb => {
    const lin = c.map(linear) as Rgb;
    if (!deficiency) return lab(lin);
    return lab(MACHADO[deficiency].map((row) => Math.min(1, Math.max(0, row[0] * lin[0] + row[1] * lin[1] + row[2] * lin[2]))) as Rgb);
  };
  const [p, q] = [seen(a), seen(b)];
  return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
}
