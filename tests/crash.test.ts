import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { createDb, queryRows, type DbHandle } from "../db/client";
import { generateNetwork } from "../db/seed/generate";
import { loadNetwork } from "../db/seed/load";
import { createApiKey } from "../server/auth/apiKeys";
import { systemActor } from "../server/context";
import { createTestDb, runtimeName } from "./helpers/db";
import { exited, startServerProcess } from "./helpers/serverProcess";

const network = generateNetwork({ meters: 3_000, seed: 5 });

/** Where the database lives: a PostgreSQL database, or an embedded PGlite folder. */
type Store = { databaseUrl: string } | { dataDir: string };

/** Starts the API server in its own process on the store; resolves with it once it listens. */
const startProcess = (store: Store) => startServerProcess("databaseUrl" in store ? { DATABASE_URL: store.databaseUrl } : { DATABASE_URL: "", DATA_DIR: store.dataDir });

/** Starts the server again after a crash; PGlite's folder lock of the killed process goes stale within 30 s. */
async function restartProcess(store: Store) {
  for (const deadline = Date.now() + 90_000; ;) {
    try {
      return await startProcess(store);
    } catch (err) {
      if (!/in use by another process/.test(String(err)) || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 2_000));
    }
  }
}

// The server runs in its own process, killed with SIGKILL mid-stream; its database outlives it
// (PostgreSQL, or the embedded PGlite's folder, which only one process may open at a time).
describe(`kill -9 during a stream of events, restart, no re-delivery, on ${runtimeName}`, () => {
  let store: Store;
  let database: DbHandle | undefined;
  let key: string;
  let omsKey: string;
  let running: ChildProcess | undefined;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "oms-crash-"));

  /** Runs queries on the store; with PGlite only while no server process holds the folder. */
  async function withDb<T>(f: (db: DbHandle) => Promise<T>): Promise<T> {
    if (database) return f(database);
    const handle = await createDb({ dataDir });
    try { return await f(handle); } finally { await handle.close(); }
  }

  beforeAll(async () => {
    if (process.env.DATABASE_URL) {
      database = await createTestDb();
      const [{ name }] = await queryRows<{ name: string }>(database.db, sql`SELECT current_database() AS name`);
      const url = new URL(process.env.DATABASE_URL);
      url.pathname = `/${name}`;
      store = { databaseUrl: url.toString() };
    } else {
      store = { dataDir };
    }
    await withDb(async (h) => {
      await loadNetwork(h.db, network);
      key = (await createApiKey(h.db, systemActor, { name: "crash test", scope: "kaifa" })).key;
      omsKey = (await createApiKey(h.db, systemActor, { name: "crash test reader", scope: "oms_api" })).key;
    });
  }, 120_000);
  afterAll(async () => {
    running?.kill("SIGKILL");
    if (running) await exited(running);
    await database?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("processes every acknowledged event exactly once within a minute of the restart", async () => {
    const first = await startProcess(store);
    running = first.child;
    const acknowledged = new Set<string>();
    let sent = 0;
    let killed = false;
    const start = Date.now() - 30 * 60_000;
    const post = async (lane: number, n: number) => {
      const events = Array.from({ length: 40 }, (_, k) => {
        const i = (lane * 1_000_000 + n * 40 + k);
        const meter = network.meters[i % network.meters.length];
        const on = Math.floor(i / network.meters.length) % 2 === 1;
        return {
          message_type: "EndDeviceEvent", timestamp: new Date(start + sent++ * 50).toISOString(),
          payload: { event_id: `CRASH-${i}`, severity: on ? "info" : "critical", reason: on ? "Power restored" : "Last gasp signal detected", assets: { mrid: meter.meterNumber } },
        };
      });
      const res = await fetch(`${first.url}/api/ingest/kaifa`, {
        method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body: JSON.stringify(events),
        signal: AbortSignal.timeout(30_000),
      });
      const body = await res.json();
      if (res.status === 200) for (const r of body.results) acknowledged.add(r.source_event_id);
    };
    // Four senders stream batches until the server is killed under them.
    const lanes = [0, 1, 2, 3].map(async (lane) => {
      for (let n = 0; !killed; n++) await post(lane, n).catch(() => {});
    });
    // At least 4 s of stream, and some acknowledged events to check (a busy machine is slow to answer the first).
    for (const since = Date.now(); Date.now() - since < 4_000 || (acknowledged.size < 200 && Date.now() - since < 60_000);) {
      await new Promise((r) => setTimeout(r, 100));
    }
    killed = true;
    first.child.kill("SIGKILL");
    await Promise.all(lanes);
    await exited(first.child);
    expect(acknowledged.size).toBeGreaterThan(0);

    const second = await restartProcess(store);
    running = second.child;
    const restarted = Date.now();
    let left = -1;
    let stats: { unfinished: number; parked: number } = { unfinished: -1, parked: -1 };
    while (Date.now() - restarted < 75_000) {
      stats = await fetch(`${second.url}/api/ingest/stats`, { headers: { authorization: `Bearer ${omsKey}` }, signal: AbortSignal.timeout(10_000) }).then((r) => r.json());
      if (left < 0) left = stats.unfinished;
      if (stats.unfinished === 0 && stats.parked === 0) break;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const tookMs = Date.now() - restarted;
    console.log(`crash test (${runtimeName}): ${acknowledged.size} events acknowledged before the kill, ${left} left unfinished, all finished ${(tookMs / 1000).toFixed(1)} s after the restart`);
    expect(stats).toMatchObject({ unfinished: 0, parked: 0 });
    expect(tookMs).toBeLessThan(60_000);
    second.child.kill("SIGTERM");
    await exited(second.child);
    running = undefined;

    await withDb(async ({ db }) => {
      const ids = [...acknowledged];
      const [inbox] = await queryRows<{ n: number; done: number }>(db, sql`
        SELECT COUNT(*)::int AS n, COUNT(*) FILTER (WHERE status IN ('processed', 'unmatched'))::int AS done
        FROM ingest_inbox WHERE source_event_id = ANY(${sql.param(ids)}::text[])`);
      expect(inbox).toEqual({ n: ids.length, done: ids.length });
      // Every stored event (acknowledged or not) written once, never twice.
      const [written] = await queryRows<{ stored: number; rows: number; distinct_ids: number }>(db, sql`
        SELECT (SELECT COUNT(*)::int FROM ingest_inbox WHERE source_type = 'kaifa') AS stored,
               COUNT(*)::int AS rows, COUNT(DISTINCT event_id)::int AS distinct_ids FROM kaifa_events`);
      expect(written.rows).toBe(written.stored);
      expect(written.distinct_ids).toBe(written.stored);
      const [statusEvents] = await queryRows<{ rows: number; distinct_ids: number }>(db, sql`
        SELECT COUNT(*)::int AS rows, COUNT(DISTINCT source_event_id)::int AS distinct_ids FROM oms_meter_status_events WHERE source_type = 'kaifa'`);
      expect(statusEvents.rows).toBe(statusEvents.distinct_ids);
    });
  }, 240_000);
});
