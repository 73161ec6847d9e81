import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ctx, issuesOf } from "./testing";
import type { ParsedItem, Signal } from "../signal";
import { defaultKaifaEventMap } from "./kaifa";
import { parseKaifaXml } from "./kaifaXml";

const fixture = (name: string) => readFileSync(new URL(`../../../tests/fixtures/ingest/${name}`, import.meta.url), "utf8");
const signals = (items: ParsedItem[]): Signal[] =>
  items.map((i) => {
    if (!i.ok) throw new Error(JSON.stringify(i.issues));
    return i.signals[0];
  });

/** A minimal unprefixed EventMessage around the given EndDeviceEvent bodies. */
const message = (...events: string[]) =>
  `<EventMessage><Header><Verb>created</Verb></Header><Payload><EndDeviceEvents>${events
    .map((e) => `<EndDeviceEvent>${e}</EndDeviceEvent>`)
    .join("")}</EndDeviceEvents></Payload></EventMessage>`;
const goodEvent = "<mRID>E1</mRID><createdDateTime>2025-09-24T08:00:00Z</createdDateTime><Assets><mRID>M1</mRID></Assets>";

describe("Kaifa XML adapter", () => {
  it("reads a SOAP envelope with ns1:/ns2: prefixes carrying three events", () => {
    const items = parseKaifaXml(fixture("kaifa_soap_prefixed_3_events.xml"), ctx);
    expect(items.map((i) => i.index)).toEqual([0, 1, 2]);
    const [lastGasp, restored, tamper] = signals(items);
    expect(lastGasp).toEqual({
      sourceType: "kaifa",
      sourceEventId: "KF-EDE-20250924-000184",
      kind: "power_off",
      occurredAt: new Date("2025-09-24T08:02:01.915Z"),
      meter: { assetMrid: "M12345678", usagePointMrid: "UP-00042117" },
      severity: "critical",
      reason: "Last gasp - power failure",
      attributes: {
        eventTypeCode: "3.26.0.85",
        details: { PhaseCount: "1", SupplyVoltage: "0" },
        status: { value: "active", dateTime: "2025-09-24T11:02:01.915+03:00" },
        header: {
          verb: "created",
          noun: "EndDeviceEvents",
          timestamp: "2025-09-24T11:02:03.120+03:00",
          source: "KAIFA-HES-01",
          messageId: "5f0c7a2e-8d1b-4c5e-9a41-2b7e0d3f6c11",
        },
      },
    });
    expect(restored).toMatchObject({ sourceEventId: "KF-EDE-20250924-000191", kind: "power_on", meter: { assetMrid: "M12345679" } });
    expect(tamper).toMatchObject({ kind: "info", severity: "major", attributes: { eventTypeCode: "3.12.0.257", details: { TamperType: "CoverOpen" } } });
  });

  it("reads an unprefixed EventMessage with one event, keeping leading zeros and reading a naive time as UTC", () => {
    const [signal] = signals(parseKaifaXml(fixture("kaifa_event_message_plain.xml"), ctx));
    expect(signal).toMatchObject({
      sourceEventId: "KF-EDE-20250924-000310",
      kind: "power_off",
      occurredAt: new Date("2025-09-24T09:14:58Z"),
      meter: { assetMrid: "00451203" },
      attributes: { eventTypeCode: "3.26.38.85", header: { source: "KAIFA-HES-02" } },
    });
  });

  it("reports malformed XML once, at (body), with the line", () => {
    const items = parseKaifaXml(fixture("kaifa_malformed.xml"), ctx);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ ok: false, index: 0, issues: [{ path: "(body)", message: expect.stringMatching(/^is not well-formed XML: .*\(line 13, column 7\)/) }] });
  });

  it.each([
    ["an empty body", "  ", "is empty"],
    ["XML without an EventMessage", "<Envelope><Body><Fault>no</Fault></Body></Envelope>", "has no EventMessage element"],
    ["an EventMessage without events", "<EventMessage><Header/><Payload><EndDeviceEvents/></Payload></EventMessage>", "has no Payload/EndDeviceEvents/EndDeviceEvent"],
    // The header is copied into every event: a long one would be stored once per event.
    ["a header field longer than an identifier may be",
      `<EventMessage><Header><Source>${"s".repeat(10_000)}</Source></Header><Payload><EndDeviceEvents><EndDeviceEvent><mRID>E1</mRID></EndDeviceEvent></EndDeviceEvents></Payload></EventMessage>`,
      "Header/Source is 10,000 characters long; at most 200"],
  ])("rejects %s at (body)", (_, xml, message) => {
    expect(issuesOf(parseKaifaXml(xml, ctx))).toEqual([{ path: "(body)", message: expect.stringContaining(message) }]);
  });

  it("validates each event on its own, with paths naming the element", () => {
    const items = parseKaifaXml(
      message(
        goodEvent,
        "<createdDateTime>2025-09-24T08:00:00Z</createdDateTime><Assets><mRID>M2</mRID></Assets>",
        "<mRID>E3</mRID><createdDateTime>next tuesday</createdDateTime><UsagePoint><mRID>UP3</mRID></UsagePoint>",
        "<mRID>E4</mRID><createdDateTime>2025-09-24T08:00:00Z</createdDateTime><Assets/>",
        "<mRID>E5</mRID><createdDateTime>2025-10-02T00:00:00Z</createdDateTime><Assets><mRID>M5</mRID></Assets>",
      ),
      ctx,
    );
    expect(items.map((i) => [i.index, i.ok])).toEqual([[0, true], [1, false], [2, false], [3, false], [4, false]]);
    expect(issuesOf(items)).toEqual([
      { path: "EndDeviceEvent[1].mRID", message: "is required" },
      { path: "EndDeviceEvent[2].createdDateTime", message: "must be an ISO 8601 timestamp" },
      { path: "EndDeviceEvent[3].Assets", message: expect.stringContaining("is required") },
      { path: "EndDeviceEvent[4].createdDateTime", message: expect.stringContaining("is in the future") },
    ]);
  });

  it("reads the code as text as well as from ref, and reason when there is no code", () => {
    const [byText, byReason] = signals(
      parseKaifaXml(
        message(`${goodEvent}<EndDeviceEventType>3.26.0.216</EndDeviceEventType>`, `${goodEvent}<reason>Power Restored</reason>`),
        ctx,
      ),
    );
    expect([byText.kind, byReason.kind]).toEqual(["power_on", "power_on"]);
  });
});

