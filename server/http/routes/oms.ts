import { Router, type Request } from "express";
import { z } from "zod";
import { activeOutagesDashboard } from "../../operations/dashboard";
import { dispatchCrew, dispatchCrewInput } from "../../operations/dispatchCrew";
import { restoreOutage, restoreOutageInput } from "../../operations/restoreOutage";
import { outageRef } from "../../operations/schemas";
import { sendNotifications, sendNotificationsInput } from "../../operations/sendNotifications";
import { setEtr, setEtrInput } from "../../operations/setEtr";
import { activateStormMode, activateStormModeInput, deactivateStormMode, deactivateStormModeInput } from "../../operations/stormMode";
import { stormModeStatus } from "../../operations/stormStatus";
import { suggestCrews } from "../../operations/suggestCrews";
import { updateAssignment, updateAssignmentInput } from "../../operations/updateAssignment";
import { serviceContextFor, type ServiceDeps } from "../serviceContext";
import { parseRequest } from "../validate";

export type OmsRouterDeps = ServiceDeps;

const suggestQuery = z.object({ outage_event_id: outageRef });

/** A body that is an object, with the path's id added (the id in the path wins). */
const withPathId = (req: Request, name: string) =>
  req.body && typeof req.body === "object" && !Array.isArray(req.body) ? { ...req.body, [name]: req.params.id } : req.body;

/**
 * Seed 000's operations API under /api/oms: storm mode, restoration, crews, notifications and
 * the dashboard. Each handler validates, calls the verb and answers JSON; errors go to
 * jsonErrorHandler. The correlation routes (/api/oms/events/correlate, …) live elsewhere.
 */
export function createOmsRouter(deps: OmsRouterDeps): Router {
  const router = Router();
  const ctx = (req: Request) => serviceContextFor(req, deps);
  const clock = deps.now ?? (() => new Date());

  router.get("/storm-mode", async (_req, res) => {
    res.json(await stormModeStatus(deps.db, clock()));
  });
  router.post("/storm-mode/activate", async (req, res) => {
    res.json(await activateStormMode(ctx(req), parseRequest(activateStormModeInput, req.body)));
  });
  router.post("/storm-mode/deactivate", async (req, res) => {
    res.json(await deactivateStormMode(ctx(req), parseRequest(deactivateStormModeInput, req.body)));
  });

  router.post("/events/restore", async (req, res) => {
    res.json(await restoreOutage(ctx(req), parseRequest(restoreOutageInput, req.body)));
  });
  router.post("/events/etr", async (req, res) => {
    res.json(await setEtr(ctx(req), parseRequest(setEtrInput, req.body)));
  });

  router.post("/crew/dispatch", async (req, res) => {
    const result = await dispatchCrew(ctx(req), parseRequest(dispatchCrewInput, req.body));
    res.status(result.already_assigned ? 200 : 201).json(result);
  });
  router.get("/crew/suggest", async (req, res) => {
    const { outage_event_id } = parseRequest(suggestQuery, req.query, "query");
    res.json(await suggestCrews(deps.db, outage_event_id));
  });
  router.post("/crew/assignments/:id", async (req, res) => {
    res.json(await updateAssignment(ctx(req), parseRequest(updateAssignmentInput, withPathId(req, "assignment_id"))));
  });

  router.post("/notifications/send", async (req, res) => {
    res.json(await sendNotifications(ctx(req), parseRequest(sendNotificationsInput, req.body)));
  });
  router.get("/dashboard/active-outages", async (_req, res) => {
    res.json(await activeOutagesDashboard(deps.db));
  });
  return router;
}
