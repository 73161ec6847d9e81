import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";
import { loadConfig } from "../server/config";
import { startServer } from "../server/index";
import { latestSeq } from "../server/realtime/publisher";
import { queryRows, sql } from "../db/client";
import { metersInView } from "../db/queries/map";
import { machine, percentile } from "./bench/report";

const USAGE = `Usage: npm run bench:ui -- [options]

Starts the production server (pages included; run \`npm run build\` first) on a fresh embedded
database with the demo network, signs in through the real page in Chromium, and measures:
  - time to first map render: from navigation to the map having drawn every substation;
  - frame time while meter updates arrive over Socket.IO at a steady rate (the server's own hub
    pushes meter:status changes for meters in view; ingestion's rate is bench:ingest's business).

Options:
  --meters N        network size (default 20000)
  --loads N         page loads to time (default 5)
  --rate N          meter updates per second (default 1000)
  --seconds N       how long to push them (default 10)
  --chromium PATH   browser (default CHROMIUM_PATH or /usr/bin/chromium)`;

const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--enable-unsafe-swiftshader"];

async function main() {
  const { values } = parseArgs({ options: {
    meters: { type: "string", default: "20000" }, loads: { type: "string", default: "5" }, rate: { type: "string", default: "1000" },
    seconds: { type: "string", default: "10" }, chromium: { type: "string" }, help: { type: "boolean", short: "h" },
  } });
  if (values.help) return console.log(USAGE);
  const int = (v: string | undefined, name: string) => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} must be a whole number ≥ 1 (got ${v})`);
    return n;
  };
  const meters = int(values.meters, "meters");
  const loads = int(values.loads, "loads");
  const rate = int(values.rate, "rate");
  const seconds = int(values.seconds, "seconds");
  if (!fs.existsSync(".next/BUILD_ID")) throw new Error("No production build: run `npm run build` first");

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "oms-bench-ui-"));
  const config = loadConfig({ ...process.env, PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, DATABASE_URL: "", SEED_METERS: String(meters), NODE_ENV: "production" });
  const server = await startServer(config, { log: () => {} });
  const browser = await chromium.launch({ executablePath: values.chromium ?? process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ARGS });
  try {
    const creds = fs.readFileSync(path.join(dataDir, "demo-sign-ins.txt"), "utf8");
    const password = /username dispatcher\s+password (\S+)/.exec(creds)![1];
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const base = `http://127.0.0.1:${server.port}`;
    await page.goto(`${base}/sign-in`);
    await page.getByLabel("Username or email").fill("dispatcher");
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${base}/`);

    // 1. Time to first map render, over several loads (the first warms the server's caches).
    const [{ n: substations }] = await queryRows<{ n: number }>(server.database.db, sql`SELECT COUNT(*)::int AS n FROM network_substations`);
    const renders: number[] = [];
    for (let i = 0; i <= loads; i++) {
      const started = performance.now();
      await page.goto(`${base}/`);
      await page.waitForFunction(`(document.querySelector("[data-testid=network-map]")?.getAttribute("data-rendered-substations") ?? "").split(",").filter(Boolean).length === ${substations}`,
        undefined, { timeout: 60_000, polling: 20 });
      if (i > 0) renders.push(performance.now() - started);
    }

    // 2. Frame time while meter updates stream in: zoom to where meters are drawn first.
    await page.getByRole("tab", { name: /Substations/ }).click();
    await page.getByTestId("substation-list").locator("button[data-code]").first().click();
    await page.waitForTimeout(2500);
    const map = page.getByTestId("network-map");
    const box = (await map.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < 6; i++) { await page.mouse.wheel(0, -400); await page.waitForTimeout(250); }
    await page.waitForFunction(`Number(document.querySelector("[data-testid=network-map]")?.getAttribute("data-rendered-meters") ?? 0) > 0`, undefined, { timeout: 30_000 });
    const drawn = Number(await map.getAttribute("data-rendered-meters"));
    // The meters on screen: the updates must be for what the map draws.
    await page.waitForTimeout(1000);
    const [west, south, east, north] = (await map.getAttribute("data-bounds"))!.split(",").map(Number);
    const ids = (await metersInView(server.database.db, { west, south, east, north }, 10_000)).map((r) => r.id);

    // A string, not a function: tsx would wrap a function in helpers the page does not have.
    const sample = (ms: number) => page.evaluate<number[]>(`new Promise((resolve) => {
      const frames = [];
      let last = performance.now();
      const end = last + ${ms};
      const tick = (t) => { frames.push(t - last); last = t; if (t < end) requestAnimationFrame(tick); else resolve(frames); };
      requestAnimationFrame(tick);
    })`);

    const idle = await sample(3000);
    let seq = (await latestSeq(server.database.db)) + 1_000_000;
    const tickMs = 50;
    const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
    let cursor = 0;
    const pusher = setInterval(() => {
      const meters = Array.from({ length: perTick }, () => {
        const id = ids[cursor++ % ids.length];
        return { id, status: ((cursor >> 3) % 2 ? "off" : "on") as "off" | "on", at: new Date().toISOString() };
      });
      server.realtime.publish([{ seq: seq++, topic: "meter:status", payload: { meters }, at: new Date().toISOString() }]);
    }, tickMs);
    const before = Number(await map.getAttribute("data-meter-updates") ?? 0);
    const loaded = await sample(seconds * 1000);
    clearInterval(pusher);
    const applied = Number(await map.getAttribute("data-meter-updates") ?? 0) - before;

    const stats = (f: number[]) => ({ median: percentile(f, 50), p95: percentile(f, 95), max: Math.max(...f), over50: f.filter((x) => x > 50).length, frames: f.length });
    const result = {
      when: new Date().toISOString(), machine: machine(), meters,
      firstMapRenderMs: { median: percentile(renders, 50), min: Math.min(...renders), max: Math.max(...renders), loads: renders.length },
      frameMs: { idle: stats(idle), underLoad: stats(loaded) },
      meterUpdates: { ratePerSecond: rate, seconds, metersDrawn: drawn, appliedInBrowser: applied },
    };
    const f = (x: number) => x.toFixed(1);
    console.log(`\nUI benchmark, ${meters.toLocaleString("en")} meters, ${result.machine.cpus} × ${result.machine.model}`);
    console.log(`  first map render     median ${f(result.firstMapRenderMs.median)} ms (min ${f(result.firstMapRenderMs.min)}, max ${f(result.firstMapRenderMs.max)}, ${renders.length} loads)`);
    console.log(`  frame time, idle     median ${f(result.frameMs.idle.median)} ms, p95 ${f(result.frameMs.idle.p95)} ms`);
    console.log(`  frame time, ${rate}/s  median ${f(result.frameMs.underLoad.median)} ms, p95 ${f(result.frameMs.underLoad.p95)} ms, max ${f(result.frameMs.underLoad.max)} ms, ${result.frameMs.underLoad.over50} of ${result.frameMs.underLoad.frames} frames over 50 ms`);
    console.log(`  meter updates        ${(rate * seconds).toLocaleString("en")} pushed for the ${ids.length.toLocaleString("en")} meters in view, ${applied.toLocaleString("en")} painted (latest per meter, 4 paints/s)`);
    fs.mkdirSync("bench/results", { recursive: true });
    const file = path.join("bench/results", `ui-${result.when.replace(/[:.]/g, "-")}.json`);
    fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`  written to ${file}`);
  } finally {
    await browser.close();
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
