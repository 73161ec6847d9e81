import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { dropDatabase } from "../../db/dropDatabase";
import { createDb, type DbHandle } from "../../db/client";
import type { GeneratedNetwork } from "../../db/seed/types";
import { loadNetwork } from "../../db/seed/load";
import { createApiKey } from "../../server/auth/apiKeys";
import { loadConfig } from "../../server/config";
import { systemActor } from "../../server/context";
import { startServer, type RunningServer } from "../../server/index";
import { createUser } from "../../server/auth/users";

/** Signs in through the real route and answers the session cookie. */
export async function signInCookie(url: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/sign-in/username`, {
    method: "POST", headers: { "content-type": "application/json", origin: url }, body: JSON.stringify({ username, password }),
  });
  const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]).find((c) => c.includes("session_token"));
  if (res.status !== 200 || !cookie) throw new Error(`sign-in of ${username} answered ${res.status}`);
  return cookie;
}

export type RuntimeKind = "pglite" | "postgres";

export const DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres";

export interface BenchServer {
  server: RunningServer;
  /** A Kaifa-scoped API key, as the head-end integration would hold. */
  apiKey: string;
  /** One key per ingestion source, as each integration would hold, and an `oms_api` key (the REST API a crews' app uses). */
  keys: Record<"scada" | "kaifa" | "onu" | "call_center" | "oms_api", string>;
  /** The session cookie of a signed-in dispatcher, to watch the pushes as a screen does. */
  dispatcherCookie: string;
  /** What the server logged (sweeper and after-commit trouble shows up here). */
  logs: string[];
  /** Seconds spent opening the database, migrating, loading the network and warming the server's state. */
  setupSeconds: number;
  /** Stops the server and throws the database away. */
  stop(): Promise<void>;
}

/** The PostgreSQL server the bench uses, or null when none answers within two seconds. */
export async function reachablePostgres(): Promise<string | null> {
  const url = process.env.DATABASE_URL ?? DEFAULT_POSTGRES_URL;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return url;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => {});
  }
}

async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * A fresh database for one pass, so that passes do not inherit each other's history: a new
 * PGlite folder under the temp dir (on disk, as the server runs it), or a new PostgreSQL
 * database next to the configured one, dropped afterwards.
 */
export async function freshDatabase(kind: RuntimeKind, postgresUrl: string | null, poolSize: number): Promise<DbHandle> {
  if (kind === "pglite") {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "oms-bench-"));
    const handle = await createDb({ dataDir: dir });
    return { ...handle, close: async () => { await handle.close(); fs.rmSync(dir, { recursive: true, force: true }); } };
  }
  const name = `oms_bench_${Date.now()}_${randomBytes(3).toString("hex")}`;
  await adminQuery(postgresUrl!, `CREATE DATABASE ${name}`);
  const url = new URL(postgresUrl!);
  url.pathname = `/${name}`;
  const handle = await createDb({ databaseUrl: url.toString(), dataDir: "unused", poolSize });
  return {
    ...handle,
    location: name,
    close: async () => {
      await handle.close();
      const admin = new pg.Client({ connectionString: postgresUrl! });
      await admin.connect();
      try {
        await dropDatabase(admin, name);
      } finally {
        await admin.end();
      }
    },
  };
}

/** Opens a fresh database, loads the network, makes an API key and starts the API-only server on a free port. */
export async function startBenchServer(kind: RuntimeKind, network: GeneratedNetwork, postgresUrl: string | null, now?: () => Date): Promise<BenchServer> {
  const started = performance.now();
  // The production defaults (pool size included), on a free loopback port.
  // INGEST_LANES passes through, to compare lane counts.
  const config = { ...loadConfig({ PORT: "0", HOST: "127.0.0.1", INGEST_LANES: process.env.INGEST_LANES, DB_POOL_SIZE: process.env.DB_POOL_SIZE }), seedOnEmpty: false };
  const database = await freshDatabase(kind, postgresUrl, config.dbPoolSize);
  const logs: string[] = [];
  try {
    await loadNetwork(database.db, network);
    const keys = {} as BenchServer["keys"];
    for (const scope of ["scada", "kaifa", "onu", "call_center", "oms_api"] as const) keys[scope] = (await createApiKey(database.db, systemActor, { name: `benchmark ${scope}`, scope })).key;
    const server = await startServer(config, { pages: false, database, log: (m) => logs.push(m), now });
    // Measured as a started control room is when a storm comes: its correlation state in memory.
    await server.warmed;
    const password = randomBytes(12).toString("base64url");
    await createUser(server.auth, database.db, systemActor, { username: "bench-dispatcher", name: "Benchmark dispatcher", role: "dispatcher", password });
    const dispatcherCookie = await signInCookie(server.url, "bench-dispatcher", password);
    const setupSeconds = (performance.now() - started) / 1000;
    return { server, apiKey: keys.kaifa, keys, dispatcherCookie, logs, setupSeconds, stop: () => server.stop() };
  } catch (err) {
    await database.close();
    throw err;
  }
}
