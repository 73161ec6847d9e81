"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "./providers/trpc";

/**
 * The utility's time zone (UTILITY_TIME_ZONE), which every time on every screen is shown in;
 * undefined until it has loaded (formatTime shows a placeholder meanwhile, never the browser's zone).
 */
export function useTimeZone(): string | undefined {
  const trpc = useTRPC();
  return useQuery(trpc.system.publicConfig.queryOptions(undefined, { staleTime: Infinity })).data?.timeZone;
}
