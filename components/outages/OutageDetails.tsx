"use client";

import { useEffect, useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../providers/trpc";
import { formatAge, formatCount, formatPercent, formatTime, fromLocalInput, localizeTimes, toLocalInput } from "../format";

type Tab = "overview" | "customers" | "signals" | "timeline";

/** One outage: what it is, who it hits, what found it, what happened, and the dispatcher's actions. */
export function OutageDetails({ id, canAct, timeZone, now, onClose, onLocate }: {
  id: string;
  canAct: boolean;
  timeZone?: string;
  now: number;
  onClose: () => void;
  onLocate: (lat: number, lng: number) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const detail = useQuery(trpc.outages.detail.queryOptions({ id }, { placeholderData: (prev) => (prev?.id === id ? prev : undefined) }));
  const [tab, setTab] = useState<Tab>("overview");
  // Escape closes the panel, unless something inside it (an open action form) took the key first.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => { if (e.key === "Escape" && !e.defaultPrevented) onClose(); };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [onClose]);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.outages.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.crews.pathKey() });
  };
  const handlers = (message: string) => ({
    onSuccess: () => { setError(null); setDone(message); refresh(); },
    onError: (e: { message: string }) => { setDone(null); setError(e.message); },
  });
  const confirm = useMutation(trpc.outages.confirm.mutationOptions(handlers("Confirmed.")));
  const note = useMutation(trpc.outages.addNote.mutationOptions(handlers("Note added.")));
  const etr = useMutation(trpc.outages.setEtr.mutationOptions(handlers("Estimated restoration set; customers told.")));
  const restore = useMutation(trpc.outages.restore.mutationOptions(handlers("Restored.")));
  const dispatch = useMutation(trpc.crews.dispatch.mutationOptions(handlers("Crew dispatched.")));
  const merge = useMutation(trpc.outages.merge.mutationOptions(handlers("Merged.")));
  const split = useMutation(trpc.outages.split.mutationOptions(handlers("Split off into a new outage.")));

  const o = detail.data;
  if (detail.error) return <aside className="outage-details" aria-label="Outage details"><p className="form-error" role="alert">{detail.error.message}</p><button type="button" onClick={onClose}>Close</button></aside>;
  if (!o) return <aside className="outage-details" aria-label="Outage details"><p className="muted">Loading…</p></aside>;
  const open = ["detected", "confirmed", "in_progress"].includes(o.status);

  return (
    <aside className="outage-details" aria-label={`Outage ${o.eventId}`} data-testid="outage-details" data-event-id={o.eventId} data-status={o.status}>
      <header className="outage-details-head">
        <div>
          <h2>{o.level ? `${o.level.replace("_", " ")} ${o.deviceCode ?? ""}` : "Outage"} <span className={`sev sev-${o.severity}`}>{o.severity}</span></h2>
          <div className="muted">{o.eventId} · <span data-testid="detail-status">{o.status.replace("_", " ")}</span> · {formatAge(o.firstDetectedAt, now)} old</div>
        </div>
        <button type="button" className="close" aria-label="Close details" onClick={onClose}>×</button>
      </header>
      <dl className="facts compact">
        <dt>Customers out</dt><dd><b>{formatCount(o.customersOut)}</b>{o.criticalCustomersOut > 0 && <span className="critical"> · {o.criticalCustomersOut} critical</span>}</dd>
        <dt>Meters out</dt><dd>{formatCount(o.metersOut)}</dd>
        <dt>Confidence</dt><dd>{formatPercent(o.confidence)}</dd>
        <dt>Where</dt><dd>{[o.substation ? `${o.substation.code} ${o.substation.name}` : null, o.feeder, o.distributionPoint].filter(Boolean).join(" › ") || "–"}
          {o.lat != null && <> <button type="button" className="link small" onClick={() => onLocate(o.lat!, o.lng!)}>show on map</button></>}</dd>
        <dt>Detected</dt><dd>{formatTime(o.firstDetectedAt, timeZone)}</dd>
        {o.confirmedAt && <><dt>Confirmed</dt><dd>{formatTime(o.confirmedAt, timeZone)}{o.confirmedBy ? ` by ${o.confirmedBy}` : ""}</dd></>}
        <dt>ETR</dt><dd data-testid="detail-etr">{o.etr ? formatTime(o.etr, timeZone) : "not set"}</dd>
        {o.restoredAt && <><dt>Restored</dt><dd>{formatTime(o.restoredAt, timeZone)}{o.cause ? ` · ${localizeTimes(o.cause, timeZone)}` : ""}</dd></>}
        <dt>Crews</dt><dd data-testid="detail-crews">{o.assignments.length ? o.assignments.map((a) => `${a.crew} (${a.status.replace("_", " ")})`).join(", ") : "none"}</dd>
        <dt>Notified</dt><dd>{o.notifications.length ? o.notifications.map((n) => `${n.count} ${n.type} (${n.status})`).join(", ") : "nobody yet"}</dd>
      </dl>

      {(error || done) && <p className={error ? "form-error" : "form-ok"} role="status">{error ?? done}</p>}
      {canAct && open && (
        <Actions o={o} timeZone={timeZone} busy={[confirm, note, etr, restore, dispatch, merge, split].some((m) => m.isPending)}
          onConfirm={() => confirm.mutate({ outage_event_id: o.id })}
          onNote={(text) => note.mutate({ outage_event_id: o.id, note: text })}
          onEtr={(at) => etr.mutate({ outage_event_id: o.id, estimated_restoration_time: at.toISOString() })}
          onRestore={(reason) => restore.mutate({ outage_event_id: o.id, restoration_data: { restoration_time: new Date().toISOString(), restoration_reason: reason } })}
          onDispatch={(crew) => dispatch.mutate({ outage_event_id: o.id, crew_data: { crew_id: crew, assignment_type: "repair" } })}
          onMerge={(from) => merge.mutate({ into: o.id, from: [from] })}
          onSplit={(points) => split.mutate({ outage_event_id: o.id, distribution_points: points })} />
      )}

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
              <li key={a.id}><b>{a.crew}</b> {a.crewName} · {a.status.replace("_", " ")} · assigned {formatTime(a.assignedAt, timeZone)}{a.by ? ` by ${a.by}` : ""}{a.notes ? ` · “${localizeTimes(a.notes, timeZone)}”` : ""}</li>
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
            <li key={t.id}><span className="muted">{formatTime(t.at, timeZone)}</span> <b>{t.type.replace("_", " ")}</b> {localizeTimes(t.description, timeZone)}
              {t.actor && <span className="muted"> — {t.actor}</span>}</li>
          ))}</ol>
        )}
      </div>
    </aside>
  );
}

