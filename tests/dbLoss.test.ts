import { createHash } from "node:crypto";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { format } from "node:util";
import express from "express";
import pg from "pg";
import { drizzle } from "drizzle-orm/node-postgres";
import { DrizzleQueryError } from "drizzle-orm/errors";
import { createExpressMiddleware } from "@trpc/server/adapters/express";
import { io as connectSocket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createDb, queryRows, sql, type Db, type DbHandle } from "../db/client";
import * as schema from "../db/schema";
import { generateNetwork } from "../db/seed/generate";
import { loadNetwork } from "../db/seed/load";
import { loadConfig } from "../server/config";
import { startServer, type RunningServer } from "../server/index";
import { createApiKey } from "../server/auth/apiKeys";
import type { Auth } from "../server/auth/auth";
import { createUser } from "../server/auth/users";
import { systemActor, type Actor } from "../server/context";
import { DomainError, unavailable, UNAVAILABLE_MESSAGE } from "../server/errors";
import { describeError, isDatabaseUnavailable } from "../server/errorCauses";
import { jsonErrorHandler } from "../server/http/errors";
import { pageGate } from "../server/http/pageGate";
import { createRealtime } from "../server/realtime/hub";
import { UNAVAILABLE_REFUSAL } from "../server/realtime/events";
import { appRouter } from "../server/trpc/router";
import { trpcResponseMeta } from "../server/trpc/errors";
import { runtimeName } from "./helpers/db";
import { callTrpc, connectLive, signIn, TEST_PASSWORD } from "./helpers/server";
import { createTestDb } from "./helpers/db";

const UNAVAILABLE_BODY = { error: "unavailable", message: UNAVAILABLE_MESSAGE };
const SECRET = "f00dfeedf00dfeedf00dfeedf00dfeed";

/** Every line the process logs while `run` goes on (console.* and a server's log option). */
function captureLogs() {
  const lines: string[] = [];
  const spies = (["log", "info", "warn", "error", "debug"] as const).map((level) =>
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void lines.push(format(...args))));
  return { lines, log: (line: string) => void lines.push(line), restore: () => spies.forEach((s) => s.mockRestore()) };
}

/** A port nothing listens on (taken, then let go). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The error node-postgres really gives when nothing listens at the address. */
async function refusedConnectionError(): Promise<Error> {
  const client = new pg.Client({ host: "127.0.0.1", port: await closedPort(), user: "postgres", connectionTimeoutMillis: 2000 });
  return client.connect().then(() => { throw new Error("connected to a closed port?"); }, (err: Error) => err);
}

async function listen(app: http.RequestListener | express.Express): Promise<{ url: string; server: http.Server; close(): Promise<void> }> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, server, close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

const dispatcher: Actor = { kind: "user", id: "u-1", name: "Dispatcher", username: "dispatcher1", role: "dispatcher", crewId: null };

