import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ctx, only, issuesOf } from "./testing";
import type { ParsedItem, Signal } from "../signal";
import { defaultKaifaEventMap } from "./kaifa";
import { parseScadaBody, scadaEventId } from "./scada";

const fixtures = new URL("../../../tests/fixtures/ingest/", import.meta.url);
const recorded = readdirSync(fixtures)
  .filter((f) => f.startsWith("scada_event_"))
  .map((f) => JSON.parse(readFileSync(new URL(f, fixtures), "utf8")).event as Record<string, unknown>);


/** Seed 004's test event. */
const breakerTrip = {
  eventType: "breaker_trip",
  substationId: "SS001",
  feederId: "FD002",
  mainStationId: "MS001",
  alarmType: "fault",
  timestamp: "2025-09-30T10:00:00Z",
  voltage: 0.0,
  severity: "critical",
  reason: "Overcurrent detected",
};

describe("SCADA adapter: recorded samples", () => {
  it("has the nine recorded events", () => expect(recorded).toHaveLength(9));

  it("reads MV_AlarmLossOfVoltage as power off on its substation and feeder", () => {
    const event = recorded.find((e) => e.timestamp === "2025-09-24T08:02:01.915Z")!;
    expect(only(parseScadaBody(event, ctx))).toMatchObject({
      sourceType: "scada",
      kind: "power_off",
      occurredAt: new Date("2025-09-24T08:02:01.915Z"),
      device: { substationCode: "4A00000K123", feederCode: "F00K123", mainStationId: "82001" },
      location: { lat: 31.94, lng: 35.97 },
      severity: "medium",
      reason: "Transformer Fault",
      attributes: { eventType: "MV_AlarmLossOfVoltage", alarmType: "De-energized", voltage: 0, mainStationId: "82001" },
    });
  });

  it.each(recorded.map((e) => [e.eventType, e.timestamp, e] as const))("parses %s at %s", (eventType, ts, event) => {
    const signal = only(parseScadaBody(event, ctx));
    expect(signal.kind).toBe(eventType === "MV_AlarmLossOfVoltage" ? "power_off" : "power_on");
    expect(signal.occurredAt.toISOString()).toBe(ts);
    expect(signal.device).toEqual({ substationCode: event.substationId, feederCode: event.feederId, mainStationId: "82001" });
    expect(signal.location).toEqual(event.coordinates);
    expect(signal.sourceEventId).toMatch(/^scada:[0-9a-f]{24}$/);
  });

  it("takes the whole recording as one batch", () => {
    const items = parseScadaBody(recorded, ctx);
    expect(items.map((i) => [i.index, i.ok])).toEqual(recorded.map((_, i) => [i, true]));
  });
});

describe("SCADA adapter: event kinds", () => {
  it.each([
    ["breaker_trip", undefined, "power_off"],
    ["BREAKER_TRIP", undefined, "power_off"],
    ["fault", undefined, "power_off"],
    ["power_failure", undefined, "power_off"],
    ["outage", undefined, "power_off"],
    ["mv_alarmlossofvoltage", undefined, "power_off"],
    ["breaker_close", undefined, "power_on"],
    ["MV_AlarmRestoration", undefined, "power_on"],
    ["alarm", "De-energized", "power_off"],
    ["Alarm", "DE-ENERGIZED", "power_off"],
    ["alarm", "energized", "power_on"],
    ["alarm", "Overtemperature", "info"],
    ["alarm", undefined, "info"],
  ])("%s with alarmType %s → %s", (eventType, alarmType, kind) => {
    expect(only(parseScadaBody({ ...breakerTrip, eventType, alarmType }, ctx)).kind).toBe(kind);
  });

  it("parses seed 004's breaker trip", () => {
    expect(only(parseScadaBody(breakerTrip, ctx))).toMatchObject({
      kind: "power_off",
      severity: "critical",
      device: { substationCode: "SS001", feederCode: "FD002", mainStationId: "MS001" },
      occurredAt: new Date("2025-09-30T10:00:00Z"),
    });
  });
});

