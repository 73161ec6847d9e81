import { spawn, type ChildProcess } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { sql } from "drizzle-orm";
import { createDb, queryRows } from "../db/client";
import { generateNetwork } from "../db/seed/generate";
import { loadNetwork } from "../db/seed/load";
import { createApiKey } from "../server/auth/apiKeys";
import { systemActor } from "../server/context";
import { DEFAULT_POSTGRES_URL, reachablePostgres } from "./bench/runtime";

const USAGE = `Usage: npm run trial:exactly-once -- [options]

Streams Kaifa events at two API server processes on one fresh PostgreSQL database while it
attacks them: every batch is sent to both processes at once (concurrent re-delivery) and re-sent
when an answer does not come back; the database's connections are cut again and again; one
process is killed with SIGKILL and started again. Then counts the events acknowledged, lost
(acknowledged, never processed) and processed twice. PostgreSQL is DATABASE_URL or
${DEFAULT_POSTGRES_URL}.

Options:
  --seconds N   how long the stream runs (default 60)
  --meters N    network size (default 5000)
  --batch N     events per request (default 50)
  --lanes N     senders in parallel (default 4)
  --help        show this help`;

function options() {
  const { values } = parseArgs({ options: {
    seconds: { type: "string", default: "60" }, meters: { type: "string", default: "5000" },
    batch: { type: "string", default: "50" }, lanes: { type: "string", default: "4" }, help: { type: "boolean", short: "h" },
  } });
  if (values.help) { console.log(USAGE); process.exit(0); }
  const int = (v: string, name: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) { console.error(`--${name} must be a positive whole number, not "${v}"\n\n${USAGE}`); process.exit(2); }
    return n;
  };
  return { seconds: int(values.seconds!, "seconds"), meters: int(values.meters!, "meters"), batch: int(values.batch!, "batch"), lanes: int(values.lanes!, "lanes") };
}

interface Proc { child: ChildProcess; url: string }

function startProcess(databaseUrl: string): Promise<Proc> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(process.cwd(), "tests", "fixtures", "apiServer.ts")], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: "0", HOST: "127.0.0.1", SEED_ON_EMPTY: "false", NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  return new Promise((resolve, reject) => {
    child.stderr!.on("data", (d) => { out += String(d); });
    child.stdout!.on("data", (d) => {
      out += String(d);
      const ready = /READY (\S+)/.exec(out);
      if (ready) resolve({ child, url: ready[1] });
    });
    child.once("exit", (code, signal) => {
      if (signal !== "SIGKILL") console.error(`a server process exited (${code ?? signal}); its last output:\n${out.slice(-3_000)}`);
      reject(new Error(`server exited (${code ?? signal})`));
    });
  });
}

