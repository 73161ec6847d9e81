import { readFileSync } from "node:fs";
import path from "node:path";
import type { RequestHandler } from "express";
import { sql } from "drizzle-orm";
import { migrationsFolder, queryRows, type Db } from "../../db/client";
import { describeError } from "../errorCauses";

/** The newest migration this build ships (drizzle records its `when` as created_at once applied). */
const newestMigration = (() => {
  const journal = JSON.parse(readFileSync(path.join(migrationsFolder, "meta", "_journal.json"), "utf8")) as { entries: Array<{ tag: string; when: number }> };
  return journal.entries.at(-1)!;
})();

const CHECK_TIMEOUT_MS = 2_000;
type Check = { ok: boolean; detail?: string };

const withTimeout = <T>(work: Promise<T>, what: string) => Promise.race([
  work,
  new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS).unref()),
]);

/**
 * Whether this process should get traffic: the database answers with this build's migrations
 * applied, Redis answers when REDIS_URL is set, and no shutdown has begun. From the moment a
 * shutdown begins /readyz answers 503 while requests are still served, so a load balancer takes
 * the node out before its connections close (main.ts waits SHUTDOWN_DRAIN_SECONDS for that).
 */
export function createReadiness(deps: { db: Db; redisUrl?: string }) {
  let shuttingDown = false;
  let redis: { ping(): Promise<string>; quit(): Promise<unknown>; isOpen: boolean } | undefined;
  let redisConnecting: Promise<unknown> | undefined;

  async function database(): Promise<Check> {
    const [row] = await withTimeout(queryRows<{ newest: string | number | null }>(deps.db, sql`SELECT max(created_at) AS newest FROM drizzle.__drizzle_migrations`), "the database");
    const applied = Number(row?.newest ?? 0);
    return applied >= newestMigration.when ? { ok: true } : { ok: false, detail: `migration ${newestMigration.tag} is not applied (run npm run migrate)` };
  }

  async function redisCheck(): Promise<Check> {
    if (!redis) {
      const { createClient } = await import("redis");
      const client = createClient({ url: deps.redisUrl, disableOfflineQueue: true });
      client.on("error", () => {}); // a failed ping says it; the client reconnects by itself
      redis = client;
      redisConnecting = client.connect();
    }
    await withTimeout(redisConnecting!, "Redis");
    await withTimeout(redis.ping(), "Redis");
    return { ok: true };
  }

  const run = async (check: () => Promise<Check>): Promise<Check> => {
    try {
      return await check();
    } catch (err) {
      return { ok: false, detail: describeError(err) };
    }
  };

  return {
    get shuttingDown() { return shuttingDown; },
    markShuttingDown() { shuttingDown = true; },
    async check(): Promise<{ ready: boolean; checks: Record<string, Check> }> {
      const checks: Record<string, Check> = { shutdown: shuttingDown ? { ok: false, detail: "the process is shutting down" } : { ok: true } };
      checks.database = await run(database);
      if (deps.redisUrl) checks.redis = await run(redisCheck);
      return { ready: Object.values(checks).every((c) => c.ok), checks };
    },
    async close() {
      if (redis?.isOpen) await redis.quit().catch(() => {});
    },
  };
}

export type Readiness = ReturnType<typeof createReadiness>;

/** `GET /healthz`: the process answers. Nothing else is checked: a restart would not fix a lost database. */
export const livenessHandler: RequestHandler = (_req, res) => void res.json({ status: "ok", time: new Date().toISOString() });

/** `GET /readyz`: 200 `ready` or 503 `not_ready`, with each check. */
export const readinessHandler = (readiness: Readiness): RequestHandler => async (_req, res) => {
  const { ready, checks } = await readiness.check();
  res.status(ready ? 200 : 503).set("Cache-Control", "no-store").json({ status: ready ? "ready" : "not_ready", checks });
};
