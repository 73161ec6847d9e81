"use client";

import { useEffect, useRef, useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { useTRPC } from "../providers/trpc";
import { HEARTBEAT_MS, MIN_GAP_MS, shouldSend, type Fix } from "./positionThrottle";

/** The member's choice, remembered on this phone (the browser keeps its own permission too). */
export const SHARE_KEY = "oms.crew.sharePosition";

export type ShareState =
  | { kind: "off" }
  | { kind: "waiting" }
  | { kind: "sharing"; sent: Fix | null; sentAt: number | null }
  | { kind: "error"; message: string };

const GEO_ERRORS: Record<number, string> = {
  1: "Location permission was refused. Allow it for this site in the browser's settings, then switch sharing on again.",
  2: "The phone cannot tell where it is right now (no GPS or network fix).",
  3: "The phone took too long to find its position; still trying.",
};

/**
 * While `on`, watches the phone's position and sends fixes to the server at the rate
 * positionThrottle.ts sets. Nothing is read or sent while off: the watch is cleared.
 */
export function useSharePosition(crewCode: string | null, on: boolean): ShareState {
  const trpc = useTRPC();
  const report = useMutation(trpc.crew.reportPosition.mutationOptions());
  const [state, setState] = useState<ShareState>({ kind: "off" });
  const last = useRef<{ fix: Fix; sentAt: number } | null>(null);
  const latest = useRef<Fix | null>(null);
  const sending = useRef(false);
  const send = useRef(report.mutateAsync);
  send.current = report.mutateAsync;

  useEffect(() => {
    if (!on || !crewCode) { setState({ kind: "off" }); return; }
    if (!("geolocation" in navigator)) { setState({ kind: "error", message: "This browser cannot share a position." }); return; }
    setState({ kind: "waiting" });
    let stopped = false;
    const consider = async () => {
      const fix = latest.current;
      if (stopped || sending.current || !fix || !shouldSend(last.current, fix, Date.now())) return;
      sending.current = true;
      try {
        await send.current({ crew_id: crewCode, latitude: fix.lat, longitude: fix.lng, accuracy_m: Math.min(fix.accuracy, 10_000), at: new Date(fix.at).toISOString() });
        last.current = { fix, sentAt: Date.now() };
        if (!stopped) setState({ kind: "sharing", sent: fix, sentAt: last.current.sentAt });
      } catch (err) {
        if (!stopped) setState({ kind: "error", message: `Could not send the position: ${err instanceof Error ? err.message : String(err)}` });
      } finally {
        sending.current = false;
      }
    };
    const take = (p: GeolocationPosition) => {
      latest.current = { lat: p.coords.latitude, lng: p.coords.longitude, accuracy: p.coords.accuracy, at: p.timestamp };
      void consider();
    };
    const fail = (e: GeolocationPositionError) => {
      if (!stopped) setState({ kind: "error", message: GEO_ERRORS[e.code] ?? e.message });
    };
    const watch = navigator.geolocation.watchPosition(take, fail, { enableHighAccuracy: true, maximumAge: 10_000, timeout: 30_000 });
    // A move sent too soon after the last is sent when the gap is over; a phone standing still
    // gives no new fix by itself, so ask for one once a heartbeat.
    const retry = setInterval(() => void consider(), MIN_GAP_MS);
    const heartbeat = setInterval(() => navigator.geolocation.getCurrentPosition(take, fail, { enableHighAccuracy: true, maximumAge: 30_000, timeout: 30_000 }), HEARTBEAT_MS);
    return () => {
      stopped = true;
      navigator.geolocation.clearWatch(watch);
      clearInterval(retry);
      clearInterval(heartbeat);
    };
  }, [on, crewCode]);
  return state;
}
