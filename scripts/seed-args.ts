import { parseArgs } from "node:util";
import type { NetworkSizeOptions } from "../db/seed/types";

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export const SEED_USAGE = `Usage: npm run seed -- [options]

Generates a synthetic distribution network around Amman and loads it into the database
named by DATABASE_URL (PostgreSQL) or the embedded database in DATA_DIR.

Options:
  --meters N                meters (and customers) to create (default: SEED_METERS or 20000)
  --distribution-points N   distribution points (default: meters / 10)
  --feeders N               feeders (default: distribution points / 20)
  --substations N           substations (default: feeders / 5)
  --crews N                 crews (default: the number of substations, at least 3)
  --seed N                  random seed; the same seed and sizes give the same network (default 1)
  --reset                   replace the network already in the database (deletes its outages too)
  --history-days N          also write N days of restored outages, nested outages and momentaries
                            ending now, straight into the tables (for reliability reports at scale)
  --help                    show this help`;

export type SeedCommand =
  | { kind: "help" }
  | { kind: "seed"; sizes: Omit<NetworkSizeOptions, "meters"> & { meters?: number }; reset: boolean; historyDays?: number };

/** Flag → size field, with the least value that makes a network. */
const SIZE_FLAGS = {
  meters: { field: "meters", least: 1, most: 2_000_000 },
  "distribution-points": { field: "distributionPoints", least: 1, most: 2_000_000 },
  feeders: { field: "feeders", least: 1, most: 200_000 },
  substations: { field: "substations", least: 1, most: 20_000 },
  crews: { field: "crews", least: 0, most: 10_000 },
  seed: { field: "seed", least: 0, most: 0xffffffff },
} as const;

/** Parses the seed command line; throws a UsageError naming the bad flag. */
export function parseSeedArgs(argv: string[]): SeedCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        ...Object.fromEntries(Object.keys(SIZE_FLAGS).map((flag) => [flag, { type: "string" as const }])),
        reset: { type: "boolean" },
        "history-days": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) return { kind: "help" };
  const sizes: Record<string, number> = {};
  for (const [flag, { field, least, most }] of Object.entries(SIZE_FLAGS)) {
    const raw = values[flag];
    if (raw === undefined) continue;
    const text = String(raw).replace(/[_,]/g, "");
    const value = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(value) || value < least || value > most) {
      throw new UsageError(`--${flag} must be a whole number from ${least} to ${most} (got ${JSON.stringify(raw)})`);
    }
    sizes[field] = value;
  }
  let historyDays: number | undefined;
  if (values["history-days"] !== undefined) {
    const raw = String(values["history-days"]);
    historyDays = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(historyDays) || historyDays < 1 || historyDays > 3660) {
      throw new UsageError(`--history-days must be a whole number from 1 to 3660 (got ${JSON.stringify(raw)})`);
    }
  }
  return { kind: "seed", sizes, reset: values.reset === true, historyDays };
}
