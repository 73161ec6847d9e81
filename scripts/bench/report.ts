import { execSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { BatchTiming, PassRaw } from "./pass";
import type { WaitProfile } from "./pgWaits";

export interface PassSummary {
  runtime: string;
  concurrency: number;
  batch: number;
  events: number;
  wallSeconds: number;
  eventsPerSecond: number;
  requestP50Ms: number;
  requestP99Ms: number;
  /** Request p50 of the first and last tenth of the batches: a rising cost shows up here. */
  requestP50FirstTenthMs: number;
  requestP50LastTenthMs: number;
  pushP50Ms: number;
  pushP99Ms: number;
  pushesMissing: number;
  /** Batches whose first meter the server had already shown in its new state (inferred) when they were sent. */
  shownBeforeSent: number;
  accepted: number;
  rejected: number;
  unmatched: number;
  duplicates: number;
  non2xx: number;
  /** Requests whose connection was reset before an answer and that were sent again. */
  resetsRetried: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  rssMB: number;
  heapUsedMB: number;
  peakRssMB: number;
  setupSeconds: number;
  /** 1-minute load average when the pass started and ended: above the core count, something else competed for the CPU. */
  loadAverage: [number, number];
  pgWaits?: WaitProfile;
  failures?: Array<{ batch: number; status: number; error: string }>;
  timeline: BatchTiming[];
}

/** Nearest-rank percentile: p99 of 100 requests is the 99th slowest, not an interpolation. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const pushes = (timeline: BatchTiming[]) => timeline.flatMap((t) => (t.pushMs === null ? [] : [t.pushMs]));
const mb = (bytes: number) => Math.round(bytes / 1048576);
const ms = (v: number) => Math.round(v * 10) / 10;

export function summarize(runtime: string, concurrency: number, batch: number, raw: PassRaw, setupSeconds: number, pgWaits?: WaitProfile): PassSummary {
  const load = (v: number) => Math.round(v * 10) / 10;
  const requestMs = raw.timeline.map((t) => t.requestMs);
  const tenth = Math.max(1, Math.floor(requestMs.length / 10));
  const failed = raw.timeline.filter((t) => t.error !== undefined);
  return {
    runtime, concurrency, batch, events: raw.events,
    wallSeconds: Math.round(raw.wallMs) / 1000,
    eventsPerSecond: Math.round(raw.accepted / (raw.wallMs / 1000)),
    requestP50Ms: ms(percentile(requestMs, 50)), requestP99Ms: ms(percentile(requestMs, 99)),
    requestP50FirstTenthMs: ms(percentile(requestMs.slice(0, tenth), 50)), requestP50LastTenthMs: ms(percentile(requestMs.slice(-tenth), 50)),
    pushP50Ms: ms(percentile(pushes(raw.timeline), 50)), pushP99Ms: ms(percentile(pushes(raw.timeline), 99)),
    pushesMissing: raw.timeline.filter((t) => t.error === undefined && t.pushMs === null && !t.shownBefore).length,
    shownBeforeSent: raw.timeline.filter((t) => t.shownBefore).length,
    accepted: raw.accepted, rejected: raw.rejected, unmatched: raw.unmatched, duplicates: raw.duplicates,
    non2xx: failed.length,
    resetsRetried: raw.timeline.filter((t) => t.resetRetried).length,
    loopDelayP99Ms: ms(raw.loopDelay.p99), loopDelayMaxMs: ms(raw.loopDelay.max),
    rssMB: mb(raw.memory.rss), heapUsedMB: mb(raw.memory.heapUsed), peakRssMB: mb(raw.memory.peakRss),
    setupSeconds: Math.round(setupSeconds * 10) / 10,
    loadAverage: [load(raw.loadAverage[0]), load(raw.loadAverage[1])],
    ...(pgWaits ? { pgWaits } : {}),
    ...(failed.length ? { failures: failed.map((t) => ({ batch: t.batch, status: t.status, error: t.error! })) } : {}),
    timeline: raw.timeline,
  };
}

export function machine() {
  const cpus = os.cpus();
  return {
    cpus: cpus.length, model: cpus[0]?.model ?? "unknown", totalMemoryGB: Math.round(os.totalmem() / 1073741824 * 10) / 10,
    node: process.version, platform: `${os.platform()} ${os.release()}`, code: codeVersion(),
  };
}

/** The commit measured, "+changes" when server/ or db/ differ from it: figures belong to a version of the code. */
function codeVersion(): string {
  try {
    const head = execSync("git rev-parse --short HEAD", { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const dirty = execSync("git status --porcelain -- server db", { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    return dirty ? `${head}+changes` : head;
  } catch {
    return "unknown";
  }
}

/** The rows of the tables (one column per pass: the ramp reads left to right). */
const METRICS: Array<[string, (s: PassSummary) => string | number]> = [
  ["batch (events/request)", (s) => s.batch], ["events posted", (s) => s.events], ["wall s", (s) => s.wallSeconds],
  ["events/s accepted", (s) => s.eventsPerSecond], ["request p50 ms", (s) => s.requestP50Ms], ["request p99 ms", (s) => s.requestP99Ms],
  ["request p50 first→last 10% ms", (s) => `${s.requestP50FirstTenthMs} → ${s.requestP50LastTenthMs}`],
  ["post-to-push p50 ms", (s) => s.pushP50Ms], ["post-to-push p99 ms", (s) => s.pushP99Ms], ["batches never pushed", (s) => s.pushesMissing],
  ["batches already shown when sent", (s) => s.shownBeforeSent],
  ["non-2xx / no answer", (s) => s.non2xx], ["connection resets (retried)", (s) => s.resetsRetried],
  ["rejected / unmatched / duplicates", (s) => `${s.rejected} / ${s.unmatched} / ${s.duplicates}`],
  ["event-loop delay p99 / max ms", (s) => `${s.loopDelayP99Ms} / ${s.loopDelayMaxMs}`],
  ["rss / heapUsed MB at end", (s) => `${s.rssMB} / ${s.heapUsedMB}`], ["peak rss MB", (s) => s.peakRssMB], ["setup s (db + network)", (s) => s.setupSeconds],
  [`load avg 1 min start → end (${os.cpus().length} cores)`, (s) => `${s.loadAverage[0]} → ${s.loadAverage[1]}`],
];
const head = (p: PassSummary) => `conc ${p.concurrency}`;

export function printTable(runtime: string, passes: PassSummary[]): void {
  console.log(`\n${runtime}:`);
  console.table(Object.fromEntries(METRICS.map(([name, get]) => [name, Object.fromEntries(passes.map((p) => [head(p), get(p)]))])));
  for (const p of passes) {
    if (p.pgWaits) {
      console.log(`  ${head(p)}: PostgreSQL active backends per 100 ms sample, by wait:`, p.pgWaits.waits);
      console.log(`  ${head(p)}: … by statement:`);
      for (const [q, n] of Object.entries(p.pgWaits.statements)) console.log(`    ${n.toFixed(2)}  ${q}`);
    }
    for (const f of (p.failures ?? []).slice(0, 10)) console.log(`  ${head(p)}: batch ${f.batch} → ${f.status || "no answer"} ${f.error}`);
  }
}

/** Writes bench/results/ingest-<runtime>-<date>.json (with every batch's timings) and .md. */
export function writeResults(runtime: string, options: object, passes: PassSummary[]): string[] {
  const dir = path.resolve("bench/results");
  fs.mkdirSync(dir, { recursive: true });
  const at = new Date().toISOString();
  const base = path.join(dir, `ingest-${runtime}-${at.replace(/[:.]/g, "-").slice(0, 19)}`);
  const m = machine();
  fs.writeFileSync(`${base}.json`, JSON.stringify({ runtime, at, machine: m, options, passes }, null, 2));
  const md = [
    `# Ingest benchmark — ${runtime}, ${at}`, "",
    `Machine: ${m.cpus} × ${m.model}, ${m.totalMemoryGB} GB, Node ${m.node}, ${m.platform}. Code: ${m.code}. Options: \`${JSON.stringify(options)}\``, "",
    `| metric | ${passes.map(head).join(" | ")} |`, `|---|${passes.map(() => "---:").join("|")}|`,
    ...METRICS.map(([name, get]) => `| ${name} | ${passes.map(get).join(" | ")} |`), "",
    ...passes.flatMap((p) => (p.pgWaits ? [`PostgreSQL, ${head(p)}, active backends per sample by statement:`, "",
      ...Object.entries(p.pgWaits.statements).map(([q, n]) => `- ${n.toFixed(2)} \`${q}\``), ""] : [])),
  ];
  fs.writeFileSync(`${base}.md`, md.join("\n"));
  return [`${base}.json`, `${base}.md`];
}
