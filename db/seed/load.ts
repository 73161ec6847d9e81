import { UNCHECKED_REFERENCES } from "../queries/integrity";
import { sql } from "drizzle-orm";
import { arrayParam } from "../arrays";
import { queryRows, type Db } from "../client";
import { generateNetwork } from "./generate";
import { NETWORK_TABLES, type TableSpec } from "./tables";
import type { GeneratedNetwork, NetworkSizes } from "./types";

export type LoadProgress = (done: number, total: number, stage: string) => void;

export interface LoadOptions {
  onProgress?: LoadProgress;
  /** Empty the network tables first, in the same transaction, so a failed load keeps the old network. */
  replace?: boolean;
  /** Rows per INSERT statement. */
  batchSize?: number;
}

export interface LoadCounts {
  substations: number;
  feeders: number;
  distributionPoints: number;
  customers: number;
  onuDevices: number;
  meters: number;
  substationMeters: number;
  feederMeters: number;
  crews: number;
}

/** The tables the generator fills, plus the crew table; TRUNCATE … CASCADE takes their dependants. */
const NETWORK_TABLE_NAMES = [
  "network_substations", "network_feeders", "network_distribution_points", "oms_customers",
  "oms_onu_devices", "oms_meters", "network_substation_meters", "network_feeder_meters", "oms_crews",
];
/**
 * Tables that refer to the network, customers or outages without a foreign key (migration 0017),
 * so CASCADE does not reach them: emptied by name with the network.
 */
export const UNLINKED_TABLE_NAMES = [...new Set(UNCHECKED_REFERENCES.map(([table]) => table))];
const SERIAL_TABLES = NETWORK_TABLES.map((t) => t.table);

export class NetworkNotEmptyError extends Error {
  constructor() {
    super("The database already holds a network; reset it first (seed --reset) or load with replace.");
    this.name = "NetworkNotEmptyError";
  }
}

/** Inserts a generated network in one transaction; returns the rows written per table. */
export async function loadNetwork(db: Db, network: GeneratedNetwork, options: LoadOptions = {}): Promise<LoadCounts> {
  return db.transaction(async (tx) => loadInto(tx as unknown as Db, network, options));
}

async function loadInto(tx: Db, network: GeneratedNetwork, options: LoadOptions): Promise<LoadCounts> {
  const batchSize = options.batchSize ?? 5000;
  if (options.replace) await resetNetwork(tx);
  else if (!(await isNetworkEmpty(tx))) throw new NetworkNotEmptyError();

  // Meter mappings count twice in the total: they are written after the meters.
  const total = NETWORK_TABLES.reduce((sum, t) => sum + t.rows(network).length, 0) + 2 * network.meters.length;
  let done = 0;
  const report = (stage: string) => options.onProgress?.(done, total, stage);
  for (const spec of NETWORK_TABLES) {
    const rows = spec.rows(network);
    report(spec.stage);
    for (let start = 0; start < rows.length; start += batchSize) {
      const batch = rows.slice(start, start + batchSize);
      await tx.execute(insertStatement(spec, batch));
      done += batch.length;
      report(spec.stage);
    }
  }
  // Critical customers' meters get restoration priority in the seed's mapping tables.
  const mapped = await queryRows<{ substation_meters: number; feeder_meters: number }>(tx, sql`
    WITH s AS (
      INSERT INTO network_substation_meters (substation_id, meter_id, priority)
      SELECT m.substation_id, m.id, CASE WHEN c.is_critical THEN 1 ELSE 0 END
      FROM oms_meters m LEFT JOIN oms_customers c ON c.id = m.customer_id
      WHERE m.substation_id IS NOT NULL
      RETURNING 1
    ), f AS (
      INSERT INTO network_feeder_meters (feeder_id, meter_id, priority)
      SELECT m.feeder_id, m.id, CASE WHEN c.is_critical THEN 1 ELSE 0 END
      FROM oms_meters m LEFT JOIN oms_customers c ON c.id = m.customer_id
      WHERE m.feeder_id IS NOT NULL
      RETURNING 1
    )
    SELECT (SELECT COUNT(*) FROM s)::int AS substation_meters, (SELECT COUNT(*) FROM f)::int AS feeder_meters`);
  done = total;
  report("meter mappings");
  await resetSequences(tx);
  return {
    substations: network.substations.length,
    feeders: network.feeders.length,
    distributionPoints: network.distributionPoints.length,
    customers: network.customers.length,
    onuDevices: network.onuDevices.length,
    meters: network.meters.length,
    substationMeters: mapped[0].substation_meters,
    feederMeters: mapped[0].feeder_meters,
    crews: network.crews.length,
  };
}

