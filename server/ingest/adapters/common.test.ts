import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defaultKaifaEventMap } from "./kaifa";
import { type ItemOutcome, MAX_BATCH_ITEMS, formatPath, parseBatch, runSchema, timestamp } from "./common";
import { adapters } from "./index";

const now = new Date("2025-10-01T00:00:00Z");
const ctx = { now, kaifaEventMap: defaultKaifaEventMap };

describe("timestamp", () => {
  const schema = timestamp(now);
  it.each([
    ["2025-09-30T10:00:00Z", "2025-09-30T10:00:00.000Z"],
    ["2025-09-30T13:00:00+03:00", "2025-09-30T10:00:00.000Z"],
    // No offset means UTC, whatever the server's zone.
    ["2025-09-30T10:00:00", "2025-09-30T10:00:00.000Z"],
    ["2025-09-24T13:51:31.555369", "2025-09-24T13:51:31.555Z"],
    // Late deliveries are normal.
    ["2019-01-01T00:00:00Z", "2019-01-01T00:00:00.000Z"],
    // Within the 5-minute clock-skew tolerance.
    ["2025-10-01T00:04:59Z", "2025-10-01T00:04:59.000Z"],
  ])("accepts %s", (input, iso) => {
    expect(schema.parse(input).toISOString()).toBe(iso);
  });

  it.each([
    ["yesterday", "must be an ISO 8601 timestamp"],
    ["2025-09-30", "must be an ISO 8601 timestamp"],
    ["2025-02-30T10:00:00Z", "must be an ISO 8601 timestamp"],
    [1759226400000, "must be an ISO 8601 timestamp"],
    [undefined, "is required"],
    ["2025-10-01T00:05:01Z", "is in the future"],
    ["0000-01-01T00:00:00Z", "is before 1970"],
    ["1969-12-31T23:59:59Z", "is before 1970"],
  ])("rejects %s", (input, message) => {
    const result = schema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0].message).toContain(message);
  });
});

describe("formatPath", () => {
  it.each([
    ["", ["payload", "severity"], "payload.severity"],
    ["[3]", ["payload", "severity"], "[3].payload.severity"],
    ["[3]", [], "[3]"],
    ["", [], "(body)"],
    ["", ["payload", "assets", "ns2:mRID"], 'payload.assets["ns2:mRID"]'],
    ["", ["associatedMeters", 2], "associatedMeters[2]"],
  ])("%s + %j → %s", (prefix, path, expected) => {
    expect(formatPath(prefix, path)).toBe(expected);
  });
});

describe("parseBatch", () => {
  const schema = z.looseObject({ id: z.string() }).transform((e) => ({
    sourceType: "scada" as const, sourceEventId: e.id, kind: "info" as const, occurredAt: now, attributes: {},
  }));
  const parseItem = (item: unknown): ItemOutcome => runSchema(schema, item);

  it("gives one item at index 0 for a single object, with unprefixed paths", () => {
    expect(parseBatch({ id: "a" }, parseItem)).toMatchObject([{ ok: true, index: 0 }]);
    expect(parseBatch({}, parseItem)).toEqual([{ ok: false, index: 0, raw: {}, issues: [{ path: "id", message: "is required" }] }]);
  });

  it("validates each element of a batch on its own, indexed by position", () => {
    const result = parseBatch([{ id: "a" }, { id: 5 }, 7, { id: "d" }], parseItem);
    expect(result.map((r) => [r.index, r.ok])).toEqual([[0, true], [1, false], [2, false], [3, true]]);
    expect(result[1]).toMatchObject({ issues: [{ path: "[1].id", message: "must be a string" }] });
    expect(result[2]).toMatchObject({ issues: [{ path: "[2]", message: "must be an object" }], raw: 7 });
  });

  it.each([
    ["an empty array", [], "empty batch"],
    ["a string", "{\"id\":\"a\"}", "must be a JSON object"],
    ["null", null, "must be a JSON object"],
    ["a number", 42, "must be a JSON object"],
  ])("rejects %s as a whole at (body)", (_, body, message) => {
    const [item, ...rest] = parseBatch(body, parseItem);
    expect(rest).toEqual([]);
    expect(item).toMatchObject({ ok: false, index: 0, issues: [{ path: "(body)", message: expect.stringContaining(message) }] });
  });
});

