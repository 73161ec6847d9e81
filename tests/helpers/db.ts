import { randomBytes } from "node:crypto";
import pg from "pg";
import { createDb, type DbHandle } from "../../db/client";
import { dropDatabase } from "../../db/dropDatabase";

/**
 * A freshly migrated database for one test file: an in-memory PGlite by default, or, when
 * DATABASE_URL is set, a new PostgreSQL database created next to it and dropped afterwards.
 */
export async function createTestDb(): Promise<DbHandle> {
  const base = process.env.DATABASE_URL;
  if (!base) return createDb({ dataDir: "memory://" });

  const name = `oms_test_${Date.now()}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const handle = await createDb({ dataDir: "unused", databaseUrl: url.toString(), poolSize: 4 });
  return {
    ...handle,
    async close() {
      await handle.close();
      const again = new pg.Client({ connectionString: base });
      await again.connect();
      await dropDatabase(again, name);
      await again.end();
    },
  };
}

export const runtimeName = process.env.DATABASE_URL ? "postgres" : "pglite";
