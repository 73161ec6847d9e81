import { router } from "./init";
import { networkRouter } from "./routers/network";
import { systemRouter } from "./routers/system";
import { outagesRouter } from "./routers/outages";
import { accountRouter } from "./routers/account";
import { adminRouter } from "./routers/admin";
import { crewRouter } from "./routers/crew";
import { stormRouter } from "./routers/storm";
import { rulesRouter } from "./routers/rules";
import { crewsRouter } from "./routers/crews";
import { searchRouter } from "./routers/search";
import { reliabilityRouter } from "./routers/reliability";
import { historyRouter } from "./routers/history";

export const appRouter = router({
  system: systemRouter,
  account: accountRouter,
  network: networkRouter,
  outages: outagesRouter,
  storm: stormRouter,
  rules: rulesRouter,
  crews: crewsRouter,
  search: searchRouter,
  crew: crewRouter,
  admin: adminRouter,
  reliability: reliabilityRouter,
  history: historyRouter,
});

export type AppRouter = typeof appRouter;
