import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../../db/client";
import { arrayParam } from "../../db/arrays";

interface RecentPlaceCall { id: string; ticket: string; at: Date | string }

/** The calls with only a place since `since` (what `dpCalls` answers from; sent before it returns). */
export function recentPlaceCalls(db: DbOrTx, since: Date): Promise<RecentPlaceCall[]> {
  return queryRows<RecentPlaceCall>(db, sql`
      SELECT t.id::text AS id, t.ticket_id AS ticket, t.event_timestamp AS at FROM callcenter_tickets t
      WHERE t.meter_id IS NULL AND t.lat IS NOT NULL AND t.lng IS NOT NULL AND t.event_timestamp >= ${since.toISOString()}`);
}

/** A point within the radius of a call placed only by its location, with its planar distance (`<->`). */
interface Candidate { dpId: number; substationId: number; distance: number }

export interface PlaceCall { dpId: number; at: Date; ticket: string }

/**
 * Calls with only a place (no meter), answered at the nearest distribution point of the batch's
 * substations within the rule's radius. Which points lie within the radius of a call depends only
 * on where the call is and where the points are, so it is looked up once per call (and radius)
 * and kept, rather than searched again by every batch while the call is in the rule's window.
 * The answer is the one `loadReports` computes in SQL (nearest by `<->`, within `ST_DWithin` on
 * the geography); OMS_VERIFY_STATE=1 compares the two on every batch. Points' places are part of
 * the network model (migration 0015 redraws its token when one moves), so the owner clears this
 * with the rest of its state when the model changes.
 */
export class PlaceCallIndex {
  /** By radius, then by ticket row id: the points within that radius, nearest first. */
  private readonly byRadius = new Map<number, Map<string, { at: Date; candidates: Candidate[] }>>();

  async dpCalls(db: DbOrTx, substationIds: number[], since: Date, radiusMeters: number, sent?: Promise<RecentPlaceCall[]>): Promise<PlaceCall[]> {
    const recent = await (sent ?? recentPlaceCalls(db, since));
    let known = this.byRadius.get(radiusMeters);
    if (!known) this.byRadius.set(radiusMeters, (known = new Map()));
    // Calls older than this window are dropped (a larger window later asks again). What this
    // batch uses is taken now: a batch running meanwhile (the sweep) may drop some.
    for (const [id, c] of known) if (c.at < since) known.delete(id);
    const have = new Map<string, { at: Date; candidates: Candidate[] }>();
    for (const r of recent) {
      const c = known.get(r.id);
      if (c) have.set(r.id, c);
    }
    const missing = recent.filter((r) => !have.has(r.id));
    if (missing.length) {
      const rows = await queryRows<{ id: string; dpId: number; substationId: number; distance: number }>(db, sql`
        SELECT t.id::text AS id, dp.id AS "dpId", f.substation_id AS "substationId",
               dp.location <-> ST_SetSRID(ST_MakePoint(t.lng, t.lat), 4326) AS distance
        FROM callcenter_tickets t
        JOIN network_distribution_points dp
          ON ST_DWithin(dp.location::geography, ST_SetSRID(ST_MakePoint(t.lng, t.lat), 4326)::geography, ${radiusMeters})
        JOIN network_feeders f ON f.id = dp.feeder_id
        WHERE t.id = ANY(${arrayParam(missing.map((r) => r.id), "uuid")})`);
      const byTicket = new Map<string, Candidate[]>(missing.map((r) => [r.id, []]));
      for (const r of rows) byTicket.get(r.id)!.push({ dpId: r.dpId, substationId: r.substationId, distance: Number(r.distance) });
      for (const r of missing) {
        const candidates = byTicket.get(r.id)!.sort((a, b) => a.distance - b.distance || a.dpId - b.dpId);
        const c = { at: new Date(r.at), candidates };
        known.set(r.id, c);
        have.set(r.id, c);
      }
    }
    // Each call at the nearest point of these substations; each point keeps its latest call.
    const subs = new Set(substationIds);
    const latest = new Map<number, PlaceCall>();
    for (const r of recent) {
      const dp = have.get(r.id)!.candidates.find((c) => subs.has(c.substationId));
      if (!dp) continue;
      const at = new Date(r.at);
      const held = latest.get(dp.dpId);
      if (!held || at > held.at || (at.getTime() === held.at.getTime() && r.ticket > held.ticket)) latest.set(dp.dpId, { dpId: dp.dpId, at, ticket: r.ticket });
    }
    return [...latest.values()];
  }

  clear() {
    this.byRadius.clear();
  }
}
