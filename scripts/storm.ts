import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { generateNetwork } from "../db/seed/generate";
import { CASE_SHARES, DEFAULT_STORM, generateStorm, type StormCases, type StormOptions } from "../server/scenarios/storm";
import { runStorm, StormClock } from "../server/scenarios/run";
import type { StormScore } from "../server/scenarios/score";
import { machine } from "./bench/report";
import { reachablePostgres, startBenchServer, type RuntimeKind } from "./bench/runtime";

const share = (key: keyof StormCases) => `default ${Math.round(CASE_SHARES[key].share * 100)}% of --faults, ≥ ${CASE_SHARES[key].least}`;

const USAGE = `Usage: npm run storm -- [options]

Generates a storm with a known truth on a generated network, replays it through the real
ingestion routes (one API key per source) of an in-process server on a fresh database, and
scores what the control room found: precision and recall of outages, devices, customers out,
false outages from momentary blips and stray calls, nested outages, time to the dispatcher's
screen, restorations, and how each case went. Prints tables and writes the JSON to bench/results/.

Options:
  --meters N           network size (default 20000)
  --network-seed N     which network (default 1)
  --seed N             which storm (default 1)
  --faults N           real outages: feeder trips, transformers, single meters (default ${DEFAULT_STORM.faults})
  --momentaries N      momentary blips of a few meters of a point (default ${DEFAULT_STORM.momentaries})
  --stray-calls N      calls from customers with power, or with only a place (default ${DEFAULT_STORM.strayCalls})
  --minutes N          faults start over this many minutes (default ${DEFAULT_STORM.spreadMs / 60_000})

The harder cases, on top of --faults (each defaults to a share of --faults, at least a few):
  --device-blips N     whole-device blips: every meter of a distribution point (a third of them a
                       whole feeder, half of those with SCADA seeing the recloser) off and back in
                       4–8 s, ~70% reporting the last gasp: never outages
                       (${share("deviceBlips")})
  --silent-callers N   feeder trips during which 1–2 customers whose last gasp was lost call, and
                       their meters never report the restore (${share("silentCallers")})
  --missing-closes N   feeder trips whose SCADA close never arrives; the meters report power
                       back (${share("missingCloses")})
  --coincident N       transformers heard only as 2–3 last gasps in one message, two calls, or a
                       call and a last gasp, from a point of ~10 meters or more
                       (${share("coincident")})
  --substation-waves N about half of one substation's feeders out at overlapping times, some with
                       a SCADA trip, some AMI only: one outage per feeder, never the substation
                       (${share("substationWaves")})
  --crew-restores N    a crew presses Restored (REST API, with an oms_api key) while one point of
                       a feeder outage, or one meter of a point's, stays dark 9–14 min more
                       (${share("crewRestores")})

Delivery and replay:
  --ami-loss X         share of a tripped feeder's last gasps lost (default ${DEFAULT_STORM.amiLoss})
  --duplicates X       share of posts delivered twice (default ${DEFAULT_STORM.duplicateShare})
  --late X             share of posts delivered 5–45 s late, out of order (default ${DEFAULT_STORM.lateShare})
  --speed S            max (as fast as the server takes them), or a factor: 1 = real time, 10 (default max)
  --concurrency N      requests in flight (default 4); at max speed a post also waits for
                       those more than 5 s older (storm time) to be answered
  --runtime R          pglite (default) or postgres (DATABASE_URL or the local server)

Sizes: the default is a town's storm; --meters 200000 --faults 2000 --minutes 60 is a big one.`;

