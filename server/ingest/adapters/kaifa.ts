import { z } from "zod";
import type { ParsedItem, Signal, SignalKind } from "../signal";
import { type AdapterContext, compact, isPlainObject, location, optionalId, optionalText, parseBatch, runSchema, timestamp } from "./common";

/** How one head-end's EndDeviceEvents translate into power off / on; configurable per head-end. */
export interface KaifaEventMap {
  /** IEC 61968-9 EndDeviceEventType codes (`EndDeviceEventType@ref`) meaning the meter lost power. */
  powerOffCodes: string[];
  powerOnCodes: string[];
  /** Regular-expression sources matched case-insensitively against the event's reason. */
  powerOffReasons: string[];
  powerOnReasons: string[];
  /** Seed 004: the Kaifa consumer sets a meter off on any critical event. */
  criticalSeverityMeansPowerOff: boolean;
}

/**
 * Default map. Codes are IEC 61968-9 EndDeviceEventTypes (type.domain.subdomain.event) for an
 * electricity meter (3), domain power (26): 3.26.0.85 power failed (last gasp), 3.26.38.85
 * phase power failed, 3.26.0.185 power off; 3.26.0.216 and 3.26.38.216 power restored. Reasons
 * cover head-ends that send no code ("Last gasp signal detected", "Power restored"). A critical
 * severity counts as power off, as the seeds' Kaifa consumer does. Precedence: code, then
 * reason, then (for an event with no code) severity, else the event is recorded as info.
 */
export const defaultKaifaEventMap: KaifaEventMap = {
  powerOffCodes: ["3.26.0.85", "3.26.38.85", "3.26.0.185"],
  powerOnCodes: ["3.26.0.216", "3.26.38.216"],
  powerOffReasons: ["last\\s*gasp", "power\\s*(fail|failure|off|outage|down|loss)"],
  powerOnReasons: ["restor", "power\\s*(on|up|back)\\b"],
  criticalSeverityMeansPowerOff: true,
};

const compiled = new WeakMap<string[], RegExp[]>();
function matchesAny(sources: string[], text: string): boolean {
  let patterns = compiled.get(sources);
  if (!patterns) compiled.set(sources, (patterns = sources.map((s) => new RegExp(s, "i"))));
  return patterns.some((p) => p.test(text));
}

export function kaifaSignalKind(map: KaifaEventMap, e: { code?: string; reason?: string; severity?: string }): SignalKind {
  if (e.code && map.powerOffCodes.includes(e.code)) return "power_off";
  if (e.code && map.powerOnCodes.includes(e.code)) return "power_on";
  // Restoration first: "power restored after outage" mentions both, a last gasp never says restored.
  if (e.reason && matchesAny(map.powerOnReasons, e.reason)) return "power_on";
  if (e.reason && matchesAny(map.powerOffReasons, e.reason)) return "power_off";
  // Only an uncoded event falls back on severity: a coded one (a tamper alarm) says what it is.
  if (!e.code && map.criticalSeverityMeansPowerOff && e.severity?.toLowerCase() === "critical") return "power_off";
  return "info";
}

/**
 * An asset or usage-point reference: `{ "ns2:mRID": "…" }` (seed 004), `{ mrid: "…" }` (seed 000),
 * any namespace prefix and case, or the bare id.
 */
export const mridRef = z.preprocess((v) => {
  if (!isPlainObject(v)) return v;
  const key = Object.keys(v).find((k) => k.replace(/^[^:]*:/, "").toLowerCase() === "mrid");
  return key === undefined ? undefined : v[key];
}, optionalId);

/** The EndDeviceEventType code, sent as the code itself or as `{ ref }` (the XML attribute). */
export const eventTypeCode = z.preprocess((v) => (isPlainObject(v) ? (v.ref ?? v["@_ref"]) : v), optionalId);

const lowerText = optionalText.transform((s) => s?.toLowerCase());

const kaifaPayload = z.looseObject({
  event_id: optionalId,
  severity: lowerText,
  reason: optionalText,
  assets: mridRef,
  usage_point: mridRef,
  event_type: eventTypeCode,
  EndDeviceEventType: eventTypeCode,
  location,
});

export function kaifaEventSchema(ctx: AdapterContext) {
  return z
    .looseObject({
      message_type: optionalText,
      timestamp: timestamp(ctx.now),
      // Seed 000's flat form carries these at the top level; seed 004 nests them in payload.
      event_id: optionalId,
      severity: lowerText,
      reason: optionalText,
      assets: mridRef,
      usage_point: mridRef,
      location,
      payload: kaifaPayload.nullish(),
    })
    .superRefine((e, rctx) => {
      const flat = !e.payload && (e.event_id !== undefined || e.assets !== undefined || e.usage_point !== undefined);
      const base = flat ? [] : ["payload"];
      if (!(e.payload?.event_id ?? e.event_id)) rctx.addIssue({ code: "custom", path: [...base, "event_id"], message: "is required" });
      if (!(e.payload?.assets ?? e.assets ?? e.payload?.usage_point ?? e.usage_point)) {
        rctx.addIssue({ code: "custom", path: [...base, "assets"], message: "is required: an asset mRID or a usage_point mRID must name the meter" });
      }
    })
    .transform((e): Signal => {
      const p: Partial<z.output<typeof kaifaPayload>> = e.payload ?? {};
      const code = p.EndDeviceEventType ?? p.event_type;
      const severity = p.severity ?? e.severity;
      const reason = p.reason ?? e.reason;
      return {
        sourceType: "kaifa",
        sourceEventId: (p.event_id ?? e.event_id)!,
        kind: kaifaSignalKind(ctx.kaifaEventMap, { code, reason, severity }),
        occurredAt: e.timestamp,
        // meterNumber stays unset: enrichment tries the asset mRID against mRIDs and meter numbers.
        meter: compact({ assetMrid: p.assets ?? e.assets, usagePointMrid: p.usage_point ?? e.usage_point }),
        location: p.location ?? e.location,
        severity,
        reason,
        attributes: compact({ messageType: e.message_type, eventTypeCode: code }),
      };
    });
}

/** One Kaifa JSON EndDeviceEvent or a batch of them. */
export function parseKaifaBody(body: unknown, ctx: AdapterContext): ParsedItem[] {
  const schema = kaifaEventSchema(ctx);
  return parseBatch(body, (item) => runSchema(schema, item));
}
