import { z } from "zod";
import { router, procedure } from "../init";
import { listSubstations, feederLines, distributionPointsInView, metersInView, networkTotals } from "../../../db/queries/map";
import { networkSummary } from "../../../db/queries/networkSummary";

const bbox = z.object({
  west: z.number().min(-180).max(180),
  south: z.number().min(-90).max(90),
  east: z.number().min(-180).max(180),
  north: z.number().min(-90).max(90),
});

export const networkRouter = router({
  totals: procedure("network.read").query(({ ctx }) => networkTotals(ctx.db)),
  substations: procedure("network.read").query(({ ctx }) => listSubstations(ctx.db)),
  feeders: procedure("network.read").query(({ ctx }) => feederLines(ctx.db)),
  /** Substations and their feeders with customers served and out, worst first (the Substations tab). */
  summary: procedure("network.read").query(({ ctx }) => networkSummary(ctx.db)),
  distributionPoints: procedure("network.read")
    .input(z.object({ bbox, limit: z.number().int().min(1).max(20_000).default(5_000) }))
    .query(({ ctx, input }) => distributionPointsInView(ctx.db, input.bbox, input.limit)),
  /** Meters in view with their power state, for close zoom (the map asks only from zoom 15). */
  meters: procedure("network.read")
    .input(z.object({ bbox, limit: z.number().int().min(1).max(10_000).default(5_000) }))
    .query(({ ctx, input }) => metersInView(ctx.db, input.bbox, input.limit)),
});
