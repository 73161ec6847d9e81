import { sql, type SQL } from "drizzle-orm";
import { exec, queryRows, together, type DbOrTx } from "../../db/client";
import { arrayParam, unnestRows } from "../../db/arrays";
import { LIVE_OUTAGE } from "../../db/queries/powerState";
import { deviceCode } from "../pipeline/outageState";
import type { Evidence } from "../pipeline/evidence";
import type { Decisions, NoticeType, OutageSnapshot, Topology } from "../pipeline/types";
import type { Actor } from "../context";
import { actorLabel } from "../context";

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/**
 * Writes one batch's decisions. Set-based: one statement per table however many outages,
 * meters or signals the batch touched. Runs inside the caller's transaction.
 */
export interface ApplyContext {
  topology: Topology;
  evidence: Evidence;
  /** The batch's meters, and those the pipeline itself moved (taken as back after a momentary): their power is written. */
  writtenMeterIds: number[];
  substationIds: number[];
  now: Date;
  actor: Actor;
  /** The rule's momentary window: a device's momentaries that close within it of each other are one. */
  momentaryMs: number;
  /** false: the caller refreshes the devices' energized state itself (from the state cache). */
  refreshDevices?: boolean;
  /** Each loaded outage's meters as they were (`state@since`): unchanged ones are not rewritten. */
  before?: Map<string, Map<number, string>>;
}

/**
 * Whether applyDecisions sends every statement before it returns: unless the batch has device
 * momentaries, breaker changes or merges, whose writes read what they write first. Then what is
 * sent after it on the transaction (the push's reads) runs after all its writes.
 */
export function writesAtOnce(d: Decisions): boolean {
  return !d.deviceMomentaries.length && !d.breakerChanges.length && !d.outages.some((o) => o.status === "merged" && o.mergedIntoId);
}

export async function applyDecisions(tx: DbOrTx, d: Decisions, ctx: ApplyContext) {
  // Sent in this order without waiting between them (`together`): each statement needs only
  // what the ones before it wrote.
  const first = [
    writeOutages(tx, d.outages, ctx.topology, ctx.now),
    writeAffectedMeters(tx, d.outages, ctx.before ?? new Map()),
    writeMeterPower(tx, ctx.evidence, ctx.writtenMeterIds, ctx.now),
    writeTimeline(tx, d, ctx.actor),
    writeMeterStatusEvents(tx, d),
    d.momentaries.length ? exec(tx, sql`INSERT INTO oms_momentary_interruptions (meter_id, off_at, on_at, source_type)
      SELECT * FROM ${unnestRows([["meter_id", "int4", d.momentaries.map((m) => m.meterId)], ["off_at", "timestamptz", d.momentaries.map((m) => iso(m.offAt))],
        ["on_at", "timestamptz", d.momentaries.map((m) => iso(m.onAt))], ["source_type", "text", d.momentaries.map((m) => m.source)]])}`) : undefined,
  ];
  if (!writesAtOnce(d)) {
    await together(first);
    // These read what they write (rare: device momentaries, breakers, merges).
    await writeDeviceMomentaries(tx, d, ctx);
    await writeBreakers(tx, d, ctx.now);
    await moveMergedLinks(tx, d);
  } else {
    for (const p of first) p?.catch(() => {}); // awaited below with the rest
  }
  const l = d.links;
  await together([
    ...first,
    l.length ? exec(tx, sql`INSERT INTO oms_event_sources (outage_event_id, source_type, source_event_id, meter_id, signal_kind, detected_at, correlation_weight)
      SELECT outage_event_id, source_type, source_event_id, meter_id, signal_kind, detected_at, 1 FROM ${unnestRows([
        ["outage_event_id", "uuid", l.map((x) => x.outageId)], ["source_type", "text", l.map((x) => x.sourceType)],
        ["source_event_id", "text", l.map((x) => x.sourceEventId)], ["meter_id", "int4", l.map((x) => x.meterId)],
        ["signal_kind", "text", l.map((x) => x.signalKind)], ["detected_at", "timestamptz", l.map((x) => iso(x.detectedAt))]])}
      ON CONFLICT DO NOTHING`) : undefined,
    writeNotifications(tx, d),
    carryOverToNested(tx, d, ctx.now),
    // With the state cache the devices are refreshed from memory (stateCache.ts refreshDevices).
    ctx.refreshDevices !== false ? refreshDeviceState(tx, ctx.substationIds) : undefined,
  ]);
}

