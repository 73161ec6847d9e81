import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateNetwork } from "../db/seed/generate";
import { loadConfig } from "../server/config";
import { startServer, type RunningServer } from "../server/index";
import { runtimeName } from "./helpers/db";
import { startTestServer, type TestServer, connectLive, type LiveClient } from "./helpers/server";

const network = generateNetwork({ meters: 300, seed: 13 });
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

// Two app processes behind a load balancer share one database and fan pushes out through Redis.
// Here both run in this process on one database handle, each with its own Socket.IO server.
describe(`two app servers with REDIS_URL on ${runtimeName}`, () => {
  let a: TestServer;
  let b: RunningServer;
  let live: LiveClient;

  beforeAll(async () => {
    a = await startTestServer(network, { REDIS_URL });
    b = await startServer({ ...loadConfig({ PORT: "0", HOST: "127.0.0.1", REDIS_URL }), seedOnEmpty: false },
      { pages: false, database: a.server.database, closeDatabase: false, log: () => {} });
    live = await connectLive(b.url, await a.signIn("dispatcher"));
  });
  afterAll(async () => {
    live?.close();
    await b?.stop();
    await a?.stop();
  });

  it("pushes a change committed through one server to a browser connected to the other", async () => {
    const feeder = network.feeders[0];
    const { status, body } = await a.post("/api/ingest/scada", { eventType: "breaker_trip", feederId: feeder.feederId, timestamp: new Date(Date.now() - 1000).toISOString() });
    expect(status).toBe(200);
    await expect.poll(() => live.pushed.some((c) => c.topic === "outage:created" && c.payload.outages?.some((o: { eventId: string }) => o.eventId === body.event_id)), { timeout: 10_000 }).toBe(true);
  });

  it("refuses to start when Redis cannot be reached, naming REDIS_URL", async () => {
    const attempt = startServer({ ...loadConfig({ PORT: "0", HOST: "127.0.0.1", REDIS_URL: "redis://127.0.0.1:1" }), seedOnEmpty: false },
      { pages: false, database: a.server.database, closeDatabase: false, log: () => {} });
    await expect(attempt).rejects.toThrow(/REDIS_URL: cannot connect/);
  });
});
