import type { SQL } from "drizzle-orm";
import { io as connect, type Socket } from "socket.io-client";
import { queryRows } from "../../db/client";
import type { GeneratedNetwork } from "../../db/seed/generate";
import { loadNetwork } from "../../db/seed/load";
import { loadConfig } from "../../server/config";
import { startServer, type RunningServer } from "../../server/index";
import { createApiKey, API_KEY_SCOPES } from "../../server/auth/apiKeys";
import { systemActor } from "../../server/context";
import type { ApiKeyScope } from "../../db/schema";
import { createTestDb } from "./db";

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
  stop(): Promise<void>;
}

/**
 * A real server (API only, pages are the end-to-end tests' business) on a free port, over a
 * fresh database holding a generated network: the setup of every HTTP integration test.
 */
export async function startTestServer(network: GeneratedNetwork, env: Record<string, string> = {}): Promise<TestServer> {
  const database = await createTestDb();
  await loadNetwork(database.db, network);
  const keys = {} as Record<ApiKeyScope, string>;
  for (const scope of API_KEY_SCOPES) keys[scope] = (await createApiKey(database.db, systemActor, { name: `test ${scope}`, scope })).key;
  const config = { ...loadConfig({ PORT: "0", HOST: "127.0.0.1", ...env }), seedOnEmpty: false };
  const server = await startServer(config, { pages: false, database, log: () => {} });
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

/** A real Socket.IO client on a server, collecting what it is pushed, ready once greeted. */
export async function connectLive(url: string): Promise<LiveClient> {
  const socket = connect(url, { transports: ["websocket"], forceNew: true });
  const pushed: LiveClient["pushed"] = [];
  socket.on("changes", (changes) => pushed.push(...changes));
  await new Promise((resolve) => socket.once("system:hello", resolve));
  return { socket, pushed, close: () => socket.close() };
}