describe("SCADA adapter: event id", () => {
  const idOf = (event: object) => only(parseScadaBody(event, ctx)).sourceEventId;

  it("gives a re-delivery of the same event the same id, however its time is written", () => {
    expect(idOf(breakerTrip)).toBe(idOf({ ...breakerTrip, severity: "HIGH", timestamp: "2025-09-30T13:00:00.000+03:00" }));
    expect(idOf(breakerTrip)).toBe(scadaEventId("breaker_trip", "SS001", "FD002", new Date("2025-09-30T10:00:00Z"), breakerTrip.alarmType));
  });

  it("tells apart alarms of one device at one instant, and codes that hold the old separator", () => {
    const alarm = { ...breakerTrip, eventType: "alarm" };
    expect(idOf({ ...alarm, alarmType: "De-energized" })).not.toBe(idOf({ ...alarm, alarmType: "Energized" }));
    expect(idOf({ ...alarm, alarmType: "Energized" })).toBe(idOf({ ...alarm, alarmType: "ENERGIZED" }));
    expect(idOf({ ...alarm, substationId: "SS001|FD001", feederId: "X" })).not.toBe(idOf({ ...alarm, substationId: "SS001", feederId: "FD001|X" }));
  });

  it.each([
    ["timestamp", { timestamp: "2025-09-30T10:00:01Z" }],
    ["feeder", { feederId: "FD003" }],
    ["event type", { eventType: "breaker_close" }],
  ])("gives a different %s a different id", (_, change) => {
    expect(idOf({ ...breakerTrip, ...change })).not.toBe(idOf(breakerTrip));
  });

  it("uses the body's eventId when it has one", () => {
    expect(idOf({ ...breakerTrip, eventId: "SCADA-7781" })).toBe("SCADA-7781");
  });
});

describe("SCADA adapter: bad input", () => {
  it.each([
    ["eventType missing", { eventType: undefined }, "eventType", "is required"],
    ["eventType unknown", { eventType: "foo" }, "eventType", 'unknown eventType "foo"; expected one of breaker_trip'],
    ["timestamp missing", { timestamp: undefined }, "timestamp", "is required"],
    ["timestamp unparseable", { timestamp: "30/09/2025 10:00" }, "timestamp", "must be an ISO 8601 timestamp"],
    ["timestamp in the future", { timestamp: "2025-10-01T01:00:00Z" }, "timestamp", "is in the future"],
    ["no device", { substationId: undefined, feederId: "" }, "substationId", "a SCADA event must name a device"],
    ["negative voltage", { voltage: -5 }, "voltage", "must be a number ≥ 0"],
    ["voltage as text", { voltage: "11kV" }, "voltage", "must be a number"],
    ["unknown severity", { severity: "Catastrophic" }, "severity", 'unknown severity "Catastrophic"; expected one of low, medium, high, critical'],
  ])("%s", (_, change, path, message) => {
    const issues = issuesOf(parseScadaBody({ ...breakerTrip, ...change }, ctx));
    expect(issues).toEqual([{ path, message: expect.stringContaining(message) }]);
  });

  it("accepts a feeder without a substation, a numeric mainStationId, and extra fields", () => {
    const signal = only(parseScadaBody({ ...breakerTrip, substationId: undefined, mainStationId: 82001, firmware: "7.2" }, ctx));
    expect(signal.device).toEqual({ feederCode: "FD002", mainStationId: "82001" });
  });

  it("reports per index in a batch of good and bad events", () => {
    const items = parseScadaBody([breakerTrip, { ...breakerTrip, severity: 3 }, { ...breakerTrip, eventType: "trip" }], ctx);
    expect(items.map((i) => i.ok)).toEqual([true, false, false]);
    expect(issuesOf(items)).toEqual([
      { path: "[1].severity", message: "must be a string" },
      { path: "[2].eventType", message: expect.stringContaining('unknown eventType "trip"') },
    ]);
  });
});
