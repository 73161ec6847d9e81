import path from "node:path";
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import lockfile from "proper-lockfile";
import type { PGlite } from "@electric-sql/pglite";
import { PgliteRemote } from "./pgliteRemote";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { sql, type SQL } from "drizzle-orm";
import * as schema from "./schema";

export type Schema = typeof schema;
/** Either runtime: node-postgres or PGlite. Both are Drizzle PgDatabases over one schema. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction handle is usable wherever a Db is. */
export type DbOrTx = Db;

export interface DbConfig {
  /** postgres://… to use PostgreSQL; undefined to use the embedded PGlite. */
  databaseUrl?: string;
  /** Folder for the embedded database (ignored with databaseUrl). `memory://` for a throwaway one. */
  dataDir: string;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
}

export interface DbHandle {
  db: Db;
  kind: "postgres" | "pglite";
  /** Where the data lives, for logs: the folder or the URL without its password. */
  location: string;
  /** PostgreSQL's connection string, password included (never logged): for a dedicated LISTEN connection. */
  connectionString?: string;
  /** PostgreSQL's pool of this process, for /metrics (PGlite has no pool). */
  poolUse?(): { total: number; idle: number; waiting: number; max: number };
  close(): Promise<void>;
}

export class DataFolderLockedError extends Error {
  constructor(folder: string) {
    super(
      `The embedded database folder ${folder} is in use by another process (a running server?). ` +
        `PGlite allows one process per folder: stop that process, point DATA_DIR at another folder, ` +
        `or set DATABASE_URL to use PostgreSQL.`,
    );
    this.name = "DataFolderLockedError";
  }
}

/** How long to wait for PostgreSQL to accept a connection before the request fails. */
export const CONNECT_TIMEOUT_MS = 5_000;

export const migrationsFolder = fileURLToPath(new URL("./migrations", import.meta.url));

/** Opens the database for the configuration and applies pending migrations. */
export async function createDb(config: DbConfig): Promise<DbHandle> {
  const handle = config.databaseUrl ? await openPostgres(config) : await openPglite(config);
  return handle;
}

async function openPostgres(config: DbConfig): Promise<DbHandle> {
  const { default: pg } = await import("pg");
  const { drizzle } = await import("drizzle-orm/node-postgres");
  const { migrate } = await import("drizzle-orm/node-postgres/migrator");
  // Migrate on one dedicated connection under an advisory lock, so that several app processes
  // starting together against one database apply each migration once.
  const client = new pg.Client({ connectionString: config.databaseUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock(7264001)");
    await migrate(drizzle(client, { schema }), { migrationsFolder });
  } finally {
    await client.query("SELECT pg_advisory_unlock(7264001)").catch(() => {});
    await client.end();
  }
  // JIT compiles each of the pipeline's short statements for longer than they run (~100 ms seen
  // for a 20 ms query): this is an OLTP workload, so it is off on our connections.
  // Without a connection timeout a request waits for ever for a server that does not answer
  // (a restart, a failover); with it the request fails and is answered 503 (server/errorCauses.ts).
  // Pipeline mode: statements sent on a connection before the previous one's answer go out at
  // once and are answered in order (`together` below); awaited one by one they behave as before.
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: config.poolSize ?? 10, options: "-c jit=off", connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    pipeline: true } as ConstructorParameters<typeof pg.Pool>[0]);
  // An idle connection that the server drops (restart, failover, admin kill) is replaced on the
  // next query; without a listener node-postgres would throw it as an uncaught error. It is a
  // socket error, never a query's, so its message carries no parameters.
  pool.on("error", (err) => {
    const code = (err as NodeJS.ErrnoException).code;
    console.error(`DATABASE_URL: an idle connection failed: ${code ? `${code} ` : ""}${err.message}`);
  });
  // A connection lost while checked out (mid-transaction: the server restarts, an administrator
  // terminates it) emits 'error' on its client besides failing the query; the pool listens only
  // while the client is idle, and an unheard 'error' would end the process. The query's own
  // failure is what the request answers (503); this only keeps the process alive.
  pool.on("connect", (client) => {
    client.on("error", () => {});
    coalesceWrites(client);
  });
  const db = drizzle(pool, { schema }) as unknown as Db;
  const onClient = new WeakMap<object, Db>();
  pooled.set(db, {
    connect: async () => {
      const client = await pool.connect();
      let tx = onClient.get(client);
      if (!tx) onClient.set(client, (tx = drizzle(client, { schema }) as unknown as Db));
      return { tx, query: (text: string) => client.query(text), release: (err?: Error) => client.release(err) };
    },
  });
  const url = new URL(config.databaseUrl!);
  url.password = url.password ? "***" : "";
  return { db, kind: "postgres", location: url.toString(), connectionString: config.databaseUrl,
    poolUse: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options.max ?? 10 }), close: () => pool.end() };
}

/**
 * Statements written to a connection in one turn of the event loop leave in one write: node-postgres
 * uncorks its socket after each statement, so a pass's tens of statements sent at once (`together`)
 * were as many system calls, each waking the database. The order of the bytes is unchanged.
 */
