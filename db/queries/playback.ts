import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../client";
import { PLAYBACK_SEVERITIES, PLAYBACK_STATUSES, type DeviceFrame, type Playback, type PlaybackFrame } from "./playbackFormat";

/** At most this many outage changes in one playback (about 40 bytes each on the wire); past it the playback ends early, and says so. */
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
  const changeRows = await queryRows<Row>(db, sql`
    SELECT c.created_at AS at, ${SUMMARY_COLUMNS}
    FROM ${OUTAGE_CHANGES}
    WHERE ${OUTAGE_TOPIC} AND c.created_at > ${f}::timestamptz AND c.created_at <= ${to.toISOString()}::timestamptz
    ORDER BY c.seq, x.k LIMIT ${MAX_PLAYBACK_CHANGES + 1}::int`);
  // A device is dark only under an outage: its state at `from` is its last one since the oldest outage that could be open then.
  const deviceStart = await queryRows<DeviceRow>(db, sql`
    WITH ${candidates}
    SELECT DISTINCT ON (dv.kind, dv.id) c.created_at AS at, dv.kind, dv.id, dv.status, dv.breaker
    FROM oms_change_log c CROSS JOIN LATERAL ${DEVICE_STATES}
    WHERE ${OUTAGE_TOPIC} AND c.payload ? 'devices' AND c.created_at <= ${f}::timestamptz AND c.created_at >= (SELECT MIN(created_at) FROM candidates)
    ORDER BY dv.kind, dv.id, c.seq DESC`);
  const deviceRows = await queryRows<DeviceRow>(db, sql`
    SELECT c.created_at AS at, dv.kind, dv.id, dv.status, dv.breaker
    FROM oms_change_log c CROSS JOIN LATERAL ${DEVICE_STATES}
    WHERE ${OUTAGE_TOPIC} AND c.payload ? 'devices' AND c.created_at > ${f}::timestamptz AND c.created_at <= ${to.toISOString()}::timestamptz
    ORDER BY c.seq LIMIT ${MAX_PLAYBACK_CHANGES}::int`);
  const [log] = await queryRows<{ at: Date | string }>(db, sql`SELECT created_at AS at FROM oms_change_log ORDER BY seq LIMIT 1`);

  const truncated = changeRows.length > MAX_PLAYBACK_CHANGES;
  if (truncated) changeRows.length = MAX_PLAYBACK_CHANGES;
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
