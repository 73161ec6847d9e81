import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../client";
import { PLAYBACK_SEVERITIES, PLAYBACK_STATUSES, type DeviceFrame, type Playback, type PlaybackFrame } from "./playbackFormat";

/** At most this many outage changes in one playback (about 40 bytes each on the wire); past it the playback ends at the last whole commit, and says so. */
export const MAX_PLAYBACK_CHANGES = 200_000;

/**
 * An outage's summary inside a change (server/realtime/events.ts OutageSummary). Changes recorded
 * before summaries carried lat/lng take the outage's centroid now (it moves only when it grows).
 */
const SUMMARY_COLUMNS = sql`x.o->>'id' AS id, x.o->>'eventId' AS event_id, x.o->>'level' AS level, x.o->>'deviceCode' AS device_code,
  x.o->>'status' AS status, x.o->>'severity' AS severity, COALESCE((x.o->>'customersOut')::int, 0) AS customers,
  COALESCE((x.o->>'lat')::float8, (SELECT ST_Y(oe.centroid) FROM oms_outage_events oe WHERE oe.id = (x.o->>'id')::uuid)) AS lat,
  COALESCE((x.o->>'lng')::float8, (SELECT ST_X(oe.centroid) FROM oms_outage_events oe WHERE oe.id = (x.o->>'id')::uuid)) AS lng`;
const OUTAGE_CHANGES = sql`oms_change_log c CROSS JOIN LATERAL jsonb_array_elements(c.payload->'outages') WITH ORDINALITY x(o, k)`;
const OUTAGE_TOPIC = sql`c.topic IN ('outage:created', 'outage:updated', 'outage:restored')`;

/** The feeders' and substations' states a change carried (`devices`, on the first outage change of a commit). */
const DEVICE_STATES = sql`(SELECT 'f' AS kind, (d->>'id')::int AS id, d->>'status' AS status, d->>'breaker' AS breaker FROM jsonb_array_elements(c.payload->'devices'->'feeders') d
   UNION ALL SELECT 's', (d->>'id')::int, d->>'status', NULL FROM jsonb_array_elements(c.payload->'devices'->'substations') d) dv`;
type DeviceRow = { at: Date | string; kind: "f" | "s"; id: number; status: string; breaker: string | null };

/** What an outage change holds (server/realtime/events.ts ChangePayloads), as far as the map needs. */
type CommitPayload = {
  outages?: Array<{ id: string; eventId: string; level?: string; deviceCode?: string | null; status: string; severity: string; customersOut?: number; lat?: number | null; lng?: number | null }>;
  devices?: { feeders: Array<{ id: number; status: string; breaker: string }>; substations: Array<{ id: number; status: string }> };
};

type Row = { at: Date | string; id: string; event_id: string; level: string | null; device_code: string | null; status: string; severity: string; customers: number; lat: number | null; lng: number | null };

/** About a metre: the map cannot show more, and the payload is smaller. */
const round5 = (x: number | null) => (x == null ? null : Math.round(Number(x) * 1e5) / 1e5);

/**
 * The outages on the map over a past period, from the change log (what was pushed live, in commit
 * order): the state at `from` and every change up to `to`. The state at `from` is each outage's last
 * summary at or before it, looked up only for the outages that could have been open then (created
 * by then and not closed an hour or more before it, the hour absorbing the gap between the
 * pipeline's clock and the commit's); the log is read back only to the oldest of those.
 */