function coalesceWrites(client: object) {
  const stream = (client as unknown as { connection?: { stream?: NodeJS.WritableStream & { cork(): void; uncork(): void } } }).connection?.stream;
  if (!stream || typeof stream.cork !== "function") return;
  const write = stream.write;
  let corked = false;
  const uncork = () => {
    corked = false;
    stream.uncork();
  };
  stream.write = function (this: typeof stream, ...args: Parameters<typeof write>) {
    if (!corked) {
      corked = true;
      stream.cork();
      process.nextTick(uncork);
    }
    return write.apply(this, args);
  } as typeof write;
}

/**
 * PGlite runs in a worker thread (db/pgliteRemote.ts): its WASM PostgreSQL computes each query
 * synchronously on the thread that calls it, which on this one would stall every request, socket
 * and timer for as long as the query runs. The folder lock stays here, where the lock file is
 * refreshed by this (now free) event loop.
 */
async function openPglite(config: DbConfig): Promise<DbHandle> {
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");

  const inMemory = config.dataDir.startsWith("memory://");
  let release: (() => Promise<void>) | undefined;
  let dataDir = config.dataDir;
  if (!inMemory) {
    dataDir = path.resolve(config.dataDir, "pglite");
    fs.mkdirSync(dataDir, { recursive: true });
    release = await lockDataFolder(dataDir);
  }
  let client: PgliteRemote | undefined;
  try {
    client = await PgliteRemote.open(dataDir);
    // drizzle-orm/pglite calls query(), exec() and transaction() on its client, which the remote
    // provides with PGlite's signatures; its type names PGlite's class, hence the cast.
    const db = drizzle(client as unknown as PGlite, { schema }) as unknown as Db;
    await migrate(db as never, { migrationsFolder });
    const opened = client;
    return {
      db,
      kind: "pglite",
      location: inMemory ? "memory" : dataDir,
      async close() {
        try {
          await opened.close();
        } finally {
          await release?.();
        }
      },
    };
  } catch (err) {
    await client?.close().catch(() => {});
    await release?.();
    throw err;
  }
}

/**
 * PGlite does not lock its folder, and two processes on one folder lose writes silently. The
 * lock file is refreshed every 5 s while we live; a crashed holder's lock goes stale after 30 s
 * (long enough that a machine too busy to refresh it in time does not stop a healthy server).
 */
async function lockDataFolder(dataDir: string): Promise<() => Promise<void>> {
  try {
    return await lockfile.lock(dataDir, {
      lockfilePath: `${dataDir}.lock`,
      stale: 30_000,
      update: 5_000,
      onCompromised: (err) => {
        console.error(`Lost the lock on ${dataDir}: ${err.message}. Stopping to protect the data.`);
        process.exit(1);
      },
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ELOCKED") throw new DataFolderLockedError(dataDir);
    throw err;
  }
}

/** PostgreSQL handles: a connection of the pool with a Drizzle handle on it (transactionAtOnce). */
const pooled = new WeakMap<Db, { connect(): Promise<{ tx: Db; query(text: string): Promise<unknown>; release(err?: Error): void }> }>();

/**
 * `db.transaction`, with its `BEGIN` sent together with the first statements instead of
 * waited for before them (PostgreSQL's pool is in pipeline mode: the connection runs them in
 * the order sent), one round trip fewer; the correlation passes run this way. On PGlite it is
 * `db.transaction`. `BEGIN` fails only on a connection that is already lost, on which the
 * statements after it fail too; its answer is still checked before `COMMIT`.
 */
export async function transactionAtOnce<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  const pool = pooled.get(db);
  if (!pool) return db.transaction((tx) => work(tx as unknown as Db));
  const { tx, query, release } = await pool.connect();
  const begun = query("BEGIN");
  begun.catch(() => {}); // awaited below
  try {
    const result = await work(tx);
    await begun;
    await query("COMMIT");
    release();
    return result;
  } catch (err) {
    try {
      await query("ROLLBACK");
      release();
    } catch (lost) {
      release(lost as Error); // a connection that cannot roll back is not reused
    }
    throw err;
  }
}

/**
 * Runs raw SQL on either runtime and returns the rows. The statement is sent before this returns
 * (`then` runs Drizzle's query at once; an `await` would send it a microtask later), which is
 * what lets `together` keep the order of statements it did not wait between.
 */
export function queryRows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  return db.execute(query).then((result) => (result as unknown as { rows: T[] }).rows);
}

/** Runs a statement whose rows are not wanted; sent before this returns, as `queryRows`. */
export function exec(db: DbOrTx, query: SQL): Promise<void> {
  return db.execute(query).then(() => undefined);
}

/**
 * Waits for statements that were sent one after another without waiting for each other's
 * answers: pass the calls themselves, in the order they must run (each sends its first statement
 * before it returns, as `queryRows` and `exec` do). In a transaction they share its connection,
 * which runs them in the order sent: node-postgres, in pipeline mode, writes them all at once,
 * and PGlite's worker queues them. So a correlation pass waits once for a group of writes
 * instead of once per statement, and each wait is also a turn of this process's event loop,
 * which during a storm is busy with other requests. Every one has settled when this returns;
 * the first failure is thrown (the ones after it fail too, in an aborted transaction).
 */
export async function together<T extends readonly unknown[] | []>(sent: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(sent);
  const failed = settled.find((s) => s.status === "rejected");
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as never;
}

export { sql };
