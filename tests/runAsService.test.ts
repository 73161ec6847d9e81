import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import net from "node:net";
import path from "node:path";
import { sql } from "drizzle-orm";
import { createDb, queryRows, type DbHandle } from "../db/client";
import { generateNetwork } from "../db/seed/generate";
import { loadNetwork } from "../db/seed/load";
import { createApiKey } from "../server/auth/apiKeys";
import { systemActor } from "../server/context";
import { createTestDb, runtimeName } from "./helpers/db";
import { exited, startServerProcess, type ServerProcess } from "./helpers/serverProcess";
import { signIn } from "./helpers/server";

// What an IT team looks at when it runs the server: its logs, /healthz and /readyz, a drain on
// SIGTERM. The server runs in its own process, configured from the environment as `npm start` is.
const SECRETS = {
  AUTH_SECRET: "auth-secret-of-the-log-test-0123456789abcdef",
  OMS_ADMIN_PASSWORD: "admin-password-of-the-log-test-42",
  METRICS_TOKEN: "metrics-token-of-the-log-test-987654321",
};
const WRONG_PASSWORD = "a-wrong-password-typed-by-someone-77";
const DRAIN_SECONDS = 3;

/** A port nothing listens on now. */
const freePort = () => new Promise<number>((resolve) => {
  const probe = net.createServer().listen(0, "127.0.0.1", () => {
    const { port } = probe.address() as net.AddressInfo;
    probe.close(() => resolve(port));
  });
});

