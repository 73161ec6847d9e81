import fs from "node:fs";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../server/config";
import { createDb, DataFolderLockedError } from "../db/client";
import { assertScope, createApiKey, listApiKeys, revokeApiKey, API_KEY_SCOPES } from "../server/auth/apiKeys";
import type { Actor } from "../server/context";
import { DomainError } from "../server/errors";

const USAGE = `Usage: npm run admin -- <command> [options]

Commands
  create-key --source <${API_KEY_SCOPES.join("|")}> --name "<name>" [--output <file>]
        Create an integration API key; the key is printed once (and written to --output if given).
  list-keys       List the keys (never the keys themselves): id, scope, name, last use, revoked.
  revoke-key --id <key id>
        Revoke a key: every request with it is refused from now on.

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
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({ args: rest, options: { source: { type: "string" }, name: { type: "string" }, id: { type: "string" }, output: { type: "string" } }, strict: true }) as { values: Record<string, string | undefined> });
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const need = (flag: string) => {
    if (!values[flag]?.trim()) throw new DomainError("invalid", `${command} needs --${flag}`);
    return values[flag]!.trim();
  };
  if (!["create-key", "list-keys", "revoke-key"].includes(command)) {
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
    } else if (command === "revoke-key") {
      const key = await revokeApiKey(handle.db, operator, need("id"));
      console.log(`Revoked ${key.id} (${key.scope}, "${key.name}") at ${key.revokedAt}.`);
    } else {
      const keys = await listApiKeys(handle.db);
      console.table(keys.map((k) => ({ id: k.id, scope: k.scope, name: k.name, prefix: `${k.prefix}…`, last_used: k.lastUsedAt ?? "never", revoked: k.revokedAt ?? "" })));
    }
    return 0;
  } finally {
    await handle.close();
  }
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
