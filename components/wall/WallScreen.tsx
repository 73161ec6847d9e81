"use client";

import Link from "next/link";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import type { FeatureCollection } from "geojson";
import { useTRPC } from "../providers/trpc";
import { NetworkMap, type FlyTarget } from "../map/NetworkMap";
import { pointsToGeoJson } from "../map/geojson";
import { crewFeatures } from "../map/crewFeatures";
import { StormBanner } from "../storm/StormBanner";
import { ConnectionBadge } from "../live/ConnectionBadge";
import { formatCount } from "../format";
import { SEVERITIES } from "../palette";
import { useWallLive } from "./useWallLive";
import { WorstOutages } from "./WorstOutages";

/**
 * The control room's wall display: the live map and the figures that matter, in type readable
 * across the room, with nothing to press. It reads only what `outages.read` already allows (the
 * server checks every query and the socket), so a viewer may put it on the wall. Full screen is
 * asked for by a person (browsers allow it only after a gesture); Escape leaves it, and Escape
 * again (or the exit link, shown on hover or focus) goes back to the control room.
 */
export function WallScreen() {
  const trpc = useTRPC();
  const config = useQuery(trpc.system.publicConfig.queryOptions());
  const overview = useQuery(trpc.outages.overview.queryOptions(undefined, { refetchInterval: 60_000 }));
  const outages = useQuery(trpc.outages.active.queryOptions());
  const list = useQuery(trpc.outages.list.queryOptions({}));
  const feeders = useQuery(trpc.network.feeders.queryOptions());
  const substations = useQuery(trpc.network.substations.queryOptions());
  const crews = useQuery(trpc.crews.list.queryOptions());
  const areas = useQuery(trpc.outages.areas.queryOptions());
  const live = useWallLive();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(t);
  }, []);

  const root = useRef<HTMLDivElement>(null);
  const [full, setFull] = useState(false);
  useEffect(() => {
    const onChange = () => setFull(document.fullscreenElement !== null);
    document.addEventListener("fullscreenchange", onChange);
    return () => document.removeEventListener("fullscreenchange", onChange);
  }, []);
  const toggleFull = useCallback(() => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void root.current?.requestFullscreen?.().catch(() => undefined);
  }, []);
  useEffect(() => {
    // In full screen the browser takes the first Escape to leave it; outside it, Escape leaves the wall.
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape" && !document.fullscreenElement) window.location.assign("/");
      else if ((e.key === "f" || e.key === "F") && !e.ctrlKey && !e.metaKey && !e.altKey) toggleFull();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [toggleFull]);

  const substationGeoJson = useMemo(() => pointsToGeoJson(substations.data ?? []), [substations.data]);
  const outageGeoJson = useMemo(() => pointsToGeoJson((outages.data ?? []).map((o, i) => ({ ...o, key: o.id, id: i + 1, selected: false }))), [outages.data]);
  const crewGeoJson = useMemo(() => crewFeatures(crews.data ?? [], now), [crews.data, now]);
  // The whole network fills the wall's map, once its lines are known (a person may pan it after).
  const [fit, setFit] = useState<FlyTarget | null>(null);
  useEffect(() => {
    if (fit || !feeders.data?.features.length) return;
    const b = networkBounds(feeders.data);
    if (b) setFit({ lng: (b[0] + b[2]) / 2, lat: (b[1] + b[3]) / 2, bounds: b });
  }, [feeders.data, fit]);
  const ov = overview.data;
  const open = ov ? SEVERITIES.reduce((n, s) => n + ov.outages[s], 0) : undefined;
  const loadError = [config, overview, outages, feeders].find((q) => q.error)?.error;

  return (
    <div className="wall" ref={root} data-testid="wall" data-fullscreen={full || undefined}>
      <nav className="wall-exit" aria-label="Wall display">
        <Link href="/">Back to the control room</Link>
        <button type="button" className="link" onClick={toggleFull}>{full ? "Leave full screen" : "Full screen"} (F)</button>
      </nav>
      <StormBanner />
      <div className="wall-body">
        <section className="wall-map" aria-label="Network map">
          {config.data && feeders.data ? (
            <NetworkMap styleUrl={config.data.mapStyleUrl} substations={substationGeoJson} feeders={feeders.data} outages={outageGeoJson}
              crews={crewGeoJson} areas={areas.data as FeatureCollection | undefined} zoomButtons={false} flyTo={fit} />
          ) : !loadError && <p className="loading map-loading" role="status">Loading the map…</p>}
          {loadError && <div className="notice" role="alert">Could not load the network: {loadError.message}</div>}
        </section>
        <aside className="wall-side" aria-label="Figures">
          <div className="wall-head">
            <h1>Outages now</h1>
            <ConnectionBadge state={live.state} />
          </div>
          <dl className="wall-figures" aria-busy={!ov} data-testid="wall-figures">
            <div className="wall-figure"><dt>Customers out</dt><dd data-testid="wall-customers-out">{formatCount(ov?.customersOut)}</dd></div>
            <div className="wall-figure"><dt>Open outages</dt><dd data-testid="wall-open-outages">{formatCount(open)}</dd></div>
            <div className={`wall-figure ${ov && ov.unacknowledged > 0 ? "wall-alert" : ""}`}>
              <dt>Unacknowledged</dt><dd data-testid="wall-unacknowledged">{formatCount(ov?.unacknowledged)}</dd>
            </div>
            <div className="wall-figure"><dt>Crews busy / available</dt><dd>{formatCount(ov?.crews.busy)} / {formatCount(ov?.crews.available)}</dd></div>
          </dl>
          <ul className="wall-severities" aria-label="Open outages by severity">
            {SEVERITIES.map((s) => (
              <li key={s} className={`wall-sev sev-${s}`} data-severity={s}>
                <span className="wall-sev-name">{s}</span> <b data-testid={`wall-sev-${s}`}>{formatCount(ov?.outages[s])}</b>
              </li>
            ))}
          </ul>
          <WorstOutages rows={list.data} loading={list.isPending} now={now} />
        </aside>
      </div>
    </div>
  );
}

/** [west, south, east, north] around every feeder's line. */
function networkBounds(lines: FeatureCollection): [number, number, number, number] | null {
  const b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  const add = ([lng, lat]: number[]) => {
    b[0] = Math.min(b[0], lng!); b[1] = Math.min(b[1], lat!); b[2] = Math.max(b[2], lng!); b[3] = Math.max(b[3], lat!);
  };
  for (const f of lines.features) {
    const g = f.geometry;
    if (g.type === "LineString") g.coordinates.forEach(add);
    else if (g.type === "MultiLineString") g.coordinates.flat().forEach(add);
  }
  return Number.isFinite(b[0]) ? b : null;
}