/**
 * Breakers as SCADA (or the meters, `inferred`) last proved them. A SCADA close of a breaker the
 * meters had already proved closed only clears the mark, and says so on the outage it ended.
 */
async function writeBreakers(tx: DbOrTx, d: Decisions, now: Date) {
  for (const b of d.breakerChanges) {
    const table = b.level === "feeder" ? sql`network_feeders` : sql`network_substations`;
    const [row] = await queryRows<{ was: boolean }>(tx, sql`
      UPDATE ${table} t SET breaker_state = ${b.state}, breaker_changed_at = ${iso(b.at)}, breaker_inferred = ${b.inferred}, updated_at = ${iso(now)}
      FROM (SELECT id, breaker_inferred AS was FROM ${table} WHERE id = ${b.id} FOR UPDATE) old
      WHERE t.id = old.id RETURNING old.was`);
    if (row?.was && b.state === "closed" && !b.inferred) {
      await tx.execute(sql`
        INSERT INTO oms_event_timeline (outage_event_id, event_type, status, description, source, actor_id)
        SELECT id, 'breaker_confirmed', status, 'SCADA breaker close received: confirms the restoration the meters had proved', 'scada', NULL
        FROM oms_outage_events WHERE predicted_device_level = ${b.level} AND predicted_device_id = ${b.id} AND status = 'restored'
        ORDER BY actual_restoration_time DESC NULLS LAST LIMIT 1`);
    }
  }
}

/** A device momentary that overlaps one already recorded for the device (reported over several batches) extends it. */
async function writeDeviceMomentaries(tx: DbOrTx, d: Decisions, ctx: ApplyContext) {
  const windowMs = ctx.momentaryMs;
  for (const m of d.deviceMomentaries) {
    const customers = new Set(m.meterIds.map((id) => ctx.topology.meters.get(id)?.customerId).filter((c) => c != null)).size;
    const from = iso(new Date(m.startedAt.getTime() - windowMs));
    const to = iso(new Date(m.endedAt.getTime() + windowMs));
    const updated = await queryRows<{ id: number }>(tx, sql`
      UPDATE oms_device_momentaries SET started_at = LEAST(started_at, ${iso(m.startedAt)}::timestamptz), ended_at = GREATEST(ended_at, ${iso(m.endedAt)}::timestamptz),
        meters_reporting = GREATEST(meters_reporting, ${m.metersReporting}::int)
      WHERE level = ${m.level} AND device_id = ${m.deviceId} AND started_at <= ${to}::timestamptz AND ended_at >= ${from}::timestamptz
      RETURNING id::int AS id`);
    if (!updated.length) {
      await tx.execute(sql`
        INSERT INTO oms_device_momentaries (level, device_id, device_code, substation_id, feeder_id, dp_id, started_at, ended_at, customers, meters_reporting)
        VALUES (${m.level}, ${m.deviceId}, ${deviceCode(ctx.topology, m.level, m.deviceId)}, ${m.substationId}, ${m.feederId}, ${m.dpId},
          ${iso(m.startedAt)}, ${iso(m.endedAt)}, ${customers}, ${m.metersReporting})`);
    }
    // A feeder's (or substation's) momentary is the one record of the points under it at that time.
    if (m.level !== "distribution_point") {
      await tx.execute(sql`
        DELETE FROM oms_device_momentaries WHERE level = 'distribution_point' AND started_at <= ${to}::timestamptz AND ended_at >= ${from}::timestamptz
          AND ${m.level === "feeder" ? sql`feeder_id = ${m.deviceId}` : sql`substation_id = ${m.deviceId}`}`);
    }
  }
}

