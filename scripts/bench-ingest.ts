import os from "node:os";
import { parseArgs } from "node:util";
import { randomBytes } from "node:crypto";
import { generateNetwork } from "../db/seed/generate";
import type { GeneratedNetwork } from "../db/seed/types";
import { measureCopyFloor } from "./bench/copyFloor";
import { runPass } from "./bench/pass";
import { measureRate } from "./bench/rate";
import { summarizeRate, writeRateResults, type RateSummary } from "./bench/rateReport";
import { sampleWaits } from "./bench/pgWaits";
import { machine, printTable, summarize, writeResults, type PassSummary } from "./bench/report";
import { buildStorm } from "./bench/storm";
import { DEFAULT_POSTGRES_URL, reachablePostgres, startBenchServer, type RuntimeKind } from "./bench/runtime";

const DEFAULT_RATES = "1000,5000,10000,20000";

const USAGE = `Usage: npm run bench -- [options]        (npm run bench:ingest is the same with --concurrency 4)

Posts a storm of Kaifa last gasps and restores through POST /api/ingest/kaifa of an in-process
server (API only), each pass on a fresh server and database, and prints events/s, request and
post-to-push latency (to a signed-in dispatcher's socket), event-loop delay, memory and errors.

Modes (default: --rates ${DEFAULT_RATES}):
  --rates R1,R2,…                 open loop: for each rate, batches offered on a fixed schedule
                                  (rate / batch a second) for --seconds, whatever the answers; a
                                  batch due while --max-in-flight requests are outstanding is shed
                                  (not sent) and counted. Also measures the COPY floor of the
                                  runtime and each rate's acknowledged events/s as a share of it
  --ramp                          closed loop at rising load: 1, 2, 4, 8 requests in flight until
                                  events/s stops rising (--events per pass)
  --concurrency N                 closed loop: one pass with N requests in flight (ignored with
                                  --rates or --ramp)

Options:
  --runtime pglite|postgres|both  database runtimes to measure (default both; PostgreSQL is
                                  DATABASE_URL or ${DEFAULT_POSTGRES_URL}, skipped if unreachable)
  --meters N                      network size (default 20000)
  --batch N                       events per request (default 500)
  --seconds N                     open loop: seconds each rate is offered (default 20)
  --max-in-flight N               open loop: most requests outstanding (default 16)
  --floor-rows N                  open loop: rows the floor writes in one statement (default 50000)
  --warm-up N                     open loop: before each rate, the fresh server first correlates a
                                  whole storm of about N events (every outage restored; two requests
                                  in flight; timed before the measured storm), not measured: the
                                  figures of a process whose code has run before, as a server's has
                                  before a storm. Default 0: measured from a cold start
  --events N                      closed loop: at least this many events per pass (default 50000)
  --help                          show this help

Results: bench/results/ingest-rates-<runtime>-<date>.md (open loop) or ingest-<runtime>-<date>.md,
each with a .json of every batch's timings.`;

/** A step that does not beat the best so far by this much means the server is saturated. */
const SATURATION_GAIN = 1.05;
const RAMP = [1, 2, 4, 8];

interface Common { help: boolean; runtimes: RuntimeKind[]; meters: number; batch: number }
type Options = Common & (
  | { mode: "rates"; rates: number[]; seconds: number; maxInFlight: number; floorRows: number; warmUp: number }
  | { mode: "ramp" | "closed"; events: number; concurrency: number });
type ClosedOptions = Extract<Options, { mode: "ramp" | "closed" }>;
type OpenOptions = Extract<Options, { mode: "rates" }>;

function parse(): Options {
  const { values } = parseArgs({
    options: {
      runtime: { type: "string", default: "both" }, meters: { type: "string", default: "20000" }, batch: { type: "string", default: "500" },
      rates: { type: "string" }, seconds: { type: "string" }, "max-in-flight": { type: "string" }, "floor-rows": { type: "string" }, "warm-up": { type: "string" },
      events: { type: "string" }, concurrency: { type: "string" }, ramp: { type: "boolean", default: false }, help: { type: "boolean", short: "h" },
    },
  });
  const int = (name: keyof typeof values, least: number, fallback: string) => {
    const text = (values[name] as string | undefined) ?? fallback;
    const n = Number(text);
    if (!Number.isSafeInteger(n) || n < least) throw new Error(`--${name} must be a whole number ≥ ${least} (got ${text})`);
    return n;
  };
  if (!["pglite", "postgres", "both"].includes(values.runtime!)) throw new Error(`--runtime must be pglite, postgres or both (got ${values.runtime})`);
  if (values.ramp && values.rates !== undefined) throw new Error("--ramp and --rates are two modes (closed and open loop): give one");
  const mode: Options["mode"] = values.ramp ? "ramp" : values.rates !== undefined || values.concurrency === undefined ? "rates" : "closed";
  const notHere = (flags: Array<keyof typeof values>, why: string) => {
    for (const f of flags) if (values[f] !== undefined) throw new Error(`--${f} ${why}`);
  };
  if (mode === "rates") notHere(["events"], "is for the closed-loop modes (--ramp, --concurrency); the open loop offers each rate for --seconds");
  else notHere(["seconds", "max-in-flight", "floor-rows", "warm-up"], "is for the open loop (--rates)");
  const ratesText = values.rates ?? DEFAULT_RATES;
  const rates = ratesText.split(",").map((r) => Number(r.trim()));
  if (!rates.length || rates.some((r) => !Number.isSafeInteger(r) || r < 1)) throw new Error(`--rates must be events per second, whole numbers ≥ 1 separated by commas (got ${ratesText})`);
  const common: Common = {
    help: values.help ?? false,
    runtimes: (values.runtime === "both" ? ["pglite", "postgres"] : [values.runtime]) as RuntimeKind[],
    // Below ~1,000 meters the network has too few feeders for overlapping storm waves.
    meters: int("meters", 1000, "20000"), batch: int("batch", 1, "500"),
  };
  return mode === "rates"
    ? { ...common, mode, rates, seconds: int("seconds", 1, "20"), maxInFlight: int("max-in-flight", 1, "16"), floorRows: int("floor-rows", 1, "50000"), warmUp: int("warm-up", 0, "0") }
    : { ...common, mode, events: int("events", 1, "50000"), concurrency: int("concurrency", 1, "4") };
}

