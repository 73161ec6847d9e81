/**
 * `npm run migrate`: applies the pending migrations to the database of DATABASE_URL (or the
 * embedded one in DATA_DIR) and exits, for a deploy pipeline that migrates before it rolls out
 * the new version. Safe to run while old app processes serve PostgreSQL (migrations run under
 * the same advisory lock the app takes at start) and to run twice.
 */
import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { ConfigError, loadConfig } from "../server/config";
import { createDb, DataFolderLockedError, migrationsFolder, queryRows } from "../db/client";
import { describeError } from "../server/errorCauses";

try {
  const config = loadConfig();
  const started = Date.now();
  const database = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 1 });
  try {
    const [row] = await queryRows<{ newest: string | number }>(database.db, sql`SELECT max(created_at) AS newest FROM drizzle.__drizzle_migrations`);
    const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder, "meta", "_journal.json"), "utf8")) as { entries: Array<{ tag: string; when: number }> };
    const newest = journal.entries.filter((e) => e.when <= Number(row?.newest ?? 0)).at(-1)?.tag ?? "none";
    console.log(`${database.location}: migrations up to date, the newest applied is ${newest} (${Date.now() - started} ms).`);
  } finally {
    await database.close();
  }
} catch (err) {
  if (err instanceof ConfigError || err instanceof DataFolderLockedError) {
    console.error(err.message);
    process.exit(2);
  }
  console.error(`Migration failed: ${describeError(err, { stack: true })}`);
  process.exit(1);
}
