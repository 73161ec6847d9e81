"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../providers/trpc";
import { formatTime } from "../format";
import { useTimeZone } from "../useTimeZone";

/**
 * The banner every screen shows while storm mode is on. Pages with a live connection refresh it
 * on `storm:changed`; it also looks again every 30 s, for pages without one.
 */
export function StormBanner() {
  const trpc = useTRPC();
  const timeZone = useTimeZone();
  const storm = useQuery(trpc.storm.status.queryOptions(undefined, { refetchInterval: 30_000 }));
  if (!storm.data?.is_active) return null;
  const s = storm.data;
  return (
    <div className="storm-banner" role="status" data-testid="storm-banner">
      <b>Storm mode</b> since {s.activated_at ? formatTime(s.activated_at, timeZone) : "–"}
      {s.activated_by ? ` (${s.activated_by})` : ""}{s.activation_reason ? `: ${s.activation_reason}` : ""} · rule “{s.rule.rule_name}”:
      window {s.rule.correlation_window_minutes} min, radius {s.rule.spatial_radius_meters} m, threshold {Math.round(s.rule.confidence_threshold * 100)}%
    </div>
  );
}
