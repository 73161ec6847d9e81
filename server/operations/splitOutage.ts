import { sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows, type DbOrTx } from "../../db/client";
import { arrayParam } from "../../db/arrays";
import type { ServiceContext } from "../context";
import { conflict, invalid } from "../errors";
import { changeOutages } from "./changeOutages";
import { outageIds } from "../ingest/correlateBatch";
import { actorRef, commitAndPublish } from "./changes";
import { isOpenStatus, lockOutage } from "./outages";
import { outageRef } from "./schemas";
import { addTimeline } from "./timeline";
import { at as time } from "./values";

export const splitOutageInput = z.object({
  outage_event_id: outageRef,
  /** The distribution points whose customers become an outage of their own. */
  distribution_points: z.array(z.string().trim().min(1).max(40)).min(1).max(200),
  reason: z.string().trim().max(500).nullish(),
});

/**
 * A dispatcher splits an outage: the customers out behind the named distribution points become
 * a new, confirmed outage (at that point, or at the feeder when several), with their signals.
 * Both outages keep their history; each timeline says what moved where and who moved it.
 */
export async function splitOutage(ctx: ServiceContext, input: z.output<typeof splitOutageInput>) {
  return commitAndPublish(ctx, async (tx, changes) => {
    const now = ctx.now();
    const from = await lockOutage(tx, input.outage_event_id);
    if (!isOpenStatus(from.status)) throw conflict(`Outage ${from.event_id} is ${from.status}; only an open outage can be split`);
    const moving = await queryRows<{ meter_id: number; dp_id: number; dp_code: string; since: Date | string }>(tx, sql`
      SELECT am.meter_id, d.id AS dp_id, d.dp_id AS dp_code, am.since
      FROM oms_outage_affected_meters am JOIN oms_meters m ON m.id = am.meter_id JOIN network_distribution_points d ON d.id = m.dp_id
      WHERE am.outage_event_id = ${from.id}::uuid AND am.state <> 'restored' AND d.dp_id = ANY(${arrayParam(input.distribution_points, "text")})`);
    if (!moving.length) {
      throw invalid(`None of these distribution points has customers out in ${from.event_id}`, [{ path: "distribution_points", message: "name points of this outage with customers out" }]);
    }
    const [{ n: staying }] = await queryRows<{ n: number }>(tx, sql`
      SELECT COUNT(*)::int AS n FROM oms_outage_affected_meters
      WHERE outage_event_id = ${from.id}::uuid AND state <> 'restored' AND NOT (meter_id = ANY(${arrayParam(moving.map((m) => m.meter_id), "int4")}))`);
    if (staying === 0) throw invalid("That would move every customer out: nothing would be left to split from", [{ path: "distribution_points", message: "leave at least one point with customers out" }]);

    const [o] = await queryRows<{ substation_id: number | null; feeder_id: number | null; feeder_code: string | null; severity: string; confidence_score: number }>(tx, sql`
      SELECT o.substation_id, o.feeder_id, f.feeder_id AS feeder_code, o.severity, o.confidence_score
      FROM oms_outage_events o LEFT JOIN network_feeders f ON f.id = o.feeder_id WHERE o.id = ${from.id}::uuid`);
    const points = [...new Map(moving.map((m) => [m.dp_id, m.dp_code])).entries()];
    const single = points.length === 1;
    const first = new Date(Math.min(...moving.map((m) => new Date(m.since).getTime())));
    const id = outageIds.outageId();
    const eventId = outageIds.eventId(first);
    const by = actorRef(ctx.actor);
    await tx.execute(sql`
      INSERT INTO oms_outage_events (id, event_id, event_type, status, severity, confidence_score, substation_id, feeder_id, dp_id,
        predicted_device_level, predicted_device_code, predicted_device_id, confirmed_by, confirmed_at, first_detected_at, last_updated_at)
      VALUES (${id}::uuid, ${eventId}, 'outage', 'confirmed', ${o.severity}, ${o.confidence_score}, ${o.substation_id}, ${o.feeder_id},
        ${single ? points[0][0] : null}, ${single ? "distribution_point" : "feeder"}, ${single ? points[0][1] : o.feeder_code},
        ${single ? points[0][0] : o.feeder_id}, ${by}, ${time(now)}, ${time(first)}, ${time(now)})`);
    const meterIds = arrayParam(moving.map((m) => m.meter_id), "int4");
    await tx.execute(sql`UPDATE oms_outage_affected_meters SET outage_event_id = ${id}::uuid WHERE outage_event_id = ${from.id}::uuid AND meter_id = ANY(${meterIds})`);
    await tx.execute(sql`UPDATE oms_event_sources SET outage_event_id = ${id}::uuid WHERE outage_event_id = ${from.id}::uuid AND meter_id = ANY(${meterIds})`);
    for (const outage of [from.id, id]) await redraw(tx, outage);
    // Both outages' counts, confidence and severity by the one outage arithmetic, from the meters and signals each now holds.
    const settled = await changeOutages(ctx, tx, [from.substation_id!], (pass) => {
      for (const o of pass.outages) if (o.id === from.id || o.id === id) pass.changed.set(o.id, o);
    });
    settled.decisions.created.add(id);
    changes.push(...await settled.write());
    const codes = points.map(([, code]) => code).join(", ");
    const why = input.reason ? `: ${input.reason}` : "";
    await addTimeline(tx, ctx.actor, now, { outageId: from.id, eventType: "split", status: from.status, description: `Split off ${moving.length} meters behind ${codes} into ${eventId}${why}` });
    await addTimeline(tx, ctx.actor, now, { outageId: id, eventType: "split", status: "confirmed", description: `Split from ${from.event_id}: ${moving.length} meters behind ${codes}${why}` });

    return { outage_event_id: id, event_id: eventId, split_from: from.event_id, meters: moving.length, distribution_points: points.map(([, c]) => c) };
  });
}

/** The drawn area and centre follow the customers still out. */
async function redraw(tx: DbOrTx, outageId: string) {
  await tx.execute(sql`
    UPDATE oms_outage_events o SET area = g.hull, centroid = ST_Centroid(g.hull)
    FROM (SELECT ST_ConvexHull(ST_Collect(m.location)) AS hull FROM oms_outage_affected_meters am JOIN oms_meters m ON m.id = am.meter_id
          WHERE am.outage_event_id = ${outageId}::uuid AND am.state <> 'restored') g
    WHERE o.id = ${outageId}::uuid AND g.hull IS NOT NULL`);
}
