import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateNetwork } from "../db/seed/generate";
import { runtimeName } from "./helpers/db";
import { callTrpc, startTestServer, type TestServer } from "./helpers/server";
import type { SubstationNetworkSummary } from "../db/queries/networkSummary";

const network = generateNetwork({ meters: 900, seed: 31, substations: 3, feeders: 18 });
const customersOf = (pick: (m: (typeof network.meters)[number]) => boolean) => new Set(network.meters.filter(pick).map((m) => m.customerId)).size;

/** The Substations tab's figures (issue 12, point 5), through the real tRPC endpoint. */
describe(`the network by substation and feeder, worst first, on ${runtimeName}`, () => {
  let test: TestServer;
  let viewer: string;
  const summary = async (cookie = viewer) => {
    const res = await callTrpc(test.url, "network.summary", "query", undefined, cookie);
    expect(res.status).toBe(200);
    return res.body.result.data.json as SubstationNetworkSummary[];
  };
  const trip = (i: number) => test.post("/api/ingest/scada", {
    eventType: "breaker_trip", feederId: network.feeders[i]!.feederId, mainStationId: "MS001", alarmType: "fault",
    substationId: network.substations.find((s) => s.id === network.feeders[i]!.substationId)!.substationId,
    timestamp: new Date().toISOString(), voltage: 0, severity: "critical", reason: "summary test",
  });

  beforeAll(async () => {
    test = await startTestServer(network);
    viewer = await test.signIn("viewer");
  });
  afterAll(async () => {
    await test?.stop();
  });

  it("lists every substation and feeder with the customers it serves and none out on a whole network", async () => {
    const all = await summary();
    expect(all.map((s) => s.code).sort()).toEqual(network.substations.map((s) => s.substationId).sort());
    for (const s of all) {
      const sub = network.substations.find((x) => x.substationId === s.code)!;
      expect(s).toMatchObject({ customersOut: 0, shareOut: 0, outages: 0, customersServed: customersOf((m) => m.substationId === sub.id) });
      expect(s.feeders.map((f) => f.code).sort()).toEqual(network.feeders.filter((f) => f.substationId === sub.id).map((f) => f.feederId).sort());
      for (const f of s.feeders) {
        const feeder = network.feeders.find((x) => x.feederId === f.code)!;
        expect(f.customersServed).toBe(customersOf((m) => m.feederId === feeder.id));
        expect(f.bounds).toHaveLength(4);
      }
    }
    // Nothing out: by code.
    expect(all.map((s) => s.code)).toEqual([...all.map((s) => s.code)].sort());
  });

  it("puts the substation and feeders with the largest share out first, with figures that agree with the outages and the top bar", async () => {
    const a = (await trip(0)).body;
    const b = (await trip(1)).body;
    expect([a.status, b.status]).toEqual(["correlated", "correlated"]);
    const all = await summary();
    const [worst] = all;
    const sub = network.substations.find((s) => s.id === network.feeders[0]!.substationId)!;
    expect(worst!.code).toBe(sub.substationId);
    expect(worst!.outages).toBeGreaterThanOrEqual(1);
    const tripped = [network.feeders[0]!, network.feeders[1]!].filter((f) => f.substationId === sub.id).map((f) => f.feederId);
    // A tripped feeder is wholly dark; the tripped ones lead their substation's feeders.
    expect(worst!.feeders.slice(0, tripped.length).map((f) => f.code).sort()).toEqual(tripped.sort());
    for (const f of worst!.feeders.slice(0, tripped.length)) expect(f).toMatchObject({ shareOut: 1, customersOut: f.customersServed });
    expect(worst!.feeders.slice(tripped.length).every((f) => f.customersOut === 0)).toBe(true);
    expect(worst!.customersOut).toBe(worst!.feeders.reduce((n, f) => n + f.customersOut, 0));
    expect(worst!.shareOut).toBeCloseTo(worst!.customersOut / worst!.customersServed, 10);
    // Worst first all the way down.
    const shares = all.map((s) => s.shareOut);
    expect(shares).toEqual([...shares].sort((x, y) => y - x));
    // The same count of customers out as the outages and the top bar.
    const dispatcher = await test.signIn("dispatcher");
    const overview = (await callTrpc(test.url, "outages.overview", "query", undefined, dispatcher)).body.result.data.json;
    expect(all.reduce((n, s) => n + s.customersOut, 0)).toBe(overview.customersOut);
  });

  it("is refused to someone not signed in", async () => {
    const res = await callTrpc(test.url, "network.summary", "query", undefined);
    expect(res.status).toBe(401);
  });
});
