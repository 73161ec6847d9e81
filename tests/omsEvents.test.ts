import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { queryRows } from "../db/client";
import type { RunningServer } from "../server/index";
import { generateNetwork } from "../db/seed/generate";
import { runtimeName } from "./helpers/db";
import { startTestServer, type TestServer } from "./helpers/server";

const network = generateNetwork({ meters: 500, seed: 21 });
const meterAt = (i: number) => network.meters[i];
const iso = (s = 0) => new Date(Date.now() - 120_000 + s * 1000).toISOString();

// The seed's REST API, sections 1–5 (seed 000), through real HTTP.
describe(`/api/oms/events on ${runtimeName}`, () => {
  let server: RunningServer;
  let api: TestServer["fetch"];
  const call = async (path: string, body: unknown) => {
    const res = await api(`/api/oms/events/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  };
  const rows = <T>(q: ReturnType<typeof sql>) => queryRows<T>(server.database.db, q);

  beforeAll(async () => {
    ({ server, fetch: api } = await startTestServer(network));
  });
  afterAll(async () => server?.stop());

  it("correlate: a Kaifa last gasp in the seed's request shape opens an outage; the same event again is a no-op", async () => {
    const request = { event_type: "outage", source_type: "kaifa", source_event_id: "KF-SEED-1", timestamp: iso(),
      latitude: null, longitude: null, correlation_window_minutes: 30, spatial_radius_meters: 1000,
      metadata: { meter_number: meterAt(0).meterNumber, event_type: "EndDeviceEvent" } };
    const first = await call("correlate", request);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: "correlated", outage_status: "confirmed", confidence_score: 0.8 });
    const again = await call("correlate", request);
    expect(again.body).toEqual({ ...first.body, duplicate: true });
    const [n] = await rows<{ n: number }>(sql`SELECT COUNT(*)::int AS n FROM oms_outage_events`);
    expect(n.n).toBe(1);
  });

  it("correlate: an ONU event in the generic shape is stored in the ONU table; unknown event types are refused", async () => {
    // On a distribution point no other test here uses, so its outage stays its own.
    const taken = new Set([meterAt(0).dpId, meterAt(200).dpId, network.distributionPoints[40].id, network.distributionPoints[30].id]);
    const onuMeter = network.meters.find((m) => m.onuId !== null && !taken.has(m.dpId))!;
    const { status, body } = await call("correlate", { event_type: "outage", source_type: "onu", source_event_id: "ONU-GEN-1", timestamp: iso(2), metadata: { onu_id: onuMeter.onuId } });
    expect(status).toBe(200);
    expect(body.status).toBe("correlated");
    const [row] = await rows<{ event_type: string; meter_id: number }>(sql`SELECT event_type, meter_id FROM onu_events WHERE event_id = 'ONU-GEN-1'`);
    expect(row).toEqual({ event_type: "ONU_LastGaspAlert", meter_id: onuMeter.id });
    const banana = await call("correlate", { event_type: "banana", source_type: "kaifa", source_event_id: "KF-B", timestamp: iso(3) });
    expect(banana.status).toBe(400);
    expect(banana.body.issues[0]).toMatchObject({ path: "event_type", message: expect.stringContaining("must be one of") });
  });

  it("refuses times a database cannot take or a clock cannot mean, naming the field, and stores nothing", async () => {
    const meter = meterAt(300);
    for (const [timestamp, message] of [["0000-01-01T00:00:00Z", "from 1970 to 2099"], ["0001-06-01T00:00:00Z", "from 1970 to 2099"],
      ["1969-12-31T23:59:59Z", "from 1970 to 2099"], [new Date(Date.now() + 86_400_000).toISOString(), "in the future"]] as const) {
      for (const route of ["correlate", "create"]) {
        const { status, body } = await call(route, { event_type: "power_off", source_type: "kaifa", source_event_id: `Y-${route}-${timestamp}`, timestamp, metadata: { meter_number: meter.meterNumber } });
        expect(status, `${route} ${timestamp}`).toBe(400);
        expect(body.issues).toEqual([expect.objectContaining({ path: "timestamp", message: expect.stringContaining(message) })]);
      }
    }
    const [stored] = await rows<{ n: number }>(sql`SELECT COUNT(*)::int AS n FROM ingest_inbox WHERE source_event_id LIKE 'Y-%'`);
    expect(stored.n).toBe(0);
  });

  it("correlate: a call with only a location goes to the nearest distribution point within the radius, and counts once corroborated", async () => {
    const dp = network.distributionPoints[40];
    const { body } = await call("correlate", { event_type: "outage", source_type: "call_center", source_event_id: "TC_1703123456789",
      timestamp: iso(5), latitude: dp.locationLat + 0.0002, longitude: dp.locationLng, metadata: { phone: "3", address: "3" } });
    // Placed at the point, but alone (its smart meters said nothing) it waits for corroboration.
    expect(body).toMatchObject({ status: "recorded" });
    // A customer under the same point calls about their meter: now both count, at the point.
    const neighbour = network.meters.find((m) => m.dpId === dp.id)!;
    const second = await call("correlate", { event_type: "outage", source_type: "call_center", source_event_id: "TC-NEIGHBOUR",
      timestamp: iso(6), metadata: { meter_number: neighbour.meterNumber } });
    expect(second.body.status).toBe("correlated");
    const [outage] = await rows<{ dp_id: number; predicted_device_level: string; status: string }>(sql`
      SELECT dp_id, predicted_device_level, status FROM oms_outage_events WHERE id = ${second.body.outage_event_id}`);
    expect(outage).toEqual({ dp_id: dp.id, predicted_device_level: "distribution_point", status: "detected" });
    const far = await call("correlate", { event_type: "outage", source_type: "call_center", source_event_id: "TC-FAR", timestamp: iso(6), latitude: 29.5, longitude: 35.0 });
    expect(far.body).toMatchObject({ status: "unmatched", reason: expect.stringContaining("no distribution point within 1000 m") });
  });

  it("create: opens a seed outage at the place named, and refuses a second one over the same customers", async () => {
    const m = meterAt(200);
    const request = { event_type: "outage", source_type: "call_center", source_event_id: "TC-CREATE-1", timestamp: iso(10),
      location: { latitude: m.locationLat, longitude: m.locationLng }, metadata: { meter_number: m.meterNumber },
      correlation_parameters: { window_minutes: 30, spatial_radius_meters: 1000 } };
    const { status, body } = await call("create", request);
    expect(status).toBe(201);
    expect(body).toMatchObject({ status: "created", outage_status: "detected", predicted_device_level: "meter", affected_meters: 1 });
    const clash = await call("create", { ...request, source_event_id: "TC-CREATE-2" });
    expect(clash.status).toBe(409);
    expect(clash.body.message).toContain(body.event_id);
    const bad = await call("create", { ...request, source_event_id: "", timestamp: "soon" });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(["source_event_id", "timestamp"]));
  });

  it("validate: lists the outage's own signals in the window and says whether they support it", async () => {
    const [outage] = await rows<{ id: string }>(sql`SELECT id FROM oms_outage_events WHERE event_id IS NOT NULL ORDER BY first_detected_at LIMIT 1`);
    const { status, body } = await call("validate", { outage_event_id: outage.id, validation_type: "neighbor_check",
      parameters: { spatial_radius_meters: 1000, temporal_window_minutes: 30, source_types: ["scada", "kaifa", "onu", "call_center"] } });
    expect(status).toBe(200);
    expect(body).toMatchObject({ outage_event_id: outage.id, source_counts: { kaifa: 1 } });
    expect(body.sources[0]).toMatchObject({ source_type: "kaifa", source_event_id: "KF-SEED-1" });
    expect((await call("validate", { outage_event_id: "OMS_0_nothing" })).status).toBe(404);
  });

  it("score: the seed formula with the request's weights, confirming at the rule's threshold", async () => {
    const [call_outage] = await rows<{ id: string }>(sql`SELECT outage_event_id AS id FROM oms_event_sources WHERE source_event_id = 'TC-NEIGHBOUR'`);
    const plain = await call("score", { outage_event_id: call_outage.id });
    expect(plain.body).toMatchObject({ confidence_score: 0.4, severity: "low", status: "detected", source_counts: { call_center: expect.any(Number) } });
    const trusted = await call("score", { outage_event_id: call_outage.id, scoring_parameters: { weight_scada: 1.0, weight_kaifa: 0.8, weight_onu: 0.6, weight_call_center: 0.75 } });
    expect(trusted.body).toMatchObject({ confidence_score: 0.75, severity: "high", status: "confirmed" });
    const bad = await call("score", { outage_event_id: call_outage.id, scoring_parameters: { weight_kaifa: 3 } });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].path).toBe("scoring_parameters.weight_kaifa");
  });

  it("cluster: merges open outages close in space and time into the earliest", async () => {
    // Two single-meter outages on neighbouring meters of one point, then a clustering pass.
    const dpId = network.distributionPoints[30].id;
    const [a, b] = network.meters.filter((m) => m.dpId === dpId);
    for (const [i, m] of [a, b].entries()) {
      await call("create", { event_type: "outage", source_type: "kaifa", source_event_id: `KF-CL-${i}`, timestamp: iso(20 + i), metadata: { meter_number: m.meterNumber } });
    }
    const { status, body } = await call("cluster", { clustering_parameters: { spatial_radius_meters: 500, temporal_window_minutes: 30, confidence_threshold: 0.7 } });
    expect(status).toBe(200);
    const cluster = body.clusters.find((c: { merged: string[] }) => c.merged.length > 0);
    expect(cluster).toBeTruthy();
    const [merged] = await rows<{ status: string; merged_into_id: string }>(sql`SELECT status, merged_into_id FROM oms_outage_events WHERE id = ${cluster.merged[0]}`);
    expect(merged).toEqual({ status: "merged", merged_into_id: cluster.outage_event_id });
    const [survivor] = await rows<{ affected_meters_count: number }>(sql`SELECT affected_meters_count FROM oms_outage_events WHERE id = ${cluster.outage_event_id}`);
    expect(survivor.affected_meters_count).toBeGreaterThanOrEqual(2);
  });
});
