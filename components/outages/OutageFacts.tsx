"use client";

import { formatCount, formatPercent, formatTime, localizeTimes } from "../format";
import { powerNow, type OutageDetail } from "./outageDetail";

/**
 * The facts of one outage. Once restored it no longer says "customers out" (a restored outage
 * holds nobody dark): it says restored, or restored and verifying with the meters not yet back.
 */
export function OutageFacts({ o, timeZone, onLocate, onOpen }: {
  o: OutageDetail; timeZone?: string; onLocate: (lat: number, lng: number) => void; onOpen: (id: string) => void;
}) {
  const power = powerNow(o);
  const nested = o.nested ?? [];
  return (
    <dl className="facts compact">
      {power.kind === "out" ? (
        <>
          <dt>Customers out</dt>
          <dd data-testid="detail-customers-out"><b>{formatCount(o.customersOut)}</b>{o.criticalCustomersOut > 0 && <span className="critical"> · {o.criticalCustomersOut} critical</span>}</dd>
          <dt>Meters out</dt><dd>{formatCount(o.metersOut)}</dd>
        </>
      ) : (
        <>
          <dt>Power</dt>
          <dd data-testid="detail-power">
            {power.kind === "verifying" ? <>Restored · verifying: <b>{formatCount(power.notBack)}</b> meter{power.notBack === 1 ? "" : "s"} not yet back</>
              : power.kind === "restored" ? "Restored · all meters back" : power.status}
          </dd>
        </>
      )}
      {o.parentOutageId && (
        <><dt>Part of</dt><dd data-testid="detail-parent">nested in <button type="button" className="link small" onClick={() => onOpen(o.parentOutageId!)}>{o.parentEventId ?? "the outage it stayed dark after"}</button></dd></>
      )}
      {nested.length > 0 && (
        <><dt>Nested</dt><dd data-testid="detail-nested">{nested.map((n, i) => (
          <span key={n.id}>{i > 0 && ", "}<button type="button" className="link small" onClick={() => onOpen(n.id)}>{n.eventId}</button> <span className="muted">({n.status.replace("_", " ")})</span></span>
        ))}</dd></>
      )}
      <dt>Confidence</dt><dd>{formatPercent(o.confidence)}</dd>
      <dt>Where</dt><dd>{[o.substation ? `${o.substation.code} ${o.substation.name}` : null, o.feeder, o.distributionPoint].filter(Boolean).join(" › ") || "–"}
        {o.lat != null && <> <button type="button" className="link small" onClick={() => onLocate(o.lat!, o.lng!)}>show on map</button></>}</dd>
      <dt>Detected</dt><dd>{formatTime(o.firstDetectedAt, timeZone)}</dd>
      {o.confirmedAt && <><dt>Confirmed</dt><dd>{formatTime(o.confirmedAt, timeZone)}{o.confirmedBy ? ` by ${o.confirmedBy}` : ""}</dd></>}
      {power.kind === "out" && <><dt>ETR</dt><dd data-testid="detail-etr">{o.etr ? formatTime(o.etr, timeZone) : "not set"}</dd></>}
      {o.restoredAt && <><dt>Restored</dt><dd>{formatTime(o.restoredAt, timeZone)}{o.cause ? ` · ${localizeTimes(o.cause, timeZone)}` : ""}</dd></>}
      <dt>Crews</dt><dd data-testid="detail-crews">{o.assignments.length ? o.assignments.map((a) => `${a.crew} (${a.status.replace("_", " ")})`).join(", ") : "none"}</dd>
      <dt>Notified</dt><dd>{o.notifications.length ? o.notifications.map((n) => `${n.count} ${n.type.replace("_", " ")} (${n.status})`).join(", ") : "nobody yet"}</dd>
    </dl>
  );
}
