import { router, procedure } from "../init";
import { reliabilityInput, reliabilityReport } from "../../reliability/report";
import { reportLevels } from "../../../db/queries/reliability";

export const reliabilityRouter = router({
  /** The Reports page: the indices (as GET /api/oms/reliability answers them), each day, each feeder of the level. */
  report: procedure("outages.read").input(reliabilityInput)
    .query(({ ctx, input }) => reliabilityReport(ctx.db, input, { timeZone: ctx.config.timeZone, now: new Date() })),
  /** The substations and feeders a report can be asked for, by code. */
  levels: procedure("outages.read").query(({ ctx }) => reportLevels(ctx.db)),
});
