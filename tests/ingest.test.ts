import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import { sql } from "drizzle-orm";
import { queryRows } from "../db/client";
import type { RunningServer } from "../server/index";
import { generateNetwork } from "../db/seed/generate";
import { runtimeName } from "./helpers/db";
import { startTestServer, type TestServer, connectLive, type LiveClient } from "./helpers/server";

const network = generateNetwork({ meters: 600, seed: 11 });
const feeder = network.feeders[2];
const metersOfFeeder = network.meters.filter((m) => m.feederId === feeder.id);
// A distribution point with several meters on another feeder, for meter-driven outages.
const dp = network.distributionPoints.find((d) => d.feederId !== feeder.id && network.meters.filter((m) => m.dpId === d.id).length >= 4)!;
const dpMeters = network.meters.filter((m) => m.dpId === dp.id);
const iso = (offsetSeconds = 0) => new Date(Date.now() - 120_000 + offsetSeconds * 1000).toISOString();

describe(`ingestion and correlation on ${runtimeName}`, () => {
  let server: RunningServer;
  let api: TestServer["fetch"];
  let live: LiveClient;
  const rows = <T>(q: ReturnType<typeof sql>) => queryRows<T>(server.database.db, q);
  const post = async (path: string, body: unknown, type = "application/json") => {
    const res = await api(`/api/ingest/${path}`, {
      method: "POST", headers: { "content-type": type }, body: typeof body === "string" ? body : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };

  beforeAll(async () => {
    const test = await startTestServer(network);
    ({ server, fetch: api } = test);
    live = await connectLive(server.url, await test.signIn("dispatcher"));
  });
  afterAll(async () => {
    live?.close();
    await server?.stop();
  });

  it("turns a SCADA breaker trip into a confirmed feeder outage and checks every meter under it (seed 004)", async () => {
    const trip = { eventType: "breaker_trip", substationId: network.substations.find((s) => s.id === feeder.substationId)!.substationId,
      feederId: feeder.feederId, mainStationId: "MS001", alarmType: "fault", timestamp: iso(), voltage: 0, severity: "critical", reason: "Overcurrent detected" };
    const { status, body } = await post("scada", trip);
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: "correlated", meters_checked: true, total_meters: metersOfFeeder.length, online_meters: metersOfFeeder.length, outage_status: "confirmed" });
    expect(body.outage_event_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.event_id).toMatch(/^OMS_\d+_[0-9a-f]{8}$/);
    const [outage] = await rows<any>(sql`SELECT * FROM oms_outage_events WHERE id = ${body.outage_event_id}`);
    expect(outage).toMatchObject({ predicted_device_level: "feeder", predicted_device_code: feeder.feederId, confirmed_by: "scada",
      affected_customers_count: metersOfFeeder.length, severity: "critical" });
    const [checked] = await rows<{ n: number }>(sql`SELECT COUNT(*)::int AS n FROM scada_event_affected_meters WHERE scada_event_id = ${body.scada_event_id}`);
    expect(checked.n).toBe(metersOfFeeder.length);
    const [notes] = await rows<{ n: number; d: number }>(sql`SELECT COUNT(*)::int AS n, COUNT(DISTINCT customer_id)::int AS d FROM oms_customer_notifications WHERE outage_event_id = ${body.outage_event_id}`);
    expect(notes).toEqual({ n: metersOfFeeder.length, d: metersOfFeeder.length });
    const [map] = await rows<{ status: string }>(sql`SELECT status FROM network_feeders WHERE id = ${feeder.id}`);
    expect(map.status).toBe("de_energized");

    const again = await post("scada", trip);
    expect(again.body).toEqual({ ...body, duplicate: true });
    const [count] = await rows<{ n: number }>(sql`SELECT COUNT(*)::int AS n FROM scada_events`);
    expect(count.n).toBe(1);
  });

  it("pushes the new outage live with a sequence number, and replays what a client missed", async () => {
    await expect.poll(() => live.pushed.filter((c) => c.topic === "outage:created").length).toBeGreaterThan(0);
    const change = live.pushed.find((c) => c.topic === "outage:created")!;
    expect(change.payload.outages[0]).toMatchObject({ level: "feeder", deviceCode: feeder.feederId, status: "confirmed" });
    const missed = await new Promise<any[]>((resolve) => live.socket.emit("changes:since", 0, resolve));
    expect(missed.map((c) => c.seq)).toEqual(live.pushed.map((c) => c.seq).slice(0, missed.length));
    expect(missed[0].seq).toBeGreaterThan(0);
  });

  it("places Kaifa last gasps by asset mRID or meter number and puts them at their distribution point", async () => {
    const [a, b, c] = dpMeters;
    const { status, body } = await post("kaifa", [
      { message_type: "EndDeviceEvent", timestamp: iso(1), payload: { event_id: "KF-1", severity: "critical", reason: "Last gasp signal detected", assets: { "ns2:mRID": a.assetMrid } } },
      { message_type: "EndDeviceEvent", timestamp: iso(2), payload: { event_id: "KF-2", severity: "critical", reason: "Last gasp signal detected", assets: { mrid: b.meterNumber } } },
      { message_type: "EndDeviceEvent", timestamp: iso(3), payload: { event_id: "KF-3", reason: "power failure", usage_point: { mrid: c.usagePointMrid } } },
    ]);
    expect(status).toBe(200);
    expect(body).toMatchObject({ accepted: 3, duplicates: 0, rejected: 0, unmatched: 0 });
    const ids = new Set(body.results.map((r: any) => r.outage_event_id));
    expect(ids.size).toBe(1);
    const [outage] = await rows<any>(sql`SELECT * FROM oms_outage_events WHERE id = ${[...ids][0]}`);
    expect(outage).toMatchObject({ predicted_device_level: "distribution_point", predicted_device_code: dp.dpId, affected_meters_count: dpMeters.length, status: "confirmed" });
    const statuses = await rows<{ power_status: string }>(sql`SELECT power_status FROM oms_meters WHERE id IN (${a.id}, ${b.id}, ${c.id})`);
    expect(statuses.map((s) => s.power_status)).toEqual(["off", "off", "off"]);
    const [events] = await rows<{ n: number }>(sql`SELECT COUNT(*)::int AS n FROM oms_meter_status_events WHERE new_status = 'off' AND source_type = 'kaifa'`);
    expect(events.n).toBe(3);
  });

  it("accepts the head-end's SOAP XML with namespace prefixes", async () => {
    const d = dpMeters[3];
    const xml = `<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>
      <ns1:EventMessage xmlns:ns1="http://iec.ch/TC57/2011/schema/message" xmlns:ns2="http://iec.ch/TC57/2011/EndDeviceEvents#">
        <ns1:Header><ns1:Verb>created</ns1:Verb><ns1:Noun>EndDeviceEvents</ns1:Noun></ns1:Header>
        <ns1:Payload><ns2:EndDeviceEvents><ns2:EndDeviceEvent><ns2:mRID>KX-9</ns2:mRID><ns2:createdDateTime>${iso(4)}</ns2:createdDateTime>
          <ns2:reason>Last gasp</ns2:reason><ns2:Assets><ns2:mRID>${d.assetMrid}</ns2:mRID></ns2:Assets>
          <ns2:EndDeviceEventType ref="3.26.0.85"/></ns2:EndDeviceEvent></ns2:EndDeviceEvents></ns1:Payload>
      </ns1:EventMessage></soap:Body></soap:Envelope>`;
    const { status, body } = await post("kaifa", xml, "text/xml");
    expect(status).toBe(200);
    expect(body.results[0]).toMatchObject({ status: "correlated", source_event_id: "KX-9" });
    const [kaifa] = await rows<{ meter_id: number; event_type_code: string }>(sql`SELECT meter_id, event_type_code FROM kaifa_events WHERE event_id = 'KX-9'`);
    expect(kaifa).toEqual({ meter_id: d.id, event_type_code: "3.26.0.85" });
  });

  it("records signals for unknown meters and devices as unmatched, and counts them", async () => {
    const sample = JSON.parse(fs.readFileSync("tests/fixtures/ingest/scada_event_20250924_080206_810295_unknown.json", "utf8")).event;
    const scada = await post("scada", sample);
    expect(scada.status).toBe(200);
    expect(scada.body).toMatchObject({ status: "unmatched", reason: expect.stringContaining("4A00000K123") });
    // A feeder we do not know, or one not on the named substation, is never widened to the substation.
    const substation = network.substations.find((x) => x.id === feeder.substationId)!;
    const before = await rows<{ n: number }>(sql`SELECT COUNT(*)::int AS n FROM oms_outage_events`);
    const unknownFeeder = await post("scada", { eventType: "breaker_trip", substationId: substation.substationId, feederId: "FD997", timestamp: iso(5) });
    expect(unknownFeeder.body).toMatchObject({ status: "unmatched", reason: expect.stringContaining("FD997") });
    const mismatched = await post("scada", { eventType: "breaker_trip", substationId: "SS999", feederId: feeder.feederId, timestamp: iso(5) });
    expect(mismatched.body).toMatchObject({ status: "unmatched", reason: expect.stringContaining("is not on substation") });
    expect(await rows<{ n: number }>(sql`SELECT COUNT(*)::int AS n FROM oms_outage_events`)).toEqual(before);
    const onu = await post("onu", { eventId: "ONU-X", type: "ONU_LastGaspAlert", onuId: 1, onuSerial: "FFFFFFFFFFFFFFFF", timestamp: iso(5) });
    expect(onu.body).toMatchObject({ status: "unmatched" });
    const [inbox] = await rows<{ n: number }>(sql`SELECT COUNT(*)::int AS n FROM ingest_inbox WHERE status = 'unmatched'`);
    expect(inbox.n).toBe(4);
    const stats = await (await api(`/api/ingest/stats`)).json();
    expect(stats.bySource.scada.total.unmatched).toBe(3);
    expect(stats.bySource.onu.lastHour.unmatched).toBe(1);
  });

  it("processes the good events of a batch, names the bad ones by index, and writes nothing for an all-bad request", async () => {
    const onuMeter = network.meters.find((m) => m.onuId !== null && m.feederId !== feeder.id && m.dpId !== dp.id)!;
    const mixed = await post("onu", [
      { eventId: "ONU-1", type: "ONU_LastGaspAlert", onuId: onuMeter.onuId, timestamp: iso(6) },
      { eventId: "ONU-2", type: "ONU_Reboot", onuId: onuMeter.onuId, timestamp: iso(6) },
      { type: "ONU_PowerRestored", timestamp: "yesterday" },
    ]);
    expect(mixed.status).toBe(207);
    expect(mixed.body).toMatchObject({ accepted: 1, rejected: 2 });
    expect(mixed.body.results[0]).toMatchObject({ index: 0, status: "correlated" });
    expect(mixed.body.results[1]).toMatchObject({ index: 1, status: "rejected", issues: [expect.objectContaining({ path: "[1].type" })] });
    expect(mixed.body.results[2].issues.map((i: any) => i.path)).toEqual(expect.arrayContaining(["[2].eventId", "[2].timestamp"]));

    const before = await rows<{ n: number }>(sql`SELECT COUNT(*)::int AS n FROM oms_outage_events`);
    const bad = await post("call-center", [{ timestamp: iso() }, { ticketId: "T-1" }]);
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: any) => i.path)).toEqual(expect.arrayContaining(["[0].ticketId", "[1].timestamp"]));
    const after = await rows<{ n: number }>(sql`SELECT COUNT(*)::int AS n FROM oms_outage_events`);
    expect(after).toEqual(before);
    // Kept once per request, with every bad item's reasons.
    const [rejections] = await rows<{ n: number; requests: number; paths: string[] }>(sql`
      SELECT COALESCE(SUM(rejected_count), 0)::int AS n, COUNT(*)::int AS requests,
        ARRAY(SELECT i ->> 'path' FROM ingest_rejections r2, jsonb_array_elements(r2.issues) it, jsonb_array_elements(it -> 'issues') i WHERE r2.source_type = 'call_center') AS paths
      FROM ingest_rejections WHERE source_type = 'call_center'`);
    expect(rejections).toMatchObject({ n: 2, requests: 1 });
    expect(rejections.paths).toEqual(expect.arrayContaining(["[0].ticketId", "[1].timestamp"]));
    const [inbox] = await rows<{ n: number }>(sql`SELECT COUNT(*)::int AS n FROM ingest_inbox WHERE source_type = 'call_center' AND status = 'rejected'`);
    expect(inbox.n).toBe(0);
    const malformed = await api(`/api/ingest/scada`, { method: "POST", headers: { "content-type": "application/json" }, body: "{" });
    expect(malformed.status).toBe(400);
  });

  it("links a customer's call to the outage that already covers their meter", async () => {
    const m = dpMeters[1];
    const customer = network.customers.find((c) => c.id === m.customerId)!;
    const { body } = await post("call-center", { ticketId: "TC-77", timestamp: iso(7), customer: { phone: customer.phone, address: "somewhere" } });
    const [dpOutage] = await rows<{ id: string }>(sql`SELECT id FROM oms_outage_events WHERE predicted_device_code = ${dp.dpId} AND status = 'confirmed'`);
    expect(body).toMatchObject({ status: "correlated", outage_event_id: dpOutage.id });
    const [sources] = await rows<{ n: number }>(sql`SELECT COUNT(*)::int AS n FROM oms_event_sources WHERE outage_event_id = ${dpOutage.id} AND source_type = 'call_center'`);
    expect(sources.n).toBe(1);
  });

  it("restores the point's outage when its meters report power back, and the feeder's on the SCADA close", async () => {
    const restores = dpMeters.slice(0, 3).map((m, i) => ({ message_type: "EndDeviceEvent", timestamp: iso(70 + i), payload: { event_id: `KF-R${i}`, reason: "Power restored", assets: { mrid: m.meterNumber } } }));
    await post("kaifa", restores);
    const [dpOutage] = await rows<any>(sql`SELECT * FROM oms_outage_events WHERE predicted_device_code = ${dp.dpId}`);
    expect(dpOutage.status).toBe("restored");
    // The fourth meter sent its last gasp through the XML and no restore yet: it is being verified.
    expect(dpOutage.verification_due_at).not.toBeNull();
    const [restoredNotes] = await rows<{ n: number }>(sql`SELECT COUNT(*)::int AS n FROM oms_customer_notifications WHERE outage_event_id = ${dpOutage.id} AND notification_type = 'restored'`);
    expect(restoredNotes.n).toBe(dpMeters.length - 1);

    const close = { eventType: "MV_AlarmRestoration", alarmType: "Energized", feederId: feeder.feederId, timestamp: iso(80), voltage: 11000, severity: "High", reason: "Switch closed" };
    const { body } = await post("scada", close);
    expect(body.status).toBe("correlated");
    const [feederOutage] = await rows<any>(sql`SELECT status, actual_restoration_time FROM oms_outage_events WHERE predicted_device_code = ${feeder.feederId}`);
    expect(feederOutage.status).toBe("restored");
    const [map] = await rows<{ status: string; breaker_state: string }>(sql`SELECT status, breaker_state FROM network_feeders WHERE id = ${feeder.id}`);
    expect(map).toEqual({ status: "energized", breaker_state: "closed" });
  });

  it("runs the seeds' verification queries as written", async () => {
    const [byMeter] = await rows<any>(sql.raw(`SELECT m.meter_number, mse.event_type, mse.source_type, mse.previous_status || ' → ' || mse.new_status as status_change,
      mse.event_timestamp, mse.confidence_score FROM oms_meter_status_events mse JOIN oms_meters m ON mse.meter_id = m.id ORDER BY mse.event_timestamp DESC LIMIT 20`));
    expect(byMeter.status_change).toMatch(/→/);
    const scada = await rows<any>(sql.raw(`SELECT se.substation_id, se.feeder_id, se.event_timestamp, se.affected_meter_count, se.severity,
      oe.event_id as outage_event_id, oe.affected_customers_count FROM scada_events se LEFT JOIN oms_outage_events oe ON se.outage_event_id = oe.id
      WHERE se.event_timestamp >= NOW() - INTERVAL '1 hour' ORDER BY se.event_timestamp DESC`));
    expect(scada.find((r) => r.affected_meter_count === metersOfFeeder.length)).toBeTruthy();
    const summary = await rows<any>(sql`SELECT * FROM oms_correlation_summary`);
    expect(summary.length).toBeGreaterThan(0);
  });
});
