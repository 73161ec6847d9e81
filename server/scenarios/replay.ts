import { sql } from "drizzle-orm";
import { io } from "socket.io-client";
import { queryRows, type DbOrTx } from "../../db/client";
import type { CrewRestoreBody, DemoRoute } from "../demo/payloads";
import type { CrewRestoreOutcome, DetectedOutage } from "./score";
import type { Storm } from "./storm";

const KEY_OF: Record<DemoRoute, "scada" | "kaifa" | "onu" | "call_center"> = { scada: "scada", kaifa: "kaifa", onu: "onu", "call-center": "call_center" };
/**
 * At full speed, how far (in storm time) the storm's clock may run ahead of a post still in
 * flight: the most a signal arrives late, as a busy network and head-end deliver it. Without a
 * bound, a post answered slowly while the replay jumps over a quiet stretch reaches the server
 * minutes late (past a verification window), and what the server decides depends on the
 * requests' luck, not on the storm. 1 s held the replay to about one request in flight where
 * posts are a second apart; 5 s is well inside the pipeline's windows (README, "After the ninth
 * round"). Late deliveries the storm means are posts of their own.
 */
export const MAX_DELIVERY_LAG_MS = 5_000;

/** The statuses of an outage a crew can still mark restored. */
const OPEN = new Set(["detected", "confirmed", "in_progress"]);

export interface ReplayOptions {
  baseUrl: string;
  /**
   * One API key per source: the replay posts like the integrations do; and an `oms_api` key, as
   * the crews' mobile app holds, when the storm has crews pressing Restored.
   */
  keys: Record<"scada" | "kaifa" | "onu" | "call_center", string> & { oms_api?: string };
  /** A dispatcher's session cookie: the replay watches the pushes as a screen does. */
  cookie: string;
  /** 1 = real time, 10 = ten times faster, Infinity = as fast as the server takes them. */
  speed: number;
  /** Requests in flight (head-ends and gateways post in parallel). */
  concurrency: number;
  onProgress?: (done: number, total: number) => void;
  /** Awaited just before each post is sent (the storm clock follows it, and sweeps as it passes). */
  onPost?: (post: Storm["posts"][number]) => Promise<void> | void;
  /**
   * Awaited after each post's answer, with its index in the storm's posts (with concurrency 1:
   * after every step of the storm, so a test can look at the database between posts).
   */
  onStep?: (index: number) => Promise<void>;
}

export interface ReplayResult {
  /** Wall-clock ms each post was sent, by index in the storm's posts. */
  postedAtMs: number[];
  /** Wall-clock ms an outage (by id) was first pushed to the dispatcher's socket. */
  firstPushAtMs: Map<string, number>;
  posts: number;
  /** Requests that were not answered 200 (207 counts: some events refused). */
  failures: Array<{ index: number; status: number; body: string }>;
  /** Each crew pressing Restored: the open outage found at its device (or none), and the answer. */
  crewRestores: CrewRestoreOutcome[];
  wallMs: number;
  /** Closes the watching socket (call after the last sweep). */
  close(): void;
}

/**
 * Sends a storm's posts to the real ingestion routes, in delivery order and at the chosen speed,
 * with a dispatcher's Socket.IO connection open to time when each outage reaches a screen.
 */
