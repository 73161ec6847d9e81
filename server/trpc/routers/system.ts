import { router, publicProcedure } from "../init";

export const systemRouter = router({
  /** What the browser needs to know about this deployment; nothing secret. */
  publicConfig: publicProcedure.query(({ ctx }) => ({
    mapStyleUrl: ctx.config.mapStyleUrl ?? null,
    timeZone: ctx.config.timeZone,
  })),
});
