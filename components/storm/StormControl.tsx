"use client";

import { useEffect, useRef, useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../providers/trpc";
import { formatCount, formatTime } from "../format";

/**
 * Storm mode at a glance in the top bar; for a supervisor, the switch: on or off with a reason,
 * the rule it applies, and the last hour's rate that switches it on by itself.
 */
export function StormControl({ canSwitch, timeZone }: { canSwitch: boolean; timeZone?: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const storm = useQuery(trpc.storm.status.queryOptions(undefined, { refetchInterval: 30_000 }));
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const after = {
    onSuccess: () => { setOpen(false); setReason(""); setError(null); void queryClient.invalidateQueries({ queryKey: trpc.storm.status.queryKey() }); },
    onError: (e: { message: string }) => setError(e.message),
  };
  const activate = useMutation(trpc.storm.activate.mutationOptions(after));
  const deactivate = useMutation(trpc.storm.deactivate.mutationOptions(after));
  const s = storm.data;
  const active = s?.is_active ?? false;
  // A dialog: opening it moves the focus in (to the reason, or the dialog itself); Escape closes it
  // and gives the focus back to the pill, before the details panel's own Escape sees the key.
  const pill = useRef<HTMLButtonElement>(null);
  const dialog = useRef<HTMLDivElement>(null);
  const shown = open && !!s;
  useEffect(() => {
    if (shown) (dialog.current?.querySelector<HTMLElement>("input") ?? dialog.current)?.focus();
  }, [shown]);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (active) deactivate.mutate({ deactivation_reason: reason });
    else activate.mutate({ activation_reason: reason });
  }

  return (
    <div className="storm-control">
      <button type="button" ref={pill} className={`storm-pill ${active ? "on" : ""}`} aria-expanded={open} aria-haspopup="dialog"
        data-testid="storm-pill" onClick={() => setOpen(!open)}>
        Storm<span className="storm-pill-mode"> mode</span> {active ? "ON" : "off"}
      </button>
      {open && s && (
        <div className="popover" role="dialog" aria-label="Storm mode" ref={dialog} tabIndex={-1}
          onKeyDown={(e) => { if (e.key === "Escape") { e.preventDefault(); setOpen(false); pill.current?.focus(); } }}>
          <h3>Storm mode is {active ? "on" : "off"}</h3>
          <dl className="facts compact">
            {active ? (
              <><dt>Since</dt><dd>{s.activated_at ? formatTime(s.activated_at, timeZone) : "–"} by {s.activated_by ?? "–"}</dd><dt>Why</dt><dd>{s.activation_reason ?? "–"}</dd></>
            ) : s.deactivated_at ? (
              <><dt>Off since</dt><dd>{formatTime(s.deactivated_at, timeZone)} by {s.deactivated_by ?? "–"}</dd><dt>Why</dt><dd>{s.deactivation_reason ?? "–"}</dd></>
            ) : null}
            <dt>Rule in force</dt><dd>{s.rule.rule_name}: {s.rule.correlation_window_minutes} min, {formatCount(s.rule.spatial_radius_meters)} m, threshold {Math.round(s.rule.confidence_threshold * 100)}%</dd>
            <dt>Last hour</dt><dd data-testid="storm-rate">{formatCount(s.event_rate.outages_detected)} outages from {formatCount(s.event_rate.signals_received)} signals (switches on by itself at {formatCount(s.auto_activation_threshold)} outages)</dd>
          </dl>
          {canSwitch ? (
            <form onSubmit={submit} className="action-form">
              <label>Reason<input required value={reason} onChange={(e) => setReason(e.target.value)} placeholder={active ? "e.g. storm has passed" : "e.g. storm front over Amman"} /></label>
              {error && <p className="form-error" role="alert">{error}</p>}
              <button className="primary" type="submit" disabled={activate.isPending || deactivate.isPending}>
                {active ? "Switch storm mode off" : "Switch storm mode on"}
              </button>
            </form>
          ) : <p className="muted">Only a supervisor switches storm mode.</p>}
        </div>
      )}
    </div>
  );
}
