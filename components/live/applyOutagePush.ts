import type { QueryClient } from "@tanstack/react-query";
import type { useTRPC } from "../providers/trpc";
import type { ChangePayloads } from "../../server/realtime/events";
import { carriesListFields, patchFeeders, patchList, patchMarkers, patchSubstations, type ListInput, type ListRow, type MarkerRow } from "./patchOutages";

type Trpc = ReturnType<typeof useTRPC>;

/**
 * Patches the control room's cached outage lists (every filter held), markers, feeders and
 * substations with one pushed outage change. False when the push does not carry what the list
 * needs (a change recorded by an older server, replayed): the caller refetches instead.
 */
export function applyOutagePush(queryClient: QueryClient, trpc: Trpc, payload: ChangePayloads["outage:updated"]): boolean {
  if (!payload.outages.every(carriesListFields)) return false;
  for (const [key, rows] of queryClient.getQueriesData<ListRow[]>({ queryKey: trpc.outages.list.pathKey() })) {
    if (!rows) continue;
    const input = ((key[1] as { input?: ListInput } | undefined)?.input ?? {}) as ListInput;
    queryClient.setQueryData<ListRow[]>(key, patchList(rows, input, payload.outages));
  }
  queryClient.setQueryData(trpc.outages.active.queryKey(), (markers) => markers && (patchMarkers(markers as MarkerRow[], payload.outages) as typeof markers));
  const devices = payload.devices;
  if (devices) {
    queryClient.setQueryData(trpc.network.feeders.queryKey(), (lines) => lines && patchFeeders(lines, devices));
    queryClient.setQueryData(trpc.network.substations.queryKey(), (list) => list && patchSubstations(list, devices));
  }
  return true;
}
