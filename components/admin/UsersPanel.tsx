"use client";

import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../providers/trpc";
import { formatTime } from "../format";
import { useTimeZone } from "../useTimeZone";
import { ShownOnce } from "./ShownOnce";

const ROLES = ["viewer", "crew", "dispatcher", "supervisor"] as const;
type Role = (typeof ROLES)[number];

export function UsersPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const users = useQuery(trpc.admin.users.list.queryOptions());
  const crews = useQuery(trpc.admin.users.crews.queryOptions());
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.admin.users.list.queryKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.admin.audit.queryKey() });
  };
  const [secret, setSecret] = useState<{ label: string; value: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const onError = (e: { message: string }) => setError(e.message);
  const create = useMutation(trpc.admin.users.create.mutationOptions({
    onSuccess: (u) => { setSecret({ label: `Password for ${u.username}.`, value: u.password }); setError(null); refresh(); }, onError,
  }));
  const update = useMutation(trpc.admin.users.update.mutationOptions({ onSuccess: () => { setError(null); refresh(); }, onError }));
  const reset = useMutation(trpc.admin.users.resetPassword.mutationOptions({
    onSuccess: (r) => { setSecret({ label: `New password for ${r.user.username}; their sessions were ended.`, value: r.password }); refresh(); }, onError,
  }));

  const [form, setForm] = useState<{ username: string; name: string; role: Role; crew: string }>({ username: "", name: "", role: "dispatcher", crew: "" });
  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate({ username: form.username, name: form.name || form.username, role: form.role, crew: form.role === "crew" ? form.crew || null : null },
      { onSuccess: () => setForm({ username: "", name: "", role: form.role, crew: "" }) });
  }
  const tz = useTimeZone();

  return (
    <section className="card" aria-labelledby="users-title">
      <h2 id="users-title">Users</h2>
      {secret && <ShownOnce label={secret.label} value={secret.value} onDone={() => setSecret(null)} />}
      {error && <p className="form-error" role="alert">{error}</p>}
      <form className="inline-form" onSubmit={submit} aria-label="New user">
        <label>Username<input aria-label="Username" required pattern="[A-Za-z0-9._\-]{2,40}" value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} /></label>
        <label>Full name<input aria-label="Full name" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} /></label>
        <label>Role
          <select aria-label="Role" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
            {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
          </select>
        </label>
        {form.role === "crew" && (
          <label>Crew
            <select aria-label="Crew" required value={form.crew} onChange={(e) => setForm({ ...form, crew: e.target.value })}>
              <option value="">choose…</option>
              {crews.data?.map((c) => <option key={c.code} value={c.code}>{c.code} · {c.name}</option>)}
            </select>
          </label>
        )}
        <button className="primary" type="submit" disabled={create.isPending}>Create user</button>
      </form>
      <table className="grid" data-testid="users-table">
        <thead><tr><th>Username</th><th>Name</th><th>Role</th><th>Crew</th><th>Last sign-in</th><th>Status</th><th /></tr></thead>
        <tbody>
          {users.isPending && <tr><td colSpan={7} className="muted">Loading…</td></tr>}
          {users.data?.map((u) => (
            <tr key={u.id} className={u.disabled ? "disabled" : undefined}>
              <td>{u.username}</td>
              <td>{u.name}</td>
              <td>
                <select aria-label={`Role of ${u.username}`} value={u.role}
                  onChange={(e) => {
                    const role = e.target.value as Role;
                    const crew = role === "crew" ? window.prompt(`Crew code for ${u.username} (e.g. ${crews.data?.[0]?.code ?? "CRW01"})`) : null;
                    if (role === "crew" && !crew) return;
                    update.mutate({ id: u.id, role, crew });
                  }}>
                  {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
                </select>
              </td>
              <td>{u.crew ?? ""}</td>
              <td>{u.lastSignInAt ? formatTime(u.lastSignInAt, tz) : "never"}</td>
              <td>{u.disabled ? "disabled" : "active"}</td>
              <td className="actions">
                <button type="button" onClick={() => update.mutate({ id: u.id, disabled: !u.disabled })}>{u.disabled ? "Enable" : "Disable"}</button>
                <button type="button" onClick={() => window.confirm(`Make a new password for ${u.username} and sign them out?`) && reset.mutate({ id: u.id })}>Reset password</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
