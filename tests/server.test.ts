import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io as connect } from "socket.io-client";
import type { RunningServer } from "../server/index";
import { generateNetwork } from "../db/seed/generate";
import { runtimeName } from "./helpers/db";
import { startTestServer, type TestServer } from "./helpers/server";

// One server process, API-only here (pages are covered by the end-to-end tests), on a free port.
describe(`server on ${runtimeName}`, () => {
  let server: RunningServer;
  let api: TestServer["fetch"];
  let cookie: string;
  const network = generateNetwork({ meters: 300, seed: 7 });

  beforeAll(async () => {
    const test = await startTestServer(network);
    ({ server, fetch: api } = test);
    cookie = await test.signIn("viewer");
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("answers health checks", async () => {
    const res = await fetch(`${server.url}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok" });
  });

  it("serves the network through tRPC on the same port", async () => {
    const res = await fetch(`${server.url}/api/trpc/network.totals`, { headers: { cookie } });
    const body = await res.json();
    expect(body.result.data.json).toMatchObject({
      substations: network.substations.length,
      feeders: network.feeders.length,
      distributionPoints: network.distributionPoints.length,
      meters: network.meters.length,
      customers: network.customers.length,
      crews: network.crews.length,
    });
    const subs = await (await fetch(`${server.url}/api/trpc/network.substations`, { headers: { cookie } })).json();
    expect(subs.result.data.json.map((s: { code: string }) => s.code)).toEqual(network.substations.map((s) => s.substationId).sort());
  });

  it("returns only the distribution points inside the requested view", async () => {
    const dp = network.distributionPoints[0];
    const d = 0.0005;
    const input = { json: { bbox: { west: dp.locationLng - d, south: dp.locationLat - d, east: dp.locationLng + d, north: dp.locationLat + d } } };
    const res = await fetch(`${server.url}/api/trpc/network.distributionPoints?input=${encodeURIComponent(JSON.stringify(input))}`, { headers: { cookie } });
    const rows = (await res.json()).result.data.json as Array<{ code: string; lat: number; lng: number }>;
    expect(rows.map((r) => r.code)).toContain(dp.dpId);
    for (const r of rows) {
      expect(Math.abs(r.lat - dp.locationLat)).toBeLessThanOrEqual(d);
      expect(Math.abs(r.lng - dp.locationLng)).toBeLessThanOrEqual(d);
    }
  });

  it("rejects bad tRPC input with a 400 that names the field", async () => {
    const input = { json: { bbox: { west: 500, south: 0, east: 1, north: 1 } } };
    const res = await fetch(`${server.url}/api/trpc/network.distributionPoints?input=${encodeURIComponent(JSON.stringify(input))}`, { headers: { cookie } });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.json.data.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: "bbox.west" })]));
  });

  it("answers unknown API routes and malformed JSON with JSON 4xx, not pages or 500s", async () => {
    const missing = await fetch(`${server.url}/api/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: "not_found" });
    const malformed = await api("/api/ingest/scada", {
      method: "POST", headers: { "content-type": "application/json" }, body: "{not json",
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: "invalid", issues: [{ path: "(body)" }] });
  });

  it("serves Socket.IO's default long-polling transport too, not only websockets", async () => {
    const socket = connect(server.url, { transports: ["polling"], forceNew: true, extraHeaders: { cookie } });
    try {
      const hello = await new Promise<{ seq: number }>((resolve, reject) => {
        socket.once("system:hello", resolve);
        socket.once("connect_error", reject);
      });
      expect(hello.seq).toBe(0);
    } finally {
      socket.close();
    }
  });

  it("accepts Socket.IO connections on the same port and greets with the sequence number", async () => {
    const socket = connect(server.url, { transports: ["websocket"], forceNew: true, extraHeaders: { cookie } });
    try {
      const hello = await new Promise<{ seq: number; serverTime: string }>((resolve, reject) => {
        socket.once("system:hello", resolve);
        socket.once("connect_error", reject);
      });
      expect(hello.seq).toBe(0);
      expect(Date.parse(hello.serverTime)).not.toBeNaN();
    } finally {
      socket.close();
    }
  });
});
