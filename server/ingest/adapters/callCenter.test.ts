import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ctx, only, issuesOf } from "./testing";
import type { ParsedItem, Signal } from "../signal";
import { parseCallCenterBody } from "./callCenter";
import { defaultKaifaEventMap } from "./kaifa";

const recording = JSON.parse(
  readFileSync(new URL("../../../tests/fixtures/ingest/call_center_event_20250924_135131_572280_p0_o2.json", import.meta.url), "utf8"),
);

/** Seed 004's test ticket. */
const tcTest001 = {
  ticketId: "TC_TEST_001",
  timestamp: "2025-09-30T10:15:00Z",
  customer: { phone: "+962-7-1234-5678", meterNumber: "M12345678", address: "123 Main St, Amman" },
};

describe("call-center adapter", () => {
  it("parses the recorded ticket's request body, junk values and all", () => {
    expect(only(parseCallCenterBody(JSON.parse(recording.message.request.body), ctx))).toEqual({
      sourceType: "call_center",
      sourceEventId: "TC_1758721891516",
      kind: "customer_report",
      occurredAt: new Date("2025-09-24T13:51:31.516Z"),
      meter: { meterNumber: "3", phone: "3" },
      location: undefined,
      attributes: { address: "3", notes: "3" },
    });
  });

  it("parses TC_TEST_001", () => {
    expect(only(parseCallCenterBody(tcTest001, ctx))).toMatchObject({
      sourceEventId: "TC_TEST_001",
      kind: "customer_report",
      meter: { meterNumber: "M12345678", phone: "+962-7-1234-5678" },
      attributes: { address: "123 Main St, Amman" },
    });
  });

  it("trims, drops blanks, stringifies numbers and keeps a location", () => {
    const signal = only(
      parseCallCenterBody(
        { ...tcTest001, customer: { phone: 962791234567, meterNumber: "  ", address: " Jabal Amman ", location: { lat: 31.95, lng: 35.92 } }, notes: "" },
        ctx,
      ),
    );
    expect(signal.meter).toEqual({ phone: "962791234567" });
    expect(signal.location).toEqual({ lat: 31.95, lng: 35.92 });
    expect(signal.attributes).toEqual({ address: "Jabal Amman" });
  });

  it("accepts a ticket with no customer at all", () => {
    expect(only(parseCallCenterBody({ ticketId: 17, timestamp: "2025-09-30T10:15:00Z" }, ctx))).toMatchObject({ sourceEventId: "17", meter: {} });
  });

  it.each([
    ["ticketId missing", { ticketId: undefined }, "ticketId", "is required"],
    ["ticketId blank", { ticketId: "" }, "ticketId", "must not be empty"],
    ["timestamp missing", { timestamp: undefined }, "timestamp", "is required"],
    ["timestamp bad", { timestamp: "24/09/2025" }, "timestamp", "must be an ISO 8601 timestamp"],
    ["timestamp in the future", { timestamp: "2025-12-01T00:00:00Z" }, "timestamp", "is in the future"],
    ["customer not an object", { customer: "Ahmad" }, "customer", "must be an object"],
    ["location missing lng", { customer: { location: { lat: 31.9 } } }, "customer.location.lng", "is required"],
  ])("%s", (_, change, path, message) => {
    expect(issuesOf(parseCallCenterBody({ ...tcTest001, ...change }, ctx))).toEqual([{ path, message: expect.stringContaining(message) }]);
  });

  it("reports per index in a batch", () => {
    const items = parseCallCenterBody([tcTest001, { ...tcTest001, ticketId: null }], ctx);
    expect(items.map((i) => i.ok)).toEqual([true, false]);
    expect(issuesOf(items)).toEqual([{ path: "[1].ticketId", message: "is required" }]);
  });
});
