import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateNetwork } from "../db/seed/generate";
import { loadNetwork, resetNetwork, UNLINKED_TABLE_NAMES } from "../db/seed/load";
import { findOrphans, UNCHECKED_REFERENCES } from "../db/queries/integrity";
import { queryRows, type DbHandle } from "../db/client";
import { createTestDb, runtimeName } from "./helpers/db";

const network = generateNetwork({ meters: 300, seed: 4, substations: 1, feeders: 3, distributionPoints: 30 });

describe(`references without foreign keys (migration 0017) on ${runtimeName}`, () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await createTestDb();
    await loadNetwork(handle.db, network);
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("are really unchecked, and every one of them is looked at by the orphan check", async () => {
    const constraints = await queryRows<{ child: string; col: string }>(handle.db, sql`
      SELECT cl.relname AS child, a.attname AS col FROM pg_constraint c JOIN pg_class cl ON cl.oid = c.conrelid
      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey) WHERE c.contype = 'f'`);
    const checked = new Set(constraints.map((c) => `${c.child}.${c.col}`));
    for (const [table, column] of UNCHECKED_REFERENCES) expect(checked.has(`${table}.${column}`), `${table}.${column}`).toBe(false);
    // The outages themselves keep theirs.
    expect(checked.has("oms_event_timeline.outage_event_id")).toBe(true);
    expect(checked.has("oms_outage_events.feeder_id")).toBe(true);
  });

  it("finds rows that name a missing meter, customer, outage or inbox row, and nothing on a whole database", async () => {
    expect(await findOrphans(handle.db)).toEqual([]);
    await handle.db.execute(sql`INSERT INTO kaifa_events (event_id, event_timestamp, meter_id, inbox_id) VALUES ('K-ORPHAN', now(), 999999, 888888)`);
    await handle.db.execute(sql`INSERT INTO oms_outage_affected_meters (outage_event_id, meter_id, customer_id, state, since)
      VALUES ('00000000-0000-4000-8000-000000000001', 1, 1, 'off', now())`);
    expect(await findOrphans(handle.db)).toEqual([
      { table: "kaifa_events", column: "meter_id", parent: "oms_meters", rows: 1 },
      { table: "kaifa_events", column: "inbox_id", parent: "ingest_inbox", rows: 1 },
      { table: "oms_outage_affected_meters", column: "outage_event_id", parent: "oms_outage_events", rows: 1 },
    ]);
  });

  it("are emptied with the network, as CASCADE did through their keys", async () => {
    await resetNetwork(handle.db);
    for (const table of UNLINKED_TABLE_NAMES) {
      const [{ n }] = await queryRows<{ n: number }>(handle.db, sql`SELECT COUNT(*)::int AS n FROM ${sql.identifier(table)}`);
      expect(n, table).toBe(0);
    }
    expect(await findOrphans(handle.db)).toEqual([]);
  });
});
