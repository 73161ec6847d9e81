/**
 * What a pushed outage change does to the data the control room already holds: the outage list
 * (each filter the page has cached), the map's markers, the feeders' and substations' states.
 * Pure functions, no React: a push patches the cache with what it carries (setQueryData), so a
 * storm does not make every page fetch every outage, feeder and substation again (issue 12).
 *
 * Each function returns its input unchanged (the same object) when the push changes nothing in
 * it, so React and the map redraw nothing for it.
 */
import type { DeviceStates, OutageSummary } from "../../server/realtime/events";

/** A row of `outages.list` (db/queries/outageDetail.ts OutageListRow). */
export interface ListRow {
  id: string; eventId: string; status: string; severity: string; confidence: number; level: string | null; deviceCode: string | null;
  substation: string | null; feeder: string | null; customersOut: number; criticalCustomersOut: number;
  sources: { scada: number; kaifa: number; onu: number; call_center: number };
  firstDetectedAt: string; etr: string | null; crews: number; verifying: boolean; metersNotBack: number;
  parentOutageId: string | null; parentEventId: string | null;
  alerts: Array<"new" | "critical" | "critical_customers">;
}

/** A marker of `outages.active` (db/queries/outages.ts OutageMarker). */
export interface MarkerRow {
  id: string; eventId: string; status: string; severity: string; confidence: number; level: string; deviceCode: string | null;
  customersOut: number; criticalCustomersOut: number; firstDetectedAt: string; lat: number; lng: number;
}

/** The list's filter as sent to `outages.list` (components/outages/OutageList.tsx). */
export interface ListInput { substation?: string; feeder?: string; statuses?: string[]; severities?: string[] }

/** A summary recorded before pushes carried the list's fields (an old change replayed): the page must refetch. */
export const carriesListFields = (o: OutageSummary): o is OutageSummary & Required<Pick<OutageSummary, "live" | "sources">> =>
  o.live !== undefined && o.sources !== undefined;

const OPEN = new Set(["detected", "confirmed", "in_progress"]);
const RANK: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3 };
const rank = (severity: string) => RANK[severity] ?? 3;
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The server's order of the list (listOpenOutages): open before verifying, most severe, oldest, then id. */
export function listOrder(a: ListRow, b: ListRow): number {
  return Number(a.status === "restored") - Number(b.status === "restored") || rank(a.severity) - rank(b.severity)
    || cmp(a.firstDetectedAt, b.firstDetectedAt) || cmp(a.id, b.id);
}

/** The server's order of the markers (activeOutageMarkers): most severe, oldest. */
export function markerOrder(a: MarkerRow, b: MarkerRow): number {
  return rank(a.severity) - rank(b.severity) || cmp(a.firstDetectedAt, b.firstDetectedAt) || cmp(a.id, b.id);
}

export function toListRow(o: OutageSummary & Required<Pick<OutageSummary, "sources">>): ListRow {
  const verifying = o.status === "restored";
  return {
    id: o.id, eventId: o.eventId, status: o.status, severity: o.severity, confidence: o.confidence, level: o.level, deviceCode: o.deviceCode,
    substation: o.substation ?? null, feeder: o.feeder ?? null, customersOut: o.customersOut, criticalCustomersOut: o.criticalCustomersOut,
    sources: o.sources, firstDetectedAt: o.firstDetectedAt, etr: o.etr ?? null, crews: o.crews ?? 0,
    verifying, metersNotBack: verifying ? o.metersOut : 0, parentOutageId: o.parentOutageId, parentEventId: o.parentEventId ?? null,
    alerts: o.alerts ?? [],
  };
}

/** Whether the list with this filter shows the outage (the SQL of listOpenOutages, in the browser). */
export function listShows(input: ListInput, o: OutageSummary): boolean {
  if (!o.live) return false;
  if (input.substation && o.substation !== input.substation) return false;
  if (input.feeder && o.feeder !== input.feeder) return false;
  if (input.statuses?.length && !input.statuses.includes(o.status)) return false;
  if (input.severities?.length && !input.severities.includes(o.severity)) return false;
  return true;
}

/** Puts the pushed outages into (or takes them out of) one cached list, in the server's order. */
export function patchList(rows: ListRow[], input: ListInput, pushed: OutageSummary[]): ListRow[] {
  const byId = new Map(pushed.map((o) => [o.id, o]));
  let changed = false;
  const kept = rows.filter((r) => {
    const gone = byId.has(r.id);
    changed ||= gone;
    return !gone;
  });
  for (const o of byId.values()) {
    if (carriesListFields(o) && listShows(input, o)) {
      kept.push(toListRow(o));
      changed = true;
    }
  }
  return changed ? kept.sort(listOrder) : rows;
}

/** Puts the pushed outages onto (or off) the map's markers: open ones with a place. */
export function patchMarkers(markers: MarkerRow[], pushed: OutageSummary[]): MarkerRow[] {
  const byId = new Map(pushed.map((o) => [o.id, o]));
  let changed = false;
  const kept = markers.filter((m) => {
    const gone = byId.has(m.id);
    changed ||= gone;
    return !gone;
  });
  for (const o of byId.values()) {
    if (!OPEN.has(o.status) || o.lat == null || o.lng == null) continue;
    kept.push({
      id: o.id, eventId: o.eventId, status: o.status, severity: o.severity, confidence: o.confidence, level: o.level, deviceCode: o.deviceCode,
      customersOut: o.customersOut, criticalCustomersOut: o.criticalCustomersOut, firstDetectedAt: o.firstDetectedAt, lat: o.lat, lng: o.lng,
    });
    changed = true;
  }
  return changed ? kept.sort(markerOrder) : markers;
}

interface FeederCollection { type: "FeatureCollection"; features: Array<{ id: number; properties: { id: number; status: string; breaker: string } }> }

/** New states of the feeders whose state moved; the same collection when none did. */
export function patchFeeders<T extends FeederCollection>(lines: T, devices: DeviceStates): T {
  const next = new Map(devices.feeders.map((f) => [f.id, f]));
  let changed = false;
  const features = lines.features.map((f) => {
    const n = next.get(f.properties.id);
    if (!n || (n.status === f.properties.status && n.breaker === f.properties.breaker)) return f;
    changed = true;
    return { ...f, properties: { ...f.properties, status: n.status, breaker: n.breaker } };
  });
  return changed ? { ...lines, features } : lines;
}

/** New states of the substations whose state moved; the same list when none did. */
export function patchSubstations<T extends { id: number; status: string }>(substations: T[], devices: DeviceStates): T[] {
  const next = new Map(devices.substations.map((s) => [s.id, s.status]));
  let changed = false;
  const out = substations.map((s) => {
    const status = next.get(s.id);
    if (status === undefined || status === s.status) return s;
    changed = true;
    return { ...s, status };
  });
  return changed ? out : substations;
}
