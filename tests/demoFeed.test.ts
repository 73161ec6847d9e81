import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { queryRows } from "../db/client";
import type { RunningServer } from "../server/index";
import { generateNetwork } from "../db/seed/generate";
import { startStormFeed } from "../server/demo/stormFeed";
import { runtimeName } from "./helpers/db";
import { startTestServer, type TestServer } from "./helpers/server";

const network = generateNetwork({ meters: 400, seed: 21 });

describe(`demo storm feed through the real ingestion routes on ${runtimeName}`, () => {
  let server: RunningServer;
  let keys: TestServer["keys"];
  const rows = <T>(q: ReturnType<typeof sql>) => queryRows<T>(server.database.db, q);

  beforeAll(async () => {
    ({ server, keys } = await startTestServer(network));
    // The feed runs 50 times faster than real time (timeScale 0.02) and the server on real time:
    // its momentary window is scaled alike (60 s → 1.2 s), or every outage would be a blip.
    await server.database.db.execute(sql`UPDATE oms_correlation_rules SET parameters = parameters || '{"momentarySeconds": 1.2}'::jsonb`);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("creates outages from several sources through the pipeline, and stops cleanly", async () => {
    const lines: string[] = [];
    // 0.02: a 2–6 minute feeder outage lasts 2.4–7.2 s; ~12 scenarios a minute start every ~100 ms.
    const feed = startStormFeed({ baseUrl: server.url, db: server.database.db, keys: { scada: keys.scada, kaifa: keys.kaifa, onu: keys.onu, "call-center": keys.call_center }, intensity: 12, timeScale: 0.02, seed: 4, log: (m) => lines.push(m) });
    // Wait for outcomes, not for a fixed time: a loaded machine is slower, never different.
    const restoredCount = async () => (await rows<{ n: number }>(sql`SELECT COUNT(*)::int AS n FROM oms_outage_events WHERE status IN ('restored', 'cancelled')`))[0].n;
    await expect.poll(() => feed.stats().scenarios, { timeout: 60_000, interval: 250 }).toBeGreaterThan(10);
    await expect.poll(() => lines.some((l) => l.includes("feeder trip on")), { timeout: 60_000, interval: 250 }).toBe(true);
    await expect.poll(restoredCount, { timeout: 60_000, interval: 500 }).toBeGreaterThan(0);
    // Outages seen only by meters wait out the (scaled) momentary window: wait for them too.
    const outageCount = async () => (await rows<{ n: number }>(sql`SELECT COUNT(*)::int AS n FROM oms_outage_events`))[0].n;
    await expect.poll(outageCount, { timeout: 60_000, interval: 500 }).toBeGreaterThan(3);
    const sourceTypes = async () => (await rows<{ source_type: string }>(sql`SELECT DISTINCT source_type FROM oms_event_sources ORDER BY source_type`)).map((r) => r.source_type);
    await expect.poll(sourceTypes, { timeout: 60_000, interval: 500 }).toEqual(expect.arrayContaining(["call_center", "kaifa", "scada"]));
    await feed.stop();
    expect(feed.stats().failures, lines.join("\n")).toBe(0);

    const outages = await rows<{ n: number }>(sql`SELECT COUNT(*)::int AS n FROM oms_outage_events`);
    expect(outages[0].n).toBeGreaterThan(3);
    const sources = await rows<{ source_type: string }>(sql`SELECT DISTINCT source_type FROM oms_event_sources ORDER BY source_type`);
    expect(sources.map((s) => s.source_type)).toEqual(expect.arrayContaining(["call_center", "kaifa", "scada"]));
    const inbox = await rows<{ status: string; n: number }>(sql`SELECT status, COUNT(*)::int AS n FROM ingest_inbox GROUP BY status`);
    const byStatus = Object.fromEntries(inbox.map((r) => [r.status, r.n]));
    expect(byStatus.processed).toBeGreaterThan(100);
    expect(byStatus.failed).toBeUndefined();
    expect(byStatus.rejected).toBeUndefined();
    const [demo] = await rows<{ n: number; all: number }>(sql`SELECT COUNT(*) FILTER (WHERE source_event_id LIKE 'DEMO-%')::int AS n, COUNT(*)::int AS all FROM ingest_inbox`);
    expect(demo.n).toBe(demo.all);

    // Stopped means stopped: nothing more arrives.
    const before = await rows<{ n: number }>(sql`SELECT COUNT(*)::int AS n FROM ingest_inbox`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await rows<{ n: number }>(sql`SELECT COUNT(*)::int AS n FROM ingest_inbox`)).toEqual(before);
  }, 180_000);

  it("logs a failing server at most once a minute and never throws", async () => {
    const lines: string[] = [];
    const feed = startStormFeed({ baseUrl: "http://127.0.0.1:9", db: server.database.db, intensity: 60, timeScale: 0.01, seed: 1, log: (m) => lines.push(m) });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await feed.stop();
    expect(feed.stats().failures).toBeGreaterThan(1);
    expect(lines.filter((l) => l.includes("failed"))).toHaveLength(1);
  });
});
