"use client";

import { useRef } from "react";
import { useQueryClient, type QueryKey } from "@tanstack/react-query";
import { useTRPC } from "../providers/trpc";
import { useLiveChanges, type ConnectionState } from "../live/useLiveChanges";
import { applyOutagePush } from "../live/applyOutagePush";
import { applyCrewPush } from "../live/applyCrewPush";
import type { ChangePayloads } from "../../server/realtime/events";

/** How often, at most, a burst of pushes refreshes the wall's figures (as the control room's REFRESH_MS). */
const REFRESH_MS = 400;

/**
 * The wall's share of the control room's push handling: a push patches the cached markers, list,
 * feeders and substations it carries (applyOutagePush, no refetch); the headline figures and the
 * outage areas, which pushes do not carry, are fetched again at most once per tick. The wall has
 * no details panel, no sound and no tabs, so it needs none of the rest of ControlRoom's handler.
 */
export function useWallLive(): { state: ConnectionState } {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const pending = useRef<{ timer: ReturnType<typeof setTimeout> | null; refetchAll: boolean; figures: boolean; crews: boolean }>(
    { timer: null, refetchAll: false, figures: false, crews: false });
  return useLiveChanges((changes) => {
    const p = pending.current;
    for (const c of changes) {
      if (c.topic.startsWith("outage:")) {
        if (!applyOutagePush(queryClient, trpc, c.payload as ChangePayloads["outage:updated"])) p.refetchAll = true;
        p.figures = true;
      } else if (c.topic === "crew:updated") {
        // A move patches the cached crew; a status change also changes the crew figures.
        if (applyCrewPush(queryClient, trpc, c.payload as ChangePayloads["crew:updated"])) p.figures = p.crews = true;
      } else if (c.topic === "storm:changed") {
        void queryClient.invalidateQueries({ queryKey: trpc.storm.pathKey() });
      }
    }
    if (p.timer || !(p.refetchAll || p.figures)) return;
    p.timer = setTimeout(() => {
      const { refetchAll: all, crews } = p;
      Object.assign(p, { timer: null, refetchAll: false, figures: false, crews: false });
      const keys: QueryKey[] = all
        ? [trpc.outages.pathKey(), trpc.network.feeders.queryKey(), trpc.network.substations.queryKey()]
        : [trpc.outages.overview.queryKey(), trpc.outages.areas.queryKey()];
      if (crews) keys.push(trpc.crews.pathKey());
      for (const queryKey of keys) void queryClient.invalidateQueries({ queryKey });
    }, REFRESH_MS);
  }, () => {
    // Live from here on: whatever changed while the page was connecting is fetched again.
    for (const queryKey of [trpc.outages.pathKey(), trpc.crews.pathKey(), trpc.storm.pathKey(), trpc.network.feeders.queryKey(), trpc.network.substations.queryKey()]) {
      void queryClient.invalidateQueries({ queryKey });
    }
  });
}
