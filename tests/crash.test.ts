import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { sql } from "drizzle-orm";
import { queryRows, type DbHandle } from "../db/client";
import { generateNetwork } from "../db/seed/generate";
import { loadNetwork } from "../db/seed/load";
import { createApiKey } from "../server/auth/apiKeys";
import { systemActor } from "../server/context";
import { createTestDb } from "./helpers/db";

const network = generateNetwork({ meters: 3_000, seed: 5 });

/** Starts the API server in its own process on `databaseUrl`; resolves with it once it listens. */
function startProcess(databaseUrl: string): Promise<{ child: ChildProcess; url: string; log: string[] }> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(process.cwd(), "tests", "fixtures", "apiServer.ts")], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: "0", HOST: "127.0.0.1", SEED_ON_EMPTY: "false", NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${log.join("")}`)), 60_000);
    child.stderr!.on("data", (d) => log.push(String(d)));
    child.stdout!.on("data", (d) => {
      log.push(String(d));
      const ready = /READY (\S+)/.exec(String(d));
      if (ready) { clearTimeout(timer); resolve({ child, url: ready[1], log }); }
    });
    child.once("exit", (code) => { clearTimeout(timer); reject(new Error(`server exited with ${code}:\n${log.join("")}`)); });
  });
}

// A real process killed with SIGKILL mid-stream needs a database that outlives it: PostgreSQL.
// (The embedded PGlite lives inside the server's process and dies with it.)
describe.runIf(!!process.env.DATABASE_URL)("kill -9 during a stream of events, restart, no re-delivery", () => {
  let database: DbHandle;
  let databaseUrl: string;
  let key: string;
  let running: ChildProcess | undefined;

  beforeAll(async () => {
    database = await createTestDb();
    await loadNetwork(database.db, network);
    key = (await createApiKey(database.db, systemActor, { name: "crash test", scope: "kaifa" })).key;
    const [{ name }] = await queryRows<{ name: string }>(database.db, sql`SELECT current_database() AS name`);
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
  }, 120_000);
  afterAll(async () => {
    running?.kill("SIGKILL");
    await database?.close();
  });

  it("processes every acknowledged event exactly once within a minute of the restart", async () => {
    const first = await startProcess(databaseUrl);
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
      });
      const body = await res.json();
      if (res.status === 200) for (const r of body.results) acknowledged.add(r.source_event_id);
    };
    // Four senders stream batches until the server is killed under them.
    const lanes = [0, 1, 2, 3].map(async (lane) => {
      for (let n = 0; !killed; n++) await post(lane, n).catch(() => {});
    });
    await new Promise((r) => setTimeout(r, 3_000));
    killed = true;
    first.child.kill("SIGKILL");
    await Promise.all(lanes);
    expect(acknowledged.size).toBeGreaterThan(0);
    const [{ n: left }] = await queryRows<{ n: number }>(database.db, sql`SELECT COUNT(*)::int AS n FROM ingest_inbox WHERE status IN ('received', 'failed')`);

    const restarted = Date.now();
    const second = await startProcess(databaseUrl);
    running = second.child;
    let unfinished = -1;
    while (Date.now() - restarted < 75_000) {
      [{ n: unfinished }] = await queryRows<{ n: number }>(database.db, sql`SELECT COUNT(*)::int AS n FROM ingest_inbox WHERE status IN ('received', 'failed', 'dead')`);
      if (unfinished === 0) break;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const tookMs = Date.now() - restarted;
    console.log(`crash test: ${acknowledged.size} events acknowledged, ${left} left unfinished by the kill, all finished ${(tookMs / 1000).toFixed(1)} s after the restart`);
    expect(unfinished).toBe(0);
    expect(tookMs).toBeLessThan(60_000 + 15_000); // "within a minute" of the process being up again, plus its start-up

    const ids = [...acknowledged];
    const [inbox] = await queryRows<{ n: number; done: number }>(database.db, sql`
      SELECT COUNT(*)::int AS n, COUNT(*) FILTER (WHERE status IN ('processed', 'unmatched'))::int AS done
      FROM ingest_inbox WHERE source_event_id = ANY(${sql.param(ids)}::text[])`);
    expect(inbox).toEqual({ n: ids.length, done: ids.length });
    // Every stored event (acknowledged or not) written once, never twice.
    const [written] = await queryRows<{ stored: number; rows: number; distinct_ids: number }>(database.db, sql`
      SELECT (SELECT COUNT(*)::int FROM ingest_inbox WHERE source_type = 'kaifa') AS stored,
             COUNT(*)::int AS rows, COUNT(DISTINCT event_id)::int AS distinct_ids FROM kaifa_events`);
    expect(written.rows).toBe(written.stored);
    expect(written.distinct_ids).toBe(written.stored);
    const [statusEvents] = await queryRows<{ rows: number; distinct_ids: number }>(database.db, sql`
      SELECT COUNT(*)::int AS rows, COUNT(DISTINCT source_event_id)::int AS distinct_ids FROM oms_meter_status_events WHERE source_type = 'kaifa'`);
    expect(statusEvents.rows).toBe(statusEvents.distinct_ids);
    second.child.kill("SIGTERM");
  }, 180_000);
});
