"use client";

import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../providers/trpc";
import { formatCount, formatTime } from "../format";
import { useTimeZone } from "../useTimeZone";
import styles from "./IngestPanel.module.css";

const SOURCES = [
  { value: "scada", label: "SCADA" },
  { value: "kaifa", label: "Kaifa head-end" },
  { value: "onu", label: "ONU network" },
  { value: "call_center", label: "Call center" },
] as const;
const sourceLabel = (s: string) => SOURCES.find((x) => x.value === s)?.label ?? s;

type Counts = Record<"processed" | "unmatched" | "rejected" | "failed" | "received" | "dead", number>;
/** The columns a supervisor reads: `received` and `failed` are both still to be processed by the retrier. */
const MEASURES: { key: string; label: string; of: (c: Counts) => number; alarm?: boolean }[] = [
  { key: "processed", label: "Processed", of: (c) => c.processed },
  { key: "unmatched", label: "Unmatched", of: (c) => c.unmatched },
  { key: "rejected", label: "Rejected", of: (c) => c.rejected },
  { key: "awaiting", label: "Awaiting processing", of: (c) => c.received + c.failed },
  { key: "parked", label: "Parked", of: (c) => c.dead, alarm: true },
];
/** How often the counts and the parked list are read again: the retrier's own interval. */
const REFRESH_MS = 10_000;
/** The most parked events the server lists (listParked in server/ingest/parked.ts). */
const PARKED_LISTED = 100;

/** What the integrations sent, by source and outcome, and the events parked after repeated failures, with their retry. */
export function IngestPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const stats = useQuery(trpc.admin.ingest.stats.queryOptions(undefined, { refetchInterval: REFRESH_MS }));
  const parked = useQuery(trpc.admin.ingest.parked.queryOptions(undefined, { refetchInterval: REFRESH_MS }));
  const [queued, setQueued] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const retry = useMutation(trpc.admin.ingest.retry.mutationOptions({
    onSuccess: (r) => {
      setQueued(r.queued);
      setError(null);
      for (const key of [trpc.admin.ingest.stats.queryKey(), trpc.admin.ingest.parked.queryKey(), trpc.admin.audit.queryKey()]) {
        void queryClient.invalidateQueries({ queryKey: key });
      }
    },
    onError: (e) => setError(e.message),
  }));
  const tz = useTimeZone();
  const rows = stats.data ? SOURCES.map((s) => ({ label: s.label, ...stats.data.bySource[s.value] })).filter((r) => r.total) : [];
  const sum = (pick: "total" | "lastHour", m: (typeof MEASURES)[number]) => rows.reduce((n, r) => n + m.of(r[pick]), 0);
  const cell = (n: number, m: (typeof MEASURES)[number], pair: boolean) => (
    <td key={`${m.key}-${pair ? "total" : "hour"}`} data-measure={m.key} data-period={pair ? "total" : "hour"} className={[styles.num, pair && styles.pair, m.alarm && n > 0 && styles.alarm].filter(Boolean).join(" ")}>
      {formatCount(n)}
    </td>
  );

  return (
    <section className="card" aria-labelledby="ingest-title">
      <h2 id="ingest-title">Ingestion</h2>
      {/* The schedule of markFailed and MAX_ATTEMPTS in server/ingest/inbox.ts (docs/ingestion.md). */}
      <p className={`muted ${styles.explain}`}>
        Events whose processing fails are retried automatically with backoff (after 5 s, 10 s, 20 s and 40 s) and parked after 5 failed attempts, until someone retries them here.
      </p>
      <table className="grid" data-testid="ingest-counts">
        <thead>
          <tr>
            <th rowSpan={2}>Source</th>
            {MEASURES.map((m) => <th key={m.key} colSpan={2} className={`${styles.num} ${styles.pair}`}>{m.label}</th>)}
          </tr>
          <tr>
            {MEASURES.map((m) => [
              <th key={`${m.key}-total`} className={`${styles.num} ${styles.pair} ${styles.sub}`}>all time</th>,
              <th key={`${m.key}-hour`} className={`${styles.num} ${styles.sub}`}>last hour</th>,
            ])}
          </tr>
        </thead>
        <tbody>
          {stats.isPending && <tr><td colSpan={11} className="muted">Loading…</td></tr>}
          {rows.map((r) => (
            <tr key={r.label} data-source={r.label}>
              <td>{r.label}</td>
              {MEASURES.map((m) => [cell(m.of(r.total), m, true), cell(m.of(r.lastHour), m, false)])}
            </tr>
          ))}
          {rows.length > 0 && (
            <tr className={styles.total} data-source="all">
              <td>All sources</td>
              {MEASURES.map((m) => [cell(sum("total", m), m, true), cell(sum("lastHour", m), m, false)])}
            </tr>
          )}
        </tbody>
      </table>

      <div className={styles.subtitle}>
        <h3 id="parked-title">Parked events</h3>
        {stats.data && parked.data && parked.data.length >= PARKED_LISTED && stats.data.parked > parked.data.length && (
          <span className="muted">the newest {parked.data.length} of {formatCount(stats.data.parked)}</span>
        )}
        <button type="button" disabled={retry.isPending || !parked.data?.length} onClick={() => retry.mutate({})}>Retry all</button>
      </div>
      {queued !== null && <p className="form-ok" role="status">Queued: {formatCount(queued)} — processed by the server within ~10 s.</p>}
      {error && <p className="form-error" role="alert">{error}</p>}
      <table className="grid" data-testid="parked-table" aria-labelledby="parked-title">
        <thead><tr><th>Source</th><th>Event id</th><th className={styles.num}>Attempts</th><th>Error</th><th>Received</th><th>Last failed</th><th /></tr></thead>
        <tbody>
          {parked.isPending && <tr><td colSpan={7} className="muted">Loading…</td></tr>}
          {parked.data?.length === 0 && <tr><td colSpan={7} className="muted">Nothing is parked.</td></tr>}
          {parked.data?.map((p) => (
            <tr key={p.id}>
              <td>{sourceLabel(p.source)}</td>
              <td><code className={styles.eventId}>{p.sourceEventId}</code></td>
              <td className={styles.num}>{p.attempts}</td>
              <td><div className={styles.error} title={p.error ?? undefined}>{p.error ?? "–"}</div></td>
              <td className={styles.when}>{formatTime(p.receivedAt, tz, { seconds: true })}</td>
              <td className={styles.when}>{p.failedAt ? formatTime(p.failedAt, tz, { seconds: true }) : "–"}</td>
              <td className="actions">
                <button type="button" disabled={retry.isPending} onClick={() => retry.mutate({ ids: [p.id] })}>Retry</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
