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
 * A fresh demo installation gets one user of each role with a made-up password, printed once
 * in the start-up log and, on the embedded database, written to `<DATA_DIR>/demo-sign-ins.txt`
 * (readable by its owner only) so that a new user who missed the log can still get in.
 */
export async function provisionDemoUsers(auth: Auth, db: Db, dataDir?: string): Promise<string> {
  const [crew] = await queryRows<{ code: string }>(db, sql`SELECT crew_id AS code FROM oms_crews ORDER BY id LIMIT 1`);
  const lines = ["Demo users, one per role (passwords shown only this once; change them on the Account page):"];
  for (const u of DEMO_USERS) {
    if (u.role === "crew" && !crew) continue;
    const made = await createUser(auth, db, systemActor, { ...u, crew: u.role === "crew" ? crew.code : undefined });
    lines.push(`  ${u.role.padEnd(11)} username ${u.username.padEnd(11)} password ${made.password}${u.role === "crew" ? `   (crew ${crew.code})` : ""}`);
  }
  lines.push("Sign in at /sign-in.");
  if (dataDir) {
    const file = path.join(dataDir, "demo-sign-ins.txt");
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, `${lines.join("\n")}\n`, { mode: 0o600 });
    lines.push(`(Also written to ${file}; delete it once you have changed the passwords.)`);
  }
  return lines.join("\n");
}
