import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../../db/client";
import type { UserRole } from "../../db/schema";
import type { Auth } from "../auth/auth";
import { createUser } from "../auth/users";
import { systemActor } from "../context";

const DEMO_USERS: { username: string; name: string; role: UserRole }[] = [
  { username: "supervisor", name: "Demo Supervisor", role: "supervisor" },
  { username: "dispatcher", name: "Demo Dispatcher", role: "dispatcher" },
  { username: "crew", name: "Demo Crew Member", role: "crew" },
  { username: "viewer", name: "Demo Viewer", role: "viewer" },
];

/**
 * A fresh demo installation gets one user of each role with a made-up password: answered as the
 * lines writeDemoCredentials puts in a file (never in the log, which must hold no password).
 */
export async function provisionDemoUsers(auth: Auth, db: Db): Promise<string> {
  const [crew] = await queryRows<{ code: string }>(db, sql`SELECT crew_id AS code FROM oms_crews ORDER BY id LIMIT 1`);
  const lines = ["Demo users, one per role (passwords kept in clear only in this file; change them on the Account page):"];
  for (const u of DEMO_USERS) {
    if (u.role === "crew" && !crew) continue;
    const made = await createUser(auth, db, systemActor, { ...u, crew: u.role === "crew" ? crew.code : undefined });
    lines.push(`  ${u.role.padEnd(11)} username ${u.username.padEnd(11)} password ${made.password}${u.role === "crew" ? `   (crew ${crew.code})` : ""}`);
  }
  lines.push("Sign in at /sign-in.");
  return lines.join("\n");
}

/**
 * Writes a demo installation's made-up passwords and keys to `<DATA_DIR>/demo-sign-ins.txt`,
 * readable by its owner only, and answers the file's path for the log line that points at it.
 */
export function writeDemoCredentials(dataDir: string, text: string): string {
  const file = path.resolve(dataDir, "demo-sign-ins.txt");
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, `${text}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return file;
}
