import { z } from "zod";
import { router, procedure } from "../init";
import { CLOSED_STATUSES, momentaryHistory, outageHistory } from "../../../db/queries/outageHistory";
import { playback } from "../../../db/queries/playback";

const DAY = 86_400_000;
/** The longest range History lists at once: a quarter (a year's reliability is on the Reports page). */
export const MAX_HISTORY_DAYS = 92;
/** The longest playback: a storm night and its day (the payload grows with the changes in it). */
export const MAX_PLAYBACK_HOURS = 48;

const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const code = z.string().trim().min(1).max(40);

/** `from` before `to`, and not further apart than `maxMs`: a bad range names `to`. */
const inRange = (maxMs: number, what: string) => (v: { from: Date; to: Date }, ctx: z.RefinementCtx) => {
  // Zod runs this even after a malformed instant (its issue does not abort): that one is already named.
  if (!(v.from instanceof Date) || !(v.to instanceof Date)) return;
  if (v.to.getTime() <= v.from.getTime()) ctx.addIssue({ code: "custom", path: ["to"], message: "must be after from" });
  else if (v.to.getTime() - v.from.getTime() > maxMs) ctx.addIssue({ code: "custom", path: ["to"], message: `must be at most ${what} after from` });
};
const HISTORY_RANGE = inRange(MAX_HISTORY_DAYS * DAY, `${MAX_HISTORY_DAYS} days`);

const cursor = z.object({ at: z.iso.datetime({ offset: true }), id: z.string().min(1).max(40) }).nullish();
const limit = z.number().int().min(1).max(200).default(50);

export const historyRouter = router({
  /** Closed outages (restored, cancelled, merged) that began in the range, newest first, a page at a time, with the total. */
  outages: procedure("outages.read")
    .input(z.object({
      from: instant,
      to: instant,
      statuses: z.array(z.enum(CLOSED_STATUSES)).max(3).optional(),
      substation: code.optional(),
      feeder: code.optional(),
      cause: z.string().trim().min(1).max(100).optional(),
      source: z.enum(["scada", "kaifa", "onu", "call_center"]).optional(),
      minCustomers: z.number().int().min(0).max(10_000_000).optional(),
      cursor: cursor.refine((c) => c == null || z.uuid().safeParse(c.id).success, { message: "id must be an outage id" }),
      limit,
    }).superRefine(HISTORY_RANGE))
    .query(({ ctx, input }) => outageHistory(ctx.db, input, input.cursor ?? null, input.limit)),
  /** Momentary interruptions of whole devices that began in the range, newest first, paged. */
  momentaries: procedure("outages.read")
    .input(z.object({
      from: instant,
      to: instant,
      substation: code.optional(),
      feeder: code.optional(),
      minCustomers: z.number().int().min(0).max(10_000_000).optional(),
      cursor: cursor.refine((c) => c == null || /^\d{1,18}$/.test(c.id), { message: "id must be a momentary's number" }),
      limit,
    }).superRefine(HISTORY_RANGE))
    .query(({ ctx, input }) => momentaryHistory(ctx.db, input, input.cursor ?? null, input.limit)),
  /** What the map showed over a past period, from the change log: the state at `from` and every change to `to`. */
  playback: procedure("outages.read")
    .input(z.object({ from: instant, to: instant }).superRefine(inRange(MAX_PLAYBACK_HOURS * 3_600_000, `${MAX_PLAYBACK_HOURS} hours`)))
    .query(({ ctx, input }) => playback(ctx.db, input.from, input.to)),
});