describe("Kaifa XML that could not be stored", () => {
  it("refuses a text with a NUL as a whole, naming where", () => {
    expect(issuesOf(parseKaifaXml(message(`${goodEvent}<reason>a\u0000b</reason>`), ctx))).toEqual([
      { path: "(body)", message: expect.stringMatching(/^contains a NUL character \(\\u0000\) at position \d+$/) },
    ]);
  });

  it("rejects the one EndDeviceEvent with an overlong mRID and keeps the other", () => {
    const items = parseKaifaXml(message(goodEvent, goodEvent.replace("<mRID>E1</mRID>", `<mRID>${"E".repeat(300)}</mRID>`)), ctx);
    expect(items.map((i) => i.ok)).toEqual([true, false]);
    expect(issuesOf(items)).toEqual([{ path: "EndDeviceEvent[1].mRID", message: "must be at most 200 characters (an identifier)" }]);
  });

  it("rejects an EndDeviceEvent whose reason is longer than free text may be", () => {
    const items = parseKaifaXml(message(`${goodEvent}<reason>${"r".repeat(5000)}</reason>`), ctx);
    expect(issuesOf(items)).toEqual([{ path: "EndDeviceEvent[0].reason", message: "is 5,000 characters long; at most 4,000 are accepted" }]);
  });

  it("refuses XML nested 10,000 deep as a whole", () => {
    const items = parseKaifaXml(`<EventMessage>${"<a>".repeat(10_000)}${"</a>".repeat(10_000)}</EventMessage>`, ctx);
    expect(issuesOf(items)).toEqual([{ path: "(body)", message: expect.stringMatching(/could not be read as XML/) }]);
  });
});
