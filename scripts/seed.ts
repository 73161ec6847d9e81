import cliProgress from "cli-progress";
import { ConfigError, loadConfig, type AppConfig } from "../server/config";
import { createDb, DataFolderLockedError, queryRows, sql, type DbHandle } from "../db/client";
import { generateNetwork, resolveSizes, type NetworkSizes } from "../db/seed/generate";
import { writeHistory } from "../db/seed/history";
import { isNetworkEmpty, loadNetwork } from "../db/seed/load";
import { parseSeedArgs, SEED_USAGE, UsageError, type SeedCommand } from "./seed-args";

/** `npm run seed -- --meters 200000 --reset`: generate a network and load it. See SEED_USAGE. */
async function main(): Promise<number> {
  let command: SeedCommand;
  let config: AppConfig;
  try {
    command = parseSeedArgs(process.argv.slice(2));
    config = loadConfig();
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${SEED_USAGE}`);
      return 2;
    }
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
  if (command.kind === "help") {
    console.log(SEED_USAGE);
    return 0;
  }

  let sizes: NetworkSizes;
  try {
    sizes = resolveSizes({ ...command.sizes, meters: command.sizes.meters ?? config.seedMeters });
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }

  let handle: DbHandle;
  try {
    handle = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
  } catch (err) {
    if (err instanceof DataFolderLockedError) {
      console.error(err.message);
      return 1;
    }
    throw err;
  }
  try {
    console.log(`Database: ${handle.kind} (${handle.location})`);
    if (!command.reset && !(await isNetworkEmpty(handle.db))) {
      console.error(
        "The database already has a network. Pass --reset to replace it " +
          "(this deletes the current network, customers, meters, crews and every outage that refers to them).",
      );
      return 1;
    }
    const code = await seed(handle, sizes, command.reset);
    if (code !== 0 || !command.historyDays) return code;
    const started = performance.now();
    const h = await writeHistory(handle.db, { days: command.historyDays, end: new Date(), seed: sizes.seed });
    console.log(
      `History of ${command.historyDays} days: ${h.outages} outages (${h.nested} nested), ${h.customerInterruptions} customer interruptions, ` +
        `${h.deviceMomentaries} device momentaries, written in ${((performance.now() - started) / 1000).toFixed(1)} s.`,
    );
    return 0;
  } finally {
    await handle.close();
  }
}

async function seed(handle: DbHandle, sizes: NetworkSizes, reset: boolean): Promise<number> {
  const bar = new cliProgress.SingleBar(
    { format: " {bar} {percentage}% | {value}/{total} rows | {stage}", hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  bar.start(1, 0, { stage: "generating the network" });
  const started = performance.now();
  const network = generateNetwork(sizes);
  const generated = performance.now();
  await loadNetwork(handle.db, network, {
    replace: reset,
    onProgress: (done, total, stage) => {
      bar.setTotal(total);
      bar.update(done, { stage: done < total ? `loading ${stage}` : "done" });
    },
  });
  bar.stop();
  const loaded = performance.now();

  const s = network.sizes;
  console.log(
    `\nSeed ${s.seed}: ${s.substations} substations, ${s.feeders} feeders, ${s.distributionPoints} distribution points, ` +
      `${s.meters} meters, ${s.crews} crews.`,
  );
  const counts = await tableCounts(handle);
  for (const [table, count] of Object.entries(counts)) console.log(`  ${table.padEnd(30)} ${String(count).padStart(9)}`);
  console.log(
    `Generated in ${((generated - started) / 1000).toFixed(1)} s, loaded in ${((loaded - generated) / 1000).toFixed(1)} s.`,
  );
  return 0;
}

const SUMMARY_TABLES = [
  "network_substations", "network_feeders", "network_distribution_points", "oms_customers", "oms_meters",
  "oms_onu_devices", "network_substation_meters", "network_feeder_meters", "oms_crews",
];

async function tableCounts(handle: DbHandle): Promise<Record<string, number>> {
  const selects = SUMMARY_TABLES.map((t) => `(SELECT COUNT(*)::int FROM ${t}) AS ${t}`).join(", ");
  const [row] = await queryRows<Record<string, number>>(handle.db, sql.raw(`SELECT ${selects}`));
  return row;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? `Seeding failed: ${err.message}` : err);
    process.exit(1);
  },
);
