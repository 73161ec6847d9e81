import type { Rule } from "./rules";
import type { DeviceMomentary, MeterMomentary, Topology } from "./types";

/**
 * Momentary interruptions of a whole device, from the meters' own momentaries (an off and an on
 * within the momentary window): two or more meters of one distribution point whose offs fall
 * within the window of one another are the point's momentary (its silent meters were out too,
 * as with an outage at the point); enough points of one feeder at once (the feeder roll-up rule)
 * are the feeder's; every feeder of a substation, the substation's. The recent momentaries roll
 * up with this batch's, so a feeder's blip decides the same however its reports were split into
 * batches; only groups that this batch's momentaries belong to are returned: the repository
 * extends a device's record that overlaps (a feeder's replaces its points'), so a blip reported
 * over several batches is one momentary.
 */
export function deviceMomentaries(batch: MeterMomentary[], recent: MeterMomentary[], topology: Topology, rule: Rule): DeviceMomentary[] {
  if (batch.length === 0) return [];
  const windowMs = rule.momentarySeconds * 1000;
  const fresh = new Set(batch);
  const byDp = new Map<number, MeterMomentary[]>();
  for (const m of [...recent, ...batch]) {
    const dp = topology.meters.get(m.meterId)?.dpId;
    if (dp === undefined) continue;
    byDp.set(dp, [...(byDp.get(dp) ?? []), m]);
  }
  // What this batch's momentaries belong to: its points, and the feeders and substations they roll up to.
  const current = new Set<DeviceMomentary>();
  const points: DeviceMomentary[] = [];
  for (const [dpId, list] of byDp) {
    for (const group of clusters(list, (m) => m.offAt.getTime(), windowMs)) {
      const meters = new Set(group.map((m) => m.meterId));
      if (meters.size < 2) continue;
      const dp = topology.dps.get(dpId)!;
      const feeder = topology.feeders.get(dp.feederId)!;
      const point: DeviceMomentary = {
        level: "distribution_point", deviceId: dpId, substationId: feeder.substationId, feederId: dp.feederId, dpId,
        startedAt: new Date(Math.min(...group.map((m) => m.offAt.getTime()))),
        endedAt: new Date(Math.max(...group.map((m) => m.onAt.getTime()))),
        meterIds: dp.meterIds, metersReporting: meters.size,
      };
      points.push(point);
      if (group.some((m) => fresh.has(m))) current.add(point);
    }
  }
  const feeders = rollUp(points, current, "feeder", (p) => p.feederId!, (id) => topology.feeders.get(id)!.dpIds.length,
    (id, group) => {
      const f = topology.feeders.get(id)!;
      return { level: "feeder", deviceId: id, substationId: f.substationId, feederId: id, dpId: null, meterIds: f.dpIds.flatMap((d) => topology.dps.get(d)?.meterIds ?? []), group };
    }, rule, windowMs, rule.feederRollupShare);
  const all = rollUp(feeders, current, "substation", (p) => p.substationId, (id) => topology.substations.get(id)!.feederIds.length,
    (id, group) => {
      const s = topology.substations.get(id)!;
      const meterIds = s.feederIds.flatMap((f) => topology.feeders.get(f)?.dpIds ?? []).flatMap((d) => topology.dps.get(d)?.meterIds ?? []);
      return { level: "substation", deviceId: id, substationId: id, feederId: null, dpId: null, meterIds, group };
    }, rule, windowMs, 1);
  return all.filter((m) => current.has(m));
}

type Parent = Pick<DeviceMomentary, "level" | "deviceId" | "substationId" | "feederId" | "dpId" | "meterIds"> & { group: DeviceMomentary[] };

/**
 * Children momentaries at one time under one parent become the parent's when enough of its
 * children blinked; a parent is `current` when one of its children is.
 */
function rollUp(
  children: DeviceMomentary[], current: Set<DeviceMomentary>, level: DeviceMomentary["level"], parentOf: (c: DeviceMomentary) => number, childCount: (id: number) => number,
  make: (id: number, group: DeviceMomentary[]) => Parent, rule: Rule, windowMs: number, share: number,
): DeviceMomentary[] {
  const byParent = new Map<number, DeviceMomentary[]>();
  const out: DeviceMomentary[] = [];
  for (const c of children) {
    if (c.level === level) { out.push(c); continue; }
    byParent.set(parentOf(c), [...(byParent.get(parentOf(c)) ?? []), c]);
  }
  for (const [id, list] of byParent) {
    for (const group of clusters(list, (c) => c.startedAt.getTime(), windowMs)) {
      const n = new Set(group.map((c) => c.deviceId)).size;
      if (n >= rule.rollupMinChildren && n >= share * childCount(id)) {
        const { group: g, ...parent } = make(id, group);
        const rolled: DeviceMomentary = {
          ...parent, startedAt: new Date(Math.min(...g.map((c) => c.startedAt.getTime()))),
          endedAt: new Date(Math.max(...g.map((c) => c.endedAt.getTime()))), metersReporting: g.reduce((a, c) => a + c.metersReporting, 0),
        };
        out.push(rolled);
        if (g.some((c) => current.has(c))) current.add(rolled);
      } else out.push(...group);
    }
  }
  return out;
}

/** Items whose times chain within `gapMs` of one another, in time order. */
function clusters<T>(items: T[], time: (x: T) => number, gapMs: number): T[][] {
  const sorted = [...items].sort((a, b) => time(a) - time(b));
  const out: T[][] = [];
  for (const x of sorted) {
    const last = out[out.length - 1];
    if (last && time(x) - time(last[last.length - 1]) <= gapMs) last.push(x);
    else out.push([x]);
  }
  return out;
}
