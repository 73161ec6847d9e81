import { reliabilityInput, reliabilityReport } from "../../reliability/report";
import type { ServiceDeps } from "../serviceContext";
import { parseRequest } from "../validate";
import type { RestRoute } from "../routeTable";
import { reliabilityAnswer } from "../openapi/answers";

/**
 * GET /api/oms/reliability: IEEE 1366 indices of a period for the system, a substation or a
 * feeder (docs/reliability.md), for `oms_api` keys and people who may see outages.
 */
export function reliabilityRoutes(deps: Pick<ServiceDeps, "db" | "now" | "timeZone">): RestRoute[] {
  const clock = deps.now ?? (() => new Date());
  return [
    { method: "get", path: "/reliability", access: "outages.read", query: reliabilityInput, answer: reliabilityAnswer,
      summary: "IEEE 1366 reliability indices (SAIFI, SAIDI, CAIDI, CAIFI, MAIFI_E, ASAI) and major event days of a period, for the system, a substation or a feeder",
      handle: async (req, res) => {
      const input = parseRequest(reliabilityInput, req.query, "query");
      res.json((await reliabilityReport(deps.db, input, { timeZone: deps.timeZone, now: clock() })).indices);
    } },
  ];
}
