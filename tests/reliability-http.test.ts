import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { generateNetwork } from "../db/seed/generate";
import { sweepVerifications } from "../server/ingest/sweeper";
import { runtimeName } from "./helpers/db";
import { callTrpc, startTestServer, type TestServer } from "./helpers/server";

const network = generateNetwork({ meters: 400, feeders: 4, substations: 2, seed: 13 });
const customersOf = (feederId?: number) =>
  new Set(network.meters.filter((m) => feederId === undefined || m.feederId === feederId).map((m) => m.customerId)).size;
const [feederA, feederB, feederC] = network.feeders;
const substationOf = (f: (typeof network.feeders)[number]) => network.substations.find((s) => s.id === f.substationId)!.substationId;

/**
 * A history of SCADA trips and closes in October 2026, posted through the ingestion route with
 * past timestamps (times UTC; Amman is UTC+3):
 * - feeder A out 5 Oct 07:00–08:00 (60 min) and 7 Oct 22:00–22:30 (30 min, on 8 October in Amman);
 * - feeder B out 6 Oct 07:00–07:04: an outage in the control room, but 4 minutes: momentary;
 * - feeder C tripped and closed within 30 s on 9 Oct: a device momentary, never an outage.
 */
const HISTORY: Array<[feeder: (typeof network.feeders)[number], trip: string, close: string]> = [
  [feederA, "2026-10-05T07:00:00Z", "2026-10-05T08:00:00Z"],
  [feederB, "2026-10-06T07:00:00Z", "2026-10-06T07:04:00Z"],
  [feederA, "2026-10-07T22:00:00Z", "2026-10-07T22:30:00Z"],
  [feederC, "2026-10-09T10:00:00Z", "2026-10-09T10:00:30Z"],
];
const october = "from=2026-10-01T00:00:00%2B03:00&to=2026-11-01T00:00:00%2B03:00";

