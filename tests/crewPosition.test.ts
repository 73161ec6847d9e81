import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { generateNetwork } from "../db/seed/generate";
import { CREW_SPEED_KMH, ROAD_FACTOR, haversineMeters } from "../server/operations/crewTravel";
import { runtimeName } from "./helpers/db";
import { insertOutage } from "./helpers/outages";
import { callTrpc, connectLive, signIn, startTestServer, TEST_PASSWORD, type LiveClient, type TestServer } from "./helpers/server";

const network = generateNetwork({ meters: 400, seed: 5 });
const dps = network.distributionPoints.filter((d) => network.meters.filter((m) => m.dpId === d.id).length >= 4);
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

describe(`crews on the move on ${runtimeName}`, () => {
  let test: TestServer;
  let dispatcher: string;
  let crew: string;
  /** A member of the second crew. */
  let otherCrew: string;
  let live: LiveClient;
  const [own, second] = [network.crews[0], network.crews[1]];
  const report = (input: Record<string, unknown>, cookie = crew) => callTrpc(test.url, "crew.reportPosition", "mutation", input, cookie);
  const fix = (lat: number, lng: number, at = new Date().toISOString()) => ({ crew_id: own.crewId, latitude: lat, longitude: lng, accuracy_m: 12, at });
  const q = async (path: string, input: unknown, cookie = dispatcher) => {
    const res = await callTrpc(test.url, path, "query", input, cookie);
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.result.data.json;
  };

  beforeAll(async () => {
    test = await startTestServer(network);
    dispatcher = await test.signIn("dispatcher");
    crew = await test.signIn("crew");
    const sup = await test.signIn("supervisor");
    const made = await callTrpc(test.url, "admin.users.create", "mutation", { username: "othercrew", name: "Other Crew", role: "crew", crew: second.crewId, password: TEST_PASSWORD }, sup);
    expect(made.status).toBe(200);
    otherCrew = await signIn(test.url, "othercrew", TEST_PASSWORD);
    live = await connectLive(test.url, dispatcher);
  });
  afterAll(async () => {
    live?.close();
    await test?.stop();
  });

  it("stores a crew member's fix for their own crew and pushes the move to the control room", async () => {
    const at = ago(3_000);
    const res = await report(fix(31.95, 35.91, at));
    expect(res.status).toBe(200);
    expect(res.body.result.data.json).toMatchObject({ crew_id: own.crewId, latitude: 31.95, longitude: 35.91, accuracy_m: 12, position_at: at, accepted: true });
    const [row] = await test.rows<{ lat: number; lng: number; accuracy: number; at: Date }>(sql`
      SELECT location_lat AS lat, location_lng AS lng, position_accuracy_m AS accuracy, position_updated_at AS at FROM oms_crews WHERE crew_id = ${own.crewId}`);
    expect({ ...row, at: new Date(row.at).toISOString() }).toEqual({ lat: 31.95, lng: 35.91, accuracy: 12, at });
    await expect.poll(() => live.pushed.find((c) => c.topic === "crew:updated" && c.payload.positionAt === at)?.payload, { timeout: 5000 })
      .toMatchObject({ lat: 31.95, lng: 35.91, accuracy: 12, status: "available" });
    const listed = (await q("crews.list", undefined)).find((c: { code: string }) => c.code === own.crewId);
    expect(listed).toMatchObject({ lat: 31.95, lng: 35.91, positionAt: at, accuracy: 12, depotLat: own.depotLat, depotLng: own.depotLng });

    // A fix older than the one stored (a late request) never moves the crew back.
    const late = await report(fix(31.9, 35.8, ago(60_000)));
    expect(late.body.result.data.json.accepted).toBe(false);
    const [still] = await test.rows<{ lat: number }>(sql`SELECT location_lat AS lat FROM oms_crews WHERE crew_id = ${own.crewId}`);
    expect(still.lat).toBe(31.95);
  });

  it("refuses a position for a crew the caller is not in: another crew's member, a dispatcher, nobody", async () => {
    const before = await test.rows<{ lat: number }>(sql`SELECT location_lat AS lat FROM oms_crews WHERE crew_id IN (${own.crewId}, ${second.crewId}) ORDER BY crew_id`);
    const byOther = await report(fix(31.96, 35.92), otherCrew);
    expect(byOther.status).toBe(403);
    expect(byOther.body.error.json.message).toContain(own.crewId);
    const forOther = await report({ ...fix(31.96, 35.92), crew_id: second.crewId });
    expect(forOther.status).toBe(403);
    expect((await report(fix(31.96, 35.92), dispatcher)).status).toBe(403);
    expect((await report(fix(31.96, 35.92), "")).status).toBe(401);
    const after = await test.rows<{ lat: number }>(sql`SELECT location_lat AS lat FROM oms_crews WHERE crew_id IN (${own.crewId}, ${second.crewId}) ORDER BY crew_id`);
    expect(after).toEqual(before);
  });

  it.each([
    ["latitude", { latitude: 91 }],
    ["longitude", { longitude: "35.9" }],
    ["accuracy_m", { accuracy_m: -1 }],
    ["at", { at: "yesterday" }],
    ["at", { at: ago(6 * 60_000) }],
    ["at", { at: new Date(Date.now() + 5 * 60_000).toISOString() }],
    ["crew_id", { crew_id: undefined }],
  ])("answers 400 naming %s for a bad fix (%j)", async (field, change) => {
    const res = await report({ ...fix(31.95, 35.91), ...change });
    expect(res.status).toBe(400);
    expect(res.body.error.json.data.issues.map((i: { path: string }) => i.path)).toEqual([field]);
  });

  it("suggests crews with the distance from a recent position (else the depot), the road distance and an arrival time", async () => {
    const dp = dps[0];
    const outage = await insertOutage(test.server.database.db, { dpId: dp.id });
    // The crew stands 2 km north of the point, fixed a minute ago; every other crew has never reported.
    const near = { lat: dp.locationLat + 2000 / 111_320, lng: dp.locationLng };
    expect((await report(fix(near.lat, near.lng, ago(1000)))).status).toBe(200);
    const asked = Date.now();
    const answer = await q("crews.suggest", { outage_event_id: outage.eventId });
    const mine = answer.crews.find((c: { crew_id: string }) => c.crew_id === own.crewId);
    const straight = haversineMeters(near, { lat: dp.locationLat, lng: dp.locationLng });
    expect(mine.from).toBe("position");
    // PostGIS measures on the spheroid, the check on a sphere: they agree within half a percent.
    expect(Math.abs(mine.distance_meters - straight)).toBeLessThan(straight * 0.005);
    expect(mine.road_meters).toBe(Math.round(mine.distance_meters * ROAD_FACTOR));
    expect(mine.travel_minutes).toBe(Math.ceil(mine.road_meters / (CREW_SPEED_KMH * 1000 / 60)));
    expect(Math.abs(Date.parse(mine.eta) - (asked + mine.travel_minutes * 60_000))).toBeLessThan(10_000);

    const other = answer.crews.find((c: { crew_id: string }) => c.crew_id === second.crewId);
    expect(other).toMatchObject({ from: "depot", position_at: null, latitude: second.depotLat, longitude: second.depotLng });
    const fromDepot = haversineMeters({ lat: second.depotLat, lng: second.depotLng }, { lat: dp.locationLat, lng: dp.locationLng });
    expect(Math.abs(other.distance_meters - fromDepot)).toBeLessThan(fromDepot * 0.005 + 1);
    // Nearest first.
    const distances = answer.crews.map((c: { distance_meters: number }) => c.distance_meters);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));

    // A position older than ten minutes no longer counts: the crew is measured from its depot.
    await test.rows(sql`UPDATE oms_crews SET position_updated_at = now() - interval '11 minutes' WHERE crew_id = ${own.crewId}`);
    const later = (await q("crews.suggest", { outage_event_id: outage.eventId })).crews.find((c: { crew_id: string }) => c.crew_id === own.crewId);
    expect(later).toMatchObject({ from: "depot", latitude: own.depotLat, longitude: own.depotLng });
  });

  it("shows the crew the place in words and the dispatcher's notes", async () => {
    const dp = dps[1];
    const outage = await insertOutage(test.server.database.db, { dpId: dp.id });
    const eta = new Date(Date.now() + 25 * 60_000).toISOString();
    const sent = await callTrpc(test.url, "crews.dispatch", "mutation", {
      outage_event_id: outage.eventId, crew_data: { crew_id: own.crewId, estimated_arrival: eta, notes: "Gate code 4411; dog in the yard" },
    }, dispatcher);
    expect(sent.status).toBe(200);
    const mine = await q("crew.myAssignments", undefined, crew);
    const a = mine.assignments.find((x: { event_id: string }) => x.event_id === outage.eventId);
    const feeder = network.feeders.find((f) => f.id === dp.feederId)!;
    expect(a).toMatchObject({
      dispatch_notes: "Gate code 4411; dog in the yard", dp_code: dp.dpId, dp_name: dp.name, device_name: dp.name,
      // Signed with the person's name, not only their username.
      assigned_by: "dispatcher1", assigned_by_name: "Test dispatcher",
      feeder_code: feeder.feederId, feeder_name: feeder.name, lat: dp.locationLat, lng: dp.locationLng,
    });
    expect(new Date(a.estimated_arrival).toISOString()).toBe(eta);
    // The nearest customer address, if one is within 250 m of the site.
    const [nearest] = await test.rows<{ address: string; meters: number }>(sql`
      SELECT address, ST_Distance(location::geography, ST_SetSRID(ST_MakePoint(${dp.locationLng}, ${dp.locationLat}), 4326)::geography) AS meters
      FROM oms_customers WHERE address IS NOT NULL AND location IS NOT NULL ORDER BY 2 LIMIT 1`);
    expect(nearest.meters).toBeLessThan(250);
    expect(a.address).toBe(nearest.address);
    // The notes are in the outage's timeline too.
    const [entry] = await test.rows<{ description: string }>(sql`
      SELECT description FROM oms_event_timeline WHERE outage_event_id = ${outage.id}::uuid AND event_type = 'crew_dispatched'`);
    expect(entry.description).toContain("Notes: Gate code 4411");
  });
});
