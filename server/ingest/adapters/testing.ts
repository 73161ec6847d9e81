import { expect } from "vitest";
import type { ParsedItem, Signal } from "../signal";
import { defaultKaifaEventMap } from "./kaifa";

/** Shared by the adapter tests: a fixed clock, the default Kaifa map, and readers of results. */
export const ctx = { now: new Date("2025-10-01T00:00:00Z"), kaifaEventMap: defaultKaifaEventMap };

/** The one signal of a one-item result (fails the test with the issues otherwise). */
export const only = (items: ParsedItem[]): Signal => {
  expect(items).toHaveLength(1);
  if (!items[0].ok) throw new Error(JSON.stringify(items[0].issues));
  return items[0].signals[0];
};

export const issuesOf = (items: ParsedItem[]) => items.flatMap((i) => (i.ok ? [] : i.issues));
