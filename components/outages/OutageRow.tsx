"use client";

import type { CSSProperties } from "react";
import { formatAge, formatCount, formatPercent, formatTime } from "../format";
import { isVerifying } from "./arrangeOutages";

const SOURCE_LABELS = { scada: "SCADA", kaifa: "AMI", onu: "ONU", call_center: "Calls" } as const;

/** One row of the list, as the server sends it; the verification and nesting fields may be absent (older servers). */
export interface OutageRowData {
  id: string;
  eventId: string;
  status: string;
  severity: string;
  confidence: number;
  level: string | null;
  deviceCode: string | null;
  customersOut: number;
  criticalCustomersOut: number;
  sources: Record<keyof typeof SOURCE_LABELS, number>;
  firstDetectedAt: string;
  etr: string | null;
  crews: number;
  verifying?: boolean;
  metersNotBack?: number;
  parentOutageId?: string | null;
  parentEventId?: string | null;
  /** Reasons for attention nobody has acknowledged: new, critical, critical_customers. */
  alerts?: string[];
}

const ALERT_BADGES: Record<string, string> = { new: "New", critical: "Critical", critical_customers: "Critical customers dark" };

export const deviceName = (o: { level: string | null; deviceCode: string | null; eventId: string }) =>
  o.level ? `${o.level.replace("_", " ")} ${o.deviceCode ?? ""}` : o.eventId;

/**
 * An outage at a glance. A restored outage still verifying says so and how many meters are not
 * back yet, never "customers out"; a nested outage says which one it is part of.
 */
export function OutageRow({ o, depth, selected, onSelect, timeZone, now }: {
  o: OutageRowData; depth: number; selected: boolean; onSelect: (id: string) => void; timeZone?: string; now: number;
}) {
  const verifying = isVerifying(o);
  const alerts = o.alerts ?? [];
  return (
    <button type="button" className={`outage-row ${selected ? "selected" : ""} ${verifying ? "verifying" : ""} ${alerts.length ? "alerting" : ""}`} aria-pressed={selected}
      data-alerts={alerts.join(",") || undefined}
      data-id={o.id} data-event-id={o.eventId} data-status={o.status} data-verifying={verifying || undefined} data-depth={depth}
      style={depth ? ({ "--depth": Math.min(depth, 3) } as CSSProperties) : undefined} onClick={() => onSelect(o.id)}>
      {verifying ? <span className="sev sev-restored">restored</span> : <span className={`sev sev-${o.severity}`}>{o.severity}</span>}
      <span className="row-main">
        <b>{deviceName(o)}</b>
        <span className="muted row-status"> · {verifying ? "Restored · verifying" : o.status.replace("_", " ")}</span>
      </span>
      <span className="row-figures">
        {verifying ? (
          <span data-testid="meters-not-back"><b>{formatCount(o.metersNotBack ?? 0)}</b> meter{o.metersNotBack === 1 ? "" : "s"} not yet back</span>
        ) : (
          <>
            <span title="Customers out"><b>{formatCount(o.customersOut)}</b> out</span>
            {o.criticalCustomersOut > 0 && <span className="critical" title="Critical customers">{formatCount(o.criticalCustomersOut)} critical</span>}
            <span title="Confidence">{formatPercent(o.confidence)}</span>
          </>
        )}
        <span title="Age">{formatAge(o.firstDetectedAt, now)}</span>
      </span>
      {(o.parentOutageId || o.parentEventId) && (
        <span className="row-parent" data-testid="nested-in">{depth ? "↳ " : ""}nested in {o.parentEventId ?? "an earlier outage"}</span>
      )}
      {alerts.length > 0 && (
        <span className="row-alerts" data-testid="row-alerts" title="Not acknowledged yet">
          {alerts.map((a) => <span key={a} className={`alert-badge alert-${a}`}>{ALERT_BADGES[a] ?? a}</span>)}
        </span>
      )}
      <span className="row-sources muted">
        {(Object.keys(SOURCE_LABELS) as Array<keyof typeof SOURCE_LABELS>).filter((k) => o.sources[k] > 0)
          .map((k) => `${SOURCE_LABELS[k]} ${formatCount(o.sources[k])}`).join(" · ") || "no signals"}
        {o.etr && !verifying && <> · ETR {formatTime(o.etr, timeZone)}</>}
        {o.crews > 0 && <> · {o.crews} crew{o.crews > 1 ? "s" : ""}</>}
      </span>
    </button>
  );
}
