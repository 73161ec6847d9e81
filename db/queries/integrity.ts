import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../client";

/**
 * The references migration 0017 left without a foreign-key constraint (the rows a storm writes
 * per signal), each as child table, column and the parent it names. The correlation pass writes
 * them next to their parents; this is how to check that it did.
 */
export const UNCHECKED_REFERENCES = [
  ["kaifa_events", "meter_id", "oms_meters"],
  ["kaifa_events", "inbox_id", "ingest_inbox"],
  ["onu_events", "meter_id", "oms_meters"],
  ["onu_events", "inbox_id", "ingest_inbox"],
  ["callcenter_tickets", "meter_id", "oms_meters"],
  ["callcenter_tickets", "customer_id", "oms_customers"],
  ["callcenter_tickets", "inbox_id", "ingest_inbox"],
  ["oms_meter_status_events", "meter_id", "oms_meters"],
  ["oms_meter_status_events", "outage_event_id", "oms_outage_events"],
  ["oms_outage_affected_meters", "outage_event_id", "oms_outage_events"],
  ["oms_outage_affected_meters", "meter_id", "oms_meters"],
  ["oms_outage_affected_meters", "customer_id", "oms_customers"],
  ["oms_event_sources", "outage_event_id", "oms_outage_events"],
  ["oms_event_sources", "meter_id", "oms_meters"],
  ["oms_customer_notifications", "outage_event_id", "oms_outage_events"],
  ["oms_customer_notifications", "customer_id", "oms_customers"],
  ["oms_momentary_interruptions", "meter_id", "oms_meters"],
] as const;

export interface Orphans { table: string; column: string; parent: string; rows: number }

/** Rows whose unchecked reference names no parent row: empty when the database is whole. */
export async function findOrphans(db: DbOrTx): Promise<Orphans[]> {
  const found: Orphans[] = [];
  for (const [table, column, parent] of UNCHECKED_REFERENCES) {
    const [row] = await queryRows<{ n: number }>(db, sql`
      SELECT COUNT(*)::int AS n FROM ${sql.identifier(table)} c
      WHERE c.${sql.identifier(column)} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${sql.identifier(parent)} p WHERE p.id = c.${sql.identifier(column)})`);
    if (row.n > 0) found.push({ table, column, parent, rows: row.n });
  }
  return found;
}
