"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import type { FeatureCollection } from "geojson";
import { useTRPC } from "../providers/trpc";
import { formatCount, formatTime } from "../format";
import { pointsToGeoJson } from "../map/geojson";
import { advance, devicesAt, isShown, PLAYBACK_SEVERITIES, PLAYBACK_STATUSES, type DeviceFrame, type Playback, type PlaybackFrame } from "../../db/queries/playbackFormat";
import type { HistoryRange } from "./HistoryPanel";

export const PLAYBACK_SPEEDS = [1, 10, 60, 600] as const;
/** How often the playing clock moves the map: a person follows a few steps a second, and each step redraws it. */
const TICK_MS = 250;

/** The outages the map shows at `t`, as the live markers are drawn (layers.ts reads severity, customersOut, eventId, key). */
function outagesAt(p: Playback, state: Map<number, PlaybackFrame>, selected: string | null): FeatureCollection {
  const rows = [...state.values()].filter(isShown).map((f, i) => {
    const [id, eventId, level, deviceCode] = p.outages[f[1]]!;
    return { id: i + 1, key: id, eventId, level, deviceCode, status: PLAYBACK_STATUSES[f[2]], severity: PLAYBACK_SEVERITIES[f[3]],
      customersOut: f[4], lat: f[5]!, lng: f[6]!, selected: id === selected };
  });
  return pointsToGeoJson(rows);
}

/** How many of these device changes had happened by `t` (they are in time order). */
const appliedBy = (changes: ReadonlyArray<DeviceFrame | PlaybackFrame>, t: number) => {
  let lo = 0, hi = changes.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (changes[mid]![0] <= t) lo = mid + 1; else hi = mid; }
  return lo;
};

/**
 * Playback of a past range: the changes are fetched once (the state at the start and every change
 * after it, from the server's change log); the clock runs here, at the chosen speed, and the
 * outages of each instant go to the map instead of the live ones.
 */
export function usePlayback<F extends FeatureCollection, S extends { id: number; status: string }>(range: HistoryRange | null, selected: string | null,
  live: { feeders: F | undefined; substations: S[] | undefined }) {
  const trpc = useTRPC();
  const data = useQuery({ ...trpc.history.playback.queryOptions(range ?? { from: "", to: "" }), enabled: range != null, staleTime: Infinity });
  const p = range ? data.data : undefined;
  const [t, setT] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState<number>(60);
  const length = p ? new Date(p.to).getTime() - new Date(p.from).getTime() : 0;
  useEffect(() => { setT(0); setPlaying(false); }, [p]);
  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => setT((x) => {
      const next = Math.min(length, x + TICK_MS * speed);
      if (next >= length) setPlaying(false);
      return next;
    }), TICK_MS);
    return () => clearInterval(timer);
  }, [playing, speed, length]);
  // Playing forward applies only the changes since the last step; a seek back starts from the beginning.
  const cursor = useRef<{ p: Playback; t: number; state: Map<number, PlaybackFrame>; next: number } | null>(null);
  // A new map source only when a change was applied: between changes the clock moves and the map stays.
  const outageStep = p ? appliedBy(p.changes, t) : 0;
  const outages = useMemo(() => {
    if (!p) return null;
    const c = cursor.current;
    const step = c && c.p === p && t >= c.t ? advance(p, t, c.state, c.next) : advance(p, t);
    cursor.current = { p, t, ...step };
    return outagesAt(p, step.state, selected);
    // (t moves every tick; what is drawn only at a change, outageStep.)
  }, [p, outageStep, selected]);
  // Feeders and substations as they were: redrawn only when one of them changed (2,000 lines cost about a second to send).
  const feederStep = p ? appliedBy(p.feeders.changes, t) : 0;
  const substationStep = p ? appliedBy(p.substations.changes, t) : 0;
  const feeders = useMemo(() => {
    if (!p || !live.feeders) return null;
    const at = devicesAt(p.feeders, t);
    return { ...live.feeders, features: live.feeders.features.map((f) => {
      const d = at.get(Number(f.properties?.id));
      return { ...f, properties: { ...f.properties, status: d?.[2] ?? "energized", breaker: d?.[3] ?? "closed" } };
    }) } as F;
    // (t moves every tick; the drawn state only at a change, feederStep.)
  }, [p, feederStep, live.feeders]);
  const substations = useMemo(() => {
    if (!p || !live.substations) return null;
    const at = devicesAt(p.substations, t);
    return live.substations.map((s) => ({ ...s, status: at.get(s.id)?.[2] ?? "energized" }));
  }, [p, substationStep, live.substations]);
  return { playback: p, feeders, substations, loading: range != null && data.isPending, error: data.error, t, setT, playing, setPlaying, speed, setSpeed, length, outages };
}

/** Over the map while it plays back: unmistakably not live, with the clock, the controls and the way back. */
export function PlaybackBar({ play, timeZone, onExit }: { play: ReturnType<typeof usePlayback>; timeZone?: string; onExit: () => void }) {
  const { playback: p, t, setT, playing, setPlaying, speed, setSpeed, length, outages } = play;
  const at = p ? new Date(new Date(p.from).getTime() + t) : null;
  const unlogged = p?.logStartsAt && new Date(p.logStartsAt).getTime() > new Date(p.from).getTime();
  return (
    <div className="playback-bar" role="region" aria-label="Playback" data-testid="playback" data-playback-at={at?.toISOString() ?? ""} data-playing={playing ? "yes" : "no"}>
      <div className="playback-head">
        <b className="playback-flag">Playback · not live</b>
        <span className="playback-clock" data-testid="playback-clock">{at ? formatTime(at, timeZone, { seconds: true }) : "Loading…"}</span>
        <span className="muted">{formatCount(outages?.features.length)} outages on the map</span>
        <button type="button" className="playback-exit" onClick={onExit}>Back to live</button>
      </div>
      {play.error && <p className="form-error" role="alert">Could not load the playback: {play.error.message}</p>}
      {p && (
        <div className="playback-controls">
          <button type="button" onClick={() => { if (t >= length) setT(0); setPlaying(!playing); }} aria-label={playing ? "Pause" : "Play"}>{playing ? "❚❚" : "▶"}</button>
          <input type="range" aria-label="Playback time" min={0} max={length} step={1000} value={t} onChange={(e) => setT(Number(e.target.value))} />
          <select aria-label="Speed" value={speed} onChange={(e) => setSpeed(Number(e.target.value))}>
            {PLAYBACK_SPEEDS.map((s) => <option key={s} value={s}>{s}×</option>)}
          </select>
          <span className="muted playback-range">{formatTime(p.from, timeZone)} – {formatTime(p.to, timeZone)} · {formatCount(p.changes.length)} changes</span>
        </div>
      )}
      {p?.truncated && <p className="playback-note">The period held too many changes: playback stops at {formatTime(p.to, timeZone)}. Start later to see the rest.</p>}
      {unlogged && <p className="playback-note">The change log starts at {formatTime(p!.logStartsAt!, timeZone)} (older changes are pruned): before it the map shows nothing.</p>}
    </div>
  );
}
