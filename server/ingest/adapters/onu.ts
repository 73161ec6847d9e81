import { z } from "zod";
import type { ParsedItem, Signal } from "../signal";
import { type AdapterContext, compact, location, optionalId, optionalText, parseBatch, requiredId, runSchema, shown, timestamp } from "./common";

/** The ONU service accepts exactly these two types (case-sensitive, as its own API does). */
export const ONU_TYPES = ["ONU_LastGaspAlert", "ONU_PowerRestored"] as const;

const onuType = z.enum(ONU_TYPES, {
  error: (iss) =>
    iss.input == null ? "is required" : `unknown type ${shown(iss.input)}; expected ONU_LastGaspAlert or ONU_PowerRestored`,
});

/** The NMS sends onuId as a number (seed 004: 3230316); some exports quote it. */
const onuId = z.preprocess(
  (v) => (v === null || v === "" ? undefined : typeof v === "string" && /^\s*\d+\s*$/.test(v) ? Number(v) : v),
  z.number({ error: "must be a whole number" }).int("must be a whole number").nonnegative("must be a whole number").optional(),
);

export function onuEventSchema(now: Date) {
  return z
    .looseObject({
      eventId: requiredId,
      type: onuType,
      onuId,
      onuSerial: optionalId,
      timestamp: timestamp(now),
      location,
      associatedMeters: z.array(optionalId).nullish(),
      nmsType: optionalText,
      alarmData: z.looseObject({ category: optionalText, alarmType: optionalText }).nullish(),
    })
    .superRefine((e, ctx) => {
      if (e.onuId === undefined && !e.onuSerial) {
        ctx.addIssue({ code: "custom", path: ["onuId"], message: "is required (or onuSerial): an ONU event must name the ONU" });
      }
    })
    .transform((e): Signal => {
      const meters = (e.associatedMeters ?? []).filter((m): m is string => m !== undefined);
      return {
        sourceType: "onu",
        sourceEventId: e.eventId,
        kind: e.type === "ONU_LastGaspAlert" ? "power_off" : "power_on",
        occurredAt: e.timestamp,
        meter: compact({ onuId: e.onuId, onuSerial: e.onuSerial }),
        associatedMeterNumbers: meters.length > 0 ? meters : undefined,
        location: e.location,
        attributes: compact({
          type: e.type,
          nmsType: e.nmsType,
          alarmData: e.alarmData ? compact({ category: e.alarmData.category, alarmType: e.alarmData.alarmType }) : undefined,
        }),
      };
    });
}

/** One ONU alarm or a batch of them. */
export function parseOnuBody(body: unknown, ctx: AdapterContext): ParsedItem[] {
  const schema = onuEventSchema(ctx.now);
  return parseBatch(body, (item) => runSchema(schema, item));
}
