import type { SQL } from "drizzle-orm";
import { io as connect, type Socket } from "socket.io-client";
import { queryRows } from "../../db/client";
import type { GeneratedNetwork } from "../../db/seed/generate";
import { loadNetwork } from "../../db/seed/load";
import { loadConfig } from "../../server/config";
import { startServer, type RunningServer } from "../../server/index";
import { createApiKey, API_KEY_SCOPES } from "../../server/auth/apiKeys";
import { systemActor } from "../../server/context";
import type { ApiKeyScope, UserRole } from "../../db/schema";
import { createUser } from "../../server/auth/users";
import { createTestDb } from "./db";

export const TEST_PASSWORD = "test-password-123";
/** The user of each role every test server has (the crew user belongs to the network's first crew). */
export const TEST_USERS: Record<UserRole, string> = { viewer: "viewer1", crew: "crew1", dispatcher: "dispatcher1", supervisor: "supervisor1" };

export interface TestServer {
  server: RunningServer;
  network: GeneratedNetwork;
  url: string;
  /** A valid key for every scope. */
  keys: Record<ApiKeyScope, string>;
  /** fetch() on the server, with the key the path needs (an ingestion route's source, or oms_api). */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** Rows of a query on the server's database. */
  rows<T>(query: SQL): Promise<T[]>;
  /** POST JSON (or text with its content type) and read the JSON answer. */
  post(path: string, body: unknown, contentType?: string): Promise<{ status: number; body: any }>;
  get(path: string): Promise<{ status: number; body: any }>;
  /** Signs in through the real sign-in route and answers the session cookie. */
  signIn(role: UserRole): Promise<string>;
  /** The code of the crew the crew user belongs to. */
  crewCode: string;
  stop(): Promise<void>;
}

/**
 * A real server (API only, pages are the end-to-end tests' business) on a free port, over a
 * fresh database holding a generated network: the setup of every HTTP integration test.
 */
export async function startTestServer(network: GeneratedNetwork, env: Record<string, string> = {}, options: { now?: () => Date; inboxRetrier?: boolean } = {}): Promise<TestServer> {
  const database = await createTestDb();
  await loadNetwork(database.db, network);
  const keys = {} as Record<ApiKeyScope, string>;
  for (const scope of API_KEY_SCOPES) keys[scope] = (await createApiKey(database.db, systemActor, { name: `test ${scope}`, scope })).key;
  // Tests sign in many times from one address; the limit itself has its own test.
  const config = { ...loadConfig({ PORT: "0", HOST: "127.0.0.1", SIGNIN_ATTEMPTS_PER_MINUTE: "10000", ...env }), seedOnEmpty: false };
  const server = await startServer(config, { pages: false, database, log: () => {}, now: options.now, inboxRetrier: options.inboxRetrier });
  const crewCode = network.crews[0].crewId;
  for (const [role, username] of Object.entries(TEST_USERS) as [UserRole, string][]) {
    await createUser(server.auth, database.db, systemActor, { username, name: `Test ${role}`, role, password: TEST_PASSWORD, crew: role === "crew" ? crewCode : undefined });
  }
  const answer = async (res: Response) => ({ status: res.status, body: await res.json() });
  const api = (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    const key = keyFor(path, keys);
    if (key && !headers.has("authorization")) headers.set("authorization", `Bearer ${key}`);
    return fetch(`${server.url}${path}`, { ...init, headers });
  };
  return {
    server, network, url: server.url, keys, fetch: api,
    rows: (query) => queryRows(server.database.db, query),
    post: async (path, body, contentType = "application/json") => answer(await api(path, {
      method: "POST", headers: { "content-type": contentType }, body: typeof body === "string" ? body : JSON.stringify(body),
    })),
    get: async (path) => answer(await api(path)),
    signIn: (role) => signIn(server.url, TEST_USERS[role], TEST_PASSWORD),
    crewCode,
    stop: () => server.stop(),
  };
}

const routeScopes: Record<string, ApiKeyScope> = { scada: "scada", kaifa: "kaifa", onu: "onu", "call-center": "call_center" };

function keyFor(path: string, keys: Record<ApiKeyScope, string>): string | undefined {
  const ingest = /^\/api\/ingest\/([a-z-]+)/.exec(path);
  if (ingest && routeScopes[ingest[1]]) return keys[routeScopes[ingest[1]]];
  if (path.startsWith("/api/oms") || path.startsWith("/api/ingest/stats")) return keys.oms_api;
  return undefined;
}

export interface LiveClient {
  socket: Socket;
  /** Every change pushed to this client, in arrival order. */
  pushed: Array<{ seq: number; topic: string; payload: any; at: string }>;
  close(): void;
}

/** Signs in with the real route; answers the session cookie (`name=value`) or throws with the answer. */
export async function signIn(url: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/sign-in/username`, {
    method: "POST", headers: { "content-type": "application/json", origin: url }, body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in of ${username} answered ${res.status}: ${await res.text()}`);
  const cookies = res.headers.getSetCookie().map((c) => c.split(";")[0]);
  const session = cookies.find((c) => c.includes("session_token"));
  if (!session) throw new Error(`sign-in of ${username} set no session cookie (${cookies.join(", ")})`);
  return session;
}

/** Calls a tRPC procedure over real HTTP as the holder of `cookie` (or nobody). */
export async function callTrpc(url: string, path: string, type: "query" | "mutation", input: unknown, cookie?: string): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { origin: url, ...(cookie ? { cookie } : {}) };
  const wrapped = encodeURIComponent(JSON.stringify({ json: input ?? null }));
  const res = type === "query"
    ? await fetch(`${url}/api/trpc/${path}?input=${wrapped}`, { headers })
    : await fetch(`${url}/api/trpc/${path}`, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify({ json: input ?? null }) });
  return { status: res.status, body: await res.json() };
}

/**
 * A real Socket.IO client on a server as the holder of the session `cookie`, collecting what
 * it is pushed, ready once greeted.
 */
export async function connectLive(url: string, cookie: string): Promise<LiveClient> {
  const socket = connect(url, { transports: ["websocket"], forceNew: true, extraHeaders: { cookie } });
  const pushed: LiveClient["pushed"] = [];
  socket.on("changes", (changes) => pushed.push(...changes));
  await new Promise((resolve, reject) => {
    socket.once("system:hello", resolve);
    socket.once("connect_error", reject);
  });
  return { socket, pushed, close: () => socket.close() };
}
