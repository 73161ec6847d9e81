import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateNetwork } from "../db/seed/generate";
import { shownAt, PLAYBACK_STATUSES, advance, devicesAt, type Playback } from "../db/queries/playbackFormat";
import type { HistoryMomentaryRow, HistoryOutageRow, HistoryPage } from "../db/queries/outageHistory";
import { runtimeName } from "./helpers/db";
import { callTrpc, startTestServer, type TestServer } from "./helpers/server";

const network = generateNetwork({ meters: 600, seed: 41, substations: 2, feeders: 10 });
const substationOf = (i: number) => network.substations.find((s) => s.id === network.feeders[i]!.substationId)!.substationId;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * History and playback (issue 12, point 4) through the real tRPC endpoint, with outages made by
 * the real ingestion and restored by the real verbs: what the history lists, and the map state the
 * playback rebuilds at each instant, must equal what the live map showed at that instant.
 */
describe(`history and playback on ${runtimeName}`, () => {
  let test: TestServer;
  let dispatcher: string;
  /** At each chosen instant, the outages the live map showed then (outages.active): event id → customers out. */
  const seen: Array<{ at: Date; shown: Record<string, number>; feeders: Record<number, string>; substations: Record<number, string> }> = [];
  let t0: Date;
  let end: Date;
  let a: { outage_event_id: string; event_id: string };
  let b: { outage_event_id: string; event_id: string };
  let c: { outage_event_id: string; event_id: string };

  const call = async (path: string, input: unknown, type: "query" | "mutation" = "query", cookie = dispatcher) => {
    const res = await callTrpc(test.url, path, type, input, cookie);
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.result.data.json;
  };
  const scada = async (eventType: "breaker_trip" | "breaker_close", i: number) => {
    const res = await test.post("/api/ingest/scada", {
      eventType, substationId: substationOf(i), feederId: network.feeders[i]!.feederId, mainStationId: "MS001",
      alarmType: "fault", timestamp: new Date().toISOString(), voltage: 0, severity: "critical", reason: eventType,
    });
    expect(res.status).toBe(200);
    return res.body;
  };
  /** The live map's outages now, kept with the instant. */
  const look = async () => {
    await pause(30);
    const markers = (await call("outages.active", undefined)) as Array<{ eventId: string; customersOut: number }>;
    const lines = (await call("network.feeders", undefined)) as { features: Array<{ properties: { id: number; status: string; breaker: string } }> };
    const substations = (await call("network.substations", undefined)) as Array<{ id: number; status: string }>;
    seen.push({
      at: new Date(), shown: Object.fromEntries(markers.map((m) => [m.eventId, m.customersOut])),
      feeders: Object.fromEntries(lines.features.map((f) => [f.properties.id, `${f.properties.status}/${f.properties.breaker}`])),
      substations: Object.fromEntries(substations.map((x) => [x.id, x.status])),
    });
    await pause(30);
  };
  const restore = (id: string, reason: string) => call("outages.restore", {
    outage_event_id: id, restoration_data: { restoration_time: new Date().toISOString(), restoration_reason: reason },
  }, "mutation");

  beforeAll(async () => {
    test = await startTestServer(network);
    dispatcher = await test.signIn("dispatcher");
    t0 = new Date();
    await look();
    a = await scada("breaker_trip", 1);
    await look();
    b = await scada("breaker_trip", 2);
    await look();
    // A breaker that recloses within the momentary window: a cancelled outage and a device momentary.
    c = await scada("breaker_trip", 3);
    await scada("breaker_close", 3);
    await look();
    await restore(a.outage_event_id, "Tree on the line");
    await look();
    await restore(b.outage_event_id, "Fuse replaced");
    await look();
    end = new Date();
  });
  afterAll(async () => {
    await test?.stop();
  });

  it("plays back what the map showed at each instant: the state at the start and every change after it", async () => {
    // The instants saw something happen: nothing, A, A and B, A and B, B, nothing.
    expect(seen.map((s) => Object.keys(s.shown).sort())).toEqual([[], [a.event_id], [a.event_id, b.event_id].sort(), [a.event_id, b.event_id].sort(), [b.event_id], []]);
    const whole = (await call("history.playback", { from: new Date(t0.getTime() - 1000).toISOString(), to: end.toISOString() })) as Playback;
    expect(whole.truncated).toBe(false);
    expect(whole.start).toEqual([]);
    for (const s of seen) {
      const t = s.at.getTime() - new Date(whole.from).getTime();
      expect(shownAt(whole, t), s.at.toISOString()).toEqual(Object.keys(s.shown).sort());
      // Customers out on each symbol as the live map had them.
      const state = advance(whole, t).state;
      for (const [eventId, customers] of Object.entries(s.shown)) {
        const frame = [...state.values()].find((f) => whole.outages[f[1]]![1] === eventId)!;
        expect(frame[4]).toBe(customers);
        expect(PLAYBACK_STATUSES[frame[2]]).toBe("confirmed");
      }
    }
    // The feeders and substations as the live map drew them then (a device with no state in the playback was energized, closed).
    for (const s of seen) {
      const t = s.at.getTime() - new Date(whole.from).getTime();
      const feeders = devicesAt(whole.feeders, t);
      const substations = devicesAt(whole.substations, t);
      expect(Object.fromEntries(Object.keys(s.feeders).map((id) => { const d = feeders.get(Number(id)); return [id, `${d?.[2] ?? "energized"}/${d?.[3] ?? "closed"}`]; })), s.at.toISOString()).toEqual(s.feeders);
      expect(Object.fromEntries(Object.keys(s.substations).map((id) => [id, substations.get(Number(id))?.[2] ?? "energized"]))).toEqual(s.substations);
    }
    expect(seen[2]!.feeders[network.feeders[1]!.id]).toMatch(/^de_energized/);
    expect(seen[4]!.feeders[network.feeders[1]!.id]).toMatch(/^energized/);
    // The cancelled blip came and went between two instants: in the changes, never shown at one of them.
    expect(whole.outages.map((o) => o[1])).toContain(c.event_id);
    // Starting mid-way: the state at the start is what was shown then (A and B), from the log before it.
    const mid = (await call("history.playback", { from: seen[2]!.at.toISOString(), to: end.toISOString() })) as Playback;
    expect(mid.start.map((f) => mid.outages[f[1]]![1]).sort()).toEqual([a.event_id, b.event_id].sort());
    expect(mid.start.every((f) => f[0] === 0 && f[5] != null && f[6] != null)).toBe(true);
    for (const s of seen.slice(2)) {
      const t = s.at.getTime() - seen[2]!.at.getTime();
      expect(shownAt(mid, t)).toEqual(Object.keys(s.shown).sort());
      const feeders = devicesAt(mid.feeders, t);
      for (const i of [1, 2]) {
        const d = feeders.get(network.feeders[i]!.id);
        expect(`${d?.[2] ?? "energized"}/${d?.[3] ?? "closed"}`).toBe(s.feeders[network.feeders[i]!.id]);
      }
    }
    // Changes come in time order, and each one changes something drawn.
    expect(mid.changes.every((f, i) => i === 0 || f[0] >= mid.changes[i - 1]![0])).toBe(true);
    expect(mid.logStartsAt).not.toBeNull();
    expect(new Date(mid.logStartsAt!).getTime()).toBeLessThanOrEqual(seen[1]!.at.getTime());
  });

  it("lists the closed outages and the device momentaries of the range, filtered and paged, with their counts", async () => {
    const range = { from: new Date(t0.getTime() - 60_000).toISOString(), to: new Date(end.getTime() + 60_000).toISOString() };
    const list = async (input: Record<string, unknown>) => (await call("history.outages", { ...range, ...input })) as HistoryPage<HistoryOutageRow>;
    const all = await list({});
    expect(all.total).toBe(3);
    expect(all.next).toBeNull();
    // Newest first: C began last.
    expect(all.rows.map((r) => r.eventId)).toEqual([c.event_id, b.event_id, a.event_id]);
    const rowA = all.rows.find((r) => r.eventId === a.event_id)!;
    expect(rowA).toMatchObject({ status: "restored", level: "feeder", deviceCode: network.feeders[1]!.feederId, substation: substationOf(1), feeder: network.feeders[1]!.feederId, cause: "Tree on the line" });
    expect(rowA.customers).toBe(Object.values(seen[1]!.shown)[0]);
    expect(new Date(rowA.endedAt).getTime()).toBeGreaterThan(new Date(rowA.firstDetectedAt).getTime());
    expect(all.rows.find((r) => r.eventId === c.event_id)).toMatchObject({ status: "cancelled", cause: "momentary interruption" });

    expect((await list({ statuses: ["cancelled"] })).rows.map((r) => r.eventId)).toEqual([c.event_id]);
    expect((await list({ statuses: ["restored"] })).total).toBe(2);
    expect((await list({ cause: "tree" })).rows.map((r) => r.eventId)).toEqual([a.event_id]);
    expect((await list({ feeder: network.feeders[2]!.feederId.toLowerCase() })).rows.map((r) => r.eventId)).toEqual([b.event_id]);
    const bySubstation = await list({ substation: substationOf(1) });
    expect(bySubstation.rows.every((r) => r.substation === substationOf(1))).toBe(true);
    expect(bySubstation.total).toBe([1, 2, 3].filter((i) => substationOf(i) === substationOf(1)).length);
    expect((await list({ source: "scada" })).total).toBe(3);
    expect((await list({ source: "call_center" })).total).toBe(0);
    expect((await list({ minCustomers: rowA.customers + 1 })).rows.map((r) => r.eventId)).not.toContain(a.event_id);
    expect((await list({ minCustomers: rowA.customers })).rows.map((r) => r.eventId)).toContain(a.event_id);
    // Before the range: nothing.
    expect((await call("history.outages", { from: new Date(t0.getTime() - 7_200_000).toISOString(), to: new Date(t0.getTime() - 60_000).toISOString() })).total).toBe(0);

    // A page at a time, every row once, the total on every page.
    const seenIds: string[] = [];
    let cursor: unknown = null;
    for (let page = 0; page < 5; page++) {
      const p = await list({ limit: 1, cursor });
      expect(p.total).toBe(3);
      seenIds.push(...p.rows.map((r) => r.eventId));
      cursor = p.next;
      if (!cursor) break;
    }
    expect(seenIds).toEqual(all.rows.map((r) => r.eventId));

    const momentaries = (await call("history.momentaries", range)) as HistoryPage<HistoryMomentaryRow>;
    expect(momentaries.total).toBe(1);
    expect(momentaries.rows[0]).toMatchObject({ level: "feeder", deviceCode: network.feeders[3]!.feederId, feeder: network.feeders[3]!.feederId, substation: substationOf(3) });
    expect((await call("history.momentaries", { ...range, feeder: network.feeders[1]!.feederId })).total).toBe(0);
  });

  it("names the bad field of a bad range or filter (400), and refuses a crew (403) and nobody (401)", async () => {
    const now = Date.now();
    const at = (ms: number) => new Date(now + ms).toISOString();
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ["history.outages", { from: at(0), to: at(-1000) }, "to"],
      ["history.outages", { from: at(-200 * 86_400_000), to: at(0) }, "to"],
      ["history.outages", { from: "yesterday", to: at(0) }, "from"],
      ["history.outages", { from: at(-1000), to: at(0), statuses: ["detected"] }, "statuses.0"],
      ["history.outages", { from: at(-1000), to: at(0), minCustomers: -1 }, "minCustomers"],
      ["history.outages", { from: at(-1000), to: at(0), limit: 5000 }, "limit"],
      ["history.outages", { from: at(-1000), to: at(0), cursor: { at: at(0), id: "x' OR 1=1" } }, "cursor"],
      ["history.momentaries", { from: at(0), to: at(0) }, "to"],
      ["history.playback", { from: at(-3 * 86_400_000), to: at(0) }, "to"],
      ["history.playback", { from: at(0), to: at(-1) }, "to"],
    ];
    for (const [path, input, field] of cases) {
      const res = await callTrpc(test.url, path, "query", input, dispatcher);
      expect(res.status, `${path} ${JSON.stringify(input)}`).toBe(400);
      expect(res.body.error.json.data.issues?.map((i: { path: string }) => i.path), JSON.stringify(res.body.error.json)).toContain(field);
    }
    const ok = { from: at(-3_600_000), to: at(0) };
    expect((await callTrpc(test.url, "history.outages", "query", ok, await test.signIn("viewer"))).status).toBe(200);
    for (const path of ["history.outages", "history.momentaries", "history.playback"]) {
      expect((await callTrpc(test.url, path, "query", ok, await test.signIn("crew"))).status).toBe(403);
      expect((await callTrpc(test.url, path, "query", ok)).status).toBe(401);
    }
  });
});
