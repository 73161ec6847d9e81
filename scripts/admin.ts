import fs from "node:fs";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../server/config";
import { createDb, DataFolderLockedError } from "../db/client";
import { assertScope, createApiKey, listApiKeys, revokeApiKey, API_KEY_SCOPES } from "../server/auth/apiKeys";
import type { Actor } from "../server/context";
import { createAuth } from "../server/auth/auth";
import { createUser, listUsers, resetPassword, updateUser } from "../server/auth/users";
import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../db/client";
import { DomainError } from "../server/errors";
import { findOrphans, UNCHECKED_REFERENCES } from "../db/queries/integrity";

const COMMANDS = ["create-key", "list-keys", "revoke-key", "create-user", "list-users", "set-role", "disable-user", "enable-user", "reset-password", "check-integrity"];

const USAGE = `Usage: npm run admin -- <command> [options]

Commands
  create-key --source <${API_KEY_SCOPES.join("|")}> --name "<name>" [--output <file>]
        Create an integration API key; the key is printed once (and written to --output if given).
  list-keys       List the keys (never the keys themselves): id, scope, name, last use, revoked.
  revoke-key --id <key id>
        Revoke a key: every request with it is refused from now on.
  create-user --username <name> --role <viewer|crew|dispatcher|supervisor> [--name "<full name>"]
              [--email <address>] [--crew <CRW01>] [--password-stdin]
        Create a person who signs in. Without --password-stdin a strong password is made and
        printed once; with it, the password is read from standard input (one line).
  list-users      List the users: username, role, crew, disabled, last sign-in.
  set-role --username <name> --role <role> [--crew <CRW01>]
        Change a user's role (a crew user needs --crew).
  disable-user --username <name> / enable-user --username <name>
        A disabled user cannot sign in; their sessions end at once.
  reset-password --username <name>
        Make a new password (printed once) and end the user's sessions.
  check-integrity Look for event rows whose meter, customer, outage or inbox row is missing (the
        references migration 0017 keeps without foreign keys); exits 1 if any is found.

Works against the database of DATABASE_URL, or the embedded one in DATA_DIR (which must not be
held by a running server: stop it first, or use PostgreSQL).`;

/** Shell provisioning: what an operator does before any user can sign in. */
const operator: Actor = { kind: "system", id: "system", name: `shell (${process.env.USER ?? "operator"})` };

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  if (!command || command === "--help" || command === "help") {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  let values: Record<string, string | boolean | undefined> & { [k: string]: any };
  try {
    ({ values } = parseArgs({ args: rest, options: {
      source: { type: "string" }, name: { type: "string" }, id: { type: "string" }, output: { type: "string" },
      username: { type: "string" }, role: { type: "string" }, email: { type: "string" }, crew: { type: "string" }, "password-stdin": { type: "boolean" },
    }, strict: true }) as { values: Record<string, any> });
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const need = (flag: string) => {
    if (!values[flag]?.trim()) throw new DomainError("invalid", `${command} needs --${flag}`);
    return values[flag]!.trim();
  };
  if (!COMMANDS.includes(command)) {
    console.error(`Unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  const config = loadConfig();
  const handle = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
  try {
    if (command === "create-key") {
      const source = need("source");
      if (!(API_KEY_SCOPES as readonly string[]).includes(source)) throw new DomainError("invalid", `--source must be one of ${API_KEY_SCOPES.join(", ")} (got "${source}")`);
      const created = await createApiKey(handle.db, operator, { scope: assertScope(source), name: need("name") });
      if (values.output) fs.writeFileSync(values.output, `${created.key}\n`, { mode: 0o600 });
      console.log(`Created API key ${created.id} (${created.scope}, "${created.name}").`);
      console.log(`Key (shown once, store it now):\n${created.key}`);
    } else if (command === "check-integrity") {
      const orphans = await findOrphans(handle.db);
      if (!orphans.length) console.log(`No orphans: all ${UNCHECKED_REFERENCES.length} unchecked references name existing rows.`);
      for (const o of orphans) console.log(`${o.table}.${o.column}: ${o.rows} row(s) name no ${o.parent} row`);
      return orphans.length ? 1 : 0;
    } else if (command === "revoke-key") {
      const key = await revokeApiKey(handle.db, operator, need("id"));
      console.log(`Revoked ${key.id} (${key.scope}, "${key.name}") at ${key.revokedAt}.`);
    } else if (command.endsWith("-user") || command === "set-role" || command === "reset-password" || command === "list-users") {
      const auth = await createAuth(handle.db, { secret: config.authSecret, publicUrl: config.publicUrl, signInAttemptsPerMinute: config.signInAttemptsPerMinute, sessionHours: config.sessionHours });
      if (command === "create-user") {
        const password = values["password-stdin"] ? await readLine() : undefined;
        const made = await createUser(auth, handle.db, operator, {
          username: need("username"), name: values.name?.trim() || need("username"), email: values.email, role: need("role") as never, crew: values.crew, password,
        });
        console.log(`Created ${made.role} ${made.username}${made.crew ? ` (crew ${made.crew})` : ""}.`);
        if (!password) console.log(`Password (shown once, hand it over safely):\n${made.password}`);
      } else if (command === "list-users") {
        const users = await listUsers(handle.db);
        console.table(users.map((u) => ({ username: u.username, name: u.name, role: u.role, crew: u.crew ?? "", disabled: u.disabled ? "yes" : "", last_sign_in: u.lastSignInAt ?? "never" })));
      } else {
        const id = await userIdOf(handle.db, need("username"));
        if (command === "reset-password") {
          const { user, password } = await resetPassword(auth, handle.db, operator, id);
          console.log(`New password for ${user.username} (shown once; their sessions were ended):\n${password}`);
        } else {
          const change = command === "set-role" ? { role: need("role") as never, crew: values.crew ?? null } : { disabled: command === "disable-user" };
          const user = await updateUser(handle.db, operator, { id, ...change });
          console.log(`${user.username}: ${user.role}${user.crew ? ` (crew ${user.crew})` : ""}${user.disabled ? ", disabled" : ""}.`);
        }
      }
    } else {
      const keys = await listApiKeys(handle.db);
      console.table(keys.map((k) => ({ id: k.id, scope: k.scope, name: k.name, prefix: `${k.prefix}…`, last_used: k.lastUsedAt ?? "never", revoked: k.revokedAt ?? "" })));
    }
    return 0;
  } finally {
    await handle.close();
  }
}

async function userIdOf(db: Db, username: string): Promise<string> {
  const [row] = await queryRows<{ id: string }>(db, sql`SELECT id FROM auth_users WHERE username = ${username.toLowerCase()}`);
  if (!row) throw new DomainError("not_found", `There is no user ${username}`);
  return row.id;
}

/** One line from standard input (a password piped in, never a flag that shows in `ps`). */
async function readLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const line = Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0];
  if (!line) throw new DomainError("invalid", "--password-stdin: standard input held no password");
  return line;
}

main().then((code) => process.exit(code), (err) => {
  if (err instanceof ConfigError || err instanceof DataFolderLockedError) {
    console.error(err.message);
    process.exit(err instanceof ConfigError ? 2 : 1);
  }
  if (err instanceof DomainError) {
    console.error([err.message, ...err.issues.map((i) => `  ${i.path}: ${i.message}`)].join("\n"));
    process.exit(2);
  }
  console.error("admin failed:", err);
  process.exit(1);
});
