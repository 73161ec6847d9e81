import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { queryRows } from "../db/client";
import { generateNetwork } from "../db/seed/generate";
import { systemActor } from "../server/context";
import type { RunningServer } from "../server/index";
import { checkStormAutoActivation } from "../server/operations/stormAuto";
import type { Change } from "../server/realtime/publisher";
import { runtimeName } from "./helpers/db";
import { startTestServer, type TestServer, connectLive, type LiveClient } from "./helpers/server";
import { insertOutage } from "./helpers/outages";

const network = generateNetwork({ meters: 400, seed: 3 });
// Distribution points with at least six meters, one per test that needs an outage of its own.
const dps = network.distributionPoints.filter((d) => network.meters.filter((m) => m.dpId === d.id).length >= 6);
const minutesFromNow = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

/** Great-circle metres, to check the PostGIS ordering independently. */
function haversine(a: { lat: number; lng: number }, b: { lat: number; lng: number }) {
  const rad = Math.PI / 180;
  const h = Math.sin(((b.lat - a.lat) * rad) / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lng - a.lng) * rad) / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(h));
}

describe(`operations API on ${runtimeName}`, () => {
  let server: RunningServer;
  let api: TestServer["fetch"];
  /** Who the REST calls act as: the id of the test's oms_api key. */
  let omsApi: string;
  let live: LiveClient;
  let nextDp = 0;
  const outage = (o: Omit<Parameters<typeof insertOutage>[1], "dpId"> = {}) => insertOutage(server.database.db, { dpId: dps[nextDp++].id, ...o });
  const rows = <T>(q: ReturnType<typeof sql>) => queryRows<T>(server.database.db, q);
  const call = async (method: "GET" | "POST", path: string, body?: unknown) => {
    const res = await api(`/api/oms/${path}`, {
      method, headers: body === undefined ? {} : { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  const post = (path: string, body: unknown) => call("POST", path, body);
  const get = (path: string) => call("GET", path);
  const dispatch = (outageRef: string, crewId: string) => post("crew/dispatch", {
    outage_event_id: outageRef,
    crew_data: { crew_id: crewId, crew_name: "any", assignment_type: "repair", estimated_arrival: minutesFromNow(30) },
  });

  beforeAll(async () => {
    const test = await startTestServer(network);
    ({ server, fetch: api } = test);
    [{ id: omsApi }] = await queryRows<{ id: string }>(server.database.db, sql`SELECT id FROM oms_api_keys WHERE scope = 'oms_api'`);
    live = await connectLive(server.url, await test.signIn("dispatcher"));
  });
  afterAll(async () => {
    live?.close();
    await server?.stop();
  });

  it("switches storm mode on and off with a reason, tunes the storm rule and answers a second switch idempotently", async () => {
    const before = await get("storm-mode");
    expect(before.body).toMatchObject({ is_active: false, auto_activation_threshold: 100, rule: { rule_type: "standard", correlation_window_minutes: 30 } });

    const on = await post("storm-mode/activate", {
      activation_reason: "high_event_volume",
      parameters: { correlation_window_minutes: 45, spatial_radius_meters: 1500, confidence_threshold: 0.55, auto_activation_threshold: 150 },
    });
    expect(on.status).toBe(200);
    expect(on.body).toMatchObject({
      already_active: false, is_active: true, activated_by: omsApi, activation_reason: "high_event_volume", auto_activation_threshold: 150,
      rule: { rule_name: "Storm Mode Detection", rule_type: "storm", correlation_window_minutes: 45, spatial_radius_meters: 1500,
        confidence_threshold: 0.55, updated_by: omsApi, parameters: { verificationMinutes: 10 } },
    });
    expect(Date.now() - Date.parse(on.body.activated_at)).toBeLessThan(60_000);

    const again = await post("storm-mode/activate", { activation_reason: "still stormy" });
    expect(again.body).toMatchObject({ already_active: true, is_active: true, activation_reason: "high_event_volume", activated_at: on.body.activated_at });
    const status = await get("storm-mode");
    expect(status.body).toMatchObject({ is_active: true, activated_by: omsApi, activated_at: on.body.activated_at, rule: { rule_type: "storm" } });
    expect(status.body.event_rate).toEqual({ window_minutes: 60, outages_detected: expect.any(Number), signals_received: expect.any(Number) });

    const off = await post("storm-mode/deactivate", { deactivation_reason: "weather cleared" });
    expect(off.body).toMatchObject({ already_inactive: false, is_active: false, deactivated_by: omsApi, deactivation_reason: "weather cleared", rule: { rule_type: "standard" } });
    expect((await post("storm-mode/deactivate", { deactivation_reason: "again" })).body).toMatchObject({ already_inactive: true, is_active: false });

    const [config] = await rows<{ n: number }>(sql`SELECT COUNT(*)::int AS n FROM oms_storm_mode_config WHERE activation_reason = 'high_event_volume' AND deactivated_by = ${omsApi}`);
    expect(config.n).toBe(1);
  });

  it("rejects bad storm-mode requests with a 400 naming each field", async () => {
    const bad = await post("storm-mode/activate", { parameters: { confidence_threshold: 2, window: 5 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe("invalid");
    expect(bad.body.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(["activation_reason", "parameters.confidence_threshold", "parameters"]));
    expect((await post("storm-mode/deactivate", {})).body.issues).toEqual([expect.objectContaining({ path: "deactivation_reason" })]);
  });

  it("switches storm mode on by itself when enough outages were detected in the last hour, and not below", async () => {
    const published: Change[] = [];
    const ctx = { db: server.database.db, now: () => new Date(), actor: systemActor, timeZone: "Asia/Amman", publisher: { publish: (c: Change[]) => published.push(...c) } };
    const setThreshold = (n: number) => server.database.db.execute(sql`
      UPDATE oms_storm_mode_config SET auto_activation_threshold = ${n}::int
      WHERE id = (SELECT id FROM oms_storm_mode_config ORDER BY created_at DESC, id DESC LIMIT 1)`);
    // Outages detected before the last switch-off do not count; other tests may add some.
    await setThreshold(1_000_000);
    const counted = (await checkStormAutoActivation(ctx)).outages_last_hour;
    await setThreshold(counted + 3);

    await outage({ detectedAt: new Date() });
    await outage({ detectedAt: new Date() });
    expect(await checkStormAutoActivation(ctx)).toMatchObject({ switched: false, outages_last_hour: counted + 2 });
    expect((await get("storm-mode")).body.is_active).toBe(false);

    await outage({ detectedAt: new Date() });
    expect(await checkStormAutoActivation(ctx)).toMatchObject({ switched: true, outages_last_hour: counted + 3 });
    expect((await get("storm-mode")).body).toMatchObject({
      is_active: true, activated_by: "system", activation_reason: `auto: ${counted + 3} outages in the last hour`, rule: { rule_type: "storm" },
    });
    expect(published).toEqual([expect.objectContaining({ topic: "storm:changed", payload: expect.objectContaining({ active: true, by: "system" }) })]);
    expect((await checkStormAutoActivation(ctx)).switched).toBe(false);

    await post("storm-mode/deactivate", { deactivation_reason: "test over" });
    await setThreshold(100);
  });

  it("dispatches a crew: assignment, outage in progress and confirmed by the dispatcher, crew assigned, timeline naming the actor", async () => {
    const a = await outage({ status: "detected" });
    const b = await outage({ status: "confirmed" });
    const sent = await post("crew/dispatch", {
      outage_event_id: a.eventId,
      crew_data: { crew_id: "CRW01", crew_name: "Line crew", assignment_type: "repair", estimated_arrival: minutesFromNow(30),
        location: { latitude: 31.95, longitude: 35.91 } },
    });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ outage_event_id: a.id, event_id: a.eventId, crew_id: "CRW01", status: "assigned", outage_status: "in_progress", already_assigned: false });

    const [assignment] = await rows<any>(sql`SELECT status, assigned_by, assignment_type, estimated_arrival FROM oms_crew_assignments WHERE id = ${sent.body.assignment_id}::int`);
    expect(assignment).toMatchObject({ status: "assigned", assigned_by: omsApi, assignment_type: "repair" });
    const [crew] = await rows<any>(sql`SELECT status, location_lat, location_lng FROM oms_crews WHERE crew_id = 'CRW01'`);
    expect(crew).toEqual({ status: "assigned", location_lat: 31.95, location_lng: 35.91 });
    const [row] = await rows<any>(sql`SELECT status, confirmed_by, confirmed_at FROM oms_outage_events WHERE id = ${a.id}::uuid`);
    expect(row).toMatchObject({ status: "in_progress", confirmed_by: omsApi });
    expect(row.confirmed_at).not.toBeNull();
    const timeline = await rows<any>(sql`SELECT event_type, source, actor_id FROM oms_event_timeline WHERE outage_event_id = ${a.id}::uuid ORDER BY id`);
    expect(timeline).toEqual([
      { event_type: "confirmed", source: "oms_api", actor_id: omsApi },
      { event_type: "crew_dispatched", source: "oms_api", actor_id: omsApi },
    ]);

    const retried = await dispatch(a.id, "CRW01");
    expect(retried).toMatchObject({ status: 200, body: { already_assigned: true, assignment_id: sent.body.assignment_id } });
    const busy = await dispatch(b.eventId, "CRW01");
    expect(busy.status).toBe(409);
    expect(busy.body.message).toContain(a.eventId);
    expect((await dispatch("OMS_0_deadbeef", "CRW02")).status).toBe(404);
    expect((await dispatch(b.id, "CRW99")).status).toBe(404);

    const bad = await post("crew/dispatch", { outage_event_id: "", crew_data: { estimated_arrival: "tomorrow", location: { latitude: 95 } } });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining([
      "outage_event_id", "crew_data.crew_id", "crew_data.estimated_arrival", "crew_data.location.latitude", "crew_data.location.longitude"]));

    // Ids beyond what the database can hold name nothing: a 400, never a 500.
    const huge = await post("crew/dispatch", { outage_event_id: b.id, crew_data: { crew_id: 99999999999999, crew_name: "x", assignment_type: "repair", estimated_arrival: minutesFromNow(30) } });
    expect(huge.status).toBe(400);
    expect(huge.body.issues[0].path).toBe("crew_data.crew_id");
    expect((await post("crew/assignments/99999999999999", { status: "en_route" })).status).toBe(400);

    // Cancelling the only crew puts the outage back to waiting for one.
    const cancelled = await post(`crew/assignments/${sent.body.assignment_id}`, { status: "cancelled", notes: "sent elsewhere" });
    expect(cancelled.body).toMatchObject({ status: "cancelled", outage_status: "confirmed" });
    const [freed] = await rows<any>(sql`SELECT status FROM oms_crews WHERE crew_id = 'CRW01'`);
    expect(freed.status).toBe("available");
  });

  it("follows a crew's progress: en route, on site, completed, never backwards", async () => {
    const o = await outage({ status: "confirmed" });
    const { body: { assignment_id: id } } = await dispatch(o.id, "CRW02");
    expect((await post(`crew/assignments/${id}`, { status: "en_route" })).body).toMatchObject({ status: "en_route", outage_status: "in_progress" });
    expect((await rows<any>(sql`SELECT status FROM oms_crews WHERE crew_id = 'CRW02'`))[0].status).toBe("en_route");
    const site = await post(`crew/assignments/${id}`, { status: "on_site", location: { latitude: 31.96, longitude: 35.92 } });
    expect(site.body.status).toBe("on_site");
    const [arrived] = await rows<any>(sql`SELECT arrived_at FROM oms_crew_assignments WHERE id = ${id}::int`);
    expect(arrived.arrived_at).not.toBeNull();
    expect((await post(`crew/assignments/${id}`, { status: "en_route" })).status).toBe(409);
    expect((await post(`crew/assignments/${id}`, { status: "lunch" })).body.issues).toEqual([expect.objectContaining({ path: "status" })]);
    expect((await post(`crew/assignments/999999`, { status: "en_route" })).status).toBe(404);
    expect((await post(`crew/assignments/abc`, { status: "en_route" })).body.issues).toEqual([expect.objectContaining({ path: "assignment_id" })]);
    expect((await post(`crew/assignments/${id}`, { status: "completed", notes: "handed over" })).body).toMatchObject({ status: "completed", outage_status: "confirmed" });
    expect((await rows<any>(sql`SELECT status FROM oms_crews WHERE crew_id = 'CRW02'`))[0].status).toBe("available");
    const timeline = await rows<any>(sql`SELECT event_type FROM oms_event_timeline WHERE outage_event_id = ${o.id}::uuid ORDER BY id`);
    expect(timeline.map((t) => t.event_type)).toEqual(["crew_dispatched", "crew_en_route", "crew_on_site", "crew_completed"]);
  });

  it("suggests the available crews nearest the outage, nearest first, in metres", async () => {
    const o = await outage();
    const busy = await outage();
    const { body: { assignment_id } } = await dispatch(busy.id, "CRW03");
    const { status, body } = await get(`crew/suggest?outage_event_id=${o.eventId}`);
    expect(status).toBe(200);
    const dp = network.distributionPoints.find((d) => d.dpId === dps[nextDp - 2].dpId)!;
    expect(body.location).toEqual({ latitude: dp.locationLat, longitude: dp.locationLng });
    expect(body.crews.map((c: { crew_id: string }) => c.crew_id).sort()).toEqual(["CRW01", "CRW02"]);
    const distances = body.crews.map((c: { distance_meters: number }) => c.distance_meters);
    expect(distances).toEqual([...distances].sort((x, y) => x - y));
    for (const c of body.crews) {
      const expected = haversine({ lat: c.latitude, lng: c.longitude }, { lat: dp.locationLat, lng: dp.locationLng });
      expect(Math.abs(c.distance_meters - expected)).toBeLessThan(expected * 0.01 + 1);
    }
    expect((await get("crew/suggest")).body.issues).toEqual([expect.objectContaining({ path: "outage_event_id" })]);
    expect((await get("crew/suggest?outage_event_id=OMS_0_00000000")).status).toBe(404);
    await post(`crew/assignments/${assignment_id}`, { status: "cancelled" });
  });

  it("restores an outage: meters back except one still off (verified later), crew released, restored notices once per customer", async () => {
    const o = await outage({ meters: 5, status: "confirmed" });
    const stillOff = o.meterIds[4];
    await server.database.db.execute(sql`
      UPDATE oms_meters SET power_status = 'off', last_power_change = now() - interval '10 minutes' WHERE id = ${stillOff}::int`);
    const { body: { assignment_id } } = await dispatch(o.eventId, "CRW01");
    const restoredAt = new Date(Date.now() - 60_000);

    const { status, body } = await post("events/restore", {
      outage_event_id: o.eventId,
      restoration_data: { restoration_time: restoredAt.toISOString(), restoration_reason: "Fuse replaced", crew_id: "CRW01", notes: "blown fuse on DP" },
    });
    expect(status).toBe(200);
    const verifyUntil = new Date(restoredAt.getTime() + 5 * 60_000).toISOString(); // Standard rule: 5 minutes
    expect(body).toMatchObject({
      status: "restored", actual_restoration_time: restoredAt.toISOString(), restored_by: omsApi, cause: "Fuse replaced",
      meters_restored: 4, meters_still_off: 1, verification_due_at: verifyUntil, completed_assignments: [assignment_id],
      notifications: { customers: 4, queued: 4, already_queued: 0 },
    });
    const [row] = await rows<any>(sql`SELECT status, restored_by, cause, verification_due_at, affected_customers_count FROM oms_outage_events WHERE id = ${o.id}::uuid`);
    expect(row).toMatchObject({ status: "restored", restored_by: omsApi, cause: "Fuse replaced", affected_customers_count: 1 });
    expect(new Date(row.verification_due_at).toISOString()).toBe(verifyUntil);
    const meters = await rows<any>(sql`SELECT meter_id, state, restored_at FROM oms_outage_affected_meters WHERE outage_event_id = ${o.id}::uuid ORDER BY meter_id`);
    expect(meters.filter((m) => m.state === "restored").map((m) => m.meter_id)).toEqual(o.meterIds.slice(0, 4));
    expect(meters.find((m) => m.meter_id === stillOff)).toMatchObject({ state: "off", restored_at: null });
    const [assignment] = await rows<any>(sql`SELECT status, notes, completed_at FROM oms_crew_assignments WHERE id = ${assignment_id}::int`);
    expect(assignment).toMatchObject({ status: "completed", notes: "blown fuse on DP" });
    expect((await rows<any>(sql`SELECT status FROM oms_crews WHERE crew_id = 'CRW01'`))[0].status).toBe("available");
    const [restoredEntry] = await rows<any>(sql`SELECT source, actor_id, description FROM oms_event_timeline WHERE outage_event_id = ${o.id}::uuid AND event_type = 'restored'`);
    expect(restoredEntry).toMatchObject({ source: "oms_api", actor_id: omsApi });
    expect(restoredEntry.description).toContain("Fuse replaced");
    const notices = await rows<any>(sql`SELECT customer_id FROM oms_customer_notifications WHERE outage_event_id = ${o.id}::uuid AND notification_type = 'restored' ORDER BY customer_id`);
    expect(notices.map((n) => n.customer_id)).toEqual(o.customerIds.slice(0, 4).sort((x, y) => x - y));

    const resend = await post("notifications/send", { outage_event_id: o.id, notification_data: { notification_type: "restored", channel: "sms", message_content: "Power is back", customer_ids: [] } });
    expect(resend.body).toMatchObject({ customers: 4, queued: 0, already_queued: 4 });
    const again = await post("events/restore", { outage_event_id: o.id, restoration_data: { restoration_time: new Date().toISOString(), restoration_reason: "again" } });
    expect(again.status).toBe(409);
  });

  it("rejects a restoration in the future, of an unknown outage or with a bad body", async () => {
    const o = await outage();
    const future = await post("events/restore", { outage_event_id: o.id, restoration_data: { restoration_time: minutesFromNow(10), restoration_reason: "x" } });
    expect(future.status).toBe(400);
    expect(future.body.issues).toEqual([expect.objectContaining({ path: "restoration_data.restoration_time" })]);
    const unknown = await post("events/restore", { outage_event_id: "00000000-0000-0000-0000-000000000000", restoration_data: { restoration_time: new Date().toISOString(), restoration_reason: "x" } });
    expect(unknown.status).toBe(404);
    const bad = await post("events/restore", { outage_event_id: o.id, restoration_data: { restoration_time: "noon" } });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { path: string }) => i.path)).toEqual(["restoration_data.restoration_time", "restoration_data.restoration_reason"]);
    const notJson = await api(`/api/oms/events/restore`, { method: "POST", headers: { "content-type": "application/json" }, body: "[1," });
    expect(notJson.status).toBe(400);
    expect((await rows<any>(sql`SELECT status FROM oms_outage_events WHERE id = ${o.id}::uuid`))[0].status).toBe("detected");
  });

  it("queues notifications once per customer: all the outage's customers for an empty list, or the ones named", async () => {
    const o = await outage({ meters: 6 });
    const send = (notification_data: Record<string, unknown>) => post("notifications/send", { outage_event_id: o.eventId, notification_data });
    const first = await send({ notification_type: "detected", channel: "sms", message_content: "We know about the outage", customer_ids: [] });
    expect(first).toMatchObject({ status: 200, body: { event_id: o.eventId, customers: 6, queued: 6, already_queued: 0 } });
    expect((await send({ notification_type: "detected", channel: "email", message_content: "again", customer_ids: [] })).body).toMatchObject({ customers: 6, queued: 0, already_queued: 6 });

    const code = network.customers.find((c) => c.id === o.customerIds[0])!.customerId;
    const named = await send({ notification_type: "etr", channel: "voice", message_content: "Back by six", customer_ids: [code, o.customerIds[1], code] });
    expect(named.body).toMatchObject({ customers: 2, queued: 2, already_queued: 0 });
    const [etr] = await rows<{ n: number }>(sql`SELECT COUNT(*)::int AS n FROM oms_customer_notifications WHERE outage_event_id = ${o.id}::uuid AND notification_type = 'etr' AND channel = 'voice'`);
    expect(etr.n).toBe(2);

    const unknown = await send({ notification_type: "etr", channel: "sms", message_content: "x", customer_ids: [o.customerIds[2], "CUST9999999"] });
    expect(unknown).toMatchObject({ status: 400, body: { issues: [{ path: "notification_data.customer_ids.1" }] } });
    const bad = await send({ notification_type: "late", channel: "pigeon", message_content: "" });
    expect(bad.body.issues.map((i: { path: string }) => i.path)).toEqual([
      "notification_data.notification_type", "notification_data.channel", "notification_data.message_content"]);
  });

  it("sets the estimated restoration time and tells the customers still dark, once", async () => {
    const o = await outage({ meters: 3 });
    const etr = minutesFromNow(120);
    const set = await post("events/etr", { outage_event_id: o.eventId, estimated_restoration_time: etr });
    expect(set.body).toMatchObject({ estimated_restoration_time: new Date(etr).toISOString(), previous_estimate: null, notifications: { customers: 3, queued: 3 } });
    const moved = await post("events/etr", { outage_event_id: o.id, estimated_restoration_time: minutesFromNow(180) });
    expect(moved.body).toMatchObject({ previous_estimate: new Date(etr).toISOString(), notifications: { queued: 0, already_queued: 3 } });
    expect((await post("events/etr", { outage_event_id: o.id, estimated_restoration_time: minutesFromNow(-30) })).status).toBe(400);
    const timeline = await rows<any>(sql`SELECT event_type, actor_id FROM oms_event_timeline WHERE outage_event_id = ${o.id}::uuid ORDER BY id`);
    expect(timeline).toEqual([{ event_type: "etr", actor_id: omsApi }, { event_type: "etr", actor_id: omsApi }]);
  });

  it("shows the open outages with their sources and the storm-mode state on the dashboard", async () => {
    const open = await outage({ status: "confirmed", sources: ["kaifa", "kaifa", "call_center"] });
    const closed = await outage({ status: "restored", sources: ["scada"] });
    const { status, body } = await get("dashboard/active-outages");
    expect(status).toBe(200);
    const ids = body.active_outages.map((o: { id: string }) => o.id);
    expect(ids).toContain(open.id);
    expect(ids).not.toContain(closed.id);
    const row = body.active_outages.find((o: { id: string }) => o.id === open.id);
    expect(row).toMatchObject({ event_id: open.eventId, status: "confirmed", source_count: 3, source_types: "call_center, kaifa",
      affected_customers_count: 5, predicted_device_level: "distribution_point", confidence_score: 0.6 });
    expect(row.first_detected_at).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
    expect(body.correlation_summary.find((s: { outage_event_id: string }) => s.outage_event_id === open.id)).toEqual({
      outage_event_id: open.id, event_id: open.eventId, status: "confirmed", confidence_score: 0.6,
      total_sources: 3, scada_sources: 0, kaifa_sources: 2, onu_sources: 0, call_center_sources: 1 });
    expect(body.storm_mode_status).toEqual({ is_active: false, activated_at: expect.any(String), deactivated_at: expect.any(String) });
  });

  it("writes every change to the change log in sequence and pushes it after the commit", async () => {
    const log = await rows<{ seq: number | string; topic: string }>(sql`SELECT seq, topic FROM oms_change_log ORDER BY seq`);
    const seqs = log.map((r) => Number(r.seq));
    expect(seqs.every((s, i) => i === 0 || s > seqs[i - 1])).toBe(true);
    expect(new Set(log.map((r) => r.topic))).toEqual(new Set(["storm:changed", "crew:updated", "outage:updated", "outage:restored", "meter:status"]));
    await new Promise((resolve) => setTimeout(resolve, 200)); // one push tick
    // The auto-activation test published to its own publisher; everything done over HTTP came through the socket.
    const auto = log.find((r) => r.topic === "storm:changed" && !live.pushed.some((p) => p.seq === Number(r.seq)));
    const missing = seqs.filter((s) => !live.pushed.some((p) => p.seq === s) && s !== Number(auto?.seq));
    expect(missing).toEqual([]);
  });
});
