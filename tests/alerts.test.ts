import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { generateNetwork } from "../db/seed/generate";
import { runtimeName } from "./helpers/db";
import { callTrpc, connectLive, startTestServer, type LiveClient, type TestServer } from "./helpers/server";

const network = generateNetwork({ meters: 700, seed: 41, substations: 2, feeders: 12 });

/** Alerts and their acknowledgement (issue 12, point 2), through the real routes. */
describe(`alerts: new, critical, critical customers dark, acknowledged with the person, on ${runtimeName}`, () => {
  let test: TestServer;
  let dispatcher: string;
  let live: LiveClient;
  const q = async (path: string, input?: unknown) => (await callTrpc(test.url, path, "query", input, dispatcher)).body.result.data.json;
  const ack = (id: string, cookie = dispatcher) => callTrpc(test.url, "outages.acknowledge", "mutation", { outage_event_id: id }, cookie);
  const rowOf = async (eventId: string) => ((await q("outages.list", {})) as Array<{ eventId: string; alerts: string[] }>).find((o) => o.eventId === eventId)!;

  beforeAll(async () => {
    test = await startTestServer(network);
    dispatcher = await test.signIn("dispatcher");
    live = await connectLive(test.url, dispatcher);
  });
  afterAll(async () => {
    live?.close();
    await test?.stop();
  });

  it("a new outage calls attention until acknowledged; the acknowledgement names the person on the timeline and is pushed; an escalation calls again", async () => {
    const meter = network.meters.find((m) => m.feederId === network.feeders[6]!.id && !network.customers.find((c) => c.id === m.customerId)!.isCritical)!;
    const made = (await test.post("/api/oms/events/create", {
      event_type: "outage", source_type: "call_center", source_event_id: "AL-1", timestamp: new Date().toISOString(),
      metadata: { meter_number: meter.meterNumber },
    })).body;
    const before = (await q("outages.overview")).unacknowledged as number;
    expect((await rowOf(made.event_id)).alerts).toContain("new");
    expect(before).toBeGreaterThanOrEqual(1);

    const res = await ack(made.outage_event_id);
    expect(res.status).toBe(200);
    expect(res.body.result.data.json.acknowledged).toContain("new");
    expect((await rowOf(made.event_id)).alerts).toEqual([]);
    expect((await q("outages.overview")).unacknowledged).toBe(before - 1);
    const detail = await q("outages.detail", { id: made.outage_event_id });
    expect(detail.timeline.find((t: { type: string }) => t.type === "acknowledged")).toMatchObject({ actor: "dispatcher1", source: "user" });
    await expect.poll(() => live.pushed.some((c) => c.topic === "outage:updated" && c.payload.outages.some((o: { id: string; alerts: string[] }) => o.id === made.outage_event_id && o.alerts.length === 0))).toBe(true);
    // Again: nothing left, nothing written.
    expect((await ack(made.outage_event_id)).body.result.data.json).toMatchObject({ acknowledged: [], already_acknowledged: true });
    expect((await q("outages.detail", { id: made.outage_event_id })).timeline.filter((t: { type: string }) => t.type === "acknowledged")).toHaveLength(1);

    // It escalates (as the pipeline's scoring would): critical, and a critical customer dark in it.
    await test.rows(sql`UPDATE oms_outage_events SET severity = 'critical', critical_customers_count = 1 WHERE id = ${made.outage_event_id}::uuid`);
    expect((await rowOf(made.event_id)).alerts).toEqual(["critical", "critical_customers"]);
    expect((await ack(made.outage_event_id)).body.result.data.json.acknowledged).toEqual(["critical", "critical_customers"]);
    expect((await rowOf(made.event_id)).alerts).toEqual([]);
  });

  it("a SCADA trip with critical customers calls for all three; only who may act can acknowledge; a closed outage cannot be", async () => {
    const feeder = network.feeders.find((f) => network.meters.some((m) => m.feederId === f.id && network.customers.find((c) => c.id === m.customerId)!.isCritical))!;
    const trip = (await test.post("/api/ingest/scada", {
      eventType: "breaker_trip", feederId: feeder.feederId, mainStationId: "MS001", alarmType: "fault",
      substationId: network.substations.find((s) => s.id === feeder.substationId)!.substationId,
      timestamp: new Date().toISOString(), voltage: 0, severity: "critical", reason: "alerts test",
    })).body;
    expect((await rowOf(trip.event_id)).alerts).toEqual(["new", "critical", "critical_customers"]);
    expect((await ack(trip.outage_event_id, await test.signIn("viewer"))).status).toBe(403);
    expect((await ack(trip.outage_event_id, await test.signIn("crew"))).status).toBe(403);
    expect((await callTrpc(test.url, "outages.acknowledge", "mutation", { outage_event_id: "nope" }, dispatcher)).status).toBe(404);
    const bad = await callTrpc(test.url, "outages.acknowledge", "mutation", {}, dispatcher);
    expect(bad.status).toBe(400);
    expect(bad.body.error.json.data.issues[0].path).toBe("outage_event_id");
    await test.rows(sql`UPDATE oms_outage_events SET status = 'restored', actual_restoration_time = now() WHERE id = ${trip.outage_event_id}::uuid`);
    expect((await ack(trip.outage_event_id)).status).toBe(409);
  });
});
