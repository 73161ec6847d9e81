"use client";

import { useMemo, useRef, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "./providers/trpc";
import { NetworkMap, type FlyTarget } from "./map/NetworkMap";
import { pointsToGeoJson } from "./map/geojson";
import { Legend } from "./map/Legend";
import { SubstationList } from "./SubstationList";
import { ConnectionBadge } from "./live/ConnectionBadge";
import { UserMenu } from "./auth/UserMenu";
import { useLiveChanges } from "./live/useLiveChanges";
import { formatCount } from "./format";
import { OUTAGE_TOPICS } from "../server/realtime/events";

/** How often, at most, a burst of pushed changes refreshes the map's data. */
const REFRESH_MS = 400;

/** The dispatcher's main screen: totals, the substation list and the live map. */
export function ControlRoom() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const config = useQuery(trpc.system.publicConfig.queryOptions());
  const totals = useQuery(trpc.network.totals.queryOptions());
  const substations = useQuery(trpc.network.substations.queryOptions());
  const feeders = useQuery(trpc.network.feeders.queryOptions());
  const outages = useQuery(trpc.outages.active.queryOptions());
  const [flyTo, setFlyTo] = useState<FlyTarget | null>(null);

  // In a storm pushes arrive many times a second: coalesce them into one refetch per tick.
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const live = useLiveChanges((changes) => {
    if (!changes.some((c) => (OUTAGE_TOPICS as readonly string[]).includes(c.topic)) || pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = null;
      void queryClient.invalidateQueries({ queryKey: trpc.outages.active.queryKey() });
      void queryClient.invalidateQueries({ queryKey: trpc.network.feeders.queryKey() });
      void queryClient.invalidateQueries({ queryKey: trpc.network.substations.queryKey() });
    }, REFRESH_MS);
  });

  const substationGeoJson = useMemo(() => pointsToGeoJson(substations.data ?? []), [substations.data]);
  const outageGeoJson = useMemo(() => pointsToGeoJson((outages.data ?? []).map((o, i) => ({ ...o, key: o.id, id: i + 1 }))), [outages.data]);
  const customersOut = outages.data?.reduce((sum, o) => sum + o.customersOut, 0);
  const loadError = [config, totals, substations, feeders, outages].find((q) => q.error)?.error;

  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">OMS Control Room</span>
        <div className="stats" aria-live="polite">
          <span>Customers out <b data-testid="customers-out">{formatCount(customersOut)}</b></span>
          <span>Active outages <b data-testid="active-outages">{formatCount(outages.data?.length)}</b></span>
          <span>Substations <b data-testid="total-substations">{formatCount(totals.data?.substations)}</b></span>
          <span>Feeders <b>{formatCount(totals.data?.feeders)}</b></span>
          <span>Meters <b>{formatCount(totals.data?.meters)}</b></span>
          <span>Crews <b>{formatCount(totals.data?.crews)}</b></span>
        </div>
        <ConnectionBadge state={live.state} />
        <UserMenu />
      </header>
      <div className="main">
        <aside className="side" aria-label="Substations">
          <h2>Substations</h2>
          <SubstationList
            substations={substations.data}
            loading={substations.isPending}
            onSelect={(s) => setFlyTo({ lng: s.lng, lat: s.lat, zoom: 13.5 })}
          />
        </aside>
        <section className="mapwrap">
          {config.data && feeders.data && (
            <NetworkMap styleUrl={config.data.mapStyleUrl} substations={substationGeoJson} feeders={feeders.data} outages={outageGeoJson} flyTo={flyTo} />
          )}
          <Legend />
          {loadError && <div className="notice" role="alert">Could not load the network: {loadError.message}</div>}
        </section>
      </div>
    </div>
  );
}
