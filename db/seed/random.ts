/**
 * A seeded pseudo-random source for the network generator. mulberry32 (Tommy Ettinger's 32-bit
 * generator) is tiny, fast and good enough for synthetic data; what matters here is that the same
 * seed always yields the same network, on any machine and Node version.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** Uniform real in [min, max). */
  between(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks by relative weight; `weights` has one entry per item. */
  weighted<T>(items: readonly T[], weights: readonly number[]): T;
  /** A string of `length` upper-case hex digits. */
  hex(length: number): string;
  /** A string of `length` decimal digits (leading zeros allowed). */
  digits(length: number): string;
}

export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function createRandom(seed: number): Random {
  const next = mulberry32(seed);
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    between: (min, max) => min + next() * (max - min),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)],
    weighted(items, weights) {
      let total = 0;
      for (const w of weights) total += w;
      let r = next() * total;
      for (let i = 0; i < items.length; i++) {
        r -= weights[i];
        if (r < 0) return items[i];
      }
      return items[items.length - 1];
    },
    hex(length) {
      let s = "";
      for (let i = 0; i < length; i++) s += "0123456789ABCDEF"[Math.floor(next() * 16)];
      return s;
    },
    digits(length) {
      let s = "";
      for (let i = 0; i < length; i++) s += String(Math.floor(next() * 10));
      return s;
    },
  };
}

/**
 * A bijection on 32-bit integers (an invertible integer hash). Feeding it distinct indexes gives
 * distinct, random-looking values, which is how serial numbers stay unique without a lookup set.
 */
export function scramble32(index: number, key: number): number {
  let x = (index ^ key) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}
