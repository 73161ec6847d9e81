"use client";

import { useSyncExternalStore } from "react";
import { TRPCClientError } from "@trpc/client";

/**
 * Whether the server has said its database is unreachable (a 503, or a live connection refused
 * for it), and not yet answered anything since. One flag for the page: every tRPC answer and
 * live connection reports to it, and the banner shows it.
 */
let unreachable = false;
const listeners = new Set<() => void>();

export function reportDatabase(reachable: boolean): void {
  if (unreachable === !reachable) return;
  unreachable = !reachable;
  for (const listener of listeners) listener();
}

export function useDatabaseUnreachable(): boolean {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => unreachable,
    () => false,
  );
}

/** A tRPC error that means "try again shortly", not "sign in" (server/trpc/errors.ts). */
export function isUnavailable(err: unknown): boolean {
  return err instanceof TRPCClientError && (err.data as { code?: string } | undefined)?.code === "SERVICE_UNAVAILABLE";
}

/** How long to wait before asking again: the server's Retry-After. */
export const RETRY_MS = 5_000;
