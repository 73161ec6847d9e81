import { loadConfig } from "../server/config";
import { createDb } from "../db/client";
import { reliabilityInput, reliabilityReport } from "../server/reliability/report";

/**
 * `npx tsx scripts/reliability-time.ts [runs]`: times the Reports page's query (a year ending now,
 * system, then a substation and a feeder) on the database of DATABASE_URL / DATA_DIR, e.g. after
 * `npm run seed -- --meters 200000 --history-days 365`.
 */
async function main() {
  const runs = Number(process.argv[2] ?? 5);
  const config = loadConfig();
  const handle = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
  try {
    const now = new Date();
    const to = new Date(Math.ceil(now.getTime() / 86_400_000) * 86_400_000);
    const from = new Date(to.getTime() - 365 * 86_400_000);
    for (const [level, id] of [["system", undefined], ["substation", "SS001"], ["feeder", "FD0001"]] as const) {
      const input = reliabilityInput.parse({ from: from.toISOString(), to: to.toISOString(), level, id });
      const times: number[] = [];
      let last;
      for (let i = 0; i < runs; i++) {
        const started = performance.now();
        last = await reliabilityReport(handle.db, input, { timeZone: config.timeZone, now });
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      const r = last!.indices;
      console.log(`${level.padEnd(10)} ${String(id ?? "").padEnd(7)} median ${times[Math.floor(times.length / 2)].toFixed(0)} ms, max ${times[times.length - 1].toFixed(0)} ms ` +
        `(${runs} runs) — customers ${r.customers_served}, SAIFI ${r.saifi?.toFixed(3)}, SAIDI ${r.saidi?.toFixed(1)} min, MAIFI_E ${r.maifi_e?.toFixed(3)}, ` +
        `T_MED ${r.t_med_minutes?.toFixed(2)} min, ${r.major_event_days.length} major event days`);
    }
  } finally {
    await handle.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
