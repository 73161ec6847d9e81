import type { QueryClient } from "@tanstack/react-query";
import type { useTRPC } from "../providers/trpc";
import type { ChangePayloads } from "../../server/realtime/events";
import type { CrewListRow } from "../../server/trpc/routers/crews";

type Trpc = ReturnType<typeof useTRPC>;

/**
 * Moves a crew in the cached crew list with what its push carries, so a moving crew's dot moves
 * without a refetch. Answers whether the caller must still fetch: the crew is not cached, the
 * push is of an older shape (no `positionAt`), or its status changed (the top bar's counts).
 */
export function applyCrewPush(queryClient: QueryClient, trpc: Trpc, payload: ChangePayloads["crew:updated"]): boolean {
  const rows = queryClient.getQueryData<CrewListRow[]>(trpc.crews.list.queryKey());
  const row = rows?.find((c) => c.id === payload.crewId);
  if (!rows || !row || payload.positionAt === undefined) return true;
  const moved: CrewListRow = {
    ...row, status: payload.status, lat: payload.lat, lng: payload.lng, positionAt: payload.positionAt,
    accuracy: payload.accuracy ?? null, outage: payload.outage ?? row.outage,
  };
  queryClient.setQueryData<CrewListRow[]>(trpc.crews.list.queryKey(), rows.map((c) => (c.id === row.id ? moved : c)));
  return row.status !== payload.status;
}
