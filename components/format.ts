const countFormat = new Intl.NumberFormat("en");

/** 20000 → "20,000"; unknown → an en dash placeholder of stable width. */
export function formatCount(n: number | undefined | null): string {
  return n === undefined || n === null ? "–" : countFormat.format(n);
}
