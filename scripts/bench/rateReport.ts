import fs from "node:fs";
import path from "node:path";
import type { CopyFloor } from "./copyFloor";
import type { RateOptions, RateRaw } from "./rate";
import { machine, percentile } from "./report";

export interface RateSummary {
  runtime: string;
  rate: number;
  offeredPerSecond: number;
  eventsOffered: number;
  eventsSent: number;
  acknowledgedPerSecond: number;
  /** Acknowledged events/s over the floor's rows/s. */
  ofFloor: number | null;
  wallSeconds: number;
  requestP50Ms: number; requestP99Ms: number;
  pushP50Ms: number; pushP99Ms: number;
  /** Acknowledged batches whose push never came (the screen did not already show them). */
  pushesMissing: number;
  shownBeforeSent: number;
  /** How late the sender's thread sent batches against the schedule (p99): its own lag, not the server's. */
  sendLagP99Ms: number;
  shedBatches: number; shedEvents: number;
  errors: Record<string, number>;
  accepted: number; rejected: number; unmatched: number; duplicates: number; pending: number;
  loopDelayP50Ms: number; loopDelayP99Ms: number; loopDelayMaxMs: number;
  rssStartMB: number; rssMB: number; peakRssMB: number;
  setupSeconds: number;
  warmUp: RateRaw["warmUp"] | null;
  /** Post→push p99 of the batches due in the first 5 s of the rate, and of those after. */
  pushP99FirstMs: number; pushP99AfterMs: number;
  loadAverage: [number, number];
  serverProblems: string[];
  timeline: RateRaw["open"]["timeline"];
}

const ms = (v: number) => Math.round(v * 10) / 10;
/** The start of a rate, where a cold server (V8 still compiling its code) answers slower. */
const FIRST_MS = 5_000;
const mb = (bytes: number) => Math.round(bytes / 1048576);

export function summarizeRate(runtime: string, options: RateOptions, raw: RateRaw, floor: CopyFloor | null): RateSummary {
  const { open } = raw;
  const sent = open.timeline.filter((t) => !t.shed);
  const shed = open.timeline.filter((t) => t.shed);
  const answered = sent.filter((t) => !t.error);
  const pushes = answered.flatMap((t) => (t.pushMs === null ? [] : [t.pushMs]));
  const pushesDue = (first: boolean) => answered.flatMap((t) => (t.pushMs === null || (t.dueMs < FIRST_MS) !== first ? [] : [t.pushMs]));
  const acknowledgedPerSecond = Math.round(open.acknowledged / (open.wallMs / 1000));
  return {
    runtime, rate: raw.rate,
    offeredPerSecond: Math.round(raw.offeredEvents / options.seconds), eventsOffered: raw.offeredEvents,
    eventsSent: sent.reduce((n, t) => n + t.events, 0),
    acknowledgedPerSecond,
    ofFloor: floor ? acknowledgedPerSecond / floor.floor.rowsPerSecond : null,
    wallSeconds: Math.round(open.wallMs) / 1000,
    requestP50Ms: ms(percentile(sent.map((t) => t.requestMs), 50)), requestP99Ms: ms(percentile(sent.map((t) => t.requestMs), 99)),
    pushP50Ms: ms(percentile(pushes, 50)), pushP99Ms: ms(percentile(pushes, 99)),
    pushesMissing: answered.filter((t) => t.pushMs === null && !t.shownBefore).length,
    shownBeforeSent: sent.filter((t) => t.shownBefore).length,
    sendLagP99Ms: ms(percentile(sent.map((t) => t.sentMs - t.dueMs), 99)),
    shedBatches: shed.length, shedEvents: shed.reduce((n, t) => n + t.events, 0),
    errors: open.errors,
    accepted: open.accepted, rejected: open.rejected, unmatched: open.unmatched, duplicates: open.duplicates, pending: open.pending,
    loopDelayP50Ms: ms(raw.loopDelay.p50), loopDelayP99Ms: ms(raw.loopDelay.p99), loopDelayMaxMs: ms(raw.loopDelay.max),
    rssStartMB: mb(raw.memory.rssStart), rssMB: mb(raw.memory.rss), peakRssMB: mb(raw.memory.peakRss),
    setupSeconds: ms(raw.setupSeconds),
    warmUp: raw.warmUp ?? null,
    pushP99FirstMs: ms(percentile(pushesDue(true), 99)), pushP99AfterMs: ms(percentile(pushesDue(false), 99)),
    loadAverage: [ms(raw.loadAverage[0]), ms(raw.loadAverage[1])],
    serverProblems: raw.serverProblems.slice(0, 10),
    timeline: open.timeline,
  };
}

const n = (v: number) => (Number.isFinite(v) ? v.toLocaleString("en-US") : "—");
const errorsText = (e: Record<string, number>) => Object.entries(e).map(([k, c]) => `${k} ×${c}`).join(", ") || "0";

