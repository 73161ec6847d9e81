import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { generateNetwork } from "../db/seed/generate";
import { runtimeName } from "./helpers/db";
import { callTrpc, startTestServer, type TestServer } from "./helpers/server";

const network = generateNetwork({ meters: 800, seed: 13, substations: 2, feeders: 16 });
const substationOf = (i: number) => network.substations.find((s) => s.id === network.feeders[i].substationId)!.substationId;

describe(`the control room's outage procedures on ${runtimeName}`, () => {
  let test: TestServer;
  let dispatcher: string;
  let crew: string;
  const q = async (path: string, input?: unknown, cookie = dispatcher) => {
    const res = await callTrpc(test.url, path, "query", input, cookie);
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.result.data.json;
  };
  const m = (path: string, input: unknown, cookie = dispatcher) => callTrpc(test.url, path, "mutation", input, cookie);
  const trip = async (feederIndex: number, id: string) => (await test.post("/api/ingest/scada", {
    eventType: "breaker_trip", substationId: substationOf(feederIndex),
    feederId: network.feeders[feederIndex].feederId, mainStationId: "MS001", alarmType: "fault",
    timestamp: new Date().toISOString(), voltage: 0, severity: "critical", reason: `trip ${id}`,
  })).body;

  beforeAll(async () => {
    test = await startTestServer(network);
    dispatcher = await test.signIn("dispatcher");
    crew = await test.signIn("crew");
  });
  afterAll(async () => {
    await test?.stop();
  });

  it("lists open outages most severe first with their source mix, filters them, and shows one in full", async () => {
    const a = await trip(0, "A");
    const b = await trip(5, "B");
    expect(a.status).toBe("correlated");
    const list = await q("outages.list", {});
    const ids = list.map((o: { eventId: string }) => o.eventId);
    expect(ids).toEqual(expect.arrayContaining([a.event_id, b.event_id]));
    const row = list.find((o: { eventId: string }) => o.eventId === a.event_id);
    expect(row).toMatchObject({ level: "feeder", deviceCode: network.feeders[0].feederId, sources: { scada: 1 } });
    expect(row.customersOut).toBeGreaterThan(0);
    const rank = { critical: 0, high: 1, medium: 2, low: 3 } as Record<string, number>;
    const ranks = list.map((o: { severity: string }) => rank[o.severity]);
    expect(ranks).toEqual([...ranks].sort((x, y) => x - y));

    const byFeeder = await q("outages.list", { feeder: network.feeders[5].feederId });
    expect(byFeeder.map((o: { eventId: string }) => o.eventId)).toEqual([b.event_id]);
    expect(await q("outages.list", { severities: ["low"], statuses: ["detected"] })).not.toContainEqual(expect.objectContaining({ eventId: a.event_id }));

    const detail = await q("outages.detail", { id: a.outage_event_id });
    expect(detail).toMatchObject({ eventId: a.event_id, feeder: network.feeders[0].feederId, status: "confirmed" });
    expect(detail.meters.length).toBe(Math.min(200, detail.metersOut));
    expect(detail.signals.map((s: { source: string }) => s.source)).toContain("scada");
    expect(detail.timeline.length).toBeGreaterThan(0);

    const overview = await q("outages.overview");
    expect(overview.customersOut).toBeGreaterThanOrEqual(row.customersOut);
    expect(Object.values(overview.outages as Record<string, number>).reduce((x, y) => x + y, 0)).toBeGreaterThanOrEqual(2);
    expect(overview.crews.available + overview.crews.busy).toBe(network.crews.length);
  });

  it("confirms a detected outage and adds notes, each on the timeline with the dispatcher's name", async () => {
    const created = (await test.post("/api/oms/events/create", {
      event_type: "outage", source_type: "call_center", source_event_id: "CR-CALL-1", timestamp: new Date().toISOString(),
      metadata: { meter_number: network.meters.find((x) => x.feederId === network.feeders[14].id)!.meterNumber },
    })).body;
    expect(created.status).toBe("created");
    const [before] = await test.rows<{ status: string }>(sql`SELECT status FROM oms_outage_events WHERE id = ${created.outage_event_id}::uuid`);
    const confirmed = await m("outages.confirm", { outage_event_id: created.outage_event_id });
    expect(confirmed.body.result.data.json).toMatchObject({ status: "confirmed", already_confirmed: before.status !== "detected" });
    await m("outages.addNote", { outage_event_id: created.outage_event_id, note: "Customer reports a bang from the transformer" });
    const detail = await q("outages.detail", { id: created.outage_event_id });
    expect(detail.status).toBe("confirmed");
    const note = detail.timeline.find((t: { type: string }) => t.type === "note");
    expect(note).toMatchObject({ description: "Customer reports a bang from the transformer", actor: "dispatcher1", source: "user" });
    expect(detail.timeline.find((t: { type: string }) => t.type === "confirmed")).toMatchObject({ actor: "dispatcher1" });
    // Bad input names the field.
    const bad = await m("outages.addNote", { outage_event_id: created.outage_event_id, note: "" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.json.data.issues[0].path).toBe("note");
  });

  it("lets a crew mark its assignment restored with a cause: the outage closes and the crew is free again", async () => {
    const t = await trip(9, "C");
    const dispatched = await m("crews.dispatch", { outage_event_id: t.outage_event_id, crew_data: { crew_id: test.crewCode } });
    const assignment = dispatched.body.result.data.json.assignment_id as number;
    const refused = await m("crew.markRestored", { assignment_id: assignment, cause: "Fuse replaced" }, dispatcher);
    expect(refused.status).not.toBe(403); // a dispatcher may, too; but make the crew do it:
    expect(refused.status).toBe(200);
    const t2 = await trip(12, "D");
    const second = (await m("crews.dispatch", { outage_event_id: t2.outage_event_id, crew_data: { crew_id: test.crewCode } })).body.result.data.json.assignment_id;
    const done = await m("crew.markRestored", { assignment_id: second, cause: "Line repaired", notes: "Pole 14" }, crew);
    expect(done.status).toBe(200);
    const detail = await q("outages.detail", { id: t2.outage_event_id });
    expect(detail.status).toMatch(/restored|verifying/);
    expect(detail.cause).toBe("Line repaired");
    expect(detail.assignments[0]).toMatchObject({ status: "completed", notes: "Pole 14" });
    const [c] = await test.rows<{ status: string }>(sql`SELECT status FROM oms_crews WHERE crew_id = ${test.crewCode}`);
    expect(c.status).toBe("available");
    expect((await q("outages.list", {})).map((o: { eventId: string }) => o.eventId)).not.toContain(t2.event_id);
  });

  it("splits the customers behind chosen distribution points into a new confirmed outage, and refuses splits that make no sense", async () => {
    const t = await trip(3, "S");
    const before = await q("outages.detail", { id: t.outage_event_id });
    expect(before.points.length).toBeGreaterThan(1);
    const [point] = before.points;
    const res = await m("outages.split", { outage_event_id: t.outage_event_id, distribution_points: [point.code], reason: "separate fault" });
    expect(res.status).toBe(200);
    const made = res.body.result.data.json;
    expect(made).toMatchObject({ meters: point.metersOut, distribution_points: [point.code], split_from: t.event_id });
    const split = await q("outages.detail", { id: made.outage_event_id });
    expect(split).toMatchObject({ status: "confirmed", level: "distribution_point", deviceCode: point.code, metersOut: point.metersOut, confirmedBy: "dispatcher1" });
    const after = await q("outages.detail", { id: t.outage_event_id });
    expect(after.metersOut).toBe(before.metersOut - point.metersOut);
    expect(after.points.map((p: { code: string }) => p.code)).not.toContain(point.code);
    expect(after.timeline[0]).toMatchObject({ type: "split", actor: "dispatcher1" });

    const unknown = await m("outages.split", { outage_event_id: t.outage_event_id, distribution_points: ["DP99999"] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.json.message).toMatch(/None of these distribution points/);
    const everything = await m("outages.split", { outage_event_id: t.outage_event_id, distribution_points: after.points.map((p: { code: string }) => p.code) });
    expect(everything.status).toBe(400);
  });
});
