import os from "node:os";
import { parseArgs } from "node:util";
import { randomBytes } from "node:crypto";
import { generateNetwork } from "../db/seed/generate";
import type { GeneratedNetwork } from "../db/seed/types";
import { runPass } from "./bench/pass";
import { sampleWaits } from "./bench/pgWaits";
import { machine, printTable, summarize, writeResults, type PassSummary } from "./bench/report";
import { buildStorm } from "./bench/storm";
import { DEFAULT_POSTGRES_URL, reachablePostgres, startBenchServer, type RuntimeKind } from "./bench/runtime";

const USAGE = `Usage: npm run bench:ingest -- [options]

Posts a storm of Kaifa last gasps and restores through POST /api/ingest/kaifa of an in-process
server (API only) on a fresh database, and prints events/s, request and post-to-push latency.

Options:
  --runtime pglite|postgres|both  database runtimes to measure (default both; PostgreSQL is
                                  DATABASE_URL or ${DEFAULT_POSTGRES_URL}, skipped if unreachable)
  --meters N                      network size (default 20000)
  --events N                      at least this many events per pass (default 50000)
  --batch N                       events per request (default 500)
  --concurrency N                 requests in flight (default 4)
  --ramp                          rising load: concurrency 1, 2, 4, 8 until events/s stops rising
  --help                          show this help`;

/** A step that does not beat the best so far by this much means the server is saturated. */
const SATURATION_GAIN = 1.05;
const RAMP = [1, 2, 4, 8];

function parse() {
  const { values } = parseArgs({
    options: {
      runtime: { type: "string", default: "both" }, meters: { type: "string", default: "20000" },
      events: { type: "string", default: "50000" }, batch: { type: "string", default: "500" },
      concurrency: { type: "string", default: "4" }, ramp: { type: "boolean", default: false }, help: { type: "boolean", short: "h" },
    },
  });
  const int = (name: keyof typeof values, least: number) => {
    const n = Number(values[name]);
    if (!Number.isSafeInteger(n) || n < least) throw new Error(`--${name} must be a whole number ≥ ${least} (got ${values[name]})`);
    return n;
  };
  if (!["pglite", "postgres", "both"].includes(values.runtime!)) throw new Error(`--runtime must be pglite, postgres or both (got ${values.runtime})`);
  return {
    help: values.help ?? false,
    runtimes: (values.runtime === "both" ? ["pglite", "postgres"] : [values.runtime]) as RuntimeKind[],
    // Below ~1,000 meters the network has too few feeders for overlapping storm waves.
    meters: int("meters", 1000), events: int("events", 1), batch: int("batch", 1), concurrency: int("concurrency", 1), ramp: values.ramp!,
  };
}
type Options = ReturnType<typeof parse>;

/** One pass on a fresh database; the server is stopped and the database dropped afterwards. */
async function measure(kind: RuntimeKind, network: GeneratedNetwork, options: Options, concurrency: number, postgresUrl: string | null): Promise<PassSummary> {
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
    const passes: PassSummary[] = [];
    for (const concurrency of options.ramp ? RAMP : [options.concurrency]) {
      const pass = await measure(kind, network, options, concurrency, postgresUrl);
      const best = Math.max(0, ...passes.map((p) => p.eventsPerSecond));
      passes.push(pass);
      if (options.ramp && passes.length > 1 && pass.eventsPerSecond < best * SATURATION_GAIN) {
        console.log(`  saturated: ${pass.eventsPerSecond} events/s at concurrency ${concurrency} vs best ${best}`);
        break;
      }
    }
    printTable(kind, passes);
    const { runtimes: _r, help: _h, ...shown } = options;
    for (const file of writeResults(kind, shown, passes)) console.log(`  wrote ${file}`);
  }
  return 0;
}

main().then((code) => process.exit(code), (err) => {
  console.error(err);
  process.exit(1);
});