/** The signals of outages merged in this batch count for the outage that absorbed them. */
async function moveMergedLinks(tx: DbOrTx, d: Decisions) {
  const merged = d.outages.filter((o) => o.status === "merged" && o.mergedIntoId);
  if (!merged.length) return;
  await tx.execute(sql`
    INSERT INTO oms_event_sources (outage_event_id, source_type, source_event_id, meter_id, signal_kind, detected_at, correlation_weight)
    SELECT t.into_id, s.source_type, s.source_event_id, s.meter_id, s.signal_kind, s.detected_at, s.correlation_weight
    FROM ${unnestRows([["from_id", "uuid", merged.map((o) => o.id)], ["into_id", "uuid", merged.map((o) => o.mergedIntoId!)]])}
    JOIN oms_event_sources s ON s.outage_event_id = t.from_id
    ON CONFLICT DO NOTHING`);
}

/**
 * A nested outage keeps its parent's estimated restoration, and its timeline names the crew that
 * restored the parent, so the dispatcher can send it back (or another) at once.
 */
async function carryOverToNested(tx: DbOrTx, d: Decisions, now: Date) {
  const nested = d.outages.filter((o) => d.created.has(o.id) && o.parentOutageId);
  if (!nested.length) return;
  const ids = arrayParam(nested.map((o) => o.id), "uuid");
  // Both sent at once, in this order.
  const etr = exec(tx, sql`
    UPDATE oms_outage_events n SET estimated_restoration_time = p.estimated_restoration_time
    FROM oms_outage_events p WHERE n.id = ANY(${ids}) AND p.id = n.parent_outage_id AND p.estimated_restoration_time IS NOT NULL`);
  etr.catch(() => {}); // awaited below
  const timeline = exec(tx, sql`
    INSERT INTO oms_event_timeline (outage_event_id, event_type, status, description, source, actor_id, details)
    SELECT n.id, 'needs_crew', n.status,
      'Still dark after ' || p.event_id || ' was restored' ||
      COALESCE(' by crew ' || (SELECT string_agg(DISTINCT c.crew_id, ', ') FROM oms_crew_assignments a JOIN oms_crews c ON c.id = a.crew_id
        WHERE a.outage_event_id = p.id), '') ||
      ': dispatch a crew' || CASE WHEN p.estimated_restoration_time IS NOT NULL THEN '; its estimated restoration is kept' ELSE '' END,
      'system', NULL, jsonb_build_object('parentOutageId', p.id, 'at', ${iso(now)}::text)
    FROM oms_outage_events n JOIN oms_outage_events p ON p.id = n.parent_outage_id WHERE n.id = ANY(${ids})`);
  await together([etr, timeline]);
}

