import { z } from "zod";
import { router, procedure, serviceContext } from "../init";
import { activeOutageMarkers } from "../../../db/queries/outages";
import { outageAreas } from "../../../db/queries/map";
import { deviceMomentariesSince } from "../../../db/queries/momentaries";
import { listOpenOutages, outageDetail, overview } from "../../../db/queries/outageDetail";
import { notFound } from "../../errors";
import { addNote, addNoteInput, confirmOutage, confirmOutageInput } from "../../operations/outageActions";
import { setEtr, setEtrInput } from "../../operations/setEtr";
import { restoreOutage, restoreOutageInput } from "../../operations/restoreOutage";
import { mergeOutages } from "../../events/mergeOutages";
import { outageRef } from "../../operations/schemas";
import { splitOutage, splitOutageInput } from "../../operations/splitOutage";
import { acknowledgeOutage, acknowledgeOutageInput } from "../../operations/acknowledgeOutage";

const code = z.string().trim().min(1).max(40);
const filter = z.object({
  substation: code.optional(),
  feeder: code.optional(),
  statuses: z.array(z.enum(["detected", "confirmed", "in_progress"])).optional(),
  severities: z.array(z.enum(["critical", "high", "medium", "low"])).optional(),
}).default({});

export const outagesRouter = router({
  /** Open outages to draw on the map, most severe first. */
  active: procedure("outages.read").query(({ ctx }) => activeOutageMarkers(ctx.db)),
  /** Open outages as areas (the hull of their affected meters), for the map. */
  areas: procedure("outages.read").query(({ ctx }) => outageAreas(ctx.db)),
  /** The outage list beside the map, filtered. */
  list: procedure("outages.read").input(filter).query(({ ctx, input }) => listOpenOutages(ctx.db, input)),
  detail: procedure("outages.read").input(z.object({ id: z.uuid() })).query(async ({ ctx, input }) => {
    const found = await outageDetail(ctx.db, input.id);
    if (!found) throw notFound(`Outage ${input.id}`);
    return found;
  }),
  /** Momentary interruptions of whole devices in the last hours (never outages). */
  momentaries: procedure("outages.read").input(z.object({ hours: z.number().int().min(1).max(24 * 31).default(24) }).default({ hours: 24 }))
    .query(({ ctx, input }) => deviceMomentariesSince(ctx.db, new Date(Date.now() - input.hours * 3_600_000))),
  /** The numbers across the top. */
  overview: procedure("outages.read").query(({ ctx }) => overview(ctx.db, new Date())),

  confirm: procedure("outages.act").input(confirmOutageInput).mutation(({ ctx, input }) => confirmOutage(serviceContext(ctx), input)),
  /** Acknowledges what an outage calls attention for (new, critical, critical customers dark); on its timeline with the person. */
  acknowledge: procedure("outages.act").input(acknowledgeOutageInput).mutation(({ ctx, input }) => acknowledgeOutage(serviceContext(ctx), input)),
  addNote: procedure("outages.act").input(addNoteInput).mutation(({ ctx, input }) => addNote(serviceContext(ctx), input)),
  setEtr: procedure("outages.act").input(setEtrInput).mutation(({ ctx, input }) => setEtr(serviceContext(ctx), input)),
  restore: procedure("outages.act").input(restoreOutageInput).mutation(({ ctx, input }) => restoreOutage(serviceContext(ctx), input)),
  merge: procedure("outages.act")
    .input(z.object({ into: outageRef, from: z.array(outageRef).min(1).max(50), reason: z.string().trim().max(500).optional() }))
    .mutation(({ ctx, input }) => mergeOutages(serviceContext(ctx), { intoId: input.into, fromIds: input.from, reason: input.reason })),
  split: procedure("outages.act").input(splitOutageInput).mutation(({ ctx, input }) => splitOutage(serviceContext(ctx), input)),
});
