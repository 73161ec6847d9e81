"use client";

import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../providers/trpc";
import { formatTime } from "../format";
import { useTimeZone } from "../useTimeZone";
import { ShownOnce } from "./ShownOnce";

const SCOPES = [
  { value: "scada", label: "SCADA ingestion" },
  { value: "kaifa", label: "Kaifa head-end ingestion" },
  { value: "onu", label: "ONU network ingestion" },
  { value: "call_center", label: "Call center ingestion" },
  { value: "oms_api", label: "The /api/oms API" },
] as const;

export function KeysPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const keys = useQuery(trpc.admin.keys.list.queryOptions());
  // Keys record who made them by user id: show the person's username (the same query the users table uses).
  const users = useQuery(trpc.admin.users.list.queryOptions());
  const who = (id: string) => users.data?.find((u) => u.id === id)?.username ?? id;
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.admin.keys.list.queryKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.admin.audit.queryKey() });
  };
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const create = useMutation(trpc.admin.keys.create.mutationOptions({
    onSuccess: (k) => { setSecret(k.key); setError(null); refresh(); }, onError: (e) => setError(e.message),
  }));
  const revoke = useMutation(trpc.admin.keys.revoke.mutationOptions({ onSuccess: refresh, onError: (e) => setError(e.message) }));
  const [name, setName] = useState("");
  const [scope, setScope] = useState<string>("scada");
  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate({ name, scope }, { onSuccess: () => setName("") });
  }
  const tz = useTimeZone();

  return (
    <section className="card" aria-labelledby="keys-title">
      <h2 id="keys-title">Integration API keys</h2>
      {secret && <ShownOnce label="The new key." value={secret} onDone={() => setSecret(null)} />}
      {error && <p className="form-error" role="alert">{error}</p>}
      <form className="inline-form" onSubmit={submit} aria-label="New API key">
        <label>Name<input aria-label="Name" required placeholder="SCADA gateway" value={name} onChange={(e) => setName(e.target.value)} /></label>
        <label>For
          <select aria-label="For" value={scope} onChange={(e) => setScope(e.target.value)}>
            {SCOPES.map((s) => <option key={s.value} value={s.value}>{s.label}</option>)}
          </select>
        </label>
        <button className="primary" type="submit" disabled={create.isPending}>Create key</button>
      </form>
      <table className="grid" data-testid="keys-table">
        <thead><tr><th>Name</th><th>For</th><th>Key starts</th><th>Created</th><th>Last used</th><th>Status</th><th /></tr></thead>
        <tbody>
          {keys.isPending && <tr><td colSpan={7} className="muted">Loading…</td></tr>}
          {keys.data?.length === 0 && <tr><td colSpan={7} className="muted">No keys yet.</td></tr>}
          {keys.data?.map((k) => (
            <tr key={k.id} className={k.revokedAt ? "disabled" : undefined}>
              <td>{k.name}</td>
              <td>{SCOPES.find((s) => s.value === k.scope)?.label ?? k.scope}</td>
              <td><code>{k.prefix}…</code></td>
              <td>{formatTime(k.createdAt, tz)} by {who(k.createdBy)}</td>
              <td>{k.lastUsedAt ? formatTime(k.lastUsedAt, tz) : "never"}</td>
              <td>{k.revokedAt ? `revoked ${formatTime(k.revokedAt, tz)}` : "active"}</td>
              <td className="actions">
                {!k.revokedAt && (
                  <button type="button" onClick={() => window.confirm(`Revoke "${k.name}"? Every request with it is refused from now on.`) && revoke.mutate({ id: k.id })}>Revoke</button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
