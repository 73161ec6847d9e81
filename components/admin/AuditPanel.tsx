"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../providers/trpc";
import { formatTime } from "../format";

/** Who changed what: users, keys, rules, storm mode and sign-ins, newest first. */
export function AuditPanel() {
  const trpc = useTRPC();
  const audit = useQuery(trpc.admin.audit.queryOptions({ limit: 100 }));
  const config = useQuery(trpc.system.publicConfig.queryOptions());
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
              <td>{formatTime(a.created_at, config.data?.timeZone)}</td>
              <td>{a.actor_name ?? a.actor_id} <span className="muted">({a.actor_type})</span></td>
              <td>{a.action}</td>
              <td className="audit-details">{a.details ? JSON.stringify(a.details) : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