function options() {
  const { values } = parseArgs({ options: {
    meters: { type: "string", default: "20000" }, "network-seed": { type: "string", default: "1" }, seed: { type: "string", default: "1" },
    faults: { type: "string" }, momentaries: { type: "string" }, "stray-calls": { type: "string" }, minutes: { type: "string" },
    "ami-loss": { type: "string" }, duplicates: { type: "string" }, late: { type: "string" }, speed: { type: "string", default: "max" },
    concurrency: { type: "string", default: "4" }, runtime: { type: "string", default: "pglite" }, help: { type: "boolean", short: "h" },
    "device-blips": { type: "string" }, "silent-callers": { type: "string" }, "missing-closes": { type: "string" }, coincident: { type: "string" },
    "substation-waves": { type: "string" }, "crew-restores": { type: "string" },
  } });
  const num = (name: string, v: string | undefined, least: number, most = Infinity, whole = true) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < least || n > most || (whole && !Number.isInteger(n))) throw new Error(`--${name} must be ${whole ? "a whole number" : "a number"} from ${least}${most < Infinity ? ` to ${most}` : " up"} (got ${v})`);
    return n;
  };
  const opt = (name: string, v: string | undefined, fallback: number, least: number, most = Infinity, whole = true) => (v === undefined ? fallback : num(name, v, least, most, whole));
  if (!["pglite", "postgres"].includes(values.runtime!)) throw new Error(`--runtime must be pglite or postgres (got ${values.runtime})`);
  const storm: StormOptions = {
    ...DEFAULT_STORM,
    seed: num("seed", values.seed, 0),
    faults: opt("faults", values.faults, DEFAULT_STORM.faults, 1),
    momentaries: opt("momentaries", values.momentaries, DEFAULT_STORM.momentaries, 0),
    strayCalls: opt("stray-calls", values["stray-calls"], DEFAULT_STORM.strayCalls, 0),
    spreadMs: opt("minutes", values.minutes, DEFAULT_STORM.spreadMs / 60_000, 0.1, 24 * 60, false) * 60_000,
    amiLoss: opt("ami-loss", values["ami-loss"], DEFAULT_STORM.amiLoss, 0, 0.9, false),
    duplicateShare: opt("duplicates", values.duplicates, DEFAULT_STORM.duplicateShare, 0, 1, false),
    lateShare: opt("late", values.late, DEFAULT_STORM.lateShare, 0, 1, false),
  };
  // A case not given is sized from --faults by the generator.
  const cases = [["deviceBlips", "device-blips"], ["silentCallers", "silent-callers"], ["missingCloses", "missing-closes"],
    ["coincident", "coincident"], ["substationWaves", "substation-waves"], ["crewRestores", "crew-restores"]] as const satisfies ReadonlyArray<readonly [keyof StormCases, string]>;
  for (const [key, flag] of cases) {
    const v = values[flag];
    if (v !== undefined) storm[key] = num(flag, v, 0);
  }
  return {
    help: values.help ?? false, storm, meters: num("meters", values.meters, 500), networkSeed: num("network-seed", values["network-seed"], 0),
    speed: values.speed === "max" ? Infinity : num("speed", values.speed, 0.01, 10_000, false),
    concurrency: num("concurrency", values.concurrency, 1, 64), runtime: values.runtime as RuntimeKind,
  };
}

