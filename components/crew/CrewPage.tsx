"use client";

import { StormBanner } from "../storm/StormBanner";
import { useRef, useState } from "react";
import type { ChangePayloads } from "../../server/realtime/events";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../providers/trpc";
import { UserMenu } from "../auth/UserMenu";
import { useLiveChanges } from "../live/useLiveChanges";
import { ConnectionBadge } from "../live/ConnectionBadge";
import { formatCount, formatTime } from "../format";
import { useTimeZone } from "../useTimeZone";
import { CrewMiniMap } from "./CrewMiniMap";
import { AssignmentPlace } from "./AssignmentPlace";
import { SharePosition } from "./SharePosition";

const NEXT_STEPS = [
  { status: "en_route", label: "En route", from: ["assigned"] },
  { status: "on_site", label: "On site", from: ["assigned", "en_route"] },
] as const;

const CAUSES = ["Fuse replaced", "Breaker reset", "Line repaired", "Tree cleared", "Transformer replaced", "Cable fault repaired", "Other"];

/** The crew's phone page: its own assignments, and big buttons to move them on. */
export function CrewPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const mine = useQuery(trpc.crew.myAssignments.queryOptions());
  const config = useQuery(trpc.system.publicConfig.queryOptions());
  const feeders = useQuery(trpc.network.feeders.queryOptions(undefined, { staleTime: 10 * 60_000 }));
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.crew.myAssignments.queryKey() });
  // The crew's own moves come back as pushes too (a few a minute while driving): only a change of
  // status or outage means new assignments to fetch.
  const seen = useRef<{ status: string; outageId: string | null } | null>(null);
  const live = useLiveChanges((changes) => {
    const moves = changes.filter((c) => c.topic === "crew:updated").map((c) => c.payload as ChangePayloads["crew:updated"]);
    const changed = moves.some((m) => m.positionAt === undefined || !seen.current || m.status !== seen.current.status || m.outageId !== seen.current.outageId);
    const last = moves.at(-1);
    if (last) seen.current = { status: last.status, outageId: last.outageId };
    if (changed) refresh();
  }, refresh);
  const [notes, setNotes] = useState<Record<number, string>>({});
  const [causes, setCauses] = useState<Record<number, string>>({});
  const [error, setError] = useState<string | null>(null);
  const move = useMutation(trpc.crew.updateAssignment.mutationOptions({ onSuccess: () => { setError(null); refresh(); }, onError: (e) => setError(e.message) }));
  const restored = useMutation(trpc.crew.markRestored.mutationOptions({ onSuccess: () => { setError(null); refresh(); }, onError: (e) => setError(e.message) }));
  const tz = useTimeZone();

  return (
    <div className="page crew-page">
      <header className="topbar">
        <span className="brand">{mine.data?.crew ? `${mine.data.crew.code} · ${mine.data.crew.name}` : "Crew"}</span>
        <ConnectionBadge state={live.state} />
        <UserMenu />
      </header>
      <StormBanner />
      <main className="page-body narrow">
        <h1>Assignments</h1>
        {error && <p className="form-error" role="alert">{error}</p>}
        {mine.isPending && <p className="muted">Loading…</p>}
        {mine.data && !mine.data.crew && <p className="muted">Your account is not linked to a crew. Ask a supervisor.</p>}
        {mine.data?.crew && <SharePosition crewCode={mine.data.crew.code} timeZone={tz} />}
        {mine.data?.crew && mine.data.assignments.length === 0 && <p className="muted" data-testid="no-assignments">No assignments. New ones appear here as they are dispatched.</p>}
        <ul className="assignments">
          {mine.data?.assignments.map((a) => {
            const id = Number(a.id);
            const status = String(a.status);
            const open = !["completed", "cancelled"].includes(status);
            return (
              <li key={id} className="card" data-testid="assignment" data-status={status}>
                <h2><span className="assignment-event-id" data-testid="assignment-event-id">{a.event_id}</span> <span className={`sev sev-${a.severity}`}>{a.severity}</span></h2>
                <AssignmentPlace a={a} open={open} timeZone={tz} />
                <dl className="facts">
                  <dt>Status</dt><dd data-testid="assignment-status">{status.replace("_", " ")}</dd>
                  {/* Once its outage is restored nobody is out because of it: say so, not a stale count. */}
                  {String(a.outage_status) === "restored"
                    ? <><dt>Power</dt><dd data-testid="assignment-power">restored</dd></>
                    : <><dt>Customers out</dt><dd>{formatCount(Number(a.customers))}</dd></>}
                  <dt>Assigned</dt><dd>{formatTime(a.assigned_at as string, tz)}</dd>
                </dl>
                {open && a.lat != null && (
                  <CrewMiniMap lat={Number(a.lat)} lng={Number(a.lng)} feeders={feeders.data as never} styleUrl={config.data?.mapStyleUrl ?? null} />
                )}
                {open && (
                  <>
                    <div className="big-buttons">
                      {NEXT_STEPS.filter((s) => (s.from as readonly string[]).includes(status)).map((s) => (
                        <button key={s.status} type="button" disabled={move.isPending}
                          onClick={() => move.mutate({ assignment_id: id, status: s.status, notes: notes[id] || null })}>{s.label}</button>
                      ))}
                    </div>
                    <fieldset className="restore-box">
                      <legend>Power back?</legend>
                      <label>Cause
                        <select aria-label="Cause" value={causes[id] ?? ""} onChange={(e) => setCauses({ ...causes, [id]: e.target.value })}>
                          <option value="">choose…</option>
                          {CAUSES.map((c) => <option key={c} value={c}>{c}</option>)}
                        </select>
                      </label>
                      <label>Notes<textarea aria-label="Notes" value={notes[id] ?? ""} onChange={(e) => setNotes({ ...notes, [id]: e.target.value })} rows={2} /></label>
                      <button type="button" className="primary big" disabled={restored.isPending || !causes[id]}
                        onClick={() => restored.mutate({ assignment_id: id, cause: causes[id], notes: notes[id] || null })}>Restored</button>
                    </fieldset>
                  </>
                )}
              </li>
            );
          })}
        </ul>
      </main>
    </div>
  );
}
