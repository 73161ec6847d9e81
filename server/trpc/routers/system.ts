import { router, procedure } from "../init";

export const systemRouter = router({
  /** What the browser needs to know about this deployment; nothing secret. */
  publicConfig: procedure("public").query(({ ctx }) => ({
    mapStyleUrl: ctx.config.mapStyleUrl ?? null,
    timeZone: ctx.config.timeZone,
  })),
});