export async function playback(db: DbOrTx, from: Date, to: Date): Promise<Playback> {
  const f = from.toISOString();
  const candidates = sql`candidates AS (
      SELECT id::text AS id, created_at FROM oms_outage_events
      WHERE created_at <= ${f}::timestamptz
        AND (status IN ('detected', 'confirmed', 'in_progress')
             OR last_updated_at >= ${f}::timestamptz - interval '1 hour' OR actual_restoration_time >= ${f}::timestamptz - interval '1 hour')
    )`;
  const startRows = await queryRows<Row>(db, sql`
    WITH ${candidates}
    SELECT DISTINCT ON (x.o->>'id') c.created_at AS at, ${SUMMARY_COLUMNS}
    FROM ${OUTAGE_CHANGES}
    WHERE ${OUTAGE_TOPIC} AND c.created_at <= ${f}::timestamptz AND c.created_at >= (SELECT MIN(created_at) FROM candidates)
      AND x.o->>'id' IN (SELECT id FROM candidates)
    ORDER BY x.o->>'id', c.seq DESC, x.k DESC`);
  // The period's changes whole, each payload read once (a jsonb payload is detoasted at every use of it
  // in a query: picking the outages and the devices out in SQL read each one twice and cost twice as much).
  const commits = await queryRows<{ at: Date | string; payload: CommitPayload | string }>(db, sql`
    SELECT c.created_at AS at, c.payload FROM oms_change_log c
    WHERE ${OUTAGE_TOPIC} AND c.created_at > ${f}::timestamptz AND c.created_at <= ${to.toISOString()}::timestamptz
    ORDER BY c.seq`);
  // A device is dark only under an outage: its state at `from` is its last one since the oldest outage that could be open then.
  const deviceStart = await queryRows<DeviceRow>(db, sql`
    WITH ${candidates}
    SELECT DISTINCT ON (dv.kind, dv.id) c.created_at AS at, dv.kind, dv.id, dv.status, dv.breaker
    FROM oms_change_log c CROSS JOIN LATERAL ${DEVICE_STATES}
    WHERE ${OUTAGE_TOPIC} AND c.payload ? 'devices' AND c.created_at <= ${f}::timestamptz AND c.created_at >= (SELECT MIN(created_at) FROM candidates)
    ORDER BY dv.kind, dv.id, c.seq DESC`);
  const [log] = await queryRows<{ at: Date | string }>(db, sql`SELECT created_at AS at FROM oms_change_log ORDER BY seq LIMIT 1`);

  const changeRows: Row[] = [];
  const deviceRows: DeviceRow[] = [];
  let truncated = false;
  for (const c of commits) {
    const payload = (typeof c.payload === "string" ? JSON.parse(c.payload) : c.payload) as CommitPayload;
    if (changeRows.length + (payload.outages?.length ?? 0) > MAX_PLAYBACK_CHANGES) { truncated = true; break; }
    for (const o of payload.outages ?? []) {
      changeRows.push({ at: c.at, id: o.id, event_id: o.eventId, level: o.level ?? null, device_code: o.deviceCode ?? null, status: o.status,
        severity: o.severity, customers: o.customersOut ?? 0, lat: o.lat ?? null, lng: o.lng ?? null });
    }
    for (const d of payload.devices?.feeders ?? []) deviceRows.push({ at: c.at, kind: "f", id: d.id, status: d.status, breaker: d.breaker });
    for (const d of payload.devices?.substations ?? []) deviceRows.push({ at: c.at, kind: "s", id: d.id, status: d.status, breaker: null });
  }
  // Changes recorded before summaries carried where the map draws them: the outage's centroid now (it moves only when it grows).
  const unplaced = [...new Set(changeRows.filter((r) => r.lat == null).map((r) => r.id))];
  const placed = new Map<string, { lat: number; lng: number }>();
  for (let i = 0; i < unplaced.length; i += 1000) {
    const rows = await queryRows<{ id: string; lat: number; lng: number }>(db, sql`
      SELECT id::text AS id, ST_Y(centroid) AS lat, ST_X(centroid) AS lng FROM oms_outage_events
      WHERE centroid IS NOT NULL AND id IN (${sql.join(unplaced.slice(i, i + 1000).map((id) => sql`${id}::uuid`), sql`, `)})`);
    for (const r of rows) placed.set(r.id, r);
  }
  for (const r of changeRows) if (r.lat == null && placed.has(r.id)) Object.assign(r, placed.get(r.id));
  const outages: Playback["outages"] = [];
  const index = new Map<string, number>();
  const last = new Map<number, PlaybackFrame>();
  const frame = (r: Row, t: number): PlaybackFrame => {
    let i = index.get(r.id);
    if (i === undefined) {
      i = outages.push([r.id, r.event_id, r.level ?? "meter", r.device_code]) - 1;
      index.set(r.id, i);
    }
    return [t, i, PLAYBACK_STATUSES.indexOf(r.status as never), PLAYBACK_SEVERITIES.indexOf(r.severity as never), Number(r.customers), round5(r.lat), round5(r.lng)];
  };
  const start = startRows.map((r) => frame(r, 0)).filter((fr) => fr[2] <= 2);
  for (const fr of start) last.set(fr[1], fr);
  const changes: PlaybackFrame[] = [];
  let t = 0;
  for (const r of changeRows) {
    // Commit order is the truth; a transaction's clock starts when it began, so times can step back a little.
    t = Math.max(t, new Date(r.at).getTime() - from.getTime());
    const fr = frame(r, t);
    const before = last.get(fr[1]);
    if (before && before.slice(2).every((v, k) => v === fr[k + 2])) continue;
    last.set(fr[1], fr);
    changes.push(fr);
  }
  const end = truncated ? new Date(from.getTime() + t) : to;
  const devices = (kind: "f" | "s") => {
    const latest = new Map<number, DeviceFrame>();
    const start = deviceStart.filter((r) => r.kind === kind).map((r): DeviceFrame => [0, r.id, r.status, r.breaker]);
    for (const d of start) latest.set(d[1], d);
    const changes: DeviceFrame[] = [];
    let dt = 0;
    for (const r of deviceRows) {
      if (r.kind !== kind) continue;
      dt = Math.max(dt, new Date(r.at).getTime() - from.getTime());
      if (dt > end.getTime() - from.getTime()) break;
      const before = latest.get(r.id);
      if (before && before[2] === r.status && before[3] === r.breaker) continue;
      const d: DeviceFrame = [dt, r.id, r.status, r.breaker];
      latest.set(r.id, d);
      changes.push(d);
    }
    return { start, changes };
  };
  return {
    from: f, to: end.toISOString(), outages, start, changes, feeders: devices("f"), substations: devices("s"), truncated,
    logStartsAt: log ? new Date(log.at).toISOString() : null,
  };
}
