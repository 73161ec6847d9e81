import { randomBytes, randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { unnestRows } from "../../db/arrays";
import type { Db } from "../../db/client";
import type { PgliteRemote } from "../../db/pgliteRemote";
import type { GeneratedNetwork } from "../../db/seed/types";
import { defaultKaifaEventMap, parseKaifaBody } from "../../server/ingest/adapters/kaifa";
import { MAX_BATCH_ITEMS } from "../../server/ingest/adapters/common";
import { freshDatabase, type RuntimeKind } from "./runtime";
import { buildStorm } from "./storm";

/** One way of writing the rows, timed `runs` times on an emptied table. */
export interface FloorMethod { method: string; rowsPerSecond: number; runs: number[] }

/**
 * How fast this runtime can store rows as wide as the inbox rows ingestion writes, with none of
 * the work around them: the most events per second ingestion could ever acknowledge here.
 */
export interface CopyFloor {
  rows: number;
  bytesPerRow: number;
  /** The fastest method's best run: what the rates are divided by. */
  floor: FloorMethod;
  others: FloorMethod[];
  note: string;
}

/**
 * The inbox's columns that a request fills (ingest_inbox, server/ingest/inbox.ts claimInbox),
 * in a logged table like the inbox, with its primary key but none of its five other indexes.
 */
const TABLE = `CREATE TABLE bench_floor (
  id bigserial PRIMARY KEY, source_type text NOT NULL, source_event_id text, content_type text NOT NULL DEFAULT 'application/json',
  payload jsonb, signals jsonb, status text NOT NULL DEFAULT 'received', attempts integer NOT NULL DEFAULT 0, api_key_id text,
  claimed_by text, claimed_until timestamptz, received_at timestamptz NOT NULL DEFAULT now())`;
const COLUMNS = "source_type, source_event_id, payload, signals, status, api_key_id, claimed_by, claimed_until";

interface Row { sid: string; payload: string; signals: string }

/** The storm's Kaifa events as the inbox stores them: the raw event and its parsed signals, as JSON. */
function inboxRows(network: GeneratedNetwork, count: number): Row[] {
  const { batches } = buildStorm(network, { events: count, batch: count, runId: randomBytes(3).toString("hex") });
  // Parsed as requests are, at most MAX_BATCH_ITEMS events at a time.
  const events = batches[0].events.slice(0, count);
  const rows: Row[] = [];
  for (let at = 0; at < events.length; at += MAX_BATCH_ITEMS) {
    const items = parseKaifaBody(events.slice(at, at + MAX_BATCH_ITEMS), { now: new Date(), kaifaEventMap: defaultKaifaEventMap });
    for (const i of items) if (i.ok) rows.push({ sid: i.signals[0].sourceEventId, payload: JSON.stringify(i.raw), signals: JSON.stringify(i.signals) });
  }
  if (rows.length < count) throw new Error(`the floor's storm gave ${rows.length} valid events of the ${count} asked for`);
  return rows;
}

async function best(runs: number, rows: number, db: Db, write: () => Promise<unknown>): Promise<{ rowsPerSecond: number; runs: number[] }> {
  const rates: number[] = [];
  for (let r = 0; r < runs; r++) {
    await db.execute(sql.raw("TRUNCATE bench_floor"));
    const started = performance.now();
    await write();
    rates.push(Math.round(rows / ((performance.now() - started) / 1000)));
    const [{ n }] = (await db.execute(sql.raw("SELECT count(*)::int AS n FROM bench_floor")) as unknown as { rows: Array<{ n: number }> }).rows;
    if (n !== rows) throw new Error(`the floor wrote ${n} rows of ${rows}`);
  }
  return { rowsPerSecond: Math.max(...rates), runs: rates };
}

const csvField = (v: string) => `"${v.replace(/"/g, '""')}"`;

/**
 * Times one statement writing `count` inbox-wide rows, best of `runs`, on a fresh database of the
 * runtime. PGlite: `COPY … FROM '/dev/blob'` (PGlite's way of feeding COPY a client's data; the
 * time includes copying the blob to PGlite's worker thread, as a request's rows are).
 * PostgreSQL: pg-copy-streams is not a dependency, so the fastest set-based write the project can
 * make is the multi-row `INSERT … SELECT FROM unnest(…)` the inbox itself uses; it is measured on
 * both runtimes, so they compare like for like.
 */
export async function measureCopyFloor(kind: RuntimeKind, postgresUrl: string | null, network: GeneratedNetwork, count: number, runs = 3): Promise<CopyFloor> {
  const rows = inboxRows(network, count);
  const apiKeyId = randomUUID();
  const owner = `request:${process.pid}:${randomUUID()}`;
  const database = await freshDatabase(kind, postgresUrl, 2);
  try {
    const db = database.db;
    await db.execute(sql.raw(TABLE));
    const unnest = await best(runs, rows.length, db, () => db.execute(sql`
      INSERT INTO bench_floor (${sql.raw(COLUMNS)})
      SELECT 'kaifa', sid, payload, signals, 'received', ${apiKeyId}, ${owner}, clock_timestamp() + interval '30 seconds' FROM ${unnestRows([
        ["sid", "text", rows.map((r) => r.sid)], ["payload", "jsonb", rows.map((r) => r.payload)], ["signals", "jsonb", rows.map((r) => r.signals)]])}`));
    const unnestMethod = { method: "INSERT … SELECT FROM unnest(…), one statement", ...unnest };
    const claimedUntil = new Date(Date.now() + 30_000).toISOString();
    const csv = rows.map((r) => ["kaifa", r.sid, r.payload, r.signals, "received", apiKeyId, owner, claimedUntil].map(csvField).join(",")).join("\n") + "\n";
    const bytesPerRow = Math.round(Buffer.byteLength(csv) / rows.length);
    if (kind === "postgres") {
      return { rows: rows.length, bytesPerRow, floor: unnestMethod, others: [], note: "PostgreSQL: no COPY FROM STDIN (pg-copy-streams is not a dependency); the floor is the multi-row unnest INSERT, the fastest set-based write the project's driver makes" };
    }
    // PGlite's client is the server thread's handle on its worker (db/pgliteRemote.ts); the blob is cloned across.
    const client = (db as unknown as { $client: PgliteRemote }).$client;
    const blob = new Blob([csv]);
    const copy = await best(runs, rows.length, db, () => client.query(`COPY bench_floor (${COLUMNS}) FROM '/dev/blob' WITH (FORMAT csv)`, [], { blob }));
    const copyMethod = { method: "COPY … FROM '/dev/blob' (csv), one statement", ...copy };
    const [floor, other] = copy.rowsPerSecond >= unnest.rowsPerSecond ? [copyMethod, unnestMethod] : [unnestMethod, copyMethod];
    return { rows: rows.length, bytesPerRow, floor, others: [other], note: "PGlite: COPY from a blob, and the unnest INSERT as on PostgreSQL; the faster is the floor" };
  } finally {
    await database.close();
  }
}