/** The Markdown of one runtime's run: what was measured, the floor, one row per offered rate. */
export function rateMarkdown(runtime: string, at: string, options: object, floor: CopyFloor | null, rates: RateSummary[]): string {
  const m = machine();
  const floorText = floor
    ? [`Floor: ${floor.floor.method}, ${n(floor.rows)} inbox-wide rows (~${floor.bytesPerRow} bytes each) into a fresh logged table with a primary key only:`,
      `**${n(floor.floor.rowsPerSecond)} rows/s** (best of runs ${floor.floor.runs.map(n).join(", ")})${floor.others.map((o) => `; ${o.method}: ${n(o.rowsPerSecond)} rows/s (${o.runs.map(n).join(", ")})`).join("")}. ${floor.note}.`].join(" ")
    : "Floor: not measured.";
  return [
    `# Ingest at fixed rates — ${runtime}, ${at}`, "",
    `Machine: ${m.cpus} × ${m.model}, ${m.totalMemoryGB} GB, Node ${m.node}, ${m.platform}. Code: ${m.code}. Options: \`${JSON.stringify(options)}\``, "",
    "Open loop: batches of Kaifa last gasps and restores offered on a fixed schedule whatever the answers, at most the given number outstanding",
    "(a batch due when all are outstanding is shed: never sent, counted); each rate on a fresh server and database (after a warm-up storm, not",
    "measured, with --warm-up). Acknowledged = events in",
    "200/207 answers per wall second, from the first send to the last answer (at least the seconds offered). The sender runs in its own thread; event-loop delay is the",
    "server's thread; rss is the whole bench process (server, sender, the storm's bodies, and what earlier passes left: the process stays",
    "above 1 GB after PGlite's passes, so with --runtime both PostgreSQL's rss includes that; --runtime postgres alone gives its own).",
    "Post→push: from a batch's send to the dispatcher's socket receiving its first meter in the status the batch's event leaves it, with",
    "that event's time. Pushes missing: batches whose event never shows on the screen because a newer event of the same meter was",
    "processed with or before it (requests in flight together, a shed batch's restore); they are not timed by a later wave's push.", "",
    floorText, "",
    "| offered events/s | acknowledged events/s | of floor | request p50 / p99 ms | post→push p50 / p99 ms | pushes missing | event-loop delay p50 / p99 / max ms | rss MB start → end (peak) | errors | shed batches (events) | send lag p99 ms | load avg start → end |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|",
    ...rates.map((r) => `| ${n(r.offeredPerSecond)} | ${n(r.acknowledgedPerSecond)} | ${r.ofFloor === null ? "—" : `${(r.ofFloor * 100).toFixed(1)}%`} | ${n(r.requestP50Ms)} / ${n(r.requestP99Ms)} | ${n(r.pushP50Ms)} / ${n(r.pushP99Ms)} | ${r.pushesMissing} | ${r.loopDelayP50Ms} / ${r.loopDelayP99Ms} / ${r.loopDelayMaxMs} | ${r.rssStartMB} → ${r.rssMB} (${r.peakRssMB}) | ${errorsText(r.errors)} | ${r.shedBatches} (${n(r.shedEvents)}) | ${r.sendLagP99Ms} | ${r.loadAverage[0]} → ${r.loadAverage[1]} |`),
    "",
    ...rates.flatMap((r) => [
      `- ${n(r.offeredPerSecond)}/s: post→push p99 of the batches due in the first ${FIRST_MS / 1000} s / after: ${n(r.pushP99FirstMs)} / ${n(r.pushP99AfterMs)} ms; ${r.warmUp
        ? `after a warm-up storm of ${n(r.warmUp.events)} events (${r.warmUp.seconds.toFixed(1)} s${r.warmUp.errors ? `, ${r.warmUp.errors} requests failed` : ""})` : "from a cold start"}`,
      ...(r.rejected || r.unmatched || r.duplicates || r.pending ? [`- ${n(r.offeredPerSecond)}/s: rejected ${r.rejected}, unmatched ${r.unmatched}, duplicates ${r.duplicates}, pending ${r.pending}`] : []),
      ...(r.serverProblems.length ? [`- ${n(r.offeredPerSecond)}/s: the server logged ${r.serverProblems.length} problem(s), first: ${r.serverProblems.slice(0, 3).join(" | ")}`] : []),
      ...r.timeline.filter((t) => t.error).slice(0, 3).map((t) => `- ${n(r.offeredPerSecond)}/s: batch ${t.batch} → ${t.error}: ${t.detail}`),
    ]),
  ].join("\n");
}

/** Writes bench/results/ingest-rates-<runtime>-<date>.md, and .json with every batch's timings. */
export function writeRateResults(runtime: string, options: object, floor: CopyFloor | null, rates: RateSummary[]): { files: string[]; markdown: string } {
  const dir = path.resolve("bench/results");
  fs.mkdirSync(dir, { recursive: true });
  const at = new Date().toISOString();
  const base = path.join(dir, `ingest-rates-${runtime}-${at.replace(/[:.]/g, "-").slice(0, 19)}`);
  const markdown = rateMarkdown(runtime, at, options, floor, rates);
  fs.writeFileSync(`${base}.json`, JSON.stringify({ runtime, at, machine: machine(), options, floor, rates }, null, 2));
  fs.writeFileSync(`${base}.md`, `${markdown}\n`);
  return { files: [`${base}.md`, `${base}.json`], markdown };
}
