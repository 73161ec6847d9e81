import { isDeepStrictEqual } from "node:util";
import type { Evidence } from "../pipeline/evidence";
import type { OutageSnapshot } from "../pipeline/types";
import type { Settlement } from "../pipeline/reconcile";

interface State { evidence: Evidence; outages: OutageSnapshot[] }

/** A comparable form: maps as sorted entries, dates as milliseconds, absent as null. */
function plain(v: unknown): unknown {
  if (v instanceof Date) return v.getTime();
  if (v instanceof Map) return [...v].map(([k, x]) => [k, plain(x)]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  if (v instanceof Set) return [...v].map(plain).sort();
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = plain(x);
    }
    return out;
  }
  return v;
}

export class StateMismatchError extends Error {
  constructor(substationIds: number[], readonly differences: string[]) {
    super(`The state cache of substations ${substationIds.join(", ")} differs from the database: ${differences.join("; ")}`);
    this.name = "StateMismatchError";
  }
}

/**
 * With OMS_VERIFY_STATE=1 (the tests, and storms run to prove it), every batch that takes its
 * substations' state from the cache also loads it from the database and requires the two to be
 * equal, so a cache that drifts from the record fails loudly instead of deciding differently.
 */
export async function verifyState(substationIds: number[], cached: State, loaded: State) {
  const differences: string[] = [];
  const sortById = (os: OutageSnapshot[]) => [...os].sort((a, b) => a.id.localeCompare(b.id));
  const a = sortById(cached.outages);
  const b = sortById(loaded.outages);
  if (a.map((o) => o.id).join() !== b.map((o) => o.id).join()) {
    differences.push(`live outages: cache ${a.map((o) => o.eventId).join(",") || "none"}, database ${b.map((o) => o.eventId).join(",") || "none"}`);
  } else {
    a.forEach((o, i) => {
      const x = plain({ ...o, mergedIntoId: o.mergedIntoId ?? null }) as Record<string, unknown>;
      const y = plain({ ...b[i], mergedIntoId: b[i].mergedIntoId ?? null }) as Record<string, unknown>;
      for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) {
        if (!isDeepStrictEqual(x[k], y[k])) differences.push(`outage ${o.eventId} ${k}: cache ${JSON.stringify(x[k]).slice(0, 300)}, database ${JSON.stringify(y[k]).slice(0, 300)}`);
      }
    });
  }
  for (const k of Object.keys(loaded.evidence) as Array<keyof Evidence>) {
    const x = plain(cached.evidence[k]);
    const y = plain(loaded.evidence[k]);
    if (!isDeepStrictEqual(x, y)) differences.push(`evidence ${k}: cache ${JSON.stringify(x).slice(0, 300)}, database ${JSON.stringify(y).slice(0, 300)}`);
  }
  if (differences.length) throw new StateMismatchError(substationIds, differences);
}

/** A difference in what is read from the database every batch (calls, momentaries), not held in memory. */
export const isWindowDifference = (difference: string) => /^evidence (reports|dpCalls|recentMomentaries):/.test(difference);

/** With OMS_VERIFY_STATE=1: what settles the off meters, from memory, must be what the database says. */
export function verifySettlements(substationIds: number[], cached: Map<number, Settlement>, loaded: Map<number, Settlement>) {
  const x = plain(cached);
  const y = plain(loaded);
  if (!isDeepStrictEqual(x, y)) throw new StateMismatchError(substationIds, [`settlements: cache ${JSON.stringify(x).slice(0, 300)}, database ${JSON.stringify(y).slice(0, 300)}`]);
}