describe(`the server as a service on ${runtimeName}: logs, health, readiness through a shutdown`, () => {
  let database: DbHandle | undefined;
  let env: Record<string, string>;
  let proc: ServerProcess;
  let running: ChildProcess | undefined;
  const keys: Record<string, string> = {};
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "oms-service-"));
  let metricsPort: number;

  beforeAll(async () => {
    if (process.env.DATABASE_URL) {
      database = await createTestDb();
      const [{ name }] = await queryRows<{ name: string }>(database.db, sql`SELECT current_database() AS name`);
      const url = new URL(process.env.DATABASE_URL);
      url.pathname = `/${name}`;
      env = { DATABASE_URL: url.toString() };
    } else {
      env = { DATABASE_URL: "", DATA_DIR: dataDir };
    }
    const handle = database ?? await createDb({ dataDir });
    try {
      await loadNetwork(handle.db, generateNetwork({ meters: 300, seed: 14 }));
      keys.scada = (await createApiKey(handle.db, systemActor, { name: "log test scada", scope: "scada" })).key;
      keys.oms = (await createApiKey(handle.db, systemActor, { name: "log test oms", scope: "oms_api" })).key;
    } finally {
      if (!database) await handle.close();
    }
    metricsPort = await freePort();
    proc = await startServerProcess({
      METRICS_PORT: String(metricsPort),
      ...env, ...SECRETS, OMS_ADMIN_USERNAME: "opsadmin", LOG_LEVEL: "debug", SHUTDOWN_DRAIN_SECONDS: String(DRAIN_SECONDS),
      REDIS_URL: process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379",
    });
    running = proc.child;
  }, 120_000);
  afterAll(async () => {
    running?.kill("SIGKILL");
    if (running) await exited(running);
    await database?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("is alive and ready: the database with this build's migrations, and Redis", async () => {
    const live = await fetch(`${proc.url}/healthz`);
    expect(live.status).toBe(200);
    expect(await live.json()).toMatchObject({ status: "ok" });
    const ready = await fetch(`${proc.url}/readyz`);
    expect(await ready.json()).toEqual({ status: "ready", checks: { shutdown: { ok: true }, database: { ok: true }, redis: { ok: true } } });
    expect(ready.status).toBe(200);
  });

  it("answers every request with a request id, the caller's or a new one", async () => {
    const event = { eventType: "breaker_trip", substationId: "NO-SUCH", timestamp: new Date().toISOString() };
    const given = await fetch(`${proc.url}/api/ingest/scada`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${keys.scada}`, "x-request-id": "log-test-request-42" }, body: JSON.stringify(event) });
    expect(given.status).toBe(200);
    expect(given.headers.get("x-request-id")).toBe("log-test-request-42");
    const made = await fetch(`${proc.url}/api/oms/dashboard/active-outages`, { headers: { "x-api-key": keys.oms!, "x-request-id": "bad id with spaces" } });
    expect(made.status).toBe(200);
    expect(made.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);

    // A person signs in (and someone mistypes a password), reads, and the metrics are scraped.
    expect((await fetch(`${proc.url}/api/auth/sign-in/username`, { method: "POST", headers: { "content-type": "application/json", origin: proc.url }, body: JSON.stringify({ username: "opsadmin", password: WRONG_PASSWORD }) })).status).toBe(401);
    const cookie = await signIn(proc.url, "opsadmin", SECRETS.OMS_ADMIN_PASSWORD);
    keys.session = cookie.split("=")[1]!;
    expect((await fetch(`${proc.url}/api/oms/storm-mode`, { headers: { cookie, "x-request-id": "log-test-person" } })).status).toBe(200);
    expect((await fetch(`${proc.url}/metrics`, { headers: { authorization: `Bearer ${SECRETS.METRICS_TOKEN}` } })).status).toBe(200);
    // METRICS_PORT serves /metrics alone, without a token (a private network's scraper).
    const scraped = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain("oms_ingest_events_total");
    expect((await fetch(`http://127.0.0.1:${metricsPort}/api/oms/storm-mode`)).status).toBe(404);
    // A secret in a query string is censored in the access log.
    expect((await fetch(`${proc.url}/api/openapi.json?api_key=${keys.scada}`)).status).toBe(200);
    // A bad key: refused, and the key it presented is not logged either.
    expect((await fetch(`${proc.url}/api/ingest/scada`, { method: "POST", headers: { "content-type": "application/json", "x-api-key": `${keys.scada}x` }, body: "{}" })).status).toBe(401);
  });

  it("answers 503 on /readyz from the moment SIGTERM arrives, serves requests through the drain, then exits 0", async () => {
    const sentAt = Date.now();
    running!.kill("SIGTERM");
    let notReadyAfterMs = -1;
    while (Date.now() - sentAt < 2_000) {
      const res = await fetch(`${proc.url}/readyz`);
      if (res.status === 503) {
        notReadyAfterMs = Date.now() - sentAt;
        expect(await res.json()).toMatchObject({ status: "not_ready", checks: { shutdown: { ok: false } } });
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(notReadyAfterMs).toBeGreaterThanOrEqual(0);
    expect(notReadyAfterMs).toBeLessThan(1_000);
    // Still serving while the load balancer takes the node out.
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await fetch(`${proc.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${proc.url}/api/oms/dashboard/active-outages`, { headers: { "x-api-key": keys.oms! } })).status).toBe(200);
    const code = await new Promise<number | null>((resolve) => (running!.exitCode !== null ? resolve(running!.exitCode) : running!.once("exit", (c) => resolve(c))));
    const stoppedAfterMs = Date.now() - sentAt;
    running = undefined;
    expect(code).toBe(0);
    expect(stoppedAfterMs).toBeGreaterThanOrEqual(DRAIN_SECONDS * 1000);
    await expect(fetch(`${proc.url}/healthz`)).rejects.toThrow();
  }, 60_000);

  it("wrote JSON lines with request ids, an access log with actors, and no secret", () => {
    const text = proc.log.join("");
    for (const secret of [...Object.values(SECRETS), WRONG_PASSWORD, keys.scada!, keys.oms!, keys.session!, decodeURIComponent(keys.session!)]) {
      expect(text.includes(secret), `a secret (${secret.slice(0, 6)}…) is in the log`).toBe(false);
    }
    const lines = text.split("\n").filter((l) => l.trim() && !l.startsWith("READY "));
    const records = lines.map((l) => JSON.parse(l) as Record<string, any>);
    expect(records.length).toBeGreaterThan(10);
    for (const r of records) expect(r).toMatchObject({ level: expect.any(Number), time: expect.any(Number), msg: expect.any(String) });

    const access = (id: string) => records.find((r) => r.req?.id === id && r.res);
    expect(access("log-test-request-42")).toMatchObject({ req: { method: "POST", url: "/api/ingest/scada" }, res: { statusCode: 200 }, actor: { kind: "integration", scope: "scada" }, responseTime: expect.any(Number) });
    expect(access("log-test-person")).toMatchObject({ res: { statusCode: 200 }, actor: { kind: "user", username: "opsadmin", role: "supervisor" } });
    expect(records.some((r) => r.req?.url === "/api/openapi.json?api_key=%5Bredacted%5D")).toBe(true);
    // Start-up lines and console.* output are JSON lines too, and the shutdown is logged.
    expect(records.some((r) => /^Database: /.test(r.msg))).toBe(true);
    expect(records.some((r) => /SIGTERM received/.test(r.msg))).toBe(true);
    expect(records.some((r) => r.msg === "Stopped")).toBe(true);
    // No request headers at all in the access log.
    expect(records.every((r) => !r.req?.headers)).toBe(true);
  });
});
