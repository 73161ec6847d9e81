import { XMLParser, XMLValidator } from "fast-xml-parser";
import { z } from "zod";
import type { ParsedItem, Signal } from "../signal";
import { INPUT_LIMITS, inspectText, stringFault } from "../../inspect";
import { type AdapterContext, bodyIssue, compact, idString, isPlainObject, MAX_BATCH_ITEMS, optionalText, parseInspected, runSchema, timestamp } from "./common";
import { eventTypeCode, kaifaSignalKind, mridRef } from "./kaifa";

const parser = new XMLParser({
  // Head-ends prefix elements differently (ns1:, ns2:, cim:, none); only local names matter.
  removeNSPrefix: true,
  // EndDeviceEventType carries its code in the `ref` attribute.
  ignoreAttributes: false,
  // Keep mRIDs ("0012345") and codes as sent rather than guessing numbers.
  parseTagValue: false,
  isArray: (name) => name === "EndDeviceEvent" || name === "EndDeviceEventDetails",
});

/** An element with attributes parses to `{ "#text", "@_attr" }`; one with only attributes has no text. */
function xmlText(v: unknown): unknown {
  if (!isPlainObject(v)) return v;
  if ("#text" in v) return v["#text"];
  return Object.keys(v).every((k) => k.startsWith("@_")) ? undefined : v;
}
const elementText = z.preprocess(xmlText, optionalText);

const detail = z.looseObject({ name: elementText, value: elementText });
const status = z.preprocess((v) => (typeof v === "string" ? { value: v } : v), z.looseObject({ value: elementText, dateTime: elementText, reason: elementText }));

function endDeviceEventSchema(ctx: AdapterContext, header: Record<string, string>) {
  return z
    .looseObject({
      mRID: z.preprocess(xmlText, idString().min(1, "must not be empty")),
      createdDateTime: z.preprocess(xmlText, timestamp(ctx.now)),
      reason: elementText,
      severity: elementText,
      Assets: mridRef,
      UsagePoint: mridRef,
      EndDeviceEventType: eventTypeCode,
      EndDeviceEventDetails: z.array(detail).optional(),
      status: status.optional(),
    })
    .superRefine((e, rctx) => {
      if (!e.Assets && !e.UsagePoint) {
        rctx.addIssue({ code: "custom", path: ["Assets"], message: "is required: an Assets/mRID or a UsagePoint/mRID must name the meter" });
      }
    })
    .transform((e): Signal => {
      const severity = e.severity?.toLowerCase();
      const details = (e.EndDeviceEventDetails ?? []).filter((d) => d.name).map((d) => [d.name!, d.value ?? null]);
      return {
        sourceType: "kaifa",
        sourceEventId: e.mRID,
        kind: kaifaSignalKind(ctx.kaifaEventMap, { code: e.EndDeviceEventType, reason: e.reason, severity }),
        occurredAt: e.createdDateTime,
        meter: compact({ assetMrid: e.Assets, usagePointMrid: e.UsagePoint }),
        severity,
        reason: e.reason,
        attributes: compact({
          eventTypeCode: e.EndDeviceEventType,
          details: details.length > 0 ? Object.fromEntries(details) : undefined,
          status: e.status ? compact({ value: e.status.value, dateTime: e.status.dateTime, reason: e.status.reason }) : undefined,
          header: Object.keys(header).length > 0 ? header : undefined,
        }),
      };
    });
}

/** The EventMessage may be the root or sit inside a SOAP Envelope/Body (and an operation element). */
function findEventMessage(node: unknown, depth = 0): Record<string, unknown> | undefined {
  if (!isPlainObject(node) || depth > 4) return undefined;
  for (const [key, child] of Object.entries(node)) if (/EventMessage$/.test(key) && isPlainObject(child)) return child;
  for (const child of Object.values(node)) {
    const found = findEventMessage(child, depth + 1);
    if (found) return found;
  }
  return undefined;
}

const HEADER_FIELDS = { Verb: "verb", Noun: "noun", Timestamp: "timestamp", Source: "source", MessageID: "messageId", CorrelationID: "correlationId" };
/**
 * The message header's fields, copied into every event's stored details: each is an identifier
 * (at most INPUT_LIMITS.maxIdLength characters), or the whole message is refused naming it —
 * a megabyte-long Source would otherwise be stored once per event.
 */
function headerOf(msg: Record<string, unknown>): { header: Record<string, string> } | { fault: string } {
  const header = isPlainObject(msg.Header) ? msg.Header : {};
  const out: Record<string, string> = {};
  for (const [element, name] of Object.entries(HEADER_FIELDS)) {
    const value = xmlText(header[element]);
    if (typeof value !== "string" || !value.trim()) continue;
    const fault = stringFault(value.trim(), INPUT_LIMITS.maxIdLength);
    if (fault) return { fault: `Header/${element} ${fault}` };
    out[name] = value.trim();
  }
  return { header: out };
}

/**
 * A Kaifa head-end SOAP/XML EventMessage (IEC 61968-9 EndDeviceEvents). Each EndDeviceEvent is
 * one item, indexed by its position in the message; issue paths read `EndDeviceEvent[2].mRID`.
 * Whole-message problems (malformed XML, no EventMessage, no events) are one issue at "(body)".
 */
export function parseKaifaXml(text: string, ctx: AdapterContext): ParsedItem[] {
  if (typeof text !== "string" || text.trim() === "") return [bodyIssue(text, "is empty; expected an XML EventMessage")];
  // XML forbids NUL, yet the validator lets it through, and PostgreSQL could not store it.
  const fault = inspectText(text);
  if (fault) return [bodyIssue(text, fault)];
  // The parser tolerates some malformed input; the validator rejects it and says where.
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    const where = line ? ` (line ${line}${col ? `, column ${col}` : ""})` : "";
    return [bodyIssue(text, `is not well-formed XML: ${msg}${where}`)];
  }
  let parsed: unknown;
  try {
    parsed = parser.parse(text);
  } catch (err) {
    // e.g. entity-expansion limits: still bad input, so an issue rather than a 500.
    return [bodyIssue(text, `could not be read as XML: ${err instanceof Error ? err.message : String(err)}`)];
  }
  const msg = findEventMessage(parsed);
  if (!msg) return [bodyIssue(text, "has no EventMessage element")];
  const payload = isPlainObject(msg.Payload) ? msg.Payload : {};
  const container = isPlainObject(payload.EndDeviceEvents) ? payload.EndDeviceEvents : payload;
  const events = Array.isArray(container.EndDeviceEvent) ? container.EndDeviceEvent : [];
  if (events.length === 0) return [bodyIssue(text, "has no Payload/EndDeviceEvents/EndDeviceEvent element")];
  if (events.length > MAX_BATCH_ITEMS) {
    return [bodyIssue(text, `carries ${events.length.toLocaleString("en")} EndDeviceEvents; at most ${MAX_BATCH_ITEMS.toLocaleString("en")} per request`)];
  }

  const header = headerOf(msg);
  if ("fault" in header) return [bodyIssue(text, header.fault)];
  const schema = endDeviceEventSchema(ctx, header.header);
  // Character references (`&#xD800;`) can still put what the text check cannot see into an event.
  return events.map((event, index) => parseInspected(event, index, `EndDeviceEvent[${index}]`, (e) => runSchema(schema, e)));
}
