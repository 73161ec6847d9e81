"use client";

import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../providers/trpc";
import { signOut } from "./authClient";

/** Who is signed in, with the links the server's permissions for them allow, and sign-out. */
export function UserMenu() {
  const trpc = useTRPC();
  const me = useQuery(trpc.account.me.queryOptions());
  if (!me.data) return <span className="user-menu" />;
  return (
    <nav className="user-menu" aria-label="Account">
      <span data-testid="signed-in-as">
        <span className="user-name">{me.data.name}</span> <span className="role-tag" data-testid="role" title={me.data.name}>{me.data.role}</span>
      </span>
      {me.data.permissions.includes("outages.read") && <Link href="/wall" title="Wall display: the map and the headline figures in large type, nothing to press">Wall</Link>}
      {me.data.permissions.includes("reports.read") && <Link href="/reports">Reports</Link>}
      {me.data.permissions.includes("users.manage") && <Link href="/admin">Users &amp; keys</Link>}
      <Link href="/account">Account</Link>
      <button type="button" className="link" onClick={() => void signOut()}>Sign out</button>
    </nav>
  );
}
