import type { SubstationRow } from "./types";

/** `SS001`, `FD0042`: the prefix, then the number zero-padded to `minDigits` or to fit `total`. */
export function code(prefix: string, n: number, minDigits: number, total: number): string {
  return prefix + String(n).padStart(Math.max(minDigits, String(total).length), "0");
}

/** "Marka North 33/11kV" → "Marka North": how feeders, points and depots refer to the site. */
export function siteName(substation: SubstationRow): string {
  return substation.name.replace(/ 33\/11kV$/, "");
}

/**
 * Splits `total` over `buckets` unevenly (weights in [1 - spread, 1 + spread]), giving each bucket
 * at least one while there are enough to go round. Largest-remainder rounding keeps the sum exact.
 */
export function shareOut(total: number, buckets: number, spread: number, next: () => number): number[] {
  const floor = total >= buckets ? 1 : 0;
  const rest = total - floor * buckets;
  const weights = Array.from({ length: buckets }, () => 1 - spread + 2 * spread * next());
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const counts = new Array<number>(buckets);
  const remainders: [number, number][] = [];
  let given = 0;
  for (let i = 0; i < buckets; i++) {
    const exact = (rest * weights[i]) / weightSum;
    counts[i] = floor + Math.floor(exact);
    given += Math.floor(exact);
    remainders.push([exact - Math.floor(exact), i]);
  }
  remainders.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; k < rest - given; k++) counts[remainders[k][1]]++;
  return counts;
}