describe(`GET /api/oms/reliability after SCADA trips and closes posted with past times (${runtimeName})`, () => {
  let test: TestServer;

  beforeAll(async () => {
    test = await startTestServer(network);
    for (const [feeder, trip, close] of HISTORY) {
      for (const [eventType, timestamp] of [["breaker_trip", trip], ["breaker_close", close]]) {
        const { status, body } = await test.post("/api/ingest/scada", { eventType, substationId: substationOf(feeder), feederId: feeder.feederId, timestamp });
        expect(status, JSON.stringify(body)).toBe(200);
      }
    }
  });
  afterAll(async () => test?.stop());

  it("answers the system's indices as worked out from the trips", async () => {
    const { status, body } = await test.get(`/api/oms/reliability?${october}&level=system`);
    expect(status).toBe(200);
    const n = customersOf();
    const a = customersOf(feederA.id);
    expect(body).toMatchObject({ from: "2026-09-30T21:00:00.000Z", to: "2026-10-31T21:00:00.000Z", level: "system", id: null, customers_served: n, major_event_days: [] });
    expect(body.saifi).toBeCloseTo((2 * a) / n, 9);
    expect(body.saidi).toBeCloseTo((90 * a) / n, 6);
    expect(body.caidi).toBeCloseTo(45, 6);
    expect(body.caifi).toBeCloseTo(2, 9);
    expect(body.maifi_e).toBeCloseTo((customersOf(feederB.id) + customersOf(feederC.id)) / n, 9);
    expect(body.asai).toBeCloseTo(1 - (90 * a) / (n * 31 * 1440), 12);
    // Two days with SAIDI > 0 (60a/n on 5 Oct, 30a/n on 8 Oct): α = ln(√1800 · a/n), β = ln 2 / √2.
    expect(body.t_med_minutes).toBeCloseTo(Math.sqrt(1800) * (a / n) * Math.exp((2.5 * Math.LN2) / Math.SQRT2), 6);
    expect(body.excluding_major_events).toEqual({ saifi: body.saifi, saidi: body.saidi, caidi: body.caidi });
  });

  it("a feeder's report, and a day boundary in the utility's zone", async () => {
    const feeder = await test.get(`/api/oms/reliability?${october}&level=feeder&id=${feederA.feederId}`);
    expect(feeder.body).toMatchObject({ level: "feeder", id: feederA.feederId, customers_served: customersOf(feederA.id), saifi: 2, saidi: 90, caidi: 45, caifi: 2 });
    const eighth = await test.get(`/api/oms/reliability?from=2026-10-08T00:00:00%2B03:00&to=2026-10-09T00:00:00%2B03:00&level=feeder&id=${feederA.feederId}`);
    expect(eighth.body).toMatchObject({ saifi: 1, saidi: 30 });
    const substation = await test.get(`/api/oms/reliability?${october}&level=substation&id=${substationOf(feederB)}`);
    expect(substation.status).toBe(200);
    expect(substation.body.customers_served).toBe(new Set(network.meters.filter((m) => m.substationId === feederB.substationId).map((m) => m.customerId)).size);
  });

  it("a meter still dark after its outage's restoration, split off as a nested outage, is one interruption (Kaifa, 12 November)", async () => {
    // A distribution point of feeder D whose meters all gasp at 08:00; all but one are back at 09:00; the
    // last is split off into a nested outage when the verification window ends, and is back at 10:30.
    const feederD = network.feeders[3];
    const dp = network.distributionPoints.find((p) => p.feederId === feederD.id && network.meters.filter((m) => m.dpId === p.id).length >= 3)!;
    const [dark, ...back] = network.meters.filter((m) => m.dpId === dp.id);
    const kaifa = (id: string, meter: string, at: string, reason: string) =>
      ({ message_type: "EndDeviceEvent", timestamp: at, payload: { event_id: id, reason, assets: { mrid: meter } } });
    const post = async (events: unknown[]) => expect((await test.post("/api/ingest/kaifa", events)).status).toBe(200);
    await post([dark, ...back].map((m, i) => kaifa(`N-OFF-${i}`, m.meterNumber, "2026-11-12T08:00:00Z", "Last gasp signal detected")));
    await post(back.map((m, i) => kaifa(`N-ON-${i}`, m.meterNumber, "2026-11-12T09:00:00Z", "Power restored")));
    await sweepVerifications(test.server.services.ingest);
    const nested = await test.rows<{ n: number }>(sql`SELECT COUNT(*)::int AS n FROM oms_outage_events WHERE parent_outage_id IS NOT NULL`);
    expect(nested[0].n).toBe(1);
    await post([kaifa("N-ON-DARK", dark.meterNumber, "2026-11-12T10:30:00Z", "Power restored")]);

    const n = back.length + 1;
    const { body } = await test.get(`/api/oms/reliability?from=2026-11-12T00:00:00%2B03:00&to=2026-11-13T00:00:00%2B03:00&level=feeder&id=${feederD.feederId}`);
    const served = customersOf(feederD.id);
    expect(body.customers_served).toBe(served);
    expect(body.saifi).toBeCloseTo(n / served, 9);
    expect(body.saidi).toBeCloseTo(((n - 1) * 60 + 150) / served, 6);
    expect(body.caidi).toBeCloseTo(((n - 1) * 60 + 150) / n, 6);
    expect(body.caifi).toBe(1);
  });

  it("people who may see outages get it, through REST and tRPC; others are refused; bad queries name the field", async () => {
    for (const role of ["viewer", "dispatcher", "supervisor"] as const) {
      const res = await fetch(`${test.url}/api/oms/reliability?${october}`, { headers: { cookie: await test.signIn(role) } });
      expect(res.status).toBe(200);
    }
    const crew = await fetch(`${test.url}/api/oms/reliability?${october}`, { headers: { cookie: await test.signIn("crew") } });
    expect(crew.status).toBe(403);
    expect((await fetch(`${test.url}/api/oms/reliability?${october}`)).status).toBe(401);
    const scadaKey = await fetch(`${test.url}/api/oms/reliability?${october}`, { headers: { authorization: `Bearer ${test.keys.scada}` } });
    expect([401, 403]).toContain(scadaKey.status);

    const page = await callTrpc(test.url, "reliability.report", "query",
      { from: "2026-10-01T00:00:00+03:00", to: "2026-11-01T00:00:00+03:00", level: "system" }, await test.signIn("dispatcher"));
    expect(page.status).toBe(200);
    const report = page.body.result.data.json;
    expect(report.daily).toHaveLength(31);
    expect(report.daily.find((d: { day: string }) => d.day === "2026-10-08").customer_interruptions).toBe(customersOf(feederA.id));
    expect(report.feeders.find((f: { feeder: string }) => f.feeder === feederA.feederId).saidi).toBe(90);

    for (const [query, path] of [
      ["from=1.10.2026&to=2026-11-01T00:00:00Z", "from"],
      [`${october}&level=region`, "level"],
      [`${october}&level=feeder`, "id"],
      [`${october}&level=feeder&id=NO-SUCH-FEEDER`, "id"],
      ["from=2026-11-01T00:00:00Z&to=2026-10-01T00:00:00Z", "to"],
    ]) {
      const { status, body } = await test.get(`/api/oms/reliability?${query}`);
      expect(status, query).toBe(400);
      expect(body.issues.map((i: { path: string }) => i.path), query).toContain(path);
    }
  });
});
