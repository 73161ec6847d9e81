import os from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import cliProgress from "cli-progress";
import { watchPushes } from "./pushWatch";
import type { StormBatch } from "./storm";

export interface PassOptions {
  /** A dispatcher's session cookie (Socket.IO refuses anyone else). */
  cookie: string;
  url: string;
  /** Sent as `Authorization: Bearer`: the ingestion routes need a key of their source's scope. */
  apiKey: string;
  batches: StormBatch[];
  concurrency: number;
  /** How long to wait after the last answer for pushes still on their way. */
  drainMs?: number;
}

/** One request: when it left (ms after the pass started), its answer, and its push delay. */
export interface BatchTiming {
  batch: number; sentMs: number; status: number; requestMs: number; pushMs: number | null; error?: string;
  /** The first attempt's connection was reset before any answer, and the batch was sent again. */
  resetRetried?: string;
  /** The server had already pushed the first meter's new status when the batch was sent (an earlier batch of it failed, or the pipeline inferred it). */
  shownBefore?: boolean;
}

export interface PassRaw {
  events: number;
  wallMs: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  unmatched: number;
  timeline: BatchTiming[];
  memory: { rss: number; heapUsed: number; peakRss: number };
  /** Event-loop delay of this process (server and client share it), p99 and max in ms. */
  loopDelay: { p99: number; max: number };
  /** The machine's 1-minute load average at the start and the end of the pass. */
  loadAverage: [number, number];
}

interface Answer { accepted: number; duplicates: number; rejected: number; unmatched: number }

/**
 * Posts every batch to the Kaifa route with `concurrency` requests in flight, and times each
 * request and each batch's post-to-push delay: from sending it to the Socket.IO `meter:status`
 * change that names its first meter with the new status.
 */
export async function runPass(options: PassOptions): Promise<PassRaw> {
  const timeline: BatchTiming[] = options.batches.map((_, batch) => ({ batch, sentMs: NaN, status: 0, requestMs: NaN, pushMs: null }));
  let started = performance.now();
  const pushes = await watchPushes(options.url, options.cookie, () => performance.now() - started);
  started = performance.now();

  const events = options.batches.reduce((n, b) => n + b.events.length, 0);
  const bar = process.stdout.isTTY
    ? new cliProgress.SingleBar({ format: "  posting {bar} {percentage}% | {value}/{total} events | {eta_formatted} left", hideCursor: true }, cliProgress.Presets.shades_classic)
    : null;
  bar?.start(events, 0);

  const raw: PassRaw = { events, wallMs: 0, accepted: 0, duplicates: 0, rejected: 0, unmatched: 0, timeline, memory: { rss: 0, heapUsed: 0, peakRss: 0 }, loopDelay: { p99: 0, max: 0 }, loadAverage: [os.loadavg()[0], 0] };
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const sampler = setInterval(() => { raw.memory.peakRss = Math.max(raw.memory.peakRss, process.memoryUsage.rss()); }, 250);
  let next = 0;
  let done = 0;
  const post = async (index: number) => {
    const batch = options.batches[index];
    const t = timeline[index];
    t.sentMs = performance.now() - started;
    // No status change left to push: the server showed this meter's new state already.
    if (!pushes.expect(index, batch, t.sentMs)) t.shownBefore = true;
    const body = JSON.stringify(batch.events);
    const send = () => fetch(`${options.url}/api/ingest/kaifa`, {
      method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${options.apiKey}` }, body,
    });
    try {
      // A keep-alive socket the server closed while its event loop was stalled fails before
      // any answer; an integration would send again (ingestion is idempotent per event id).
      const res = await send().catch((err: { cause?: { code?: string } }) => {
        const code = err.cause?.code ?? "";
        if (code !== "ECONNRESET" && code !== "UND_ERR_SOCKET") throw err;
        t.resetRetried = code;
        return send();
      });
      const text = await res.text();
      t.status = res.status;
      if (res.ok) {
        const answer = JSON.parse(text) as Answer;
        raw.accepted += answer.accepted;
        raw.duplicates += answer.duplicates;
        raw.rejected += answer.rejected;
        raw.unmatched += answer.unmatched;
      } else t.error = text.slice(0, 500);
    } catch (err) {
      const cause = (err as { cause?: unknown }).cause;
      t.error = `${String(err)}${cause ? ` (${String(cause)})` : ""}`;
    }
    t.requestMs = performance.now() - started - t.sentMs;
    // A failed batch may never be pushed: stop waiting for it.
    if (t.error) pushes.forget(index, batch);
    done += batch.events.length;
    bar?.update(done);
  };

  await Promise.all(Array.from({ length: options.concurrency }, async () => {
    while (next < options.batches.length) await post(next++);
  }));
  raw.wallMs = performance.now() - started;
  bar?.stop();

  // Pushes go out on a 50 ms tick after the commit: give the last ones time to arrive.
  await pushes.settle(options.drainMs ?? 3_000);
  for (const [index, ms] of pushes.pushMs) timeline[index].pushMs = ms;
  clearInterval(sampler);
  loop.disable();
  raw.loopDelay = { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 };
  raw.loadAverage[1] = os.loadavg()[0];
  pushes.close();
  const mem = process.memoryUsage();
  raw.memory = { rss: mem.rss, heapUsed: mem.heapUsed, peakRss: Math.max(raw.memory.peakRss, mem.rss) };
  return raw;
}
