import { router, procedure } from "../init";
import { reliabilityInput, reliabilityReport } from "../../reliability/report";

export const reliabilityRouter = router({
  /** The Reports page: the indices (as GET /api/oms/reliability answers them), each day, each feeder of the level. */
  report: procedure("outages.read").input(reliabilityInput)
    .query(({ ctx, input }) => reliabilityReport(ctx.db, input, { timeZone: ctx.config.timeZone, now: new Date() })),
});