async function writeOutages(tx: DbOrTx, outages: OutageSnapshot[], topology: Topology, now: Date) {
  if (!outages.length) return;
  const col = <T>(f: (o: OutageSnapshot) => T) => outages.map(f);
  await exec(tx, sql`
    INSERT INTO oms_outage_events (id, event_id, status, severity, confidence_score, affected_customers_count, affected_meters_count,
      critical_customers_count, substation_id, feeder_id, dp_id, predicted_device_level, predicted_device_code, predicted_device_id,
      parent_outage_id, merged_into_id, cause, first_detected_at, last_updated_at, confirmed_at, confirmed_by,
      actual_restoration_time, verification_due_at, customers_notified)
    SELECT id, event_id, status, severity, confidence, customers, meters, critical, substation_id, feeder_id, dp_id, level, code, device_id,
      parent_id, merged_id, cause, first_at, ${iso(now)}::timestamptz, confirmed_at, confirmed_by, restored_at, due, notified
    FROM ${unnestRows([
      ["id", "uuid", col((o) => o.id)], ["event_id", "text", col((o) => o.eventId)], ["status", "text", col((o) => o.status)],
      ["severity", "text", col((o) => o.severity)], ["confidence", "float8", col((o) => o.confidence)],
      ["customers", "int4", col((o) => o.customersOut)],
      ["meters", "int4", col((o) => [...o.meters.values()].filter((m) => m.state !== "restored").length)],
      ["critical", "int4", col((o) => o.criticalCustomersOut)], ["substation_id", "int4", col((o) => o.substationId)],
      ["feeder_id", "int4", col((o) => o.feederId)], ["dp_id", "int4", col((o) => o.dpId)], ["level", "text", col((o) => o.level)],
      ["code", "text", col((o) => deviceCode(topology, o.level, o.deviceId))], ["device_id", "int4", col((o) => o.deviceId)],
      ["parent_id", "uuid", col((o) => o.parentOutageId)], ["merged_id", "uuid", col((o) => o.mergedIntoId ?? null)],
      ["cause", "text", col((o) => o.cause)], ["first_at", "timestamptz", col((o) => iso(o.firstDetectedAt))],
      ["confirmed_at", "timestamptz", col((o) => iso(o.confirmedAt))], ["confirmed_by", "text", col((o) => o.confirmedBy)],
      ["restored_at", "timestamptz", col((o) => iso(o.restoredAt))], ["due", "timestamptz", col((o) => iso(o.verificationDueAt))],
      ["notified", "bool", col((o) => o.customersNotified)],
    ])}
    ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, severity = EXCLUDED.severity, confidence_score = EXCLUDED.confidence_score,
      affected_customers_count = EXCLUDED.affected_customers_count, affected_meters_count = EXCLUDED.affected_meters_count,
      critical_customers_count = EXCLUDED.critical_customers_count, feeder_id = EXCLUDED.feeder_id, dp_id = EXCLUDED.dp_id,
      predicted_device_level = EXCLUDED.predicted_device_level, predicted_device_code = EXCLUDED.predicted_device_code,
      predicted_device_id = EXCLUDED.predicted_device_id, merged_into_id = EXCLUDED.merged_into_id, cause = EXCLUDED.cause,
      first_detected_at = EXCLUDED.first_detected_at, last_updated_at = EXCLUDED.last_updated_at, confirmed_at = EXCLUDED.confirmed_at,
      confirmed_by = EXCLUDED.confirmed_by, actual_restoration_time = EXCLUDED.actual_restoration_time,
      verification_due_at = EXCLUDED.verification_due_at, customers_notified = EXCLUDED.customers_notified`);
}

async function writeAffectedMeters(tx: DbOrTx, outages: OutageSnapshot[], before: Map<string, Map<number, string>>) {
  const rows = outages.flatMap((o) => [...o.meters]
    .filter(([meterId, m]) => before.get(o.id)?.get(meterId) !== `${m.state}@${m.since.getTime()}`)
    .map(([meterId, m]) => ({ o: o.id, meterId, m })));
  if (!rows.length) return;
  const restoredAt = new Map(outages.map((o) => [o.id, o.restoredAt]));
  // The hull only moves when an outage gains meters.
  const added = rows.filter((r) => !before.get(r.o)?.has(r.meterId));
  const grown = [...new Set(added.map((r) => r.o))];
  const inserted = exec(tx, sql`
    INSERT INTO oms_outage_affected_meters (outage_event_id, meter_id, customer_id, state, since, restored_at)
    SELECT t.outage_id, t.meter_id, m.customer_id, t.state, t.since, CASE WHEN t.state = 'restored' THEN t.restored_at END
    FROM ${unnestRows([["outage_id", "uuid", rows.map((r) => r.o)], ["meter_id", "int4", rows.map((r) => r.meterId)],
      ["state", "text", rows.map((r) => r.m.state)], ["since", "timestamptz", rows.map((r) => iso(r.m.since))],
      ["restored_at", "timestamptz", rows.map((r) => iso(restoredAt.get(r.o)))]])}
    -- Each meter by its key (OFFSET 0 keeps the join a lookup per row): a plain join of a
    -- thousand rows hashed every meter of the network, 6–10 ms a pass on 20,000 meters.
    CROSS JOIN LATERAL (SELECT m.customer_id FROM oms_meters m WHERE m.id = t.meter_id OFFSET 0) m
    ON CONFLICT (outage_event_id, meter_id) DO UPDATE SET state = EXCLUDED.state, since = EXCLUDED.since,
      restored_at = COALESCE(oms_outage_affected_meters.restored_at, EXCLUDED.restored_at)`);
  // The drawn area: hull of the affected meters (a point or a line for one or two meters), sent
  // behind their insert (it runs after it) without waiting for it.
  if (!grown.length) return inserted;
  // Outages new in this pass gained all their meters here: only older ones have an area to grow.
  const older = grown.filter((id) => before.has(id));
  await together([inserted, exec(tx, redrawGrown(older, added.map((r) => r.o), added.map((r) => r.meterId)))]);
  if (process.env.OMS_VERIFY_STATE === "1") await verifyHulls(tx, grown);
}

