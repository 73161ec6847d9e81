"use client";

import { StormBanner } from "../storm/StormBanner";
import Link from "next/link";
import { UserMenu } from "../auth/UserMenu";
import { UsersPanel } from "./UsersPanel";
import { KeysPanel } from "./KeysPanel";
import { AuditPanel } from "./AuditPanel";
import { IngestPanel } from "./IngestPanel";

/** The supervisor's page: people and their roles, integration keys, what the integrations sent (and what is parked), and the audit log. */
export function AdminPage() {
  return (
    <div className="page">
      <header className="topbar">
        <Link className="brand" href="/">OMS Control Room</Link>
        <span className="muted">Users, keys &amp; ingestion</span>
        <UserMenu />
      </header>
      <StormBanner />
      <main className="page-body">
        <UsersPanel />
        <KeysPanel />
        <IngestPanel />
        <AuditPanel />
      </main>
    </div>
  );
}