export async function replayStorm(storm: Storm, o: ReplayOptions): Promise<ReplayResult> {
  if (!o.keys.oms_api && storm.posts.some((p) => p.route === "crew-restore")) {
    throw new Error("This storm has crews pressing Restored: the replay needs an oms_api key (keys.oms_api)");
  }
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
  const crewRestores: CrewRestoreOutcome[] = [];
  const omsKey = o.keys.oms_api;
  const started = Date.now();
  let next = 0;
  let done = 0;
  // A crew's restoration is a person acting on what the screen shows at that moment: it waits
  // for every earlier post's answer, and no later post goes out until it is answered.
  let gate: Promise<unknown> = Promise.resolve();
  // Posts taken and not yet answered (waiting for older ones, or sent), by index.
  const inflight = new Map<number, Promise<unknown>>();
  const step = async (index: number) => {
    const post = storm.posts[index];
    if (Number.isFinite(o.speed)) {
      const wait = started + post.atMs / o.speed - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    await o.onPost?.(post);
    postedAtMs[index] = Date.now();
    if (post.route === "crew-restore") {
      const outcome = await crewRestore(o.baseUrl, omsKey!, index, post.body as CrewRestoreBody);
      crewRestores.push(outcome);
      if (outcome.status !== null && outcome.status !== 200) failures.push({ index, status: outcome.status, body: outcome.answer ?? "" });
    } else {
      const res = await send(`${o.baseUrl}/api/ingest/${post.route}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${o.keys[KEY_OF[post.route]]}` },
        body: JSON.stringify(post.body),
      });
      const text = await res.text();
      if (res.status !== 200) failures.push({ index, status: res.status, body: text.slice(0, 300) });
    }
    await o.onStep?.(index);
    o.onProgress?.(++done, storm.posts.length);
  };
  const worker = async () => {
    for (;;) {
      // Past the gate as it is now (a gate raised while waiting is waited for too); then take the next post at once.
      for (let g = gate; ; g = gate) {
        await g;
        if (g === gate) break;
      }
      if (next >= storm.posts.length) return;
      const index = next++;
      if (storm.posts[index].route === "crew-restore") {
        const earlier = [...inflight.values()];
        gate = Promise.allSettled(earlier).then(() => step(index));
        await gate;
      } else {
        // At full speed the storm's clock is the latest post sent, so an older post still in
        // flight reaches the server late by the jump: it waits until the posts more than
        // MAX_DELIVERY_LAG_MS older than it are answered (at a finite speed time paces the posts).
        const bound = storm.posts[index].atMs - MAX_DELIVERY_LAG_MS;
        const older = o.speed === Infinity ? [...inflight].filter(([i]) => storm.posts[i].atMs < bound).map(([, p]) => p) : [];
        const sending = older.length ? Promise.allSettled(older).then(() => step(index)) : step(index);
        inflight.set(index, sending);
        try {
          await sending;
        } finally {
          inflight.delete(index);
        }
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, o.concurrency) }, worker));
  } catch (err) {
    socket.close();
    throw err;
  }
  crewRestores.sort((a, b) => a.index - b.index);
  return { postedAtMs, firstPushAtMs, posts: storm.posts.length, failures, crewRestores, wallMs: Date.now() - started, close: () => socket.close() };
}

/**
 * A crew presses Restored on the outage at its device: the open outage the control room predicts
 * there (GET /api/oms/dashboard/active-outages; the oldest, if several), restored through
 * POST /api/oms/events/restore. With none there, nothing is posted (`outageEventId` null).
 */
async function crewRestore(baseUrl: string, key: string, index: number, body: CrewRestoreBody): Promise<CrewRestoreOutcome> {
  const headers = { "content-type": "application/json", authorization: `Bearer ${key}` };
  const base = { index, level: body.level, deviceCode: body.deviceCode };
  const listed = await send(`${baseUrl}/api/oms/dashboard/active-outages`, { headers });
  if (listed.status !== 200) return { ...base, outageEventId: null, status: listed.status, answer: (await listed.text()).slice(0, 300) };
  const { active_outages: active } = (await listed.json()) as { active_outages: Array<{ event_id: string; status: string; predicted_device_level: string | null; predicted_device_code: string | null; first_detected_at: string }> };
  const there = active
    .filter((a) => OPEN.has(a.status) && a.predicted_device_code === body.deviceCode)
    .sort((a, b) => Number(b.predicted_device_level === body.level) - Number(a.predicted_device_level === body.level) || a.first_detected_at.localeCompare(b.first_detected_at));
  if (!there.length) return { ...base, outageEventId: null, status: null, answer: null };
  const res = await send(`${baseUrl}/api/oms/events/restore`, {
    method: "POST", headers, body: JSON.stringify({ outage_event_id: there[0].event_id, restoration_data: body.restoration_data }),
  });
  return { ...base, outageEventId: there[0].event_id, status: res.status, answer: (await res.text()).slice(0, 300) };
}

/**
 * fetch, sent again when the connection was reset before any answer: a server busy for seconds
 * (a loaded machine) closes an idle kept-alive connection late, just as the next
 * request goes out on it. The request was not read, so sending it again is sending it once.
 */
async function send(url: string, init: RequestInit, attempts = 3): Promise<Response> {
  for (let i = 1; ; i++) {
    try {
      return await fetch(url, init);
    } catch (err) {
      const code = (err as { cause?: { code?: string } }).cause?.code;
      if (i >= attempts || !(code === "ECONNRESET" || code === "EPIPE" || code === "UND_ERR_SOCKET")) throw err;
    }
  }
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