/** The points of all the meters an outage holds (`outage`: the SQL naming its id), the set its area is the hull of. */
const meterPointsOf = (outage: SQL) => sql`
  SELECT m.location FROM oms_outage_affected_meters am JOIN oms_meters m ON m.id = am.meter_id WHERE am.outage_event_id = ${outage}`;

/** OMS_VERIFY_STATE=1: each grown outage's area and centre, exactly, as the hull of all its meters draws them (normalized). */
async function verifyHulls(tx: DbOrTx, outageIds: string[]) {
  const drift = await queryRows<{ id: string; area: string; full: string }>(tx, sql`
    SELECT o.id, ST_AsText(o.area) AS area, ST_AsText(f.hull) AS full FROM oms_outage_events o
    CROSS JOIN LATERAL (SELECT ST_Normalize(ST_ConvexHull(ST_Collect(p.location))) AS hull FROM (${meterPointsOf(sql`o.id`)}) p) f
    WHERE o.id = ANY(${arrayParam(outageIds, "uuid")})
      AND (ST_AsBinary(o.area) IS DISTINCT FROM ST_AsBinary(f.hull) OR ST_AsBinary(o.centroid) IS DISTINCT FROM ST_AsBinary(ST_Centroid(f.hull)))`);
  if (drift.length) throw new Error(`outage areas drawn from their growth differ from the hull of all their meters: ${drift.map((d) => `${d.id}: ${d.area} against ${d.full}`).join("; ")}`);
}

/**
 * The hull of an outage's meters, grown by the meters it gained (`outageIds[i]` gained
 * `meterIds[i]`): the hull of its drawn area and the new meters' points, which is the hull of all
 * its meters (the area's corners are meters' points) without reading the thousands of meters of
 * a feeder outage at every batch that adds some. `older` are the outages that had meters before
 * (the others gained all theirs here); one of them not drawn yet is drawn from all its meters.
 * The hull is normalized (`ST_Normalize`: its vertices in one order whatever order the points
 * came in), so the area and its centre do not depend on how the meters were split into batches.
 * `OMS_VERIFY_STATE=1` checks the result against the hull of all the outage's meters.
 */
function redrawGrown(older: string[], outageIds: string[], meterIds: number[]) {
  const olderIds = arrayParam(older, "uuid");
  return sql`
    UPDATE oms_outage_events o SET area = g.hull, centroid = ST_Centroid(g.hull)
    FROM (SELECT n.id, ST_Normalize(ST_ConvexHull(ST_Collect(n.geom))) AS hull FROM (
            SELECT t.outage_id AS id, m.location AS geom
            FROM ${unnestRows([["outage_id", "uuid", outageIds], ["meter_id", "int4", meterIds]])}
            CROSS JOIN LATERAL (SELECT m.location FROM oms_meters m WHERE m.id = t.meter_id OFFSET 0) m
            UNION ALL
            SELECT e.id, e.area FROM oms_outage_events e WHERE e.id = ANY(${olderIds}) AND e.area IS NOT NULL
            UNION ALL
            -- LATERAL: each outage's meters by its index, never a scan of every outage's meters.
            SELECT e.id, a.location FROM oms_outage_events e CROSS JOIN LATERAL (${meterPointsOf(sql`e.id`)}) a
            WHERE e.id = ANY(${olderIds}) AND e.area IS NULL) n
          GROUP BY n.id) g
    WHERE o.id = g.id`;
}