describe("location bounds (every source)", () => {
  it.each([
    ["scada", { eventType: "fault", substationId: "S1", timestamp: "2025-09-30T10:00:00Z", coordinates: { lat: 91, lng: 0 } }, "coordinates.lat"],
    ["onu", { eventId: "E1", type: "ONU_LastGaspAlert", onuId: 1, timestamp: "2025-09-30T10:00:00Z", location: { lat: 0, lng: -181 } }, "location.lng"],
    ["call_center", { ticketId: "T1", timestamp: "2025-09-30T10:00:00Z", customer: { location: { lat: -90.5, lng: 0 } } }, "customer.location.lat"],
    ["kaifa", { timestamp: "2025-09-30T10:00:00Z", payload: { event_id: "K1", assets: { mrid: "M1" } }, location: { lat: 0, lng: 180.1 } }, "location.lng"],
  ] as const)("%s rejects an out-of-range %s", (source, body, path) => {
    const [item] = adapters[source](body, ctx);
    expect(item).toMatchObject({ ok: false, issues: [{ path, message: expect.stringMatching(/must be between/) }] });
  });
});

describe("input no schema or database could take (every source)", () => {
  const good = (id: string) => ({ message_type: "EndDeviceEvent", timestamp: "2025-09-30T10:00:00Z", payload: { event_id: id, severity: "critical", assets: { mrid: "M1" } } });
  const deep = JSON.parse(`{"x":${"[".repeat(10_000)}${"]".repeat(10_000)}}`);

  it.each([
    ["a NUL in a field", { ...good("K3"), payload: { ...good("K3").payload, reason: "a\u0000" } }, "[2].payload.reason", /NUL character/],
    ["a lone surrogate in the event id", { ...good("K3"), payload: { ...good("K3").payload, event_id: "K\ud800" } }, "[2].payload.event_id", /unpaired UTF-16 surrogate/],
    ["a lone surrogate in a field name", { ...good("K3"), "\udfff": 1 }, '[2]["\\udfff"]', /field name that contains an unpaired/],
    ["a 1 MB event id", { ...good("K3"), payload: { ...good("K3").payload, event_id: "K".repeat(1_000_000) } }, "[2].payload.event_id", /1,000,000 characters long/],
    ["a 201-character event id", good("K".repeat(201)), "[2].payload.event_id", /at most 200 characters/],
    ["10,000 levels of nesting", { ...good("K3"), ...deep }, `[2].x${"[0]".repeat(31)}`, /nested too deep/],
  ])("rejects the one event with %s and keeps the other four", (_name, bad, path, message) => {
    const items = adapters.kaifa([good("K1"), good("K2"), bad, good("K4"), good("K5")], ctx);
    expect(items.map((i) => i.ok)).toEqual([true, true, false, true, true]);
    expect(items[2]).toMatchObject({ issues: [{ path, message: expect.stringMatching(message) }] });
  });

  it("keeps no raw value of an event it could not store, and a clean one's as sent", () => {
    const [bad, rejected] = adapters.onu([{ eventId: "\u0000" }, { eventId: "E1" }], ctx);
    expect(bad).toMatchObject({ ok: false, raw: undefined });
    expect(rejected).toMatchObject({ ok: false, raw: { eventId: "E1" } });
    expect(JSON.stringify(bad.raw ?? null)).toBe("null");
  });

  it.each([
    ["a batch over the limit", Array.from({ length: MAX_BATCH_ITEMS + 1 }, () => ({})), /batch of 5,001 events; at most 5,000/],
    ["a string body with a NUL", "\u0000", /must be a JSON object/],
  ])("refuses %s as a whole, keeping nothing unstorable", (_name, body, message) => {
    const items = adapters.call_center(body, ctx);
    expect(items).toEqual([{ ok: false, index: 0, raw: undefined, issues: [{ path: "(body)", message: expect.stringMatching(message) }] }]);
  });

  it("quotes a bad value cut short", () => {
    const [item] = adapters.scada({ eventType: "x".repeat(3000), substationId: "S1", timestamp: "2025-09-30T10:00:00Z" }, ctx);
    expect(item.ok ? "" : item.issues[0].message.length).toBeLessThan(300);
  });
});