type Detail = { id: string; status: string; etr: string | null; points: Array<{ code: string; metersOut: number }> };

function Actions({ o, timeZone, busy, onConfirm, onNote, onEtr, onRestore, onDispatch, onMerge, onSplit }: {
  o: Detail; timeZone?: string; busy: boolean;
  onConfirm: () => void; onNote: (text: string) => void; onEtr: (at: Date) => void; onRestore: (reason: string) => void;
  onDispatch: (crew: string) => void; onMerge: (from: string) => void; onSplit: (points: string[]) => void;
}) {
  const trpc = useTRPC();
  const [open, setOpen] = useState<"" | "dispatch" | "etr" | "note" | "restore" | "merge" | "split">("");
  const [picked, setPicked] = useState<string[]>([]);
  const suggest = useQuery(trpc.crews.suggest.queryOptions({ outage_event_id: o.id }, { enabled: open === "dispatch" }));
  const [crew, setCrew] = useState("");
  const [etr, setEtr] = useState(() => toLocalInput(new Date(Date.now() + 2 * 3600_000), timeZone));
  const [text, setText] = useState("");
  const [from, setFrom] = useState("");
  const submit = (fn: () => void) => (e: FormEvent) => { e.preventDefault(); fn(); setOpen(""); setText(""); };
  const toggle = (which: typeof open) => setOpen(open === which ? "" : which);

  return (
    <div className="actions-panel" onKeyDown={(e) => { if (e.key === "Escape" && open) { e.preventDefault(); setOpen(""); } }}>
      <div className="action-buttons">
        {o.status === "detected" && <button type="button" className="primary" disabled={busy} onClick={onConfirm}>Confirm</button>}
        <button type="button" aria-expanded={open === "dispatch"} onClick={() => toggle("dispatch")}>Dispatch crew</button>
        <button type="button" aria-expanded={open === "etr"} onClick={() => toggle("etr")}>Set ETR</button>
        <button type="button" aria-expanded={open === "note"} onClick={() => toggle("note")}>Add note</button>
        <button type="button" aria-expanded={open === "merge"} onClick={() => toggle("merge")}>Merge</button>
        {o.points.length > 1 && <button type="button" aria-expanded={open === "split"} onClick={() => toggle("split")}>Split</button>}
        <button type="button" aria-expanded={open === "restore"} onClick={() => toggle("restore")}>Restore</button>
      </div>
      {open === "dispatch" && (
        <form className="action-form" onSubmit={submit(() => onDispatch(crew || suggest.data?.crews[0]?.crew_id || ""))} aria-label="Dispatch a crew">
          <label>Crew (nearest available first)
            <select aria-label="Crew to dispatch" value={crew || suggest.data?.crews[0]?.crew_id || ""} onChange={(e) => setCrew(e.target.value)}>
              {suggest.isPending && <option>Finding crews…</option>}
              {suggest.data?.crews.length === 0 && <option value="">No crew available</option>}
              {suggest.data?.crews.map((c) => (
                <option key={c.crew_id} value={c.crew_id}>{c.crew_id} {c.name}{c.distance_meters != null ? ` · ${(c.distance_meters / 1000).toFixed(1)} km` : ""}</option>
              ))}
            </select>
          </label>
          <button className="primary" type="submit" disabled={busy || !suggest.data?.crews.length}>Dispatch</button>
        </form>
      )}
      {open === "etr" && (
        <form className="action-form" onSubmit={submit(() => onEtr(fromLocalInput(etr, timeZone)))} aria-label="Set the estimated restoration time">
          <label>Power back by ({timeZone ?? "…"})<input type="datetime-local" required value={etr} onChange={(e) => setEtr(e.target.value)} /></label>
          <button className="primary" type="submit" disabled={busy || !timeZone}>Set ETR and tell customers</button>
        </form>
      )}
      {open === "note" && (
        <form className="action-form" onSubmit={submit(() => onNote(text))} aria-label="Add a note">
          <label>Note<textarea required rows={2} value={text} onChange={(e) => setText(e.target.value)} /></label>
          <button className="primary" type="submit" disabled={busy}>Add note</button>
        </form>
      )}
      {open === "merge" && (
        <form className="action-form" onSubmit={submit(() => onMerge(from.trim()))} aria-label="Merge another outage into this one">
          <label>Outage to merge into this one (its OMS_… id)<input required value={from} onChange={(e) => setFrom(e.target.value)} /></label>
          <button className="primary" type="submit" disabled={busy}>Merge</button>
        </form>
      )}
      {open === "split" && (
        <form className="action-form" onSubmit={submit(() => { onSplit(picked); setPicked([]); })} aria-label="Split off distribution points">
          <fieldset className="checks">
            <legend>Distribution points to split off into a new outage</legend>
            {o.points.map((p) => (
              <label key={p.code} className="check">
                <input type="checkbox" checked={picked.includes(p.code)}
                  onChange={(e) => setPicked(e.target.checked ? [...picked, p.code] : picked.filter((c) => c !== p.code))} />
                {p.code} · {p.metersOut} out
              </label>
            ))}
          </fieldset>
          <button className="primary" type="submit" disabled={busy || picked.length === 0 || picked.length === o.points.length}>Split off</button>
        </form>
      )}
      {open === "restore" && (
        <form className="action-form" onSubmit={submit(() => onRestore(text))} aria-label="Restore the outage">
          <label>Cause / how it was restored<input required value={text} onChange={(e) => setText(e.target.value)} placeholder="e.g. fuse replaced" /></label>
          <button className="primary" type="submit" disabled={busy}>Mark restored</button>
        </form>
      )}
    </div>
  );
}
