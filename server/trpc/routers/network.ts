import { z } from "zod";
import { router, publicProcedure } from "../init";
import { listSubstations, feederLines, distributionPointsInView, networkTotals } from "../../../db/queries/map";

const bbox = z.object({
  west: z.number().min(-180).max(180),
  south: z.number().min(-90).max(90),
  east: z.number().min(-180).max(180),
  north: z.number().min(-90).max(90),
});

export const networkRouter = router({
  totals: publicProcedure.query(({ ctx }) => networkTotals(ctx.db)),
  substations: publicProcedure.query(({ ctx }) => listSubstations(ctx.db)),
  feeders: publicProcedure.query(({ ctx }) => feederLines(ctx.db)),
  distributionPoints: publicProcedure
    .input(z.object({ bbox, limit: z.number().int().min(1).max(20_000).default(5_000) }))
    .query(({ ctx, input }) => distributionPointsInView(ctx.db, input.bbox, input.limit)),
});
