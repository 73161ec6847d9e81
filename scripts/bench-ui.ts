import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { chromium, type Page } from "playwright-core";
import { loadConfig } from "../server/config";
import { startServer, type RunningServer } from "../server/index";
import { recordChange } from "../server/realtime/publisher";
import { createApiKey } from "../server/auth/apiKeys";
import { systemActor } from "../server/context";
import { queryRows, sql, type DbHandle } from "../db/client";
import { metersInView } from "../db/queries/map";
import { frameStats, sampleFrames, scrollFrames, type FrameStats } from "./bench/frames";
import { machine, percentile } from "./bench/report";
import { freshDatabase, reachablePostgres, type RuntimeKind } from "./bench/runtime";
import { openOutageCount, planOutages, postKaifa } from "./bench/uiOutages";

const USAGE = `Usage: npm run bench:ui -- [options]

Starts the production server (pages included; run \`npm run build\` first) on a fresh database
with the demo network, opens outages through the Kaifa ingestion route (real records, correlated
by the server), signs in through the real page in Chromium, and measures:
  - first render: from navigation to the map having drawn every substation and every open
    outage (alone or counted in a cluster), and to the outage list holding them all;
  - frame time (requestAnimationFrame in the page) while meter status changes arrive over
    Socket.IO at a steady rate for the meters in view, and last gasps posted to the ingestion
    route change open outages (the server pushes outage:updated as in a storm);
  - frame time while the outage list is scrolled from top to bottom, and how many rows the
    page holds meanwhile (the list is virtualised).
Screenshots of each go to --screenshots as bench-ui-*.png.

Options:
  --meters N           network size (default 20000)
  --runtime R          pglite (default: the embedded database, in a fresh temporary folder) or
                       postgres (a fresh database created next to DATABASE_URL or
                       postgres://postgres@127.0.0.1:5432/postgres, dropped at the end)
  --outages N          open outages to make before measuring (default 2000)
  --loads N            page loads to time (default 5)
  --rate N             meter updates per second (default 1000)
  --outage-signals N   last gasps per second posted for meters of open outages while frames are
                       timed (default 20; 0 for meter updates alone)
  --seconds N          how long to push them (default 10)
  --scroll-seconds N   how long the scroll from the list's top to its bottom takes (default 10)
  --screenshots DIR    where the screenshots go (default docs/screenshots)
  --chromium PATH      browser (default CHROMIUM_PATH or /usr/bin/chromium)`;

const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--enable-unsafe-swiftshader"];

const load1 = () => Math.round(os.loadavg()[0] * 100) / 100;

