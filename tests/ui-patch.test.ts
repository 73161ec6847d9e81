import { describe, expect, it } from "vitest";
import { carriesListFields, listShows, patchFeeders, patchList, patchMarkers, patchSubstations, type ListRow } from "../components/live/patchOutages";
import type { OutageSummary } from "../server/realtime/events";

const summary = (id: string, o: Partial<OutageSummary> = {}): OutageSummary => ({
  id, eventId: `OMS_${id}`, status: "confirmed", severity: "high", confidence: 0.8, level: "feeder", deviceCode: "FD001",
  substationId: 1, feederId: 1, dpId: null, customersOut: 10, criticalCustomersOut: 0, metersOut: 12,
  firstDetectedAt: "2026-11-30T10:00:00.000Z", restoredAt: null, parentOutageId: null, mergedIntoId: null,
  live: true, substation: "SS001", feeder: "FD001", lat: 31.9, lng: 35.9, etr: null, crews: 0,
  sources: { scada: 1, kaifa: 0, onu: 0, call_center: 0 }, parentEventId: null, alerts: ["new"], ...o,
});
const row = (id: string, o: Partial<ListRow> = {}): ListRow => ({
  id, eventId: `OMS_${id}`, status: "confirmed", severity: "high", confidence: 0.8, level: "feeder", deviceCode: "FD001",
  substation: "SS001", feeder: "FD001", customersOut: 10, criticalCustomersOut: 0, sources: { scada: 1, kaifa: 0, onu: 0, call_center: 0 },
  firstDetectedAt: "2026-11-30T10:00:00.000Z", etr: null, crews: 0, verifying: false, metersNotBack: 0, parentOutageId: null, parentEventId: null, alerts: [], ...o,
});
const ids = (rows: Array<{ id: string }>) => rows.map((r) => r.id);

/** How a pushed outage change patches what the control room holds (components/live/patchOutages.ts). */
describe("patching cached outage data with a push", () => {
  it.each([
    { name: "a new critical outage goes first", rows: [row("a"), row("b", { severity: "low" })], push: [summary("c", { severity: "critical" })], want: ["c", "a", "b"] },
    { name: "same severity: the older first, then by id", rows: [row("b", { firstDetectedAt: "2026-11-30T09:00:00.000Z" })], push: [summary("a", { firstDetectedAt: "2026-11-30T09:00:00.000Z" })], want: ["a", "b"] },
    { name: "a restored outage leaves", rows: [row("a"), row("b")], push: [summary("a", { status: "restored", live: false })], want: ["b"] },
    { name: "a restored one still verifying moves after the open ones", rows: [row("a"), row("b", { severity: "low" })], push: [summary("a", { status: "restored", live: true })], want: ["b", "a"] },
    { name: "a merged (cancelled) one leaves", rows: [row("a")], push: [summary("a", { status: "cancelled", live: false })], want: [] },
  ])("$name", ({ rows, push, want }) => {
    expect(ids(patchList(rows, {}, push))).toEqual(want);
  });

  it("keeps each filter's own rows: an outage that no longer matches leaves that list only", () => {
    const moved = summary("a", { severity: "critical" });
    expect(ids(patchList([row("a")], { severities: ["high"] }, [moved]))).toEqual([]);
    expect(ids(patchList([row("a")], { severities: ["critical"] }, [moved]))).toEqual(["a"]);
    expect(listShows({ substation: "SS002" }, moved)).toBe(false);
    expect(listShows({ feeder: "FD001", statuses: ["confirmed"] }, moved)).toBe(true);
    expect(listShows({ statuses: ["detected"] }, moved)).toBe(false);
  });

  it("returns the very same data when the push changes nothing in it (no redraw)", () => {
    const rows = [row("a")];
    expect(patchList(rows, { substation: "SS009" }, [summary("z", { substation: "SS001" })])).toBe(rows);
    const markers = [{ ...summary("a"), lat: 1, lng: 2 }] as never[];
    expect(patchMarkers(markers, [summary("z", { status: "restored" })])).toBe(markers);
    const lines = { type: "FeatureCollection" as const, features: [{ id: 1, properties: { id: 1, status: "energized", breaker: "closed" } }] };
    expect(patchFeeders(lines, { feeders: [{ id: 1, status: "energized", breaker: "closed" }], substations: [] })).toBe(lines);
    expect(patchFeeders(lines, { feeders: [{ id: 1, status: "de_energized", breaker: "open" }], substations: [] }).features[0]!.properties)
      .toMatchObject({ status: "de_energized", breaker: "open" });
    const subs = [{ id: 1, status: "energized" }];
    expect(patchSubstations(subs, { feeders: [], substations: [{ id: 1, status: "energized" }] })).toBe(subs);
    expect(patchSubstations(subs, { feeders: [], substations: [{ id: 1, status: "partial" }] })[0]!.status).toBe("partial");
  });

  it("markers: open outages with a place only", () => {
    expect(ids(patchMarkers([], [summary("a"), summary("b", { lat: null, lng: null }), summary("c", { status: "restored" })]))).toEqual(["a"]);
  });

  it("knows a change recorded before pushes carried the list's fields (the page refetches then)", () => {
    const { live: _l, sources: _s, ...old } = summary("a");
    expect(carriesListFields(old as OutageSummary)).toBe(false);
    expect(carriesListFields(summary("a"))).toBe(true);
    expect(ids(patchList([row("a")], {}, [old as OutageSummary]))).toEqual([]);
  });
});
