import { sql } from "drizzle-orm";
import { queryRows } from "../../db/client";
import type { ServiceContext } from "../context";
import { mergeOutages } from "./mergeOutages";

export interface ClusterInput { radiusMeters: number; windowMinutes: number; confidenceThreshold: number }

/**
 * Seed stage 5 on demand: open outages close in space (centroids within the radius) and time
 * (first detected within the window), both at or above the confidence threshold, are merged
 * into the earliest of each group. Topology already merges what shares a device; this joins
 * what has no topology link between them.
 */
export async function clusterEvents(ctx: ServiceContext, input: ClusterInput) {
  const pairs = await queryRows<{ a: string; b: string; distance: number; seconds: number }>(ctx.db, sql`
    SELECT o1.id AS a, o2.id AS b,
           ROUND(ST_Distance(o1.centroid::geography, o2.centroid::geography))::int AS distance,
           ABS(EXTRACT(EPOCH FROM (o1.first_detected_at - o2.first_detected_at)))::int AS seconds
    FROM oms_outage_events o1 JOIN oms_outage_events o2 ON o1.id < o2.id
    WHERE o1.status IN ('detected','confirmed','in_progress') AND o2.status IN ('detected','confirmed','in_progress')
      AND o1.confidence_score >= ${input.confidenceThreshold} AND o2.confidence_score >= ${input.confidenceThreshold}
      AND o1.centroid IS NOT NULL AND o2.centroid IS NOT NULL
      AND ST_DWithin(o1.centroid::geography, o2.centroid::geography, ${input.radiusMeters})
      AND ABS(EXTRACT(EPOCH FROM (o1.first_detected_at - o2.first_detected_at))) <= ${input.windowMinutes * 60}`);
  // Groups by transitive closure of the pairs (union-find).
  const parent = new Map<string, string>();
  const root = (x: string): string => (parent.get(x) === undefined || parent.get(x) === x ? x : root(parent.get(x)!));
  for (const { a, b } of pairs) {
    const [ra, rb] = [root(a), root(b)];
    if (ra !== rb) parent.set(rb, ra);
    if (!parent.has(ra)) parent.set(ra, ra);
  }
  const groups = new Map<string, string[]>();
  for (const id of new Set(pairs.flatMap((p) => [p.a, p.b]))) {
    const r = root(id);
    groups.set(r, [...(groups.get(r) ?? []), id]);
  }
  const clusters = [];
  for (const members of groups.values()) {
    const ordered = await queryRows<{ id: string }>(ctx.db, sql`
      SELECT id FROM oms_outage_events WHERE id IN (${sql.join(members.map((m) => sql`${m}::uuid`), sql`, `)}) ORDER BY first_detected_at, id`);
    const [into, ...from] = ordered.map((o) => o.id);
    clusters.push(await mergeOutages(ctx, { intoId: into, fromIds: from, reason: "spatial and temporal proximity" }));
  }
  return { pairs_found: pairs.length, clusters_merged: clusters.length, clusters, pairs };
}
