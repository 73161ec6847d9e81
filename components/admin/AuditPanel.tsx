"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../providers/trpc";
import { formatTime, localizeTimes } from "../format";
import { useTimeZone } from "../useTimeZone";

/** Who changed what: users, keys, rules, storm mode and sign-ins, newest first. */
export function AuditPanel() {
  const trpc = useTRPC();
  const audit = useQuery(trpc.admin.audit.queryOptions({ limit: 100 }));
  const tz = useTimeZone();
  return (
    <section className="card" aria-labelledby="audit-title">
      <h2 id="audit-title">Audit log</h2>
      <table className="grid" data-testid="audit-table">
        <thead><tr><th>When</th><th>Who</th><th>What</th><th>Details</th></tr></thead>
        <tbody>
          {audit.isPending && <tr><td colSpan={4} className="muted">Loading…</td></tr>}
          {audit.data?.length === 0 && <tr><td colSpan={4} className="muted">Nothing recorded yet.</td></tr>}
          {audit.data?.map((a) => (
            <tr key={a.id}>
              <td>{formatTime(a.created_at, tz)}</td>
              <td>{a.actor_name ?? a.actor_id} <span className="muted">({a.actor_type})</span></td>
              <td>{a.action}</td>
              <td className="audit-details">{a.details ? describeDetails(a.details, tz) : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** An audit entry's details as "key: value" pairs, instants in the utility's zone (never raw JSON with UTC strings). */
function describeDetails(details: unknown, tz: string | undefined): string {
  if (typeof details !== "object" || details === null) return localizeTimes(String(details), tz);
  return Object.entries(details as Record<string, unknown>)
    .filter(([, v]) => v !== null && v !== undefined && v !== "")
    .map(([k, v]) => `${k}: ${localizeTimes(typeof v === "string" ? v : JSON.stringify(v), tz)}`)
    .join(" · ");
}
