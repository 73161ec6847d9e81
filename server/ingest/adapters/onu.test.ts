import { describe, expect, it } from "vitest";
import { ctx, only, issuesOf } from "./testing";
import type { ParsedItem, Signal } from "../signal";
import { defaultKaifaEventMap } from "./kaifa";
import { parseOnuBody } from "./onu";


/** Seed 004's test event. */
const onuTest001 = {
  eventId: "ONU_TEST_001",
  type: "ONU_LastGaspAlert",
  onuId: 3230316,
  onuSerial: "48575443ED8345B0",
  timestamp: "2025-09-30T10:05:00Z",
  alarmData: { category: "power", alarmType: "last_gasp" },
};

describe("ONU adapter", () => {
  it("parses ONU_TEST_001 as power off on its ONU", () => {
    expect(only(parseOnuBody(onuTest001, ctx))).toEqual({
      sourceType: "onu",
      sourceEventId: "ONU_TEST_001",
      kind: "power_off",
      occurredAt: new Date("2025-09-30T10:05:00Z"),
      meter: { onuId: 3230316, onuSerial: "48575443ED8345B0" },
      associatedMeterNumbers: undefined,
      location: undefined,
      attributes: { type: "ONU_LastGaspAlert", alarmData: { category: "power", alarmType: "last_gasp" } },
    });
  });

  it("reads the ONU service's richer form: power restored, location, associated meters, NMS type", () => {
    const signal = only(
      parseOnuBody(
        {
          ...onuTest001,
          eventId: "ONU_8812",
          type: "ONU_PowerRestored",
          onuId: " 3230316 ",
          location: { lat: 31.95, lng: 35.93 },
          associatedMeters: ["M12345678", 87654321, ""],
          nmsType: "Huawei-U2000",
        },
        ctx,
      ),
    );
    expect(signal).toMatchObject({
      kind: "power_on",
      meter: { onuId: 3230316 },
      location: { lat: 31.95, lng: 35.93 },
      associatedMeterNumbers: ["M12345678", "87654321"],
      attributes: { nmsType: "Huawei-U2000" },
    });
  });

  it.each([
    ["by id only", { onuSerial: undefined }, { onuId: 3230316 }],
    ["by serial only", { onuId: null }, { onuSerial: "48575443ED8345B0" }],
  ])("names the ONU %s", (_, change, meter) => {
    expect(only(parseOnuBody({ ...onuTest001, ...change }, ctx)).meter).toEqual(meter);
  });

  it.each([
    ["eventId missing", { eventId: undefined }, "eventId", "is required"],
    ["eventId blank", { eventId: " " }, "eventId", "must not be empty"],
    ["type missing", { type: undefined }, "type", "is required"],
    ["type in another case", { type: "onu_lastgaspalert" }, "type", 'unknown type "onu_lastgaspalert"; expected ONU_LastGaspAlert or ONU_PowerRestored'],
    ["type unknown", { type: "ONU_LinkDown" }, "type", 'unknown type "ONU_LinkDown"; expected ONU_LastGaspAlert or ONU_PowerRestored'],
    ["timestamp missing", { timestamp: undefined }, "timestamp", "is required"],
    ["timestamp bad", { timestamp: "2025-09-30T25:00:00Z" }, "timestamp", "must be an ISO 8601 timestamp"],
    ["timestamp in the future", { timestamp: "2025-10-01T00:06:00Z" }, "timestamp", "is in the future"],
    ["no ONU named", { onuId: undefined, onuSerial: "" }, "onuId", "an ONU event must name the ONU"],
    ["onuId not a number", { onuId: "ONU-17" }, "onuId", "must be a whole number"],
    ["onuId fractional", { onuId: 12.5 }, "onuId", "must be a whole number"],
    ["associatedMeters not a list", { associatedMeters: "M1" }, "associatedMeters", "must be an array"],
    ["an associated meter not text", { associatedMeters: ["M1", { n: 1 }] }, "associatedMeters[1]", "must be a string"],
  ])("%s", (_, change, path, message) => {
    expect(issuesOf(parseOnuBody({ ...onuTest001, ...change }, ctx))).toEqual([{ path, message: expect.stringContaining(message) }]);
  });

  it("reports per index in a batch", () => {
    const items = parseOnuBody([{ ...onuTest001, type: "ONU_Unknown" }, onuTest001, {}], ctx);
    expect(items.map((i) => [i.index, i.ok])).toEqual([[0, false], [1, true], [2, false]]);
    expect(issuesOf(items).map((i) => i.path)).toEqual(["[0].type", "[2].eventId", "[2].type", "[2].timestamp"]);
  });
});