async function writeMeterPower(tx: DbOrTx, evidence: Evidence, meterIds: number[], now: Date) {
  const rows = meterIds.map((id) => [id, evidence.meterPower.get(id)] as const).filter(([, p]) => p && p.changedAt);
  if (!rows.length) return;
  await exec(tx, sql`
    UPDATE oms_meters m SET power_status = t.status, last_power_change = t.at, power_source_type = t.st,
      power_source_event_id = t.se, last_communication = GREATEST(m.last_communication, t.at), updated_at = ${iso(now)}
    FROM ${unnestRows([["id", "int4", rows.map(([id]) => id)], ["status", "text", rows.map(([, p]) => p!.status)],
      ["at", "timestamptz", rows.map(([, p]) => iso(p!.changedAt))], ["st", "text", rows.map(([, p]) => p!.source?.sourceType ?? null)],
      ["se", "text", rows.map(([, p]) => p!.source?.sourceEventId ?? null)]], { opaque: true })}
    WHERE m.id = t.id`);
}

async function writeTimeline(tx: DbOrTx, d: Decisions, actor: Actor) {
  if (!d.timeline.length) return;
  const e = d.timeline;
  const who = (kind: string) => (kind === "system" ? actorLabel(actor) : { source: kind, actorId: null });
  await exec(tx, sql`
    INSERT INTO oms_event_timeline (outage_event_id, event_type, status, description, source, actor_id, details)
    SELECT * FROM ${unnestRows([["outage_event_id", "uuid", e.map((x) => x.outageId)], ["event_type", "text", e.map((x) => x.eventType)],
      ["status", "text", e.map((x) => x.status)], ["description", "text", e.map((x) => x.description)],
      ["source", "text", e.map((x) => who(x.actor.kind).source)], ["actor_id", "text", e.map((x) => x.actor.id ?? who(x.actor.kind).actorId)],
      ["details", "jsonb", e.map((x) => (x.details ? JSON.stringify(x.details) : null))]])}`);
}

async function writeMeterStatusEvents(tx: DbOrTx, d: Decisions) {
  if (!d.meterChanges.length) return;
  const outageOf = new Map<number, string>();
  for (const o of d.outages) for (const meterId of o.meters.keys()) outageOf.set(meterId, o.id);
  const c = d.meterChanges;
  await exec(tx, sql`
    INSERT INTO oms_meter_status_events (meter_id, event_type, source_type, source_event_id, previous_status, new_status, event_timestamp, confidence_score, outage_event_id)
    SELECT * FROM ${unnestRows([["meter_id", "int4", c.map((x) => x.meterId)], ["event_type", "text", c.map((x) => (x.next === "off" ? "power_off" : x.next === "on" ? "power_on" : "taken_as_back"))],
      ["source_type", "text", c.map((x) => x.source)], ["source_event_id", "text", c.map((x) => x.sourceEventId)],
      ["previous_status", "text", c.map((x) => x.previous)], ["new_status", "text", c.map((x) => x.next)],
      ["event_timestamp", "timestamptz", c.map((x) => iso(x.at))], ["confidence_score", "float8", c.map((x) => x.confidence)],
      ["outage_event_id", "uuid", c.map((x) => outageOf.get(x.meterId) ?? null)]])}`);
}

const messages: Record<NoticeType, (eventId: string) => string> = {
  detected: (eventId: string) => `We know about a power outage affecting your address (${eventId}). Crews are being informed; we will update you.`,
  still_out: (eventId: string) => `Power is still out at your address after repairs nearby (${eventId}). A crew is being sent; we will update you.`,
  restored: (eventId: string) => `Power has been restored at your address (${eventId}). Thank you for your patience.`,
};

async function writeNotifications(tx: DbOrTx, d: Decisions) {
  const rows = d.notifications.flatMap((n) => n.customerIds.map((c) => ({ ...n, customerId: c })));
  if (!rows.length) return;
  const eventIds = new Map(d.outages.map((o) => [o.id, o.eventId]));
  await exec(tx, sql`
    INSERT INTO oms_customer_notifications (outage_event_id, customer_id, notification_type, channel, message_content)
    SELECT outage_id, customer_id, kind, 'sms', message FROM ${unnestRows([["outage_id", "uuid", rows.map((r) => r.outageId)],
      ["customer_id", "int4", rows.map((r) => r.customerId)], ["kind", "text", rows.map((r) => r.type)],
      ["message", "text", rows.map((r) => messages[r.type](eventIds.get(r.outageId) ?? ""))]])}
    ON CONFLICT DO NOTHING`);
}

