"use client";

import { StormBanner } from "../storm/StormBanner";
import Link from "next/link";
import { UserMenu } from "../auth/UserMenu";
import { UsersPanel } from "./UsersPanel";
import { KeysPanel } from "./KeysPanel";
import { AuditPanel } from "./AuditPanel";

/** The supervisor's page: people and their roles, integration keys, and the audit log. */
export function AdminPage() {
  return (
    <div className="page">
      <header className="topbar">
        <Link className="brand" href="/">OMS Control Room</Link>
        <span className="muted">Users &amp; keys</span>
        <UserMenu />
      </header>
      <StormBanner />
      <main className="page-body">
        <UsersPanel />
        <KeysPanel />
        <AuditPanel />
      </main>
    </div>
  );
}
