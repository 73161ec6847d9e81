"use client";

import { StormBanner } from "../storm/StormBanner";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../providers/trpc";
import { authClient } from "./authClient";
import { UserMenu } from "./UserMenu";

/** One's own account: who one is, and a password change (which signs out the other sessions). */
export function AccountPage() {
  const trpc = useTRPC();
  const me = useQuery(trpc.account.me.queryOptions());
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [again, setAgain] = useState("");
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (next !== again) return setMessage({ ok: false, text: "The new passwords differ." });
    const result = await authClient.changePassword({ currentPassword: current, newPassword: next, revokeOtherSessions: true });
    if (result.error) {
      setMessage({ ok: false, text: result.error.status === 400 && /password/i.test(result.error.message ?? "") ? result.error.message! : result.error.status === 429 ? "Too many attempts; wait a minute." : "The current password is wrong." });
      return;
    }
    setCurrent(""); setNext(""); setAgain("");
    setMessage({ ok: true, text: "Password changed. Your other sessions were signed out." });
  }

  return (
    <div className="page">
      <header className="topbar">
        <Link className="brand" href={me.data?.permissions.includes("assignments.own") ? "/crew" : "/"}>OMS Control Room</Link>
        <UserMenu />
      </header>
      <StormBanner />
      <main className="page-body narrow">
        <h1>Account</h1>
        {me.data && (
          <dl className="facts">
            <dt>Name</dt><dd>{me.data.name}</dd>
            <dt>Username</dt><dd>{me.data.username}</dd>
            <dt>Role</dt><dd>{me.data.role}</dd>
          </dl>
        )}
        <form className="card" onSubmit={submit}>
          <h2>Change password</h2>
          <label>Current password<input type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} /></label>
          <label>New password (10 characters or more)<input type="password" autoComplete="new-password" minLength={10} required value={next} onChange={(e) => setNext(e.target.value)} /></label>
          <label>New password again<input type="password" autoComplete="new-password" minLength={10} required value={again} onChange={(e) => setAgain(e.target.value)} /></label>
          <p className={message?.ok ? "form-ok" : "form-error"} role="status">{message?.text ?? ""}</p>
          <button className="primary" type="submit">Change password</button>
        </form>
      </main>
    </div>
  );
}