/**
 * Distribution points, feeders and substations take their state from their meters' derived
 * power state (view oms_meter_power_state, migration 0008): every meter dark → de-energized, some →
 * partly out, none → energized. Stored so the map reads them cheaply; refreshed in the same
 * transaction as every change of outages or meter power, so they never disagree with the meters.
 */
export async function refreshDeviceState(tx: DbOrTx, substationIds: number[]) {
  if (!substationIds.length) return;
  const state = sql`CASE WHEN c.dark = 0 THEN 'energized' WHEN c.dark = c.total THEN 'de_energized' ELSE 'partial' END`;
  await exec(tx, sql`
    WITH ${darkMeters(substationIds)},
    dps AS (
      UPDATE network_distribution_points dp SET status = ${state}
      FROM (SELECT dp_id AS id, SUM(dark) AS dark, COUNT(*) AS total FROM m GROUP BY dp_id) c
      WHERE dp.id = c.id AND dp.status <> ${state} RETURNING 1),
    feeders AS (
      UPDATE network_feeders f SET status = ${state}
      FROM (SELECT feeder_id AS id, SUM(dark) AS dark, COUNT(*) AS total FROM m GROUP BY feeder_id) c
      WHERE f.id = c.id AND f.status <> ${state} RETURNING 1)
    UPDATE network_substations s SET status = ${state}
    FROM (SELECT substation_id AS id, SUM(dark) AS dark, COUNT(*) AS total FROM m GROUP BY substation_id) c
    WHERE s.id = c.id AND s.status <> ${state}`);
}

/** Devices of these substations whose stored state is not what their meters say (a check for the state cache). */
export async function deviceStateDrift(tx: DbOrTx, substationIds: number[]): Promise<string[]> {
  if (!substationIds.length) return [];
  const state = sql`CASE WHEN c.dark = 0 THEN 'energized' WHEN c.dark = c.total THEN 'de_energized' ELSE 'partial' END`;
  const rows = await queryRows<{ what: string }>(tx, sql`
    WITH ${darkMeters(substationIds)}
    SELECT 'dp ' || dp.id || ' stored ' || dp.status || ', meters say ' || ${state} AS what
    FROM network_distribution_points dp JOIN (SELECT dp_id AS id, SUM(dark) AS dark, COUNT(*) AS total FROM m GROUP BY dp_id) c ON dp.id = c.id WHERE dp.status <> ${state}
    UNION ALL
    SELECT 'feeder ' || f.id || ' stored ' || f.status || ', meters say ' || ${state}
    FROM network_feeders f JOIN (SELECT feeder_id AS id, SUM(dark) AS dark, COUNT(*) AS total FROM m GROUP BY feeder_id) c ON f.id = c.id WHERE f.status <> ${state}
    UNION ALL
    SELECT 'substation ' || s.id || ' stored ' || s.status || ', meters say ' || ${state}
    FROM network_substations s JOIN (SELECT substation_id AS id, SUM(dark) AS dark, COUNT(*) AS total FROM m GROUP BY substation_id) c ON s.id = c.id WHERE s.status <> ${state}`);
  return rows.map((r) => r.what);
}

/**
 * The meters of these substations, each marked dark or not. Dark in the view's terms (state off
 * or assumed) is: held by a live outage, or its own last word was off. Read set-wise from the
 * outages of these substations and their meters that are off, rather than meter by meter
 * through the view.
 */
function darkMeters(substationIds: number[]) {
  const subs = arrayParam(substationIds, "int4");
  return sql`dark AS MATERIALIZED (
      SELECT am.meter_id FROM oms_outage_events o JOIN oms_outage_affected_meters am ON am.outage_event_id = o.id
      WHERE o.substation_id = ANY(${subs}) AND am.state <> 'restored' AND ${LIVE_OUTAGE}
      UNION
      SELECT id FROM oms_meters WHERE substation_id = ANY(${subs}) AND power_status = 'off'),
    m AS MATERIALIZED (
      SELECT m.dp_id, m.feeder_id, m.substation_id, (d.meter_id IS NOT NULL)::int AS dark
      FROM oms_meters m LEFT JOIN dark d ON d.meter_id = m.id WHERE m.substation_id = ANY(${subs}))`;
}
