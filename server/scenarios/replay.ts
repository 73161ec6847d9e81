import { sql } from "drizzle-orm";
import { io } from "socket.io-client";
import { queryRows, type DbOrTx } from "../../db/client";
import type { DemoRoute } from "../demo/payloads";
import type { DetectedOutage } from "./score";
import type { Storm } from "./storm";

const KEY_OF: Record<DemoRoute, "scada" | "kaifa" | "onu" | "call_center"> = { scada: "scada", kaifa: "kaifa", onu: "onu", "call-center": "call_center" };

export interface ReplayOptions {
  baseUrl: string;
  /** One API key per source: the replay posts like the integrations do. */
  keys: Record<"scada" | "kaifa" | "onu" | "call_center", string>;
  /** A dispatcher's session cookie: the replay watches the pushes as a screen does. */
  cookie: string;
  /** 1 = real time, 10 = ten times faster, Infinity = as fast as the server takes them. */
  speed: number;
  /** Requests in flight (head-ends and gateways post in parallel). */
  concurrency: number;
  onProgress?: (done: number, total: number) => void;
  /** Awaited just before each post is sent (the storm clock follows it, and sweeps as it passes). */
  onPost?: (post: Storm["posts"][number]) => Promise<void> | void;
}

export interface ReplayResult {
  /** Wall-clock ms each post was sent, by index in the storm's posts. */
  postedAtMs: number[];
  /** Wall-clock ms an outage (by id) was first pushed to the dispatcher's socket. */
  firstPushAtMs: Map<string, number>;
  posts: number;
  /** Requests that were not answered 200 (207 counts: some events refused). */
  failures: Array<{ index: number; status: number; body: string }>;
  wallMs: number;
  /** Closes the watching socket (call after the last sweep). */
  close(): void;
}

/**
 * Sends a storm's posts to the real ingestion routes, in delivery order and at the chosen speed,
 * with a dispatcher's Socket.IO connection open to time when each outage reaches a screen.
 */
export async function replayStorm(storm: Storm, o: ReplayOptions): Promise<ReplayResult> {
  const firstPushAtMs = new Map<string, number>();
  const socket = io(o.baseUrl, { transports: ["websocket"], forceNew: true, extraHeaders: { cookie: o.cookie } });
  socket.on("changes", (changes: Array<{ topic: string; payload: { outages?: Array<{ id: string }> } }>) => {
    const now = Date.now();
    for (const c of changes) {
      if (!c.topic.startsWith("outage:")) continue;
      for (const outage of c.payload.outages ?? []) if (!firstPushAtMs.has(outage.id)) firstPushAtMs.set(outage.id, now);
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("system:hello", () => resolve());
    socket.once("connect_error", (err) => reject(new Error(`Socket.IO: ${err.message}`)));
  });

  const postedAtMs: number[] = new Array(storm.posts.length);
  const failures: ReplayResult["failures"] = [];
  const started = Date.now();
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < storm.posts.length) {
      const index = next++;
      const post = storm.posts[index];
      if (Number.isFinite(o.speed)) {
        const wait = started + post.atMs / o.speed - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      await o.onPost?.(post);
      postedAtMs[index] = Date.now();
      const res = await fetch(`${o.baseUrl}/api/ingest/${post.route}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${o.keys[KEY_OF[post.route]]}` },
        body: JSON.stringify(post.body),
      });
      const text = await res.text();
      if (res.status !== 200) failures.push({ index, status: res.status, body: text.slice(0, 300) });
      o.onProgress?.(++done, storm.posts.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.concurrency) }, worker));
  return { postedAtMs, firstPushAtMs, posts: storm.posts.length, failures, wallMs: Date.now() - started, close: () => socket.close() };
}

/** Every outage in the database with every meter it ever held, for scoring. */
export async function detectedOutages(db: DbOrTx, firstPushAtMs: Map<string, number>): Promise<DetectedOutage[]> {
  const rows = await queryRows<{ id: string; event_id: string; status: string; level: string | null; code: string | null; parent: string | null; meters: string[] | null }>(db, sql`
    SELECT o.id, o.event_id, o.status, o.predicted_device_level AS level, o.predicted_device_code AS code, o.parent_outage_id AS parent,
      (SELECT array_agg(m.meter_number ORDER BY m.meter_number) FROM oms_outage_affected_meters a JOIN oms_meters m ON m.id = a.meter_id
        WHERE a.outage_event_id = o.id) AS meters
    FROM oms_outage_events o ORDER BY o.first_detected_at`);
  return rows.map((r) => ({
    id: r.id, eventId: r.event_id, status: r.status, level: r.level, deviceCode: r.code, parentOutageId: r.parent,
    meterNumbers: r.meters ?? [], firstPushAtMs: firstPushAtMs.get(r.id) ?? null,
  }));
}
