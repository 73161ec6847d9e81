import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { generateNetwork } from "../db/seed/generate";
import { createApiKey, revokeApiKey } from "../server/auth/apiKeys";
import { systemActor } from "../server/context";
import { runtimeName } from "./helpers/db";
import { startTestServer, type TestServer } from "./helpers/server";

const network = generateNetwork({ meters: 200, seed: 9 });
const trip = () => ({ eventType: "breaker_trip", feederId: network.feeders[0].feederId, timestamp: new Date(Date.now() - 1000).toISOString(), severity: "critical" });

describe(`integration API keys on ${runtimeName}`, () => {
  let t: TestServer;
  const written = async () => (await t.rows<{ inbox: number; scada: number; outages: number }>(sql`
    SELECT (SELECT COUNT(*)::int FROM ingest_inbox) AS inbox, (SELECT COUNT(*)::int FROM scada_events) AS scada,
           (SELECT COUNT(*)::int FROM oms_outage_events) AS outages`))[0];
  const postScada = (headers: Record<string, string>, body: unknown = trip()) =>
    fetch(`${t.url}/api/ingest/scada`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

  beforeAll(async () => {
    t = await startTestServer(network);
  });
  afterAll(async () => t?.stop());

  it("refuses a missing, wrong, revoked or other source's key, and writes nothing", async () => {
    const before = await written();
    const revoked = await createApiKey(t.server.database.db, systemActor, { name: "old gateway", scope: "scada" });
    await revokeApiKey(t.server.database.db, systemActor, revoked.id);
    const cases: Array<[string, Record<string, string>, number]> = [
      ["no key", {}, 401],
      ["a wrong key", { authorization: "Bearer oms_scada_not-a-real-key" }, 401],
      ["a revoked key", { authorization: `Bearer ${revoked.key}` }, 401],
      ["a Kaifa key", { authorization: `Bearer ${t.keys.kaifa}` }, 403],
      ["an OMS API key", { "x-api-key": t.keys.oms_api }, 403],
    ];
    for (const [what, headers, status] of cases) {
      const res = await postScada(headers);
      expect(res.status, what).toBe(status);
      expect((await res.json()).message, what).toBeTruthy();
    }
    // Even a malformed body is not read before the key is checked.
    expect((await fetch(`${t.url}/api/ingest/scada`, { method: "POST", headers: { "content-type": "application/json" }, body: "{" })).status).toBe(401);
    expect(await written()).toEqual(before);
  });

  it("accepts the source's key as a Bearer token or in X-API-Key, names it as the actor and records its use", async () => {
    const bearer = await postScada({ authorization: `Bearer ${t.keys.scada}` });
    expect(bearer.status).toBe(200);
    const header = await postScada({ "x-api-key": t.keys.scada }, { ...trip(), timestamp: new Date().toISOString(), eventType: "breaker_close" });
    expect(header.status).toBe(200);
    const [key] = await t.rows<{ id: string; last_used_at: Date | null }>(sql`SELECT id, last_used_at FROM oms_api_keys WHERE name = 'test scada'`);
    expect(key.last_used_at).not.toBeNull();
    const [inbox] = await t.rows<{ api_key_id: string }>(sql`SELECT api_key_id FROM ingest_inbox WHERE source_type = 'scada' ORDER BY id LIMIT 1`);
    expect(inbox.api_key_id).toBe(key.id);
  });

  it("keeps only a hash of each key, never the key itself", async () => {
    const rows = await t.rows<{ key_hash: string; prefix: string }>(sql`SELECT key_hash, prefix FROM oms_api_keys`);
    for (const r of rows) {
      expect(r.key_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(Object.values(t.keys)).not.toContain(r.key_hash);
      expect(r.prefix.length).toBeLessThanOrEqual(20);
    }
  });

  it("guards the /api/oms API and the ingest counts with an oms_api key", async () => {
    expect((await fetch(`${t.url}/api/oms/dashboard/active-outages`)).status).toBe(401);
    expect((await fetch(`${t.url}/api/oms/dashboard/active-outages`, { headers: { authorization: `Bearer ${t.keys.scada}` } })).status).toBe(403);
    expect((await t.get("/api/oms/dashboard/active-outages")).status).toBe(200);
    expect((await fetch(`${t.url}/api/ingest/stats`)).status).toBe(401);
    expect((await t.get("/api/ingest/stats")).status).toBe(200);
  });
});