async function main() {
  const o = options();
  if (o.help) return console.log(USAGE);
  const postgresUrl = o.runtime === "postgres" ? await reachablePostgres() : null;
  if (o.runtime === "postgres" && !postgresUrl) throw new Error("No PostgreSQL answers at DATABASE_URL (or the local default)");

  const network = generateNetwork({ meters: o.meters, seed: o.networkSeed });
  const startedAt = new Date();
  const storm = generateStorm(network, o.storm, startedAt);
  const so = storm.options;
  console.log(`Network: ${o.meters.toLocaleString("en")} meters (seed ${o.networkSeed}); storm seed ${so.seed}: ${so.faults} faults, ${so.momentaries} blips, ${so.strayCalls} stray calls over ${so.spreadMs / 60_000} min; ` +
    `${so.deviceBlips} device blips, ${so.silentCallers} silent callers, ${so.missingCloses} missing closes, ${so.coincident} coincident reports, ${so.substationWaves} substation waves, ${so.crewRestores} crew restorations`);
  const clock = new StormClock(startedAt);
  console.log(`Storm: ${storm.truth.outages.length} truth outages (${storm.truth.outages.filter((t) => t.nestedIn).length} nested), ${storm.posts.length.toLocaleString("en")} posts over ${(storm.spanMs / 60_000).toFixed(1)} min of storm time; ${o.runtime}, speed ${o.speed === Infinity ? "max" : `×${o.speed}`}`);
  const bench = await startBenchServer(o.runtime, network, postgresUrl, clock.now);
  const bar = new cliProgress.SingleBar({ format: " {bar} {percentage}% | {value}/{total} posts | {eta_formatted} left", hideCursor: true }, cliProgress.Presets.shades_classic);
  try {
    bar.start(storm.posts.length, 0);
    const { replay, score } = await runStorm(bench.server, storm, clock, {
      keys: bench.keys, cookie: bench.dispatcherCookie, speed: o.speed, concurrency: o.concurrency, onProgress: (done) => bar.update(done),
    });
    bar.stop();
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
    const ms = (x: number | null) => (x === null ? "–" : `${Math.round(x).toLocaleString("en")} ms`);
    const rows: Array<[string, string]> = [
      ["outages: real / detected / matched", `${score.truthOutages} / ${score.detectedOutages} / ${score.matched}`],
      ["precision", pct(score.precision)],
      ["recall", pct(score.recall)],
      ["device right at the right level", pct(score.deviceRight)],
      ["customers out: error median / mean / p90", `${score.customersErrorPct.median.toFixed(1)}% / ${score.customersErrorPct.mean.toFixed(1)}% / ${score.customersErrorPct.p90.toFixed(1)}%`],
      ["false outages from blips / stray calls / other", `${score.falseFromNoise.momentary} / ${score.falseFromNoise.strayCall} / ${score.falseFromNoise.other}`],
      ["nested outages found", `${score.nested.found} of ${score.nested.truth}`],
      ["first signal → dispatcher's screen p50 / p99", `${ms(score.timeToScreenMs.p50)} / ${ms(score.timeToScreenMs.p99)} (${score.timeToScreenMs.samples} outages)`],
      ["restoration detected", `${score.restorationDetected.restored} of ${score.restorationDetected.of}`],
      ["device momentaries expected (point / feeder)", `${score.deviceMomentaries.expected} (${score.deviceMomentaries.byLevel.distribution_point ?? 0} / ${score.deviceMomentaries.byLevel.feeder ?? 0})${score.deviceMomentaries.recorded === null ? "" : `, ${score.deviceMomentaries.recorded} recorded`}`],
      ["crews' restorations: accepted / no outage at the device / of", `${score.crewRestores.accepted} / ${score.crewRestores.noOutageAtDevice} / ${score.crewRestores.expected}`],
      ["posts / refused / wall time", `${replay.posts.toLocaleString("en")} / ${replay.failures.length} / ${(replay.wallMs / 1000).toFixed(1)} s`],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    console.log("");
    for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
    if (replay.failures.length) console.log(`  first refusal: ${replay.failures[0].status} ${replay.failures[0].body}`);
    console.log("");
    console.log(caseTable(score.cases));
    const result = { when: new Date().toISOString(), machine: machine(), runtime: o.runtime, meters: o.meters, networkSeed: o.networkSeed, speed: o.speed === Infinity ? "max" : o.speed, storm: storm.options, score, replay: { posts: replay.posts, failures: replay.failures.slice(0, 20), crewRestores: replay.crewRestores, wallMs: replay.wallMs }, truth: storm.truth };
    fs.mkdirSync("bench/results", { recursive: true });
    const file = path.join("bench/results", `storm-${result.when.replace(/[:.]/g, "-")}.json`);
    fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`  written to ${file}`);
  } finally {
    bar.stop();
    await bench.stop();
  }
}

/** One row per case (and per form of it, indented): scenarios handled, outages found, false outages over its meters. */
function caseTable(cases: StormScore["cases"]): string {
  const order = ["feeder_trip", "transformer", "single_meter", "momentary", "stray_call", "device_momentary", "silent_caller", "missing_close", "coincident", "substation_wave", "crew_restore"];
  const keys = Object.keys(cases).sort((a, b) => {
    const [ka, kb] = [a.split("/")[0], b.split("/")[0]];
    return (order.indexOf(ka) - order.indexOf(kb)) || ka.localeCompare(kb) || (a.includes("/") ? 1 : 0) - (b.includes("/") ? 1 : 0) || a.localeCompare(b);
  });
  const head = ["case", "handled", "real", "matched", "device right", "restored", "nested found", "false outages"];
  const rows = keys.map((k) => {
    const c = cases[k];
    return [k.includes("/") ? `  ${k.split("/")[1]}` : k, `${c.handled} of ${c.scenarios}`, String(c.truthOutages), String(c.matched), String(c.deviceRight), String(c.restored),
      c.nested.truth ? `${c.nested.found} of ${c.nested.truth}` : "–", String(c.falseOutages)];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `  ${r.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join("  ")}`;
  return [line(head), ...rows.map(line)].join("\n");
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
