import { router } from "./init";
import { networkRouter } from "./routers/network";
import { systemRouter } from "./routers/system";
import { outagesRouter } from "./routers/outages";

export const appRouter = router({
  system: systemRouter,
  network: networkRouter,
  outages: outagesRouter,
});

export type AppRouter = typeof appRouter;