async function main() {
  const opts = options();
  const base = await reachablePostgres();
  if (!base) { console.error(`DATABASE_URL: no PostgreSQL answers at ${process.env.DATABASE_URL ?? DEFAULT_POSTGRES_URL}`); process.exit(2); }
  const name = `oms_trial_${Date.now()}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const handle = await createDb({ databaseUrl, dataDir: "unused", poolSize: 2 });
  const procs: Proc[] = [];
  try {
    const network = generateNetwork({ meters: opts.meters, seed: 3 });
    await loadNetwork(handle.db, network);
    const key = (await createApiKey(handle.db, systemActor, { name: "trial", scope: "kaifa" })).key;
    procs.push(await startProcess(databaseUrl), await startProcess(databaseUrl));

    const acknowledged = new Set<string>();
    const stats = { requests: 0, answers: new Map<number, number>(), failures: 0, resent: 0, pending: 0, cuts: 0, killed: 0 };
    const count = (status: number) => stats.answers.set(status, (stats.answers.get(status) ?? 0) + 1);
    const post = async (proc: Proc, body: unknown[]) => {
      stats.requests++;
      try {
        const res = await fetch(`${proc.url}/api/ingest/kaifa`, {
          method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
          body: JSON.stringify(body), signal: AbortSignal.timeout(30_000),
        });
        count(res.status);
        if (res.status !== 200) return false;
        const answer = await res.json() as { results: Array<{ source_event_id: string; status: string }> };
        for (const r of answer.results) {
          acknowledged.add(r.source_event_id);
          if (r.status === "pending") stats.pending++;
        }
        return true;
      } catch {
        stats.failures++;
        return false;
      }
    };

    const start = Date.now();
    const until = start + opts.seconds * 1000;
    const eventTime = Date.now() - 3 * 3_600_000;
    let serial = 0;
    const lanes = Array.from({ length: opts.lanes }, async () => {
      while (Date.now() < until) {
        const body = Array.from({ length: opts.batch }, () => {
          const i = serial++;
          const meter = network.meters[i % network.meters.length];
          const on = Math.floor(i / network.meters.length) % 2 === 1;
          return { message_type: "EndDeviceEvent", timestamp: new Date(eventTime + i * 20).toISOString(),
            payload: { event_id: `TRIAL-${i}`, severity: on ? "info" : "critical", reason: on ? "Power restored" : "Last gasp signal detected", assets: { mrid: meter.meterNumber } } };
        });
        // The same batch to both processes at once; re-sent (as an integration does) until one says 200.
        for (let attempt = 0; attempt < 30; attempt++) {
          if (attempt) { stats.resent++; await new Promise((r) => setTimeout(r, 1_000)); }
          const live = procs.filter((p) => p.child.exitCode === null && p.child.signalCode === null);
          const ok = await Promise.all(live.map((p) => post(p, body)));
          if (ok.some(Boolean)) break;
        }
      }
    });

    // The attacks: cut every connection of the database every 7 s; kill -9 one process half-way.
    const cutter = setInterval(() => {
      stats.cuts++;
      void admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [name]).catch(() => {});
    }, 7_000);
    const killer = setTimeout(async () => {
      stats.killed++;
      procs[0].child.kill("SIGKILL");
      await new Promise((r) => setTimeout(r, 3_000));
      procs[0] = await startProcess(databaseUrl);
    }, (opts.seconds * 1000) / 2);
    await Promise.all(lanes);
    clearInterval(cutter);
    clearTimeout(killer);
    const streamed = Date.now();

    // Nothing is re-delivered from here: the servers finish what they accepted by themselves.
    let left = -1;
    while (Date.now() - streamed < 120_000) {
      [{ n: left }] = await queryRows<{ n: number }>(handle.db, sql`SELECT COUNT(*)::int AS n FROM ingest_inbox WHERE status IN ('received', 'failed', 'dead')`);
      if (left === 0) break;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const settledS = (Date.now() - streamed) / 1000;
    const ids = [...acknowledged];
    const [inbox] = await queryRows<{ stored: number; done: number; retried: number }>(handle.db, sql`
      SELECT COUNT(*)::int AS stored, COUNT(*) FILTER (WHERE status IN ('processed', 'unmatched') AND source_event_id = ANY(${sql.param(ids)}::text[]))::int AS done,
        COUNT(*) FILTER (WHERE attempts > 1)::int AS retried FROM ingest_inbox`);
    const [written] = await queryRows<{ rows: number; ids: number }>(handle.db, sql`SELECT COUNT(*)::int AS rows, COUNT(DISTINCT event_id)::int AS ids FROM kaifa_events`);
    const [status] = await queryRows<{ rows: number; ids: number }>(handle.db, sql`
      SELECT COUNT(*)::int AS rows, COUNT(DISTINCT source_event_id)::int AS ids FROM oms_meter_status_events WHERE source_type = 'kaifa'`);
    const [links] = await queryRows<{ twice: number }>(handle.db, sql`
      SELECT COUNT(*)::int AS twice FROM (SELECT 1 FROM oms_event_sources GROUP BY outage_event_id, source_type, source_event_id HAVING COUNT(*) > 1) d`);

    console.log(`\nExactly-once trial, ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, PostgreSQL, 2 server processes`);
    console.log(`  stream ${opts.seconds} s, ${opts.lanes} senders × ${opts.batch} events per request, every batch to both processes`);
    console.log(`  requests ${stats.requests}: ${[...stats.answers].map(([s, n]) => `${n} × ${s}`).join(", ")}, ${stats.failures} without an answer (killed or cut); batches re-sent ${stats.resent} times`);
    console.log(`  attacks: database connections cut ${stats.cuts} times, a process killed with SIGKILL ${stats.killed} time(s) and restarted`);
    console.log(`  events acknowledged ${acknowledged.size} (${stats.pending} answers 'pending'); stored ${inbox.stored}; unfinished after ${settledS.toFixed(1)} s: ${left}`);
    console.log(`  lost (acknowledged, not processed): ${acknowledged.size - inbox.done}`);
    console.log(`  processed twice: kaifa_events ${written.rows - written.ids}, meter status events ${status.rows - status.ids}, outage links ${links.twice}; events processed after a failed attempt: ${inbox.retried}`);
    const bad = acknowledged.size - inbox.done + (written.rows - written.ids) + (status.rows - status.ids) + links.twice + left;
    process.exitCode = bad === 0 ? 0 : 1;
  } finally {
    for (const p of procs) p.child.kill("SIGKILL");
    await handle.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    await admin.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
