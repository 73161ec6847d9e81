import { Worker } from "node:worker_threads";
import type { ParserOptions, QueryOptions, Results, RowMode } from "@electric-sql/pglite";
import { fromWireError, type Reply, type Request, type WireQueryOptions } from "./pgliteProtocol";

/** What drizzle-orm/pglite (session and migrator) calls on a client and on a transaction. */
export interface RemoteSession {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>;
  exec(sql: string, options?: QueryOptions): Promise<Results[]>;
}

export interface RemoteTransaction extends RemoteSession {
  rollback(): Promise<void>;
  readonly closed: boolean;
}

type WithoutId<T> = T extends unknown ? Omit<T, "id"> : never;

/**
 * The embedded database as the server's thread sees it: PGlite runs in a worker thread
 * (db/pgliteWorker.ts) and this forwards drizzle's calls to it, so a long query no longer
 * stalls every request, socket and timer of the server.
 *
 * PGlite is one session. A transaction holds it until it ends, as PGlite's own `transaction()`
 * does (the worker calls exactly that): other queries and transactions wait in the worker.
 * While calls are outstanding the worker keeps the process alive; idle, it does not.
 */
export class PgliteRemote implements RemoteSession {
  /** The thread, for diagnostics and for tests that stop it the hard way. */
  readonly worker: Worker;
  #nextId = 1;
  #pending = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();
  /** Why calls fail from now on: closed, or the thread died. */
  #gone: Error | undefined;
  #closing: Promise<void> | undefined;

  private constructor(worker: Worker) {
    this.worker = worker;
    worker.on("message", (reply: Reply) => this.#settle(reply));
    worker.on("error", (err) => {
      console.error(`The embedded database's worker thread failed: ${err.stack ?? err.message}`);
      this.#fail(new Error(`PGlite is closed: the embedded database's worker thread failed (${err.message})`, { cause: err }));
    });
    worker.on("exit", (code) => {
      this.#fail(new Error(this.#closing ? "PGlite is closed" : `PGlite is closed: the embedded database's worker thread ended unexpectedly (exit code ${code})`));
    });
    worker.on("messageerror", (err) => console.error(`The embedded database's worker thread sent an unreadable answer: ${err.message}`));
  }

  /** Starts the worker and opens PGlite with PostGIS on `dataDir` (a folder, or `memory://`). */
  static async open(dataDir: string): Promise<PgliteRemote> {
    const remote = new PgliteRemote(new Worker(new URL("./pgliteWorker.boot.mjs", import.meta.url)));
    try {
      await remote.#call({ op: "open", dataDir });
    } catch (err) {
      await remote.worker.terminate();
      throw err;
    }
    return remote;
  }

  get closed(): boolean {
    return this.#gone !== undefined;
  }

  query<T = Record<string, unknown>>(sql: string, params: unknown[] = [], options?: QueryOptions): Promise<Results<T>> {
    return this.#query<T>(undefined, sql, params, options);
  }

  exec(sql: string, options?: QueryOptions): Promise<Results[]> {
    return this.#exec(undefined, sql, options);
  }

  /**
   * Runs `fn` in a transaction, as PGlite's `transaction()`: COMMIT when it resolves, ROLLBACK
   * when it throws (the error is rethrown), nothing more after `tx.rollback()`.
   */
  async transaction<T>(fn: (tx: RemoteTransaction) => Promise<T>): Promise<T> {
    const txId = (await this.#call({ op: "begin" })) as number;
    let closed = false;
    const end = async (commit: boolean) => {
      closed = true;
      await this.#call({ op: "end", tx: txId, commit });
    };
    const open = () => {
      if (closed) throw new Error("Transaction is closed");
    };
    const tx: RemoteTransaction = {
      query: async (sql, params = [], options) => (open(), this.#query(txId, sql, params, options)),
      exec: async (sql, options) => (open(), this.#exec(txId, sql, options)),
      rollback: async () => (open(), end(false)),
      get closed() {
        return closed;
      },
    };
    let result: T;
    try {
      result = await fn(tx);
    } catch (err) {
      if (!closed) await end(false);
      throw err;
    }
    if (!closed) await end(true);
    return result;
  }

  /** Closes PGlite in the worker, then the worker ends. Calls made after fail with "PGlite is closed". */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (this.#gone) return;
      const exited = new Promise<void>((resolve) => this.worker.once("exit", () => resolve()));
      try {
        await this.#call({ op: "close" });
      } catch (err) {
        await this.worker.terminate();
        throw err;
      }
      // The worker ends by itself once its port is closed; should something hold it, stop it.
      const stuck = setTimeout(() => void this.worker.terminate(), 5_000);
      await exited;
      clearTimeout(stuck);
    })();
    return this.#closing;
  }

  async #query<T>(tx: number | undefined, sql: string, params: unknown[], options: QueryOptions | undefined): Promise<Results<T>> {
    const result = (await this.#call({ op: "query", tx, sql, params, options: toWire(options) })) as Results<T>;
    if (options?.parsers) applyParsers(result, options.parsers, options.rowMode);
    return result;
  }

  async #exec(tx: number | undefined, sql: string, options: QueryOptions | undefined): Promise<Results[]> {
    const results = (await this.#call({ op: "exec", tx, sql, options: toWire(options) })) as Results[];
    if (options?.parsers) for (const r of results) applyParsers(r, options.parsers, options.rowMode);
    return results;
  }

  #call(request: WithoutId<Request>): Promise<unknown> {
    if (this.#gone) return Promise.reject(this.#gone);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      try {
        this.worker.postMessage({ ...request, id } as Request);
      } catch (err) {
        reject(err); // a parameter that cannot be cloned (a function, a class instance's methods)
        return;
      }
      if (this.#pending.size === 0) this.worker.ref();
      this.#pending.set(id, { resolve, reject });
    });
  }

  #settle(reply: Reply) {
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    if (this.#pending.size === 0) this.worker.unref();
    if (reply.ok) pending.resolve(reply.value);
    else pending.reject(fromWireError(reply.error));
  }

  #fail(reason: Error) {
    this.#gone ??= reason;
    for (const pending of this.#pending.values()) pending.reject(this.#gone);
    this.#pending.clear();
  }
}

/** PGlite's options as they can cross to the worker: parser functions stay here, their types go. */
function toWire(options: QueryOptions | undefined): WireQueryOptions {
  if (!options) return {};
  const { rowMode, paramTypes, blob, parsers, serializers, onNotice } = options;
  if (serializers || onNotice) throw new Error("PGlite runs in a worker thread: the serializers and onNotice query options (functions) are not supported");
  return { rowMode, paramTypes, blob, rawTypes: parsers ? Object.keys(parsers).map(Number) : undefined };
}

/** Parses on this side the columns whose types the caller gave parsers for (the worker sent their text). */
function applyParsers(result: Results<unknown>, parsers: ParserOptions, rowMode: RowMode = "object") {
  // PGlite calls a parser with the text and the type's OID; not every parser declares the second.
  const byType = parsers as Record<number, ((text: string, typeId: number) => unknown) | undefined>;
  const columns = result.fields.flatMap((field, i) => {
    const parse = byType[field.dataTypeID];
    return parse ? [{ key: rowMode === "array" ? i : field.name, parse, oid: field.dataTypeID }] : [];
  });
  if (!columns.length) return;
  for (const row of result.rows as Array<Record<string | number, unknown>>) {
    for (const { key, parse, oid } of columns) {
      const text = row[key];
      if (typeof text === "string") row[key] = parse(text, oid);
    }
  }
}
