"use client";

import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../providers/trpc";
import { formatTime, fromLocalInput, toLocalInput } from "../format";
import { DateTimeInput } from "../time/DateTimeInput";
import type { CrewSuggestion } from "../../server/operations/suggestCrews";
import type { OutageDetail } from "./outageDetail";

export type ActionResult = { ok: boolean; text: string };

export const ALERT_WORDS: Record<string, string> = { new: "new outage", critical: "critical", critical_customers: "critical customers dark" };

/** The dispatcher's verbs on an open outage; each answers with a short result the panel shows. */
export function OutageActions({ o, timeZone, onResult }: { o: OutageDetail; timeZone?: string; onResult: (r: ActionResult) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const handlers = (text: string) => ({
    onSuccess: () => {
      onResult({ ok: true, text });
      void queryClient.invalidateQueries({ queryKey: trpc.outages.pathKey() });
      void queryClient.invalidateQueries({ queryKey: trpc.crews.pathKey() });
    },
    onError: (e: { message: string }) => onResult({ ok: false, text: e.message }),
  });
  const confirm = useMutation(trpc.outages.confirm.mutationOptions(handlers("Confirmed.")));
  const note = useMutation(trpc.outages.addNote.mutationOptions(handlers("Note added.")));
  const etr = useMutation(trpc.outages.setEtr.mutationOptions(handlers("Estimated restoration set; customers told.")));
  const restore = useMutation(trpc.outages.restore.mutationOptions(handlers("Restored.")));
  const dispatch = useMutation(trpc.crews.dispatch.mutationOptions(handlers("Crew dispatched.")));
  const merge = useMutation(trpc.outages.merge.mutationOptions(handlers("Merged.")));
  const split = useMutation(trpc.outages.split.mutationOptions(handlers("Split off into a new outage.")));
  const acknowledge = useMutation(trpc.outages.acknowledge.mutationOptions(handlers("Acknowledged.")));
  return (
    <>
    {o.alerts.length > 0 && (
      <div className="alert-bar" data-testid="detail-alerts" role="alert">
        <span><b>Needs attention:</b> {o.alerts.map((r) => ALERT_WORDS[r]).join(", ")}</span>
        <button type="button" className="primary" disabled={acknowledge.isPending} onClick={() => acknowledge.mutate({ outage_event_id: o.id })}>Acknowledge</button>
      </div>
    )}
    <Actions o={o} timeZone={timeZone} busy={[confirm, note, etr, restore, dispatch, merge, split].some((m) => m.isPending)}
      onConfirm={() => confirm.mutate({ outage_event_id: o.id })}
      onNote={(text) => note.mutate({ outage_event_id: o.id, note: text })}
      onEtr={(at) => etr.mutate({ outage_event_id: o.id, estimated_restoration_time: at.toISOString() })}
      onRestore={(reason) => restore.mutate({ outage_event_id: o.id, restoration_data: { restoration_time: new Date().toISOString(), restoration_reason: reason } })}
      onDispatch={(crew, notes, eta) => dispatch.mutate({ outage_event_id: o.id, crew_data: { crew_id: crew, assignment_type: "repair", notes: notes.trim() || null, estimated_arrival: eta } })}
      onMerge={(from) => merge.mutate({ into: o.id, from: [from] })}
      onSplit={(points) => split.mutate({ outage_event_id: o.id, distribution_points: points })} />
    </>
  );
}

function Actions({ o, timeZone, busy, onConfirm, onNote, onEtr, onRestore, onDispatch, onMerge, onSplit }: {
  o: OutageDetail; timeZone?: string; busy: boolean;
  onConfirm: () => void; onNote: (text: string) => void; onEtr: (at: Date) => void; onRestore: (reason: string) => void;
  onDispatch: (crew: string, notes: string, eta: string | null) => void; onMerge: (from: string) => void; onSplit: (points: string[]) => void;
}) {
  const trpc = useTRPC();
  const [open, setOpen] = useState<"" | "dispatch" | "etr" | "note" | "restore" | "merge" | "split">("");
  const [picked, setPicked] = useState<string[]>([]);
  const suggest = useQuery(trpc.crews.suggest.queryOptions({ outage_event_id: o.id }, { enabled: open === "dispatch" }));
  const [crew, setCrew] = useState("");
  const [crewNotes, setCrewNotes] = useState("");
  const pickedCrew = suggest.data?.crews.find((c) => c.crew_id === crew) ?? suggest.data?.crews[0];
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
        <form className="action-form" aria-label="Dispatch a crew"
          onSubmit={submit(() => { onDispatch(pickedCrew?.crew_id ?? "", crewNotes, pickedCrew?.eta ?? null); setCrewNotes(""); })}>
          <label>Crew (nearest available first)
            <select aria-label="Crew to dispatch" value={pickedCrew?.crew_id ?? ""} onChange={(e) => setCrew(e.target.value)}>
              {suggest.isPending && <option>Finding crews…</option>}
              {suggest.data?.crews.length === 0 && <option value="">No crew available</option>}
              {suggest.data?.crews.map((c) => (
                <option key={c.crew_id} value={c.crew_id}>{c.crew_id} {c.name}{c.distance_meters != null ? ` · ${km(c.distance_meters)} · ${c.travel_minutes} min` : ""}</option>
              ))}
            </select>
          </label>
          {pickedCrew && <p className="muted suggestion-trip" data-testid="suggestion-trip">{tripWords(pickedCrew, timeZone)}</p>}
          <label>Notes for the crew (access, hazards, who to call)
            <textarea aria-label="Notes for the crew" rows={2} maxLength={2000} value={crewNotes} onChange={(e) => setCrewNotes(e.target.value)} />
          </label>
          <button className="primary" type="submit" disabled={busy || !suggest.data?.crews.length}>Dispatch</button>
        </form>
      )}
      {open === "etr" && (
        <form className="action-form" onSubmit={submit(() => onEtr(fromLocalInput(etr, timeZone)))} aria-label="Set the estimated restoration time">
          <DateTimeInput label={`Power back by (${timeZone ?? "…"})`} value={etr} onChange={setEtr} />
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

const positionAge = (at: string) => {
  const minutes = Math.max(0, Math.floor((Date.now() - Date.parse(at)) / 60_000));
  return minutes === 0 ? "just now" : `${minutes} min ago`;
};
const km = (meters: number) => `${(meters / 1000).toFixed(1)} km`;

/** "3.2 km away (4.2 km by road) · 9 min · on site by 30 Nov, 14:32 · from its position 2 min ago". */
function tripWords(c: CrewSuggestion, timeZone: string | undefined): string {
  if (c.distance_meters == null || c.road_meters == null) return "The outage has no location: no distance or arrival";
  const from = c.from === "position" && c.position_at
    ? `from its position ${positionAge(c.position_at)}`
    : `from its depot (${c.home_depot})`;
  return `${km(c.distance_meters)} away (${km(c.road_meters)} by road) · ${c.travel_minutes} min · on site by ${c.eta ? formatTime(c.eta, timeZone) : "–"} · ${from}`;
}