async function main() {
  const { values } = parseArgs({ options: {
    meters: { type: "string", default: "20000" }, runtime: { type: "string", default: "pglite" }, outages: { type: "string", default: "2000" },
    loads: { type: "string", default: "5" }, rate: { type: "string", default: "1000" }, "outage-signals": { type: "string", default: "20" },
    seconds: { type: "string", default: "10" }, "scroll-seconds": { type: "string", default: "10" },
    screenshots: { type: "string", default: "docs/screenshots" }, chromium: { type: "string" }, help: { type: "boolean", short: "h" },
  } });
  if (values.help) return console.log(USAGE);
  const int = (v: string | undefined, name: string, min = 1) => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < min) throw new Error(`--${name} must be a whole number ≥ ${min} (got ${v})`);
    return n;
  };
  const meters = int(values.meters, "meters", 10);
  const loads = int(values.loads, "loads");
  const rate = int(values.rate, "rate");
  const outageSignals = int(values["outage-signals"], "outage-signals", 0);
  const seconds = int(values.seconds, "seconds");
  const scrollSeconds = int(values["scroll-seconds"], "scroll-seconds");
  const outagesWanted = int(values.outages, "outages");
  if (!["pglite", "postgres"].includes(values.runtime!)) throw new Error(`--runtime must be pglite or postgres (got ${values.runtime})`);
  const runtime = values.runtime as RuntimeKind;
  if (!fs.existsSync(".next/BUILD_ID")) throw new Error("No production build: run `npm run build` first");
  const postgresUrl = runtime === "postgres" ? await reachablePostgres() : null;
  if (runtime === "postgres" && !postgresUrl) throw new Error("--runtime postgres: no PostgreSQL answers at DATABASE_URL (or the local default)");
  const shots = path.resolve(values.screenshots!);
  fs.mkdirSync(shots, { recursive: true });

  // The demo sign-ins are written to the data folder; the database is the fresh one.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "oms-bench-ui-"));
  const config = loadConfig({ ...process.env, PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, DATABASE_URL: "", SEED_METERS: String(meters), NODE_ENV: "production" });
  const loadAtStart = load1();
  console.log(`UI benchmark: ${meters.toLocaleString("en")} meters on ${runtime}, load average ${loadAtStart} (${os.cpus().length} cores)`);
  let started = performance.now();
  const database: DbHandle = await freshDatabase(runtime, postgresUrl, config.dbPoolSize);
  const logs: string[] = [];
  let server: RunningServer;
  try {
    server = await startServer(config, { database, log: (m) => logs.push(m) });
  } catch (err) {
    await database.close();
    throw err;
  }
  const setupSeconds = (performance.now() - started) / 1000;
  const seededIn = /Seeded .* in ([\d.]+) s\./.exec(logs.join("\n"))?.[1];
  console.log(`  server up in ${setupSeconds.toFixed(1)} s (the network seeded in ${seededIn ?? "?"} s)`);
  const db = server.database.db;
  const browser = await chromium.launch({ executablePath: values.chromium ?? process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ARGS });
  try {
    const base = `http://127.0.0.1:${server.port}`;

    // 0. Open outages, through the ingestion route and the server's own correlation.
    const { key } = await createApiKey(db, systemActor, { name: "bench:ui head-end", scope: "kaifa" });
    const openBefore = await openOutageCount(db);
    const plan = await planOutages(db, outagesWanted, Date.now().toString(36));
    started = performance.now();
    await postKaifa(base, key, plan.events);
    const open = await waitForOutages(db, openBefore + plan.outages);
    const outagesSeconds = (performance.now() - started) / 1000;
    console.log(`  ${open.toLocaleString("en")} open outages (${plan.transformerOutages} at a transformer, ${plan.meterOutages} single meters; ${plan.events.length.toLocaleString("en")} last gasps) in ${outagesSeconds.toFixed(1)} s`);

    const creds = fs.readFileSync(path.join(dataDir, "demo-sign-ins.txt"), "utf8");
    const password = /username dispatcher\s+password (\S+)/.exec(creds)![1];
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/sign-in`);
    await page.getByLabel("Username or email").fill("dispatcher");
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${base}/`);

    // 1. First render, over several loads (the first, not counted, warms the server's caches).
    const [{ n: substations }] = await queryRows<{ n: number }>(db, sql`SELECT COUNT(*)::int AS n FROM network_substations`);
    const drawnCount = (attribute: string) => `(document.querySelector("[data-testid=network-map]")?.getAttribute("${attribute}") ?? "").split(",").filter(Boolean).length`;
    const substationsDrawn = `${drawnCount("data-rendered-substations")} === ${substations}`;
    // The map's readout counts an outage drawn inside a cluster as drawn (it asks the source for each cluster's outages).
    const mapDrawn = `${substationsDrawn} && ${drawnCount("data-rendered-outages")} >= ${open}`;
    const listFull = `Number(document.querySelector("[data-testid=outage-list]")?.getAttribute("data-count") ?? 0) >= ${open}`;
    const renders: Array<{ substations: number; map: number; list: number }> = [];
    const renderLoad: [number, number] = [load1(), 0];
    // What the last load fetched, slowest first: where the first render's time goes.
    let requests: Array<{ what: string; ms: number; kB: number; doneAfterNavigationMs: number }> = [];
    let navigatedAt = 0;
    const onRequest = async (req: import("playwright-core").Request) => {
      const u = new URL(req.url());
      if (!u.pathname.startsWith("/api/")) return;
      const timing = req.timing();
      const sizes = await req.sizes().catch(() => ({ responseBodySize: 0 }));
      requests.push({ what: decodeURIComponent(u.pathname.replace(/^\/api\/trpc\//, "")), ms: Math.round(timing.responseEnd),
        kB: Math.round(sizes.responseBodySize / 1024), doneAfterNavigationMs: Math.round(timing.startTime + timing.responseEnd - navigatedAt) });
    };
    // And the page's main-thread work during it (Chrome's own counters; MapLibre's workers not included).
    const cdp = await context.newCDPSession(page);
    await cdp.send("Performance.enable");
    const counters = async () => Object.fromEntries(((await cdp.send("Performance.getMetrics")).metrics).map((m) => [m.name, m.value]));
    let countersBefore: Record<string, number> = {};
    let mainThread: Record<string, number> = {};
    for (let i = 0; i <= loads; i++) {
      if (i === loads) { requests = []; page.on("requestfinished", onRequest); countersBefore = await counters(); }
      navigatedAt = Date.now();
      const t0 = performance.now();
      await page.goto(`${base}/`);
      const until = (fn: string) => page.waitForFunction(fn, undefined, { timeout: 180_000, polling: 20 }).then(() => performance.now() - t0);
      const [substationsMs, mapMs, listMs] = await Promise.all([until(substationsDrawn), until(mapDrawn), until(listFull)]);
      if (i > 0) renders.push({ substations: substationsMs, map: mapMs, list: listMs });
      if (i === loads) {
        const after = await counters();
        mainThread = Object.fromEntries(["TaskDuration", "ScriptDuration", "LayoutDuration", "RecalcStyleDuration"].map((k) => [k, Math.round((after[k]! >= countersBefore[k]! ? after[k]! - countersBefore[k]! : after[k]!) * 1000)]));
      }
    }
    renderLoad[1] = load1();
    page.off("requestfinished", onRequest);
    requests.sort((a, b) => b.ms - a.ms);
    await page.waitForTimeout(1000);
    await page.screenshot({ path: path.join(shots, "bench-ui-first-render.png") });

    // 2. Frame time while meter updates stream in: zoom to where meters are drawn first.
    await page.getByRole("tab", { name: /Substations/ }).click();
    await page.getByTestId("substation-list").locator("button[data-code]").first().click();
    await page.waitForTimeout(2500);
    const map = page.getByTestId("network-map");
    const box = (await map.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < 6; i++) { await page.mouse.wheel(0, -400); await page.waitForTimeout(250); }
    await page.waitForFunction(`Number(document.querySelector("[data-testid=network-map]")?.getAttribute("data-rendered-meters") ?? 0) > 0`, undefined, { timeout: 60_000 });
    await page.waitForTimeout(1000);
    const drawn = Number(await map.getAttribute("data-rendered-meters"));
    // The updates are for the meters in the map's view.
    const [west, south, east, north] = (await map.getAttribute("data-bounds"))!.split(",").map(Number);
    const ids = (await metersInView(db, { west, south, east, north }, 10_000)).map((r) => r.id);
    const idle = await sampleFrames(page, 3000);

    // Meter updates alone, then with last gasps changing open outages as well (a storm's pushes).
    const meterPushes = pushMeterUpdates(server, ids, rate);
    const phase = async (signalsPerSecond: number, screenshot?: string) => {
      const [{ seq }] = await queryRows<{ seq: number }>(db, sql`SELECT COALESCE(MAX(seq), 0)::float8 AS seq FROM oms_change_log`);
      const signals = postOutageSignals(base, key, plan.spare, signalsPerSecond);
      // What the page fetches meanwhile: a push should patch what it holds, not make it fetch.
      const fetched: Record<string, number> = {};
      const onFetch = (req: import("playwright-core").Request) => {
        const u = new URL(req.url());
        if (u.pathname.startsWith("/api/trpc/")) for (const p of decodeURIComponent(u.pathname.slice(10)).split(",")) fetched[p] = (fetched[p] ?? 0) + 1;
      };
      page.on("request", onFetch);
      const loadAverage: [number, number] = [load1(), 0];
      const painted = Number(await map.getAttribute("data-meter-updates") ?? 0);
      const sent = meterPushes.sent();
      const frames = frameStats(await sampleFrames(page, seconds * 1000));
      loadAverage[1] = load1();
      page.off("request", onFetch);
      const lastGaspsPosted = signals.sent();
      const [{ seq: seqEnd }] = await queryRows<{ seq: number }>(db, sql`SELECT COALESCE(MAX(seq), 0)::float8 AS seq FROM oms_change_log`);
      const meterUpdatesSent = meterPushes.sent() - sent;
      const meterUpdatesPainted = Number(await map.getAttribute("data-meter-updates") ?? 0) - painted;
      if (screenshot) await page.screenshot({ path: path.join(shots, screenshot) });
      await signals.stop();
      // The outage changes recorded while frames were sampled.
      const [outageChanges] = await queryRows<{ pushes: number; outages: number }>(db, sql`
        SELECT COUNT(*)::int AS pushes, COALESCE(SUM(jsonb_array_length(payload->'outages')), 0)::int AS outages
        FROM oms_change_log WHERE seq > ${seq} AND seq <= ${seqEnd} AND topic LIKE 'outage:%'`);
      return { loadAverage, frames, meterUpdatesSent, meterUpdatesPainted, lastGaspsPosted, outageChanges, fetched };
    };
    const metersOnly = await phase(0);
    const withOutages = outageSignals ? await phase(outageSignals, "bench-ui-meter-updates.png") : null;
    if (!withOutages) await page.screenshot({ path: path.join(shots, "bench-ui-meter-updates.png") });
    await meterPushes.stop();
    await page.waitForTimeout(1000);

    // 3. The outage list scrolled from top to bottom.
    await page.getByRole("tab", { name: /^Outages/ }).click();
    await page.waitForFunction(listFull, undefined, { timeout: 60_000 });
    const listRows = Number(await page.getByTestId("outage-list").getAttribute("data-count"));
    await page.waitForTimeout(1000);
    const scrollLoad: [number, number] = [load1(), 0];
    const scroll = await scrollFrames(page, ".outage-scroll", "[data-testid=outage-list] > li", scrollSeconds * 1000);
    scrollLoad[1] = load1();
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(shots, "bench-ui-outage-list.png") });

    const result = {
      when: new Date().toISOString(), machine: machine(), runtime, meters, loadAverageAtStart: loadAtStart,
      setup: { seconds: setupSeconds, seedSeconds: seededIn ? Number(seededIn) : null },
      outages: { open, transformer: plan.transformerOutages, singleMeter: plan.meterOutages, lastGasps: plan.events.length, seconds: outagesSeconds },
      firstRender: {
        loads: renders.length, loadAverage: renderLoad,
        substationsMs: summary(renders.map((r) => r.substations)), mapMs: summary(renders.map((r) => r.map)), listMs: summary(renders.map((r) => r.list)),
        slowestRequestsOfLastLoad: requests.slice(0, 8), mainThreadMsOfLastLoad: mainThread,
      },
      updates: {
        meterRatePerSecond: rate, lastGaspsPerSecond: outageSignals, seconds, metersInView: ids.length, metersHeldByMap: drawn,
        idle: frameStats(idle), metersOnly, withOutages,
      },
      scroll: {
        loadAverage: scrollLoad, seconds: scrollSeconds, rows: listRows, scrolledPx: Math.round(scroll.scrolledPx),
        domRowsMax: scroll.maxRows, domRowsMin: scroll.minRows, lastRowReached: scroll.lastPosition === listRows, frames: frameStats(scroll.frames),
      },
    };
    print(result);
    fs.mkdirSync("bench/results", { recursive: true });
    const file = path.join("bench/results", `ui-${runtime}-${meters}-${result.when.replace(/[:.]/g, "-")}.json`);
    fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`\nWritten to ${file}; screenshots bench-ui-first-render.png, bench-ui-meter-updates.png, bench-ui-outage-list.png in ${path.relative(process.cwd(), shots) || "."}`);
  } finally {
    await browser.close();
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const summary = (v: number[]) => ({ median: percentile(v, 50), min: Math.min(...v), max: Math.max(...v) });

/** Waits until the server holds `target` open outages; fails when the count stops moving short of it. */
async function waitForOutages(db: DbHandle["db"], target: number): Promise<number> {
  let last = -1;
  let since = performance.now();
  for (;;) {
    const n = await openOutageCount(db);
    if (n >= target) return n;
    if (n !== last) { last = n; since = performance.now(); }
    if (performance.now() - since > 60_000) throw new Error(`only ${n} of ${target} outages opened (no change for a minute)`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * Meter status changes for these meters at `rate` a second, on the hub's 50 ms tick, each
 * recorded in the change log first (the page drops a change numbered below one it has seen, and
 * the server's own changes are numbered there too). They flip meters on and off: the server's
 * state is not changed, only what the page is told.
 */
function pushMeterUpdates(server: RunningServer, ids: number[], rate: number) {
  const started = performance.now();
  let sent = 0;
  let cursor = 0;
  let busy: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    busy = busy.then(async () => {
      const due = Math.floor(((performance.now() - started) / 1000) * rate) - sent;
      if (due <= 0) return;
      const at = new Date().toISOString();
      const meters = Array.from({ length: due }, () => {
        const id = ids[cursor++ % ids.length]!;
        return { id, status: (Math.floor(cursor / ids.length) % 2 ? "on" : "off") as "off" | "on", at };
      });
      sent += due;
      server.realtime.publish([await recordChange(server.database.db, "meter:status", { meters })]);
    });
  }, 50);
  return { sent: () => sent, stop: async () => { clearInterval(timer); await busy; return sent; } };
}

/** Last gasps of meters under the open transformer outages, `perSecond` a second, posted to the Kaifa route four times a second. */
function postOutageSignals(base: string, key: string, spare: string[], perSecond: number) {
  if (!perSecond) return { sent: () => 0, stop: async () => 0 };
  const started = performance.now();
  let sent = 0;
  let busy: Promise<void> = Promise.resolve();
  let id = 0;
  const timer = setInterval(() => {
    busy = busy.then(async () => {
      const due = Math.min(spare.length - sent, Math.floor(((performance.now() - started) / 1000) * perSecond) - sent);
      if (due <= 0) return;
      const at = new Date(Date.now() - 90_000).toISOString();
      const events = spare.slice(sent, sent + due).map((mrid) => ({
        message_type: "EndDeviceEvent" as const, timestamp: at,
        payload: { event_id: `BENCH-UI-LIVE-${started.toFixed(0)}-${++id}`, severity: "critical", reason: "Last gasp signal detected", assets: { mrid } },
      }));
      await postKaifa(base, key, events);
      sent += due;
    });
  }, 250);
  return { sent: () => sent, stop: async () => { clearInterval(timer); await busy; return sent; } };
}

interface LoadPhase {
  loadAverage: number[]; frames: FrameStats; meterUpdatesSent: number; meterUpdatesPainted: number; lastGaspsPosted: number;
  outageChanges: { pushes: number; outages: number };
  /** tRPC procedures the page called while frames were sampled, with how often. */
  fetched: Record<string, number>;
}
type Result = {
  meters: number; runtime: string; when: string; loadAverageAtStart: number; machine: ReturnType<typeof machine>;
  outages: { open: number };
  firstRender: { loads: number; loadAverage: number[]; slowestRequestsOfLastLoad: Array<{ what: string; ms: number; kB: number; doneAfterNavigationMs: number }>; mainThreadMsOfLastLoad: Record<string, number>; substationsMs: ReturnType<typeof summary>; mapMs: ReturnType<typeof summary>; listMs: ReturnType<typeof summary> };
  updates: { meterRatePerSecond: number; lastGaspsPerSecond: number; seconds: number; metersInView: number; metersHeldByMap: number;
    idle: FrameStats; metersOnly: LoadPhase; withOutages: LoadPhase | null };
  scroll: { loadAverage: number[]; seconds: number; rows: number; scrolledPx: number; domRowsMax: number; domRowsMin: number; lastRowReached: boolean; frames: FrameStats };
};

function print(r: Result) {
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  const s = (x: number) => `${(x / 1000).toFixed(2)} s`;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const la = (l: number[]) => `${l[0]} → ${l[1]}`;
  const n = (x: number) => x.toLocaleString("en");
  const frames = (f: FrameStats) => `median ${ms(f.median)}, p95 ${ms(f.p95)}, p99 ${ms(f.p99)}, max ${ms(f.max)}; ${pct(f.droppedShare)} of refreshes dropped, ${f.over50} of ${f.frames} frames over 50 ms`;
  const u = r.updates;
  const arrived = (p: LoadPhase) => `${n(p.meterUpdatesSent)} meter updates pushed, ${n(p.meterUpdatesPainted)} painted (latest per meter)` +
    (p.lastGaspsPosted ? `; ${p.lastGaspsPosted} last gasps posted → ${p.outageChanges.pushes} outage pushes carrying ${n(p.outageChanges.outages)} outages` : "") +
    `; the page fetched ${Object.entries(p.fetched).map(([k, v]) => `${k} ×${v}`).join(", ") || "nothing"}`;
  const rows: Array<[string, string, string]> = [
    ["first render: map, every substation drawn", `median ${s(r.firstRender.substationsMs.median)} (${s(r.firstRender.substationsMs.min)}–${s(r.firstRender.substationsMs.max)}, ${r.firstRender.loads} loads)`, la(r.firstRender.loadAverage)],
    [`first render: map, every substation and all ${n(r.outages.open)} outages`, `median ${s(r.firstRender.mapMs.median)} (${s(r.firstRender.mapMs.min)}–${s(r.firstRender.mapMs.max)}, ${r.firstRender.loads} loads)`, la(r.firstRender.loadAverage)],
    ["first render: outage list holding them all", `median ${s(r.firstRender.listMs.median)} (${s(r.firstRender.listMs.min)}–${s(r.firstRender.listMs.max)})`, la(r.firstRender.loadAverage)],
    [`frames, idle (zoomed in: ${n(u.metersInView)} meters in view, ${n(u.metersHeldByMap)} held by the map)`, frames(u.idle), ""],
    [`frames, ${n(u.meterRatePerSecond)} meter updates/s for ${u.seconds} s`, frames(u.metersOnly.frames), la(u.metersOnly.loadAverage)],
    ["  what arrived", arrived(u.metersOnly), ""],
    ...(u.withOutages ? [
      [`frames, ${n(u.meterRatePerSecond)} meter updates/s + ${u.lastGaspsPerSecond} last gasps/s changing outages, ${u.seconds} s`, frames(u.withOutages.frames), la(u.withOutages.loadAverage)],
      ["  what arrived", arrived(u.withOutages), ""],
    ] as Array<[string, string, string]> : []),
    [`frames, list scrolled top → bottom in ${r.scroll.seconds} s (${n(r.scroll.rows)} rows, ${n(r.scroll.scrolledPx)} px)`, frames(r.scroll.frames), la(r.scroll.loadAverage)],
    ["  rows in the page while scrolling", `${r.scroll.domRowsMin}–${r.scroll.domRowsMax} of ${n(r.scroll.rows)}; last row reached: ${r.scroll.lastRowReached ? "yes" : "NO"}`, ""],
  ];
  console.log(`\nUI benchmark, ${n(r.meters)} meters on ${r.runtime}, ${r.when}, ${r.machine.cpus} × ${r.machine.model}, ${r.machine.totalMemoryGB} GB, code ${r.machine.code}; load average ${r.loadAverageAtStart} at start\n`);
  console.log("| scenario | figures | load average (1 min) |\n|---|---|---|");
  for (const [a, b, c] of rows) console.log(`| ${a} | ${b} | ${c} |`);
  console.log(`\nThe last page load's slowest requests (request start → last byte): ${r.firstRender.slowestRequestsOfLastLoad.map((q) => `${q.what} ${q.ms} ms, ${q.kB} kB, done ${q.doneAfterNavigationMs} ms after navigation`).join("; ")}`);
  const t = r.firstRender.mainThreadMsOfLastLoad;
  console.log(`The last page load's main-thread work (until all was drawn): tasks ${t.TaskDuration} ms, of which script ${t.ScriptDuration} ms, layout ${t.LayoutDuration} ms, style ${t.RecalcStyleDuration} ms`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
