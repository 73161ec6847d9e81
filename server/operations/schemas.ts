import { z } from "zod";
import { FUTURE_TOLERANCE_MS } from "../ingest/adapters/common";

/** Shared pieces of the request schemas (seed 000 field names; the verbs take the parsed output). */

/** The times the API takes lie in these years (a clock never set says 1970 or 0000; 2100 is a typo). */
export const EARLIEST_TIME = new Date("1970-01-01T00:00:00Z");
export const LATEST_TIME = new Date("2100-01-01T00:00:00Z");

/** An ISO 8601 time with its offset (`2024-01-15T10:30:45.123Z`), as a Date, from 1970 to 2099. */
export const isoTime = z.iso.datetime({ offset: true }).transform((s, ctx) => {
  const at = new Date(s);
  if (Number.isNaN(at.getTime()) || at < EARLIEST_TIME || at >= LATEST_TIME) {
    ctx.issues.push({ code: "custom", input: s, message: `must be a time from ${EARLIEST_TIME.getUTCFullYear()} to ${LATEST_TIME.getUTCFullYear() - 1}` });
    return z.NEVER;
  }
  return at;
});

/** When an event happened: an isoTime not more than 5 minutes ahead of the server's clock. */
export const eventTime = isoTime.refine((at) => at.getTime() - Date.now() <= FUTURE_TOLERANCE_MS, {
  message: "is in the future (more than 5 minutes after the server's clock)",
});

/** An outage by its uuid or its `OMS_…` event id. */
export const outageRef = z.string().trim().min(1).max(100);

/** A crew by its code (CRW01) or its numeric id. */
/** A row id: a PostgreSQL integer (larger numbers can name nothing and must not reach the database). */
export const rowId = z.number().int().positive().max(2_147_483_647, "is not a known id (too large)");

export const crewRef = z.union([z.string().trim().min(1).max(40), rowId]);
export type CrewRef = z.infer<typeof crewRef>;

/** A position as seed 000 writes one (`location: { latitude, longitude }`). */
export const position = z.object({
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
});
export type Position = z.infer<typeof position>;
