/**
 * The messages between the server's thread (db/pgliteRemote.ts) and the worker thread that owns
 * PGlite (db/pgliteWorker.ts). Everything here crosses `postMessage`, so it is structured-clone
 * data: no functions. That is why query options carry `rawTypes` (the type OIDs whose text the
 * caller parses itself, on its side) instead of PGlite's parser functions.
 */

export type RowMode = "array" | "object";

export interface WireQueryOptions {
  rowMode?: RowMode;
  /** Columns of these types come back as PostgreSQL's text, for the caller's own parsers. */
  rawTypes?: number[];
  paramTypes?: number[];
  /** Data for `COPY … FROM '/dev/blob'`. */
  blob?: Blob;
}

export type Request =
  | { id: number; op: "open"; dataDir: string }
  /** `tx` is the id of the `begin` request that opened the transaction the query runs in. */
  | { id: number; op: "query"; tx?: number; sql: string; params: unknown[]; options: WireQueryOptions }
  | { id: number; op: "exec"; tx?: number; sql: string; options: WireQueryOptions }
  /** Answered once PGlite's session is ours and BEGIN has run; later ones wait for it to end. */
  | { id: number; op: "begin" }
  | { id: number; op: "end"; tx: number; commit: boolean }
  | { id: number; op: "close" };

/** An error as PGlite threw it: its name, message and own fields (code, detail, constraint, …). */
export interface WireError {
  name: string;
  message: string;
  stack?: string;
  fields: Record<string, unknown>;
}

export type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: WireError };

/**
 * PostgreSQL's error fields (pg-protocol's DatabaseError: code, detail, hint, constraint, table,
 * schema, position, where, …) and what PGlite adds (query, params), minus whatever cannot be
 * cloned (`queryOptions` holds the parser functions).
 */
export function toWireError(err: unknown): WireError {
  if (!(err instanceof Error)) return { name: "Error", message: String(err), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(err)) {
    if (key === "queryOptions" || typeof value === "function") continue;
    try {
      fields[key] = structuredClone(value);
    } catch {
      // a field that cannot cross the thread boundary is left out, not the error
    }
  }
  return { name: err.name, message: err.message, stack: err.stack, fields };
}

/** The error again on the caller's side, with the same name, message, code and other fields. */
export function fromWireError(wire: WireError): Error {
  const err = Object.assign(new Error(wire.message), wire.fields);
  err.name = wire.name;
  if (wire.stack) err.stack = wire.stack;
  return err;
}
