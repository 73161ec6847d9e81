"use client";

import { useState, type FormEvent } from "react";
import { authClient, safeNext } from "./authClient";

/** Username (or email) and password; the server answers the same for a wrong password and an unknown user. */
export function SignInForm() {
  const [login, setLogin] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const who = login.trim();
    const result = who.includes("@")
      ? await authClient.signIn.email({ email: who, password })
      : await authClient.signIn.username({ username: who, password });
    if (result.error) {
      setBusy(false);
      setError(result.error.status === 429
        ? "Too many sign-in attempts from this computer. Wait a minute and try again."
        : result.error.status === 401 || result.error.status === 422
          ? "Wrong username or password."
          : result.error.message ?? "Could not sign in.");
      return;
    }
    const role = (result.data?.user as { role?: string } | undefined)?.role;
    const next = safeNext(new URLSearchParams(window.location.search).get("next"));
    window.location.assign(next ?? (role === "crew" ? "/crew" : "/"));
  }

  return (
    <form className="card signin" onSubmit={submit} aria-labelledby="signin-title">
      <h1 id="signin-title">OMS Control Room</h1>
      <p className="muted">Sign in to continue.</p>
      <label>
        Username or email
        <input name="username" autoComplete="username" autoFocus required value={login} onChange={(e) => setLogin(e.target.value)} />
      </label>
      <label>
        Password
        <input name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
      </label>
      <p className="form-error" role="alert" aria-live="assertive">{error ?? ""}</p>
      <button className="primary" type="submit" disabled={busy}>{busy ? "Signing in…" : "Sign in"}</button>
    </form>
  );
}
