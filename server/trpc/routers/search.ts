import { z } from "zod";
import { router, procedure } from "../init";
import { search } from "../../../db/queries/search";
import { allows } from "../../auth/permissions";

export const searchRouter = router({
  /**
   * The control room's one search box: outages, meters and devices for whoever may see outages;
   * customers (name, number, phone, address) only for those who may act on outages, as they are
   * the ones taking callers' details.
   */
  everything: procedure("outages.read")
    .input(z.object({ text: z.string().trim().min(1).max(100), limit: z.number().int().min(1).max(20).default(6) }))
    .query(({ ctx, input }) => search(ctx.db, { text: input.text, limit: input.limit, customers: allows("outages.act", ctx.actor) })),
});
