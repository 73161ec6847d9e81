import os from "node:os";
import { randomBytes } from "node:crypto";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import type { GeneratedNetwork } from "../../db/seed/types";
import type { OpenLoopOptions, OpenLoopRaw, RateBatch } from "./openLoop";
import { startBenchServer, type RuntimeKind } from "./runtime";
import { buildStorm } from "./storm";
import { runPass } from "./pass";

export interface RateOptions {
  batch: number; seconds: number; maxInFlight: number;
  /** Events of a whole storm the fresh server correlates before the measured one (0: measured cold). */
  warmUp: number;
}

export interface RateRaw {
  /** Events per second asked for, and what the schedule offered (whole batches over `seconds`). */
  rate: number;
  offeredEvents: number;
  open: OpenLoopRaw;
  /** Event-loop delay of the server's thread while the sender ran, ms. */
  loopDelay: { p50: number; p99: number; max: number };
  /** Of the whole process (server, sender, what earlier passes left): at the sender's start, at the end, and the peak between. */
  memory: { rssStart: number; rss: number; peakRss: number };
  loadAverage: [number, number];
  setupSeconds: number;
  /** The warm-up storm, when there was one: its events and how long the server took to answer them all. */
  warmUp?: { events: number; seconds: number; errors: number };
  serverProblems: string[];
}

/**
 * The sender runs in a worker thread, so that the server's stalls (JSON, drizzle, the pipeline)
 * neither delay the schedule nor count in the server's event-loop delay. Worker
 * threads do not inherit tsx's loader on Node 20, so the worker loads its TypeScript through
 * tsx's API.
 */
function startSender(data: Omit<OpenLoopOptions, "onStart">) {
  const entry = new URL("./openLoopWorker.ts", import.meta.url).href;
  const tsx = import.meta.resolve("tsx/esm/api");
  const worker = new Worker(`import(${JSON.stringify(tsx)}).then((api) => api.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(import.meta.url)}))`, { eval: true, workerData: data });
  let onStarted = () => {};
  const started = new Promise<void>((resolve) => { onStarted = resolve; });
  const done = new Promise<OpenLoopRaw>((resolve, reject) => {
    worker.on("message", (m: { type: string; raw?: OpenLoopRaw; error?: string }) => {
      if (m.type === "started") onStarted();
      else if (m.type === "done") resolve(m.raw!);
      else reject(new Error(`the sender failed: ${m.error}`));
    });
    worker.on("error", reject);
    worker.on("exit", (code) => reject(new Error(`the sender's thread ended (${code}) before its answer`)));
  });
  // Keep-alive sockets would keep the worker alive after its answer.
  return { started, done: done.finally(() => worker.terminate()) };
}

/** The storm's first `count` batches, serialised; the storm's event objects are left to the collector. */
function offeredBatches(network: GeneratedNetwork, count: number, batch: number) {
  const { batches, minOffOnGap } = buildStorm(network, { events: count * batch, batch, runId: randomBytes(3).toString("hex") });
  const offered: RateBatch[] = batches.slice(0, count).map((b) => ({ body: JSON.stringify(b.events), events: b.events.length, firstMeterId: b.firstMeterId, firstStatus: b.firstStatus, firstAt: b.firstAt }));
  return { offered, minOffOnGap, startsAt: new Date(batches[0].events[0].timestamp) };
}

/**
 * A whole storm of about `events` events (every outage restored by its end), posted with two
 * requests in flight and timed an hour before the measured storm begins, so that none of its
 * events is newer than a measured one: the server's code has run (V8 has compiled it) as a
 * server's has that ran before a storm. What it leaves is closed outages only.
 */
async function warmUp(bench: Awaited<ReturnType<typeof startBenchServer>>, network: GeneratedNetwork, events: number, batch: number, before: Date) {
  const storm = buildStorm(network, { events, batch, runId: `warm${randomBytes(3).toString("hex")}`, seed: 99, now: new Date(before.getTime() - 3_600_000) });
  const started = performance.now();
  const pass = await runPass({ url: bench.server.url, apiKey: bench.apiKey, cookie: bench.dispatcherCookie, batches: storm.batches, concurrency: 2, drainMs: 500 });
  // What the storm left to finish (pushes, V8's compiling in the background) is done before the measured one.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  return { events: pass.events, seconds: (performance.now() - started) / 1000, errors: pass.timeline.filter((t) => t.error !== undefined).length };
}

/** One offered rate on a fresh server and database; the server is stopped and the database dropped afterwards. */
export async function measureRate(kind: RuntimeKind, network: GeneratedNetwork, options: RateOptions, rate: number, postgresUrl: string | null): Promise<RateRaw> {
  const count = Math.max(1, Math.round((rate * options.seconds) / options.batch));
  const intervalMs = (options.batch / rate) * 1000;
  const { offered, minOffOnGap, startsAt } = offeredBatches(network, count, options.batch);
  const offeredEvents = offered.reduce((n, b) => n + b.events, 0);

  const bench = await startBenchServer(kind, network, postgresUrl);
  try {
    console.log(`  ${kind}, ${rate} events/s offered: ${count} batches of ${options.batch}, one every ${Math.round(intervalMs)} ms (setup ${bench.setupSeconds.toFixed(1)} s)`);
    if (minOffOnGap < options.maxInFlight * options.batch) {
      console.log(`  note: some restores are only ${minOffOnGap} events behind their last gasp, less than the ${options.maxInFlight * options.batch} that may be in flight: both may be processed out of order (use more --meters)`);
    }
    const warmed = options.warmUp > 0 ? await warmUp(bench, network, options.warmUp, options.batch, startsAt) : undefined;
    if (warmed) console.log(`  warm-up: a storm of ${warmed.events} events correlated in ${warmed.seconds.toFixed(1)} s${warmed.errors ? ` (${warmed.errors} requests failed)` : ""}, not measured`);
    const sender = startSender({ url: bench.server.url, apiKey: bench.apiKey, cookie: bench.dispatcherCookie, batches: offered, intervalMs, maxInFlight: options.maxInFlight });
    offered.length = 0; // the worker has its own copy
    const rssStart = process.memoryUsage.rss();
    const loop = monitorEventLoopDelay({ resolution: 10 });
    let peakRss = 0;
    const loadStart = os.loadavg()[0];
    await Promise.race([sender.started, sender.done]);
    loop.enable();
    const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage.rss()); }, 250);
    const open = await sender.done.finally(() => {
      clearInterval(sampler);
      loop.disable();
    });
    const rss = process.memoryUsage.rss();
    return {
      rate, offeredEvents, open,
      loopDelay: { p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
      memory: { rssStart, rss, peakRss: Math.max(peakRss, rss) },
      loadAverage: [loadStart, os.loadavg()[0]],
      setupSeconds: bench.setupSeconds,
      warmUp: warmed,
      serverProblems: bench.logs.filter((l) => /fail|error/i.test(l)),
    };
  } finally {
    await bench.stop();
  }
}
