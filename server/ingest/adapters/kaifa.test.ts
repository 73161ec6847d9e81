import { describe, expect, it } from "vitest";
import { ctx, only, issuesOf } from "./testing";
import type { ParsedItem, Signal } from "../signal";
import { type KaifaEventMap, defaultKaifaEventMap, kaifaSignalKind, parseKaifaBody } from "./kaifa";


/** Seed 004's test event (nested payload, `ns2:mRID`). */
const kaifaTest001 = {
  message_type: "EndDeviceEvent",
  timestamp: "2025-09-30T10:10:00Z",
  payload: {
    event_id: "KAIFA_TEST_001",
    severity: "critical",
    reason: "Last gasp signal detected",
    assets: { "ns2:mRID": "M12345678" },
  },
};

/** Seed 000's flat form: event_id, assets.mrid and usage_point.mrid at the top level. */
const seed000Flat = {
  message_type: "EndDeviceEvent",
  event_id: "KF_000_17",
  timestamp: "2025-09-30T10:12:00Z",
  assets: { mrid: "M87654321" },
  usage_point: { mrid: "UP-1001" },
  location: { lat: 31.95, lng: 35.91 },
};

describe("Kaifa JSON adapter: seed payloads", () => {
  it("parses KAIFA_TEST_001 (ns2:mRID, critical last gasp) as power off", () => {
    expect(only(parseKaifaBody(kaifaTest001, ctx))).toEqual({
      sourceType: "kaifa",
      sourceEventId: "KAIFA_TEST_001",
      kind: "power_off",
      occurredAt: new Date("2025-09-30T10:10:00Z"),
      meter: { assetMrid: "M12345678" },
      location: undefined,
      severity: "critical",
      reason: "Last gasp signal detected",
      attributes: { messageType: "EndDeviceEvent" },
    });
  });

  it("parses seed 000's flat assets.mrid / usage_point.mrid form", () => {
    expect(only(parseKaifaBody(seed000Flat, ctx))).toMatchObject({
      sourceEventId: "KF_000_17",
      kind: "info",
      meter: { assetMrid: "M87654321", usagePointMrid: "UP-1001" },
      location: { lat: 31.95, lng: 35.91 },
    });
  });

  it.each([
    [{ "ns2:mRID": "A1" }, "A1"],
    [{ mrid: "A1" }, "A1"],
    [{ mRID: "A1" }, "A1"],
    [{ "cim:mRID": " A1 " }, "A1"],
    ["A1", "A1"],
    [12345678, "12345678"],
  ])("reads the asset reference %j", (assets, mrid) => {
    const signal = only(parseKaifaBody({ ...kaifaTest001, payload: { ...kaifaTest001.payload, assets } }, ctx));
    expect(signal.meter).toEqual({ assetMrid: mrid });
  });

  it("accepts a usage point alone as the meter identity", () => {
    const payload = { event_id: "K2", usage_point: { mrid: "UP-7" } };
    expect(only(parseKaifaBody({ timestamp: "2025-09-30T10:00:00Z", payload }, ctx)).meter).toEqual({ usagePointMrid: "UP-7" });
  });
});

describe("Kaifa JSON adapter: event kind", () => {
  const withPayload = (extra: Record<string, unknown>) => ({
    timestamp: "2025-09-30T10:00:00Z",
    payload: { event_id: "K1", assets: { mrid: "M1" }, ...extra },
  });

  it.each([
    ["power-off code", { EndDeviceEventType: "3.26.0.85" }, "power_off"],
    ["power-on code as { ref }", { EndDeviceEventType: { ref: "3.26.38.216" } }, "power_on"],
    ["power-on code as event_type", { event_type: "3.26.0.216" }, "power_on"],
    ["the code beats the reason", { EndDeviceEventType: "3.26.0.216", reason: "Last gasp" }, "power_on"],
    ["the code beats critical severity", { EndDeviceEventType: "3.26.0.216", severity: "critical" }, "power_on"],
    ["an unmapped code falls back to the reason", { EndDeviceEventType: "3.12.0.257", reason: "POWER FAILURE" }, "power_off"],
    ["last gasp reason", { reason: "LastGasp received" }, "power_off"],
    ["power down reason", { reason: "Power down" }, "power_off"],
    ["restored reason", { reason: "Supply restored" }, "power_on"],
    ["restoration after an outage", { reason: "Power restored after outage" }, "power_on"],
    ["the reason beats critical severity", { reason: "Power back", severity: "Critical" }, "power_on"],
    ["critical severity alone", { severity: "CRITICAL", reason: "Meter cover opened" }, "power_off"],
    ["nothing about supply", { severity: "major", reason: "Meter cover opened" }, "info"],
  ])("%s", (_, extra, kind) => {
    expect(only(parseKaifaBody(withPayload(extra), ctx)).kind).toBe(kind);
  });

  it("follows a head-end's own map", () => {
    const map: KaifaEventMap = {
      powerOffCodes: ["99.1"],
      powerOnCodes: [],
      powerOffReasons: ["^NOPWR$"],
      powerOnReasons: [],
      criticalSeverityMeansPowerOff: false,
    };
    expect(kaifaSignalKind(map, { code: "99.1" })).toBe("power_off");
    expect(kaifaSignalKind(map, { code: "3.26.0.85" })).toBe("info");
    expect(kaifaSignalKind(map, { reason: "nopwr" })).toBe("power_off");
    expect(kaifaSignalKind(map, { severity: "critical" })).toBe("info");
  });
});

describe("Kaifa JSON adapter: bad input", () => {
  it.each([
    ["timestamp missing", { timestamp: undefined }, "timestamp", "is required"],
    ["timestamp in the future", { timestamp: "2025-10-02T00:00:00Z" }, "timestamp", "is in the future"],
    ["event id missing", { payload: { ...kaifaTest001.payload, event_id: undefined } }, "payload.event_id", "is required"],
    ["no meter", { payload: { event_id: "K1", assets: {} } }, "payload.assets", "an asset mRID or a usage_point mRID"],
    ["payload not an object", { payload: "x" }, "payload", "must be an object"],
  ])("%s", (_, change, path, message) => {
    expect(issuesOf(parseKaifaBody({ ...kaifaTest001, ...change }, ctx))).toEqual([{ path, message: expect.stringContaining(message) }]);
  });

  it("names the flat form's own fields when the body has no payload", () => {
    const { event_id: _, ...noId } = seed000Flat;
    expect(issuesOf(parseKaifaBody(noId, ctx))).toEqual([{ path: "event_id", message: "is required" }]);
  });

  it("reports per index in a batch", () => {
    const items = parseKaifaBody([kaifaTest001, { ...kaifaTest001, payload: { event_id: "K9" } }], ctx);
    expect(items.map((i) => i.ok)).toEqual([true, false]);
    expect(issuesOf(items)).toEqual([{ path: "[1].payload.assets", message: expect.stringContaining("is required") }]);
  });
});