/** One pass on a fresh database; the server is stopped and the database dropped afterwards. */
async function measure(kind: RuntimeKind, network: GeneratedNetwork, options: ClosedOptions, concurrency: number, postgresUrl: string | null): Promise<PassSummary> {
  const bench = await startBenchServer(kind, network, postgresUrl);
  try {
    const sampler = kind === "postgres" ? await sampleWaits(postgresUrl!, bench.server.database.location) : null;
    const { batches, minOffOnGap } = buildStorm(network, { events: options.events, batch: options.batch, runId: randomBytes(3).toString("hex") });
    console.log(`  ${kind}, concurrency ${concurrency}: ${batches.length} requests (setup ${bench.setupSeconds.toFixed(1)} s)`);
    if (minOffOnGap < concurrency * options.batch) {
      console.log(`  note: some restores are only ${minOffOnGap} events behind their last gasp, less than the ${concurrency * options.batch} in flight: both may be processed out of order (use more --meters)`);
    }
    const raw = await runPass({ url: bench.server.url, apiKey: bench.apiKey, cookie: bench.dispatcherCookie, batches, concurrency });
    const summary = summarize(kind, concurrency, options.batch, raw, bench.setupSeconds, await sampler?.stop());
    const troubles = bench.logs.filter((l) => /fail|error/i.test(l));
    if (troubles.length) console.log(`  server logged ${troubles.length} problem(s), first: ${troubles.slice(0, 3).join(" | ")}`);
    return summary;
  } finally {
    await bench.stop();
  }
}

/** Closed loop: one pass, or the ramp until events/s stops rising; a table with one column per pass. */
async function runClosedLoop(kind: RuntimeKind, network: GeneratedNetwork, options: ClosedOptions, postgresUrl: string | null): Promise<void> {
  const passes: PassSummary[] = [];
  for (const concurrency of options.mode === "ramp" ? RAMP : [options.concurrency]) {
    const pass = await measure(kind, network, options, concurrency, postgresUrl);
    const best = Math.max(0, ...passes.map((p) => p.eventsPerSecond));
    passes.push(pass);
    if (options.mode === "ramp" && passes.length > 1 && pass.eventsPerSecond < best * SATURATION_GAIN) {
      console.log(`  saturated: ${pass.eventsPerSecond} events/s at concurrency ${concurrency} vs best ${best}`);
      break;
    }
  }
  printTable(kind, passes);
  const { runtimes: _r, help: _h, ...shown } = options;
  for (const file of writeResults(kind, shown, passes)) console.log(`  wrote ${file}`);
}

/** Open loop: the runtime's floor, then each rate on its own fresh server; one Markdown table, printed and written. */
async function runRates(kind: RuntimeKind, network: GeneratedNetwork, options: OpenOptions, postgresUrl: string | null): Promise<void> {
  console.log(`\n${kind}: floor, ${options.floorRows} inbox-wide rows in one statement (best of 3)…`);
  const floor = await measureCopyFloor(kind, postgresUrl, network, options.floorRows);
  console.log(`  ${floor.floor.method}: ${floor.floor.rowsPerSecond} rows/s${floor.others.map((o) => `; ${o.method}: ${o.rowsPerSecond} rows/s`).join("")}`);
  const rates: RateSummary[] = [];
  for (const rate of options.rates) {
    const summary = summarizeRate(kind, options, await measureRate(kind, network, options, rate, postgresUrl), floor);
    console.log(`  → ${summary.acknowledgedPerSecond} events/s acknowledged, ${summary.shedBatches} batches shed, errors ${JSON.stringify(summary.errors)}`);
    rates.push(summary);
  }
  const { runtimes: _r, help: _h, ...shown } = options;
  const { files, markdown } = writeRateResults(kind, shown, floor, rates);
  console.log(`\n${markdown}\n`);
  for (const file of files) console.log(`  wrote ${file}`);
}

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parse();
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) return console.log(USAGE), 0;
  const m = machine();
  console.log(`Machine: ${m.cpus} × ${m.model}, ${m.totalMemoryGB} GB RAM, Node ${m.node} (${m.platform}), code ${m.code}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  const network = generateNetwork({ meters: options.meters, seed: 1 });
  console.log(`Network: ${network.meters.length} meters, ${network.distributionPoints.length} distribution points, ${network.feeders.length} feeders`);

  for (const kind of options.runtimes) {
    const postgresUrl = kind === "postgres" ? await reachablePostgres() : null;
    if (kind === "postgres" && !postgresUrl) {
      console.log(`\npostgres: skipped, no PostgreSQL answers at ${process.env.DATABASE_URL ? "DATABASE_URL" : DEFAULT_POSTGRES_URL}`);
      continue;
    }
    if (options.mode === "rates") await runRates(kind, network, options, postgresUrl);
    else await runClosedLoop(kind, network, options, postgresUrl);
  }
  return 0;
}

main().then((code) => process.exit(code), (err) => {
  console.error(err);
  process.exit(1);
});
