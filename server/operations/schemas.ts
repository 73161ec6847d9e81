import { z } from "zod";

/** Shared pieces of the request schemas (seed 000 field names; the verbs take the parsed output). */

/** An ISO 8601 time with its offset (`2024-01-15T10:30:45.123Z`), as a Date. */
export const isoTime = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

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
