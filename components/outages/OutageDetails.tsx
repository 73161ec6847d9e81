"use client";

import { useEffect, useRef, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../providers/trpc";
import { formatAge, formatCount, formatTime, localizeTimes } from "../format";
import { isOpen, statusLabel, type OutageDetail } from "./outageDetail";
import { OutageFacts } from "./OutageFacts";
import { OutageActions, type ActionResult } from "./OutageActions";
import { deviceName } from "./OutageRow";

type Tab = "overview" | "customers" | "signals" | "timeline";

/** How long an action's "done" answer stays: long enough to read, not long enough to go stale. */
const RESULT_MS = 8_000;

/** One outage: what it is, who it hits, what found it, what happened, and the dispatcher's actions. */
export function OutageDetails({ id, canAct, timeZone, now, onClose, onLocate, onOpen }: {
  id: string;
  canAct: boolean;
  timeZone?: string;
  now: number;
  onClose: () => void;
  onLocate: (lat: number, lng: number) => void;
  /** Opens another outage in the panel: a nested outage's parent, or a parent's nested outages. */
  onOpen: (id: string) => void;
}) {
  const trpc = useTRPC();
  const detail = useQuery(trpc.outages.detail.queryOptions({ id }, { placeholderData: (prev) => (prev?.id === id ? prev : undefined) }));
  const [tab, setTab] = useState<Tab>("overview");
  const [result, setResult] = useState<ActionResult | null>(null);
  const o = detail.data as OutageDetail | undefined;
  const open = o ? isOpen(o.status) : true;
  // An action's answer describes the outage as it was. Once the outage is no longer open (restored
  // by a crew, merged) every answer about it is stale, whoever acted; a success also fades.
  useEffect(() => { if (!open) setResult(null); }, [open]);
  useEffect(() => {
    if (!result?.ok) return;
    const t = setTimeout(() => setResult(null), RESULT_MS);
    return () => clearTimeout(t);
  }, [result]);
  // Escape closes the panel, unless something inside it (an open action form) took the key first.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => { if (e.key === "Escape" && !e.defaultPrevented) onClose(); };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [onClose]);

  // Opened from the list or the map by keyboard or click, the panel takes the focus, so the next Tab
  // reaches its actions (not the rest of the list); closing gives it back (ControlRoom's closeDetails).
  // Opened from the search box, the focus stays where the person is typing.
  const panel = useRef<HTMLElement>(null);
  const loaded = !!o;
  useEffect(() => {
    const from = document.activeElement;
    if (loaded && (!from || from === document.body || from.closest(".outage-list, .mapwrap"))) panel.current?.focus();
  }, [loaded]);

  if (detail.error) return <aside className="outage-details" aria-label="Outage details"><p className="form-error" role="alert">{detail.error.message}</p><button type="button" onClick={onClose}>Close</button></aside>;
  if (!o) return <aside className="outage-details" aria-label="Outage details"><button type="button" className="outage-back" onClick={onClose}>‹ Back to the list</button><p className="muted">Loading…</p></aside>;

  return (
    <aside className="outage-details" aria-label={`Outage ${o.eventId}`} data-testid="outage-details" ref={panel} tabIndex={-1} data-event-id={o.eventId} data-status={o.status}>
      {/* On a phone the panel covers the list (app/globals.css, "Phones"): a Back in words where a thumb expects it, instead of the ×. */}
      <button type="button" className="outage-back" onClick={onClose}>‹ Back to the list</button>
      <header className="outage-details-head">
        <div>
          <h2>{o.level ? deviceName(o) : "Outage"} <span className={`sev sev-${o.severity}`}>{o.severity}</span></h2>
          <div className="muted">{o.eventId} · <span data-testid="detail-status">{statusLabel(o)}</span> · {formatAge(o.firstDetectedAt, now)} old</div>
        </div>
        <button type="button" className="close" aria-label="Close details" onClick={onClose}>×</button>
      </header>
      <OutageFacts o={o} timeZone={timeZone} onLocate={onLocate} onOpen={onOpen} />

      {result && <p className={result.ok ? "form-ok" : "form-error"} role="status" data-testid="action-result">{result.text}</p>}
      {canAct && open && <OutageActions o={o} timeZone={timeZone} onResult={setResult} />}

      <div className="tabs" role="tablist">
        {(["overview", "customers", "signals", "timeline"] as Tab[]).map((t) => (
          <button key={t} type="button" role="tab" aria-selected={tab === t} onClick={() => setTab(t)}>
            {t === "overview" ? "Crews" : t === "customers" ? `Customers (${formatCount(o.meters.length)})` : t === "signals" ? `Signals (${formatCount(o.signals.length)})` : `Timeline (${o.timeline.length})`}
          </button>
        ))}
      </div>
      <div className="tab-body" role="tabpanel">
        {tab === "overview" && (
          o.assignments.length ? (
            <ul className="plain">{o.assignments.map((a) => (
              <li key={a.id}><b>{a.crew}</b> {a.crewName} · {a.status.replace("_", " ")} · assigned {formatTime(a.assignedAt, timeZone)}{a.by ? ` by ${a.by}` : ""}
                {a.eta && !a.arrivedAt && !a.completedAt ? ` · expected on site ${formatTime(a.eta, timeZone)}` : ""}
                {a.dispatchNotes ? ` · told: “${a.dispatchNotes}”` : ""}{a.notes ? ` · “${localizeTimes(a.notes, timeZone)}”` : ""}</li>
            ))}</ul>
          ) : <p className="muted">No crew on it yet.</p>
        )}
        {tab === "customers" && (
          <table className="grid small"><thead><tr><th>Meter</th><th>Customer</th><th>State</th></tr></thead>
            <tbody>{o.meters.map((m) => (
              <tr key={m.meterNumber}><td>{m.meterNumber}</td><td>{m.customer ?? "–"}{m.critical && <span className="critical"> · critical</span>}</td><td>{m.state}</td></tr>
            ))}</tbody></table>
        )}
        {tab === "signals" && (
          <table className="grid small"><thead><tr><th>When</th><th>Source</th><th>Signal</th><th>Meter</th></tr></thead>
            <tbody>{o.signals.map((s) => (
              <tr key={`${s.source}:${s.id}`}><td>{formatTime(s.at, timeZone)}</td><td>{s.source.replace("_", " ")}</td><td>{s.kind.replace("_", " ")}</td><td>{s.meter ?? "–"}</td></tr>
            ))}</tbody></table>
        )}
        {tab === "timeline" && (
          <ol className="timeline" data-testid="timeline">{o.timeline.map((t) => (
            <li key={t.id}><span className="muted">{formatTime(t.at, timeZone)}</span> <b>{t.type.replaceAll("_", " ")}</b> {localizeTimes(t.description, timeZone)}
              {t.actor && <span className="muted"> — {t.actor}</span>}</li>
          ))}</ol>
        )}
      </div>
    </aside>
  );
}
