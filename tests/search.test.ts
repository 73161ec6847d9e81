import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateNetwork } from "../db/seed/generate";
import { phoneDigits, type SearchHit } from "../db/queries/search";
import { runtimeName } from "./helpers/db";
import { callTrpc, startTestServer, type TestServer } from "./helpers/server";

const network = generateNetwork({ meters: 700, seed: 37, substations: 2, feeders: 12 });
const feeder = network.feeders[3]!;
const substationCode = network.substations.find((s) => s.id === feeder.substationId)!.substationId;
/** A customer under the feeder the test trips, and one elsewhere. */
const darkMeter = network.meters.find((m) => m.feederId === feeder.id)!;
const dark = network.customers.find((c) => c.id === darkMeter.customerId)!;
const litMeter = network.meters.find((m) => m.feederId === network.feeders[8]!.id)!;
const lit = network.customers.find((c) => c.id === litMeter.customerId)!;

describe("a phone in any spelling", () => {
  it.each([
    ["+962 79 123 4567", "791234567"], ["00962791234567", "791234567"], ["0791234567", "791234567"], ["079-123-4567", "791234567"],
    ["791234567", "791234567"], ["(07) 912", "7912"], ["079", null], ["Khalid", null], ["M1001", null],
  ])("%s → %s", (typed, digits) => {
    expect(phoneDigits(typed)).toBe(digits);
  });
});

/** The search box's query (issue 12, point 3) through the real tRPC endpoint. */
describe(`search by customer, phone, meter, address, event id and device code on ${runtimeName}`, () => {
  let test: TestServer;
  let dispatcher: string;
  let viewer: string;
  let outage: { outage_event_id: string; event_id: string };
  const find = async (text: string, cookie = dispatcher) => {
    const res = await callTrpc(test.url, "search.everything", "query", { text }, cookie);
    if (res.status !== 200) throw new Error(`${text}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.result.data.json as SearchHit[];
  };

  beforeAll(async () => {
    test = await startTestServer(network);
    dispatcher = await test.signIn("dispatcher");
    viewer = await test.signIn("viewer");
    outage = (await test.post("/api/ingest/scada", {
      eventType: "breaker_trip", substationId: substationCode, feederId: feeder.feederId, mainStationId: "MS001", alarmType: "fault",
      timestamp: new Date().toISOString(), voltage: 0, severity: "critical", reason: "search test",
    })).body;
  });
  afterAll(async () => {
    await test?.stop();
  });

  it("finds a customer by part of the name, the number, the address and the phone in every spelling; a dark one leads to its outage", async () => {
    const d = dark.phone.replace(/\D/g, "");
    const spellings = [dark.phone, `+${d.slice(0, 3)} ${d.slice(3, 5)} ${d.slice(5, 8)} ${d.slice(8)}`, `00${d}`, `0${d.slice(3)}`, d.slice(3), `0${d.slice(3, 5)}-${d.slice(5)}`];
    const name = dark.name.split(" ").at(-1)!.toLowerCase();
    for (const text of [...spellings, dark.customerId, dark.customerId.toLowerCase(), dark.address.slice(0, 12), name]) {
      const hit = (await find(text)).find((h) => h.kind === "customer" && h.code === dark.customerId);
      expect(hit, text).toMatchObject({ outageId: outage.outage_event_id, outageEventId: outage.event_id, state: "assumed" });
    }
    // As it is typed: the first digits already find it.
    expect((await find(`0${d.slice(3, 8)}`)).some((h) => h.code === dark.customerId)).toBe(true);
    expect((await find(dark.phone)).find((h) => h.code === dark.customerId)!.matched).toBe("phone");
    // A customer with power leads to its meter on the map, with its state.
    const other = (await find(lit.customerId)).find((h) => h.code === lit.customerId)!;
    expect(other).toMatchObject({ kind: "customer", outageId: null, lat: litMeter.locationLat, lng: litMeter.locationLng });
    expect(["on", "unknown"]).toContain(other.state);
  });

  it("finds meters by number or asset mRID, outages by event id, and substations, feeders and distribution points by code or name", async () => {
    expect((await find(darkMeter.meterNumber))[0]).toMatchObject({ kind: "meter", code: darkMeter.meterNumber, outageId: outage.outage_event_id, state: "assumed" });
    expect((await find(darkMeter.assetMrid)).find((h) => h.kind === "meter")).toMatchObject({ code: darkMeter.meterNumber, matched: "asset mRID" });
    expect((await find(outage.event_id))[0]).toMatchObject({ kind: "outage", outageId: outage.outage_event_id, state: "confirmed" });
    const f = (await find(feeder.feederId.toLowerCase())).find((h) => h.kind === "feeder")!;
    expect(f).toMatchObject({ code: feeder.feederId, outageId: outage.outage_event_id, state: "de_energized" });
    expect(f.bounds).toHaveLength(4);
    const sub = network.substations[0]!;
    expect((await find(sub.name.slice(0, 6))).some((h) => h.kind === "substation" && h.code === sub.substationId)).toBe(true);
    const dp = network.distributionPoints[5]!;
    expect((await find(dp.dpId))[0]).toMatchObject({ kind: "distribution_point", code: dp.dpId });
  });

  it("shows a viewer meters and outages but no customer; refuses a crew and nobody; takes % and _ literally; names a bad field", async () => {
    expect((await find(dark.customerId, viewer)).filter((h) => h.kind === "customer")).toEqual([]);
    expect((await find(dark.phone, viewer)).filter((h) => h.kind === "customer")).toEqual([]);
    expect((await find(darkMeter.meterNumber, viewer))[0]).toMatchObject({ kind: "meter" });
    expect((await callTrpc(test.url, "search.everything", "query", { text: darkMeter.meterNumber }, await test.signIn("crew"))).status).toBe(403);
    expect((await callTrpc(test.url, "search.everything", "query", { text: darkMeter.meterNumber })).status).toBe(401);
    expect(await find("%%")).toEqual([]);
    expect(await find("__")).toEqual([]);
    for (const [input, path] of [[{ text: "" }, "text"], [{ text: "x".repeat(101) }, "text"], [{ text: "FD", limit: 500 }, "limit"]] as const) {
      const res = await callTrpc(test.url, "search.everything", "query", input, dispatcher);
      expect(res.status).toBe(400);
      expect(res.body.error.json.data.issues[0].path).toBe(path);
    }
  });
});
