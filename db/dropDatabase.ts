import type pg from "pg";

/**
 * Drops a database of the tests or the bench (never the app's): once the connections its pools
 * were told to end are gone (up to 5 s), then by force. A pool's end() resolves when its
 * connections are told to end, not when they have, and a drop that kills one still closing makes
 * it report itself as an idle connection that failed.
 */
export async function dropDatabase(admin: pg.Client, name: string): Promise<void> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`not a database name made by the tests or the bench: ${name}`);
  await admin.query(`DO $$ BEGIN
    FOR i IN 1..100 LOOP
      EXIT WHEN NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = '${name}' AND pid <> pg_backend_pid());
      PERFORM pg_sleep(0.05);
    END LOOP; END $$`);
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
