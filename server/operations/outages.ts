import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../../db/client";
import type { OutageStatus } from "../../db/schema";
import { notFound } from "../errors";
import { lockSubstations } from "../ingest/correlateBatch";

/** The statuses of an outage that still has customers dark and can take crews. */
export const OPEN_STATUSES: readonly OutageStatus[] = ["detected", "confirmed", "in_progress"];
export const isOpenStatus = (status: OutageStatus) => OPEN_STATUSES.includes(status);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface OutageRow {
  id: string;
  event_id: string;
  status: OutageStatus;
  substation_id: number | null;
  first_detected_at: Date;
  confirmed_at: Date | null;
  estimated_restoration_time: Date | null;
}

const date = (v: Date | string | null) => (v == null ? null : new Date(v));

/** An outage by its uuid or its `OMS_…` event id, as integrations and the seeds name it. */
export async function findOutage(db: DbOrTx, ref: string, forUpdate = false): Promise<OutageRow> {
  const where = UUID.test(ref) ? sql`id = ${ref}::uuid` : sql`event_id = ${ref}`;
  const [row] = await queryRows<OutageRow>(db, sql`
    SELECT id, event_id, status, substation_id, first_detected_at, confirmed_at, estimated_restoration_time
    FROM oms_outage_events WHERE ${where} ${forUpdate ? sql`FOR UPDATE` : sql``}`);
  if (!row) throw notFound(`Outage ${ref}`);
  return {
    ...row,
    first_detected_at: new Date(row.first_detected_at),
    confirmed_at: date(row.confirmed_at),
    estimated_restoration_time: date(row.estimated_restoration_time),
  };
}

/**
 * Finds the outage and holds it for a change: first the pipeline's lock on its substation, then
 * the row. The row is read again after the locks, since the pipeline may have changed it.
 */
export async function lockOutage(tx: DbOrTx, ref: string): Promise<OutageRow> {
  const seen = await findOutage(tx, ref);
  if (seen.substation_id != null) {
    // The pipeline's lock: it never writes back a snapshot of the outage it loaded before this
    // verb committed, and its state cache of the substation is stale from here on.
    await lockSubstations(tx, [seen.substation_id]);
  }
  return findOutage(tx, seen.id, true);
}
