import { parentPort } from "node:worker_threads";
import { PGlite, type QueryOptions, type Transaction } from "@electric-sql/pglite";
import { postgis } from "@electric-sql/pglite-postgis";
import { toWireError, type Reply, type Request, type WireQueryOptions } from "./pgliteProtocol";

/**
 * The worker thread that owns the embedded database (started by db/pgliteRemote.ts through
 * db/pgliteWorker.boot.mjs). PGlite's WASM PostgreSQL runs each query synchronously on the
 * thread that calls it; here that thread is this one, so the server's event loop keeps
 * answering while a query runs.
 *
 * Requests are handled as they arrive, none awaited before the next is read: PGlite's own
 * mutexes order them exactly as they do in-thread (a query waits while a transaction holds the
 * session, transactions run one at a time, first come first served).
 */

if (!parentPort) throw new Error("db/pgliteWorker.ts runs in a worker thread (db/pgliteRemote.ts starts it)");
const port = parentPort;

let pg: PGlite | undefined;
/** Open transactions by the id of their `begin` request; `end` settles the callback PGlite awaits. */
const open = new Map<number, { tx: Transaction; end: (commit: boolean, endId: number) => void }>();
/** Thrown into PGlite's transaction callback so that PGlite rolls back. */
const ROLLBACK = Symbol("rollback");

const keepText = (value: string) => value;

function queryOptions(options: WireQueryOptions): QueryOptions {
  const { rawTypes, ...rest } = options;
  return rawTypes?.length ? { ...rest, parsers: Object.fromEntries(rawTypes.map((oid) => [oid, keepText])) } : rest;
}

function reply(id: number, value: unknown) {
  try {
    port.postMessage({ id, ok: true, value } satisfies Reply);
  } catch (err) {
    replyError(id, err); // a value that cannot be cloned fails its request, not the thread
  }
}

function replyError(id: number, err: unknown) {
  port.postMessage({ id, ok: false, error: toWireError(err) } satisfies Reply);
}

function database(): PGlite {
  if (!pg) throw new Error("PGlite is not open in its worker thread");
  return pg;
}

/** The session a query runs on: the open transaction it names, or PGlite itself. */
function session(tx: number | undefined): Pick<Transaction, "query" | "exec"> {
  if (tx === undefined) return database();
  const found = open.get(tx);
  if (!found) throw new Error("Transaction is closed");
  return found.tx;
}

/**
 * Holds PGlite's transaction open until `end` arrives: `begin` is answered from inside the
 * callback (BEGIN has run, the session is held), `end` once COMMIT or ROLLBACK has run.
 */
function begin(id: number) {
  let began = false;
  let endId = -1;
  database()
    .transaction(async (tx) => {
      began = true;
      const commit = await new Promise<boolean>((resolve) => {
        open.set(id, { tx, end: (c, by) => { endId = by; resolve(c); } });
        reply(id, id);
      });
      open.delete(id);
      if (!commit) throw ROLLBACK;
    })
    .then(
      () => reply(endId, null),
      (err) => {
        open.delete(id);
        if (!began) replyError(id, err);
        else if (err === ROLLBACK) reply(endId, null);
        else replyError(endId, err);
      },
    );
}

async function handle(req: Request): Promise<unknown> {
  switch (req.op) {
    case "open":
      pg = await PGlite.create({ dataDir: req.dataDir, extensions: { postgis } });
      return null;
    case "query":
      return session(req.tx).query(req.sql, req.params, queryOptions(req.options));
    case "exec":
      return session(req.tx).exec(req.sql, queryOptions(req.options));
    case "close":
      await pg?.close();
      return null;
    default:
      throw new Error(`unknown request ${(req as { op: string }).op}`);
  }
}

port.on("message", (req: Request) => {
  if (req.op === "begin") {
    try {
      begin(req.id);
    } catch (err) {
      replyError(req.id, err);
    }
    return;
  }
  if (req.op === "end") {
    const found = open.get(req.tx);
    if (found) found.end(req.commit, req.id);
    else replyError(req.id, new Error("Transaction is closed"));
    return;
  }
  handle(req).then(
    (value) => {
      reply(req.id, value);
      // Closed: nothing is left to keep this thread alive once the port is, so it ends.
      if (req.op === "close") port.close();
    },
    (err) => replyError(req.id, err),
  );
});
