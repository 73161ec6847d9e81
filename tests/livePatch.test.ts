import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { generateNetwork } from "../db/seed/generate";
import { runtimeName } from "./helpers/db";
import { insertOutage } from "./helpers/outages";
import { callTrpc, connectLive, startTestServer, type LiveClient, type TestServer } from "./helpers/server";
import { patchFeeders, patchList, patchMarkers, patchSubstations, type ListInput, type ListRow, type MarkerRow } from "../components/live/patchOutages";

const network = generateNetwork({ meters: 800, seed: 29, substations: 2, feeders: 16 });
const substationOf = (i: number) => network.substations.find((s) => s.id === network.feeders[i]!.substationId)!.substationId;

/**
 * The control room patches its cached data with what pushes carry instead of fetching it again
 * (issue 12, point 6). Proof: data fetched before a run of real changes, patched with the pushes
 * those changes sent, equals what the server answers afterwards.
 */
describe(`pushes carry what the outage list and the map show, on ${runtimeName}`, () => {
  let test: TestServer;
  let dispatcher: string;
  let live: LiveClient;
  const q = async (path: string, input?: unknown) => {
    const res = await callTrpc(test.url, path, "query", input, dispatcher);
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.result.data.json;
  };
  const m = async (path: string, input: unknown) => {
    const res = await callTrpc(test.url, path, "mutation", input, dispatcher);
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.result.data.json;
  };
  const scada = (eventType: "breaker_trip" | "breaker_close", i: number) => test.post("/api/ingest/scada", {
    eventType, substationId: substationOf(i), feederId: network.feeders[i]!.feederId, mainStationId: "MS001",
    alarmType: "fault", timestamp: new Date().toISOString(), voltage: 0, severity: "critical", reason: eventType,
  });
  /** Waits until this client has been pushed every change the server committed. */
  const settle = async () => {
    await expect.poll(async () => {
      const [{ seq }] = await test.rows<{ seq: string | number | null }>(sql`SELECT MAX(seq) AS seq FROM oms_change_log`);
      return live.pushed.at(-1)?.seq === Number(seq ?? 0);
    }, { timeout: 15_000 }).toBe(true);
  };

  beforeAll(async () => {
    test = await startTestServer(network);
    dispatcher = await test.signIn("dispatcher");
    live = await connectLive(test.url, dispatcher);
  });
  afterAll(async () => {
    live?.close();
    await test?.stop();
  });

  it("a list of every filter, the markers, the feeders and the substations, patched with the pushes, equal the server's after trips, calls, a confirmation, an ETR, a dispatch and a restoration", async () => {
    const a = (await scada("breaker_trip", 1)).body;
    await settle();
    const filters: ListInput[] = [
      {}, { substation: substationOf(2) }, { feeder: network.feeders[2]!.feederId }, { statuses: ["confirmed"] },
      { severities: ["critical", "high"] }, { statuses: ["detected"], severities: ["low", "medium"] },
    ];
    const lists = await Promise.all(filters.map((f) => q("outages.list", f) as Promise<ListRow[]>));
    let markers = (await q("outages.active")) as MarkerRow[];
    let feeders = await q("network.feeders");
    let substations = await q("network.substations");
    const from = live.pushed.length;

    const b = (await scada("breaker_trip", 2)).body;
    const meter = network.meters.find((x) => x.feederId === network.feeders[9]!.id)!;
    const call = (await test.post("/api/oms/events/create", {
      event_type: "outage", source_type: "call_center", source_event_id: "LP-CALL-1", timestamp: new Date().toISOString(),
      metadata: { meter_number: meter.meterNumber },
    })).body;
    await m("outages.confirm", { outage_event_id: call.outage_event_id });
    await m("outages.setEtr", { outage_event_id: b.outage_event_id, estimated_restoration_time: new Date(Date.now() + 3 * 3_600_000).toISOString() });
    await m("crews.dispatch", { outage_event_id: b.outage_event_id, crew_data: { crew_id: test.crewCode } });
    expect((await scada("breaker_close", 1)).status).toBe(200);
    await settle();

    const pushes = live.pushed.slice(from).filter((c) => c.topic.startsWith("outage:"));
    expect(pushes.length).toBeGreaterThan(0);
    for (const c of pushes) {
      for (const [i, rows] of lists.entries()) lists[i] = patchList(rows, filters[i]!, c.payload.outages);
      markers = patchMarkers(markers, c.payload.outages);
      if (c.payload.devices) {
        feeders = patchFeeders(feeders, c.payload.devices);
        substations = patchSubstations(substations, c.payload.devices);
      }
    }
    for (const [i, f] of filters.entries()) expect(lists[i], JSON.stringify(f)).toEqual(await q("outages.list", f));
    expect(markers).toEqual(await q("outages.active"));
    expect(feeders).toEqual(await q("network.feeders"));
    expect(substations).toEqual(await q("network.substations"));

    // The changes did what the list shows: not a vacuous comparison.
    const all = lists[0]!;
    expect(all.map((o) => o.eventId)).toEqual(expect.arrayContaining([b.event_id, call.event_id]));
    expect(all.find((o) => o.eventId === b.event_id)).toMatchObject({ crews: 1, sources: { scada: 1 } });
    expect(all.find((o) => o.eventId === b.event_id)!.etr).not.toBeNull();
    expect(all.find((o) => o.eventId === call.event_id)).toMatchObject({ status: "confirmed", sources: { call_center: 1 } });
    expect(markers.map((o) => o.eventId)).not.toContain(a.event_id);
    const tripped = (feeders as { features: Array<{ properties: { code: string; status: string; breaker: string } }> }).features
      .find((f) => f.properties.code === network.feeders[2]!.feederId)!;
    expect(tripped.properties).toMatchObject({ status: "de_energized", breaker: "open" });
  });

  it("meter pushes carry each meter's derived state and since as the database has it, a repeated power-on's new since included", async () => {
    // Three meters of a point of feeder 12 (the other tests here use feeders 1, 2 and 9).
    const [a, b, c] = network.meters.filter((x) => x.feederId === network.feeders[12]!.id);
    const t0 = Date.now() - 10 * 60_000;
    const kaifa = (meter: typeof a, offset: number, off: boolean, id: string) => ({
      message_type: "EndDeviceEvent", timestamp: new Date(t0 + offset).toISOString(),
      payload: { event_id: `LP-METER-${id}`, ...(off ? { severity: "critical" } : {}), reason: off ? "Last gasp signal detected" : "Power restored", assets: { mrid: meter!.meterNumber } },
    });
    const from = live.pushed.length;
    // a goes dark and comes back 3 minutes later; b, never dark, says twice that it has power.
    for (const body of [[kaifa(a, 0, true, "1"), kaifa(b, 0, false, "2")], [kaifa(a, 180_000, false, "3"), kaifa(b, 240_000, false, "4"), kaifa(c, 240_000, false, "5")]]) {
      expect((await test.post("/api/ingest/kaifa", body)).status).toBe(200);
    }
    await settle();
    const shown = new Map<number, string>();
    for (const p of live.pushed.slice(from)) {
      if (p.topic !== "meter:status") continue;
      for (const m of (p.payload as { meters: Array<{ id: number; status: string; at: string }> }).meters) shown.set(m.id, `${m.status}@${m.at}`);
    }
    const ids = [a!.id, b!.id, c!.id];
    const inDatabase = await test.rows<{ id: number; state: string; at: Date | string }>(sql`
      SELECT s.meter_id AS id, s.state, COALESCE(m.last_power_change, m.updated_at) AS at FROM oms_meter_power_state s JOIN oms_meters m ON m.id = s.meter_id
      WHERE s.meter_id IN (${ids[0]}, ${ids[1]}, ${ids[2]}) ORDER BY s.meter_id`);
    expect(new Map(ids.map((id) => [id, shown.get(id)]))).toEqual(new Map(inDatabase.map((r) => [r.id, `${r.state}@${new Date(r.at).toISOString()}`])));
    // Not a vacuous comparison: each meter's last word is what the screen was told.
    expect(shown.get(a!.id)).toBe(`on@${new Date(t0 + 180_000).toISOString()}`);
    expect(shown.get(b!.id)).toBe(`on@${new Date(t0 + 240_000).toISOString()}`);
    expect(shown.get(c!.id)).toBe(`on@${new Date(t0 + 240_000).toISOString()}`);
  });

  it("lists every outage, never a silent first 500", async () => {
    const points = network.distributionPoints.slice(0, 40);
    const made = new Set<string>();
    for (let i = 0; i < 620; i++) made.add((await insertOutage(test.server.database.db, { dpId: points[i % points.length]!.id, meters: 1, status: "confirmed" })).eventId);
    const list = (await q("outages.list", {})) as ListRow[];
    expect(list.length).toBeGreaterThanOrEqual(620);
    expect(list.filter((o) => made.has(o.eventId))).toHaveLength(620);
  });
});
