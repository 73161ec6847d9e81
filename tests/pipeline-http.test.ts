import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { queryRows } from "../db/client";
import type { RunningServer } from "../server/index";
import { sweepVerifications } from "../server/ingest/sweeper";
import { generateNetwork } from "../db/seed/generate";
import { runtimeName } from "./helpers/db";
import { startTestServer, type TestServer } from "./helpers/server";

const network = generateNetwork({ meters: 800, seed: 5 });
const dpsWithMeters = network.distributionPoints
  .map((dp) => ({ dp, meters: network.meters.filter((m) => m.dpId === dp.id) }))
  .filter((x) => x.meters.length >= 5);
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
const gasp = (id: string, meterNumber: string, at: string) => ({ message_type: "EndDeviceEvent", timestamp: at, payload: { event_id: id, reason: "Last gasp signal detected", assets: { mrid: meterNumber } } });
const restored = (id: string, meterNumber: string, at: string) => ({ message_type: "EndDeviceEvent", timestamp: at, payload: { event_id: id, reason: "Power restored", assets: { mrid: meterNumber } } });

describe(`correlation through HTTP on ${runtimeName}`, () => {
  let server: RunningServer;
  let api: TestServer["fetch"];
  const rows = <T>(q: ReturnType<typeof sql>) => queryRows<T>(server.database.db, q);
  const post = async (path: string, body: unknown, type = "application/json") => {
    const res = await api(`/api/ingest/${path}`, { method: "POST", headers: { "content-type": type }, body: typeof body === "string" ? body : JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  };
  const counts = async () => (await rows<Record<string, number>>(sql`SELECT
    (SELECT COUNT(*)::int FROM oms_outage_events) AS outages, (SELECT COUNT(*)::int FROM scada_events) AS scada,
    (SELECT COUNT(*)::int FROM kaifa_events) AS kaifa, (SELECT COUNT(*)::int FROM onu_events) AS onu,
    (SELECT COUNT(*)::int FROM callcenter_tickets) AS calls, (SELECT COUNT(*)::int FROM oms_meter_status_events) AS statuses`))[0];

  beforeAll(async () => {
    ({ server, fetch: api } = await startTestServer(network));
  });
  afterAll(async () => server?.stop());

  it("rejects malformed payloads of every source with a 4xx naming the field, and writes nothing but the rejection", async () => {
    const before = await counts();
    const cases: Array<[string, unknown, string, string?]> = [
      ["scada", { substationId: "SS001", timestamp: minutesAgo(1) }, "eventType"],
      ["scada", { eventType: "breaker_trip", feederId: "FD001", timestamp: "not a time" }, "timestamp"],
      ["kaifa", { message_type: "EndDeviceEvent", timestamp: minutesAgo(1), payload: { reason: "Last gasp", assets: { mrid: "M1" } } }, "payload.event_id"],
      ["onu", { eventId: "O-1", type: "ONU_Reboot", onuId: 5, timestamp: minutesAgo(1) }, "type"],
      ["call-center", { timestamp: minutesAgo(1), customer: { phone: "+962790000000" } }, "ticketId"],
      ["kaifa", "<EventMessage><Payload><EndDeviceEvents>", "(body)", "text/xml"],
    ];
    for (const [route, body, field, type] of cases) {
      const res = await post(route, body, type);
      expect(res.status, `${route} ${field}`).toBe(400);
      expect(res.body.issues.map((i: { path: string }) => i.path), `${route}`).toContain(field);
    }
    const plain = await post("scada", "eventType=breaker_trip", "text/plain");
    expect(plain.status).toBe(415);
    expect(plain.body.message).toContain("application/json");
    expect(await counts()).toEqual(before);
    const [rejected] = await rows<{ n: number; requests: number }>(sql`SELECT COALESCE(SUM(rejected_count), 0)::int AS n, COUNT(*)::int AS requests FROM ingest_rejections`);
    expect(rejected).toEqual({ n: cases.length, requests: cases.length });
  });

  it("records a momentary blip and opens no outage", async () => {
    const m = dpsWithMeters[0].meters[0];
    const { body } = await post("kaifa", [gasp("MB-1", m.meterNumber, minutesAgo(3)), restored("MB-2", m.meterNumber, new Date(Date.now() - 3 * 60_000 + 8_000).toISOString())]);
    expect(body.accepted).toBe(2);
    const open = await rows<{ n: number }>(sql`SELECT COUNT(*)::int AS n FROM oms_outage_events o JOIN oms_outage_affected_meters am ON am.outage_event_id = o.id
      WHERE am.meter_id = ${m.id} AND o.status IN ('detected','confirmed','in_progress')`);
    expect(open[0].n).toBe(0);
    const [blip] = await rows<{ seconds: number }>(sql`SELECT EXTRACT(EPOCH FROM on_at - off_at)::int AS seconds FROM oms_momentary_interruptions WHERE meter_id = ${m.id}`);
    expect(blip.seconds).toBe(8);
  });

  it("joins a call that has only a location to the outage nearby", async () => {
    const { dp, meters } = dpsWithMeters[1];
    const first = await post("kaifa", meters.slice(0, 3).map((m, i) => gasp(`LOC-${i}`, m.meterNumber, minutesAgo(2))));
    const outageId = first.body.results[0].outage_event_id;
    const call = await post("call-center", { ticketId: "TC-LOC-1", timestamp: minutesAgo(1), customer: { phone: "3", address: "near the bakery", location: { lat: dp.locationLat + 0.0003, lng: dp.locationLng - 0.0002 } } });
    expect(call.body).toMatchObject({ status: "correlated", outage_event_id: outageId });
    const [sources] = await rows<{ n: number }>(sql`SELECT COUNT(*)::int AS n FROM oms_event_sources WHERE outage_event_id = ${outageId}`);
    expect(sources.n).toBe(4);
  });

  it("restores an outage on its meters' restores and, after the verification window, splits off a meter still dark as a nested outage", async () => {
    const { dp, meters } = dpsWithMeters[2];
    const [stayDark, ...others] = meters;
    const opened = await post("kaifa", meters.map((m, i) => gasp(`NEST-OFF-${i}`, m.meterNumber, minutesAgo(3))));
    const parentId = opened.body.results[0].outage_event_id;
    await post("kaifa", others.map((m, i) => restored(`NEST-ON-${i}`, m.meterNumber, minutesAgo(1))));
    const [parent] = await rows<{ status: string; due: Date }>(sql`SELECT status, verification_due_at AS due FROM oms_outage_events WHERE id = ${parentId}`);
    expect(parent.status).toBe("restored");
    expect(parent.due).not.toBeNull();
    // Inside the window the dark meter is not an outage yet (its restore may still come).
    await sweepVerifications(server.services.ingest);
    const [waiting] = await rows<{ n: number }>(sql`SELECT COUNT(*)::int AS n FROM oms_outage_events WHERE parent_outage_id = ${parentId}`);
    expect(waiting.n).toBe(0);

    // The window ends (the sweeper runs with the clock past it): the dark meter is its own outage.
    const later = new Date(new Date(parent.due).getTime() + 1000);
    await sweepVerifications({ ...server.services.ingest, now: () => later });
    const [nested] = await rows<{ id: string; predicted_device_level: string; predicted_device_code: string; status: string; dp_id: number }>(sql`
      SELECT id, predicted_device_level, predicted_device_code, status, dp_id FROM oms_outage_events WHERE parent_outage_id = ${parentId}`);
    expect(nested).toMatchObject({ predicted_device_level: "meter", predicted_device_code: stayDark.meterNumber, status: "confirmed", dp_id: dp.id });
    const [timeline] = await rows<{ event_type: string }>(sql`SELECT event_type FROM oms_event_timeline WHERE outage_event_id = ${nested.id} ORDER BY id LIMIT 1`);
    expect(timeline.event_type).toBe("nested");
    const [again] = await rows<{ due: Date | null }>(sql`SELECT verification_due_at AS due FROM oms_outage_events WHERE id = ${parentId}`);
    expect(again.due).toBeNull();
  });

  it("never reopens an outage from a call made before its restoration", async () => {
    const { meters } = dpsWithMeters[3];
    const [m, neighbour] = meters;
    await post("kaifa", [gasp("GH-OFF", m.meterNumber, minutesAgo(5))]);
    const customer = network.customers.find((c) => c.id === m.customerId)!;
    await post("call-center", { ticketId: "GH-CALL", timestamp: minutesAgo(4), customer: { phone: customer.phone } });
    const back = await post("kaifa", [restored("GH-ON", m.meterNumber, minutesAgo(2))]);
    expect(back.body.results[0].outage_status).toBe("restored");
    // Later, any signal on that substation makes the pipeline look at the area again.
    await post("kaifa", [gasp("GH-NEXT", neighbour.meterNumber, minutesAgo(1))]);
    const open = await rows<{ id: string; sources: number }>(sql`
      SELECT o.id, (SELECT COUNT(*)::int FROM oms_event_sources s WHERE s.outage_event_id = o.id) AS sources
      FROM oms_outage_events o JOIN oms_outage_affected_meters am ON am.outage_event_id = o.id
      WHERE am.meter_id = ${m.id} AND o.status IN ('detected','confirmed','in_progress') AND o.predicted_device_level = 'meter'`);
    expect(open).toEqual([]);
    const [scored] = await rows<{ confidence_score: number }>(sql`SELECT confidence_score FROM oms_outage_events WHERE id = ${back.body.results[0].outage_event_id}`);
    expect(Number(scored.confidence_score)).toBeCloseTo(0.6);
  });

  it("switches storm mode on by itself at the outage threshold, and the pipeline then uses the storm rule", async () => {
    const [{ n: already }] = await rows<{ n: number }>(sql`SELECT COUNT(*)::int AS n FROM oms_outage_events WHERE first_detected_at >= now() - interval '1 hour' AND status <> 'merged'`);
    await server.database.db.execute(sql`UPDATE oms_storm_mode_config SET auto_activation_threshold = ${already + 2} WHERE id = (SELECT MAX(id) FROM oms_storm_mode_config)`);
    const status = async () => (await api(`/api/oms/storm-mode`)).json();
    expect((await status()).is_active).toBe(false);
    const singles = dpsWithMeters.slice(5, 7).map(({ meters }) => meters[0]);
    await post("kaifa", [gasp("STORM-1", singles[0].meterNumber, minutesAgo(2))]);
    expect((await status()).is_active).toBe(false);
    await post("kaifa", [gasp("STORM-2", singles[1].meterNumber, minutesAgo(2))]);
    const storm = await status();
    expect(storm).toMatchObject({ is_active: true, activated_by: "system", rule: { rule_type: "storm", correlation_window_minutes: 60, spatial_radius_meters: 2000 } });
    // Under the storm rule (threshold 0.5) an ONU-only outage (weight 0.6) is confirmed at once.
    const onuMeter = network.meters.find((m) => m.onuId !== null && dpsWithMeters.slice(0, 8).every((x) => x.dp.id !== m.dpId))!;
    const onu = await post("onu", { eventId: "STORM-ONU", type: "ONU_LastGaspAlert", onuId: onuMeter.onuId, timestamp: minutesAgo(1.5) });
    expect(onu.body).toMatchObject({ status: "correlated", outage_status: "confirmed", confidence: 0.6 });
  });
});
