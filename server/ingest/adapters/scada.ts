import { createHash } from "node:crypto";
import { z } from "zod";
import type { ParsedItem, Signal, SignalKind } from "../signal";
import {
  type AdapterContext,
  caseInsensitiveChoice,
  compact,
  location,
  optionalId,
  optionalText,
  parseBatch,
  runSchema,
  timestamp,
} from "./common";

/** SCADA event types as the seeds and the recorded simulator send them; matched in any case. */
export const SCADA_EVENT_TYPES = [
  "breaker_trip",
  "breaker_close",
  "fault",
  "power_failure",
  "outage",
  "alarm",
  "MV_AlarmLossOfVoltage",
  "MV_AlarmRestoration",
] as const;
type ScadaEventType = (typeof SCADA_EVENT_TYPES)[number];

const KIND_BY_EVENT_TYPE: Record<Exclude<ScadaEventType, "alarm">, SignalKind> = {
  breaker_trip: "power_off",
  fault: "power_off",
  power_failure: "power_off",
  outage: "power_off",
  MV_AlarmLossOfVoltage: "power_off",
  breaker_close: "power_on",
  MV_AlarmRestoration: "power_on",
};

/** A generic `alarm` only says something about supply through its alarmType. */
export function scadaSignalKind(eventType: ScadaEventType, alarmType: string | undefined): SignalKind {
  if (eventType !== "alarm") return KIND_BY_EVENT_TYPE[eventType];
  const alarm = alarmType?.toLowerCase();
  if (alarm === "de-energized") return "power_off";
  if (alarm === "energized") return "power_on";
  return "info";
}

/**
 * SCADA sends no event id, yet a re-delivery must be recognised as the same event: the id is a
 * hash of what identifies the event (type, alarm, device, normalised time), so `…01.915Z` and
 * `…04:02:01.915-04:00` are one event, while an "Energized" alarm is never taken for a copy of
 * a "De-energized" one at the same instant. The parts are hashed as a JSON array, so no code can
 * shift a separator from one part into the next.
 */
export function scadaEventId(eventType: string, substationId = "", feederId = "", occurredAt: Date, alarmType = ""): string {
  const key = JSON.stringify([eventType, substationId, feederId, occurredAt.toISOString(), alarmType.toLowerCase()]);
  return `scada:${createHash("sha256").update(key).digest("hex").slice(0, 24)}`;
}

const SEVERITIES = ["low", "medium", "high", "critical"] as const;
const severity = z.preprocess(
  (v) => (v === null || v === "" ? undefined : v),
  caseInsensitiveChoice("severity", SEVERITIES).optional(),
);

export function scadaEventSchema(now: Date) {
  return z
    .looseObject({
      eventId: optionalId,
      eventType: caseInsensitiveChoice("eventType", SCADA_EVENT_TYPES),
      substationId: optionalId,
      feederId: optionalId,
      mainStationId: optionalId,
      alarmType: optionalText,
      timestamp: timestamp(now),
      voltage: z.number().min(0, "must be a number ≥ 0").nullish(),
      severity,
      reason: optionalText,
      coordinates: location,
    })
    .superRefine((e, ctx) => {
      if (!e.substationId && !e.feederId) {
        ctx.addIssue({ code: "custom", path: ["substationId"], message: "is required (or feederId): a SCADA event must name a device" });
      }
    })
    .transform((e): Signal => ({
      sourceType: "scada",
      sourceEventId: e.eventId ?? scadaEventId(e.eventType, e.substationId, e.feederId, e.timestamp, e.alarmType),
      kind: scadaSignalKind(e.eventType, e.alarmType),
      occurredAt: e.timestamp,
      device: compact({ substationCode: e.substationId, feederCode: e.feederId, mainStationId: e.mainStationId }),
      location: e.coordinates,
      severity: e.severity,
      reason: e.reason,
      attributes: compact({
        eventType: e.eventType,
        alarmType: e.alarmType,
        voltage: e.voltage ?? undefined,
        mainStationId: e.mainStationId,
      }),
    }));
}

/** One SCADA event object or a batch of them. */
export function parseScadaBody(body: unknown, ctx: AdapterContext): ParsedItem[] {
  const schema = scadaEventSchema(ctx.now);
  return parseBatch(body, (item) => runSchema(schema, item));
}
