import { sql } from "drizzle-orm";
import { queryRows, together, type DbOrTx } from "../../db/client";
import type { ChangeTopic, ChangePayloads, DeviceStates, OutageSummary } from "./events";
import { deviceStatesOf, outageSummaries } from "../../db/queries/outages";

export interface Change<T extends ChangeTopic = ChangeTopic> {
  seq: number;
  topic: T;
  payload: ChangePayloads[T];
  at: string;
}

/**
 * Domain verbs record changes inside their transaction (so a change is numbered only if it
 * commits) and hand them to the publisher after the commit, which pushes them to browsers.
 */
export interface Publisher {
  publish(changes: Change[]): void;
}

/** Collects nothing and sends nothing: for scripts and tests that do not watch. */
export const silentPublisher: Publisher = { publish: () => {} };

/** Appends a change to the change log within the caller's transaction and returns it numbered. */
export async function recordChange<T extends ChangeTopic>(tx: DbOrTx, topic: T, payload: ChangePayloads[T]): Promise<Change<T>> {
  const [row] = await queryRows<{ seq: number | string; at: Date | string }>(tx, sql`
    INSERT INTO oms_change_log (topic, payload) VALUES (${topic}, ${JSON.stringify(payload)}::jsonb)
    RETURNING seq, created_at AS at`);
  return { seq: Number(row.seq), topic, payload, at: new Date(row.at).toISOString() };
}

/** Changes after `seq`, oldest first, for a client catching up after a reconnect. */
export async function changesSince(db: DbOrTx, seq: number, limit = 5000): Promise<Change[]> {
  const rows = await queryRows<{ seq: number | string; topic: ChangeTopic; payload: unknown; at: Date | string }>(db, sql`
    SELECT seq, topic, payload, created_at AS at FROM oms_change_log WHERE seq > ${seq} ORDER BY seq LIMIT ${limit}`);
  return rows.map((r) => ({ seq: Number(r.seq), topic: r.topic, payload: r.payload as never, at: new Date(r.at).toISOString() }));
}

export async function latestSeq(db: DbOrTx): Promise<number> {
  const [row] = await queryRows<{ seq: number | string | null }>(db, sql`SELECT MAX(seq) AS seq FROM oms_change_log`);
  return Number(row?.seq ?? 0);
}

/**
 * Records what a commit did to these outages as typed changes: `outage:created` for the ones it
 * opened, `outage:restored` for the ones it closed, `outage:updated` for the rest. The first of
 * them also carries the state of the feeders and substations the outages are in.
 */
export async function recordOutageChanges(tx: DbOrTx, outageIds: string[], createdIds: ReadonlySet<string> = new Set()): Promise<Change[]> {
  const summaries = await outageSummaries(tx, outageIds);
  const devices = await deviceStatesOf(tx, [...new Set(summaries.map((o) => o.substationId).filter((id) => id != null))]);
  return together(outageChanges(summaries, createdIds, devices).map(({ topic, payload }) => recordChange(tx, topic, payload)));
}

/**
 * The outage changes of a commit, in the order they are recorded. The feeders and substations
 * the outages are in go once per commit (on the first change): the map patches its lines and
 * substations from it instead of fetching them all again.
 */
export function outageChanges(summaries: OutageSummary[], createdIds: ReadonlySet<string>, devices: DeviceStates | undefined) {
  const closed = (o: OutageSummary) => o.status === "restored" || o.status === "cancelled";
  const groups = {
    "outage:created": summaries.filter((o) => createdIds.has(o.id)),
    "outage:restored": summaries.filter((o) => !createdIds.has(o.id) && closed(o)),
    "outage:updated": summaries.filter((o) => !createdIds.has(o.id) && !closed(o)),
  };
  const changes: Array<{ topic: keyof typeof groups; payload: ChangePayloads[keyof typeof groups] }> = [];
  for (const [topic, outages] of Object.entries(groups) as [keyof typeof groups, OutageSummary[]][]) {
    if (!outages.length) continue;
    changes.push({ topic, payload: devices ? { outages, devices } : { outages } });
    devices = undefined;
  }
  return changes;
}