describe(`a lost database, classified and described (${runtimeName})`, () => {
  let refused: Error;
  beforeAll(async () => {
    refused = await refusedConnectionError();
  });

  it("recognises connection loss by Node code, SQLSTATE and node-postgres message, through Drizzle's and better-auth's wrappers", () => {
    const lost = [
      ...["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN"].map((code) => Object.assign(new Error("socket"), { code })),
      ...["08000", "08003", "08006", "08001", "08004", "08P01", "57P01", "57P02", "57P03", "53300"].map((code) => Object.assign(new Error("pg"), { code })),
      new Error("Connection terminated unexpectedly"),
      new Error("Connection terminated due to connection timeout"),
      new Error("timeout exceeded when trying to connect"),
      new Error("Client has encountered a connection error and is not queryable"),
      new Error("PGlite is closed"),
      new AggregateError([Object.assign(new Error("connect ECONNREFUSED ::1:5432"), { code: "ECONNREFUSED" })], ""),
      unavailable(),
      refused,
      new DrizzleQueryError("select 1", [], refused),
      // better-auth's getSession: an APIError whose cause is Drizzle's error.
      Object.assign(new Error("Failed to get session", { cause: new DrizzleQueryError("select 1", [SECRET], Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" })) }), { statusCode: 500 }),
    ];
    for (const err of lost) expect(isDatabaseUnavailable(err), describeError(err)).toBe(true);

    const notLost = [
      new Error("boom"), Object.assign(new Error("duplicate key"), { code: "23505" }), Object.assign(new Error("no table"), { code: "42P01" }),
      Object.assign(new Error("canceling statement due to statement timeout"), { code: "57014" }),
      new DomainError("not_found", "gone"), null, undefined, "Connection terminated unexpectedly",
      // The SQL text of a failed query says nothing about the connection.
      new DrizzleQueryError("select 'Connection terminated unexpectedly'", [], Object.assign(new Error("syntax"), { code: "42601" })),
    ];
    for (const err of notLost) expect(isDatabaseUnavailable(err), String(err)).toBe(false);
  });

  it("describes a failed query by its driver error only: never the SQL, never the parameters", () => {
    const hash = createHash("sha256").update(SECRET).digest("hex");
    const wrapped = new DrizzleQueryError("SELECT id FROM oms_api_keys WHERE key_hash = $1", [hash], refused);
    const apiError = Object.assign(new Error("Failed to get session", { cause: wrapped }), { name: "APIError" });
    for (const err of [wrapped, apiError, new Error(`lookup failed: ${wrapped.message}`), new DrizzleQueryError("SELECT $1", [hash], undefined as never)]) {
      for (const text of [describeError(err), describeError(err, { stack: true })]) {
        expect(text).not.toContain(hash);
        expect(text).not.toContain("params:");
        expect(text).not.toContain("oms_api_keys");
      }
    }
    expect(describeError(wrapped)).toMatch(/ECONNREFUSED/);
    expect(describeError(apiError)).toMatch(/^APIError: Failed to get session ← caused by .*ECONNREFUSED/);
    expect(describeError(new DrizzleQueryError("SELECT $1", [hash], undefined as never))).toBe("a database query failed (no driver error given)");
    expect(describeError(wrapped, { stack: true }).split("\n").slice(1).every((l) => /^\s+at /.test(l))).toBe(true);
  });

  it("answers REST and ingestion 503 with Retry-After for a real driver error; a failed query that is not connection loss stays a bare 500; neither logs parameters", async () => {
    const app = express();
    app.get("/lost", () => { throw new DrizzleQueryError("SELECT 1 WHERE x = $1", [SECRET], refused); });
    app.get("/broken", () => { throw new DrizzleQueryError("SELECT 1 WHERE x = $1", [SECRET], Object.assign(new Error("duplicate key value"), { code: "23505" })); });
    app.use(jsonErrorHandler);
    const served = await listen(app);
    const logs = captureLogs();
    try {
      const lost = await fetch(`${served.url}/lost`);
      expect(lost.status).toBe(503);
      expect(lost.headers.get("retry-after")).toBe("5");
      expect(await lost.json()).toEqual(UNAVAILABLE_BODY);
      const broken = await fetch(`${served.url}/broken`);
      expect(broken.status).toBe(500);
      expect(await broken.json()).toEqual({ error: "internal", message: "Internal error" });
    } finally {
      logs.restore();
      await served.close();
    }
    expect(logs.lines.join("\n")).toMatch(/23505: duplicate key value/);
    expect(logs.lines.join("\n")).not.toMatch(new RegExp(`${SECRET}|params:|Failed query`));
  });

  it("maps a procedure's lost database to tRPC SERVICE_UNAVAILABLE (503, Retry-After), and a session that cannot be read too, never to UNAUTHORIZED", async () => {
    const deadPool = new pg.Pool({ host: "127.0.0.1", port: await closedPort(), user: "postgres", connectionTimeoutMillis: 2000 });
    const deadDb = drizzle(deadPool, { schema }) as unknown as Db;
    const context = { db: deadDb, config: loadConfig({}), auth: {} as Auth, publisher: { publish() {} }, sameOrigin: true, disconnectUser() {} };
    const app = express();
    app.use("/api/trpc/procedure", createExpressMiddleware({ router: appRouter, createContext: () => ({ ...context, actor: dispatcher }), responseMeta: trpcResponseMeta }));
    app.use("/api/trpc/context", createExpressMiddleware({ router: appRouter, createContext: () => { throw unavailable(); }, responseMeta: trpcResponseMeta }));
    const served = await listen(app);
    const logs = captureLogs();
    try {
      for (const where of ["procedure", "context"]) {
        const res = await fetch(`${served.url}/api/trpc/${where}/outages.overview`);
        expect(res.status, where).toBe(503);
        expect(res.headers.get("retry-after")).toBe("5");
        const body = await res.json();
        expect(body.error.json.data.code).toBe("SERVICE_UNAVAILABLE");
        expect(body.error.json.message).toBe(UNAVAILABLE_MESSAGE);
      }
    } finally {
      logs.restore();
      await served.close();
      await deadPool.end();
    }
    expect(logs.lines.join("\n")).not.toMatch(/params:|Failed query/);
  });

  it("serves the page gate's 503 page that retries by itself, not a sign-in redirect, when the session cannot be checked", async () => {
    let getSession: () => Promise<unknown> = async () => null;
    const auth = { api: { getSession: () => getSession() } } as unknown as Auth;
    const app = express();
    app.use(pageGate(auth), (_req, res) => void res.send("the page"));
    const served = await listen(app);
    const logs = captureLogs();
    try {
      getSession = async () => { throw Object.assign(new Error("Failed to get session", { cause: new DrizzleQueryError("SELECT $1", [SECRET], refused) }), { statusCode: 500 }); };
      const down = await fetch(`${served.url}/`, { redirect: "manual", headers: { cookie: "oms.session_token=abc" } });
      expect(down.status).toBe(503);
      expect(down.headers.get("location")).toBeNull();
      expect(down.headers.get("retry-after")).toBe("5");
      expect(down.headers.get("set-cookie")).toBeNull();
      const html = await down.text();
      expect(html).toContain("The control room cannot reach its database; this page retries by itself");
      expect(html).toMatch(/<meta http-equiv="refresh" content="5">/);

      getSession = async () => null;
      const signedOut = await fetch(`${served.url}/`, { redirect: "manual" });
      expect(signedOut.status).toBe(302);
      expect(signedOut.headers.get("location")).toBe("/sign-in?next=%2F");

      getSession = async () => { throw Object.assign(new Error("session vanished"), { statusCode: 401 }); };
      expect((await fetch(`${served.url}/`, { redirect: "manual" })).status).toBe(302);

      getSession = async () => { throw new Error("a bug"); };
      const broken = await fetch(`${served.url}/`, { redirect: "manual" });
      expect(broken.status).toBe(500);
      expect(broken.headers.get("location")).toBeNull();
    } finally {
      logs.restore();
      await served.close();
    }
    expect(logs.lines.join("\n")).not.toMatch(new RegExp(`${SECRET}|params:`));
  });

  it("refuses a live connection with 'service unavailable', not 'unauthorized', when the session cannot be checked", async () => {
    const auth = { api: { getSession: async () => { throw Object.assign(new Error("Failed to get session", { cause: refused }), { statusCode: 500 }); } } } as unknown as Auth;
    const httpServer = http.createServer();
    const realtime = await createRealtime(httpServer, {} as Db, auth);
    await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
    const logs = captureLogs();
    const socket = connectSocket(url, { transports: ["websocket"], forceNew: true, reconnection: false });
    try {
      const refusal = await new Promise<Error>((resolve) => socket.once("connect_error", resolve));
      expect(refusal.message).toBe(UNAVAILABLE_REFUSAL);
    } finally {
      socket.close();
      logs.restore();
      await realtime.close();
      httpServer.close();
    }
  });
});

/**
 * A TCP proxy between the app and PostgreSQL: `cut()` drops every connection and refuses new
 * ones at once (as a server that restarts does), `restore()` lets them through again.
 */
async function tcpProxy(target: { host: string; port: number }) {
  let open = true;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (!open) return void client.destroy();
    const upstream = net.connect(target.port, target.host);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("error", end).on("close", end);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const cut = () => {
    open = false;
    for (const s of sockets) s.destroy();
  };
  return {
    port: (server.address() as AddressInfo).port,
    cut,
    restore: () => void (open = true),
    close: () => new Promise<void>((resolve) => { cut(); server.close(() => resolve()); }),
  };
}

describe.runIf(process.env.DATABASE_URL)("a PostgreSQL that goes away and comes back, behind a proxy the test cuts", () => {
  let direct: DbHandle;
  let proxy: Awaited<ReturnType<typeof tcpProxy>>;
  let server: RunningServer;
  let page: Awaited<ReturnType<typeof listen>>;
  let keys: { scada: string; omsApi: string };
  let cookie: string;
  let feederId: string;
  const network = generateNetwork({ meters: 60, seed: 29 });
  const logs: string[] = [];
  let capture: ReturnType<typeof captureLogs> | undefined;

  beforeAll(async () => {
    direct = await createTestDb();
    await loadNetwork(direct.db, network);
    feederId = network.feeders[0].feederId;
    const base = new URL(process.env.DATABASE_URL!);
    proxy = await tcpProxy({ host: base.hostname, port: Number(base.port || 5432) });
    const [{ name }] = await queryRows<{ name: string }>(direct.db, sql`SELECT current_database() AS name`);
    const through = new URL(base);
    through.hostname = "127.0.0.1";
    through.port = String(proxy.port);
    through.pathname = `/${name}`;
    const proxied = await createDb({ databaseUrl: through.toString(), dataDir: "unused", poolSize: 4 });
    const config = { ...loadConfig({ PORT: "0", HOST: "127.0.0.1", SIGNIN_ATTEMPTS_PER_MINUTE: "10000" }), seedOnEmpty: false };
    server = await startServer(config, { pages: false, database: proxied, log: (line) => void logs.push(line) });
    keys = {
      scada: (await createApiKey(direct.db, systemActor, { name: "scada", scope: "scada" })).key,
      omsApi: (await createApiKey(direct.db, systemActor, { name: "oms", scope: "oms_api" })).key,
    };
    await createUser(server.auth, direct.db, systemActor, { username: "dispatcher1", name: "Dispatcher", role: "dispatcher", password: TEST_PASSWORD });
    cookie = await signIn(server.url, "dispatcher1", TEST_PASSWORD);
    // The pages' gate on the real auth (through the proxy); Next itself is not needed to see what it answers.
    const pages = express();
    pages.use(pageGate(server.auth), (_req, res) => void res.send("the control room"));
    page = await listen(pages);
  });
  afterAll(async () => {
    capture?.restore();
    await page?.close();
    await server?.stop();
    await proxy?.close();
    await direct?.close();
  });
  afterEach(() => proxy.restore());

  const ingest = () => fetch(`${server.url}/api/ingest/scada`, {
    method: "POST", headers: { authorization: `Bearer ${keys.scada}`, "content-type": "application/json" },
    body: JSON.stringify({ eventType: "breaker_trip", feederId, timestamp: new Date(Date.now() - 1000).toISOString() }),
  });
  const rest = (auth: { key?: string; cookie?: string }) => fetch(`${server.url}/api/oms/storm-mode`, {
    headers: auth.key ? { authorization: `Bearer ${auth.key}` } : { cookie: auth.cookie! },
  });

  it("answers every transport 503 (not 500, not 401, not a sign-in redirect) while cut, logs no query or key, and recovers by itself with the same cookie", async () => {
    expect((await rest({ key: keys.omsApi })).status).toBe(200);
    expect((await callTrpc(server.url, "account.me", "query", null, cookie)).body.result.data.json.username).toBe("dispatcher1");

    capture = captureLogs();
    proxy.cut();

    const posted = await ingest();
    expect(posted.status).toBe(503);
    expect(posted.headers.get("retry-after")).toBe("5");
    expect(await posted.json()).toEqual(UNAVAILABLE_BODY);

    for (const auth of [{ key: keys.omsApi }, { cookie }]) {
      const res = await rest(auth);
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("5");
      expect(await res.json()).toEqual(UNAVAILABLE_BODY);
    }

    const trpc = await fetch(`${server.url}/api/trpc/outages.overview`, { headers: { cookie, origin: server.url } });
    expect(trpc.status).toBe(503);
    expect(trpc.headers.get("retry-after")).toBe("5");
    const trpcBody = await trpc.json();
    expect(trpcBody.error.json.data.code).toBe("SERVICE_UNAVAILABLE");
    expect(trpcBody.error.json.message).toBe(UNAVAILABLE_MESSAGE);

    const gated = await fetch(`${page.url}/`, { headers: { cookie }, redirect: "manual" });
    expect(gated.status).toBe(503);
    expect(gated.headers.get("location")).toBeNull();
    expect(await gated.text()).toContain("this page retries by itself");

    // Signing in cannot succeed meanwhile, and must not look like a wrong password either.
    const signingIn = await fetch(`${server.url}/api/auth/sign-in/username`, {
      method: "POST", headers: { "content-type": "application/json", origin: server.url }, body: JSON.stringify({ username: "dispatcher1", password: TEST_PASSWORD }),
    });
    expect(signingIn.status).toBe(503);
    expect(await signingIn.json()).toEqual(UNAVAILABLE_BODY);
    const session = await fetch(`${server.url}/api/auth/get-session`, { headers: { cookie } });
    expect(session.status).toBe(503);
    expect(session.headers.get("set-cookie")).toBeNull();

    const socket = connectSocket(server.url, { transports: ["websocket"], forceNew: true, reconnection: false, extraHeaders: { cookie } });
    const refusal = await new Promise<Error>((resolve) => socket.once("connect_error", resolve));
    socket.close();
    expect(refusal.message).toBe(UNAVAILABLE_REFUSAL);

    capture.restore();
    const logged = [...capture.lines, ...logs].join("\n");
    const token = decodeURIComponent(cookie.split("=")[1]).split(".")[0];
    for (const secret of [keys.scada, keys.omsApi, createHash("sha256").update(keys.scada).digest("hex"), createHash("sha256").update(keys.omsApi).digest("hex"), token]) {
      expect(logged).not.toContain(secret);
    }
    expect(logged).not.toMatch(/params:|Failed query/);
    expect(logged).toMatch(/database unreachable/);

    // PostgreSQL is back: no restart, the same cookie is still signed in.
    proxy.restore();
    await expect.poll(async () => (await ingest()).status, { timeout: 20_000, interval: 250 }).toBe(200);
    expect((await rest({ key: keys.omsApi })).status).toBe(200);
    expect((await rest({ cookie })).status).toBe(200);
    const me = await callTrpc(server.url, "account.me", "query", null, cookie);
    expect(me.status).toBe(200);
    expect(me.body.result.data.json.username).toBe("dispatcher1");
    expect((await fetch(`${page.url}/`, { headers: { cookie }, redirect: "manual" })).status).toBe(200);
    const live = await connectLive(server.url, cookie);
    live.close();
  });
});