function insertStatement<R>(spec: TableSpec<R>, rows: R[]) {
  const names = spec.columns.map((c) => c.name).join(", ");
  const selects = spec.columns.map((c) => c.select ?? c.name).join(", ");
  const arrays = spec.columns.map((c) => arrayParam(rows.map(c.value), c.type));
  return sql`INSERT INTO ${sql.raw(spec.table)} (${sql.raw(names)})
    SELECT ${sql.raw(selects)} FROM unnest(${sql.join(arrays, sql`, `)}) AS t(${sql.raw(names)})`;
}

/** Rows came with explicit ids: move each serial past them so later inserts do not collide. */
async function resetSequences(tx: Db) {
  for (const table of SERIAL_TABLES) {
    await tx.execute(sql.raw(`SELECT setval(pg_get_serial_sequence('${table}', 'id'),
      COALESCE((SELECT MAX(id) FROM ${table}), 1), EXISTS (SELECT 1 FROM ${table}))`));
  }
}

export async function isNetworkEmpty(db: Db): Promise<boolean> {
  const rows = await queryRows<{ empty: boolean }>(db, sql`SELECT NOT EXISTS (SELECT 1 FROM network_substations) AS empty`);
  return rows[0].empty;
}

/**
 * Empties the network, customers, meters and crews, and with CASCADE everything that refers to
 * them (outages, their timelines, source events), restarting the ids at 1.
 */
export async function resetNetwork(db: Db): Promise<void> {
  await db.execute(sql.raw(`TRUNCATE ${[...NETWORK_TABLE_NAMES, ...UNLINKED_TABLE_NAMES].join(", ")} RESTART IDENTITY CASCADE`));
}

export interface SeedIfEmptyOptions {
  meters: number;
  seed?: number;
  log?: (message: string) => void;
  onProgress?: LoadProgress;
}

export interface SeededNetwork {
  sizes: NetworkSizes;
  counts: LoadCounts;
  generateSeconds: number;
  loadSeconds: number;
}

/** Advisory lock key, so that app processes starting together against one database seed it once. */
const SEED_LOCK_KEY = 7264002;

/**
 * First start: generates and loads a network when the database has none. Returns what it seeded,
 * or null when a network was already there and nothing was touched.
 */
export async function seedIfEmpty(db: Db, options: SeedIfEmptyOptions): Promise<SeededNetwork | null> {
  return db.transaction(async (txHandle) => {
    const tx = txHandle as unknown as Db;
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${SEED_LOCK_KEY})`);
    if (!(await isNetworkEmpty(tx))) return null;
    options.log?.(`No network in the database: generating one with ${options.meters} meters (seed ${options.seed ?? 1}).`);
    const started = performance.now();
    const network = generateNetwork({ meters: options.meters, seed: options.seed });
    const generated = performance.now();
    const counts = await loadInto(tx, network, { onProgress: options.onProgress });
    const generateSeconds = (generated - started) / 1000;
    const loadSeconds = (performance.now() - generated) / 1000;
    options.log?.(
      `Seeded ${counts.substations} substations, ${counts.feeders} feeders, ${counts.distributionPoints} distribution points, ` +
        `${counts.meters} meters, ${counts.crews} crews in ${(generateSeconds + loadSeconds).toFixed(1)} s.`,
    );
    return { sizes: network.sizes, counts, generateSeconds, loadSeconds };
  });
}
