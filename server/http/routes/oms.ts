import type { Request } from "express";
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
import type { RestRoute } from "../routeTable";
import {
  assignmentAnswer, crewSuggestAnswer, dashboardAnswer, dispatchAnswer, etrAnswer, restoreAnswer, sendNotificationsAnswer,
  stormActivateAnswer, stormDeactivateAnswer, stormModeStatusAnswer,
} from "../openapi/answers";

export type OmsRouterDeps = ServiceDeps;

const suggestQuery = z.object({ outage_event_id: outageRef });

/** A body that is an object, with the path's id added (the id in the path wins). */
const withPathId = (req: Request, name: string) =>
  req.body && typeof req.body === "object" && !Array.isArray(req.body) ? { ...req.body, [name]: req.params.id } : req.body;

/**
 * Seed 000's operations API under /api/oms: storm mode, restoration, crews, notifications and
 * the dashboard, each with the permission it needs. Each handler validates, calls the verb and
 * answers JSON; errors go to jsonErrorHandler. The correlation routes (/api/oms/events/…) are in
 * omsEvents.ts.
 */
export function omsRoutes(deps: OmsRouterDeps): RestRoute[] {
  const ctx = (req: Request) => serviceContextFor(req, deps);
  const clock = deps.now ?? (() => new Date());
  return [
    { method: "get", path: "/storm-mode", access: "storm.read", summary: "Storm mode: on or off, the rule in force, events in the last hour", answer: stormModeStatusAnswer, handle: async (_req, res) => {
      res.json(await stormModeStatus(deps.db, clock()));
    } },
    { method: "post", path: "/storm-mode/activate", access: "storm.switch", summary: "Switch storm mode on, with a reason", body: activateStormModeInput, answer: stormActivateAnswer, handle: async (req, res) => {
      res.json(await activateStormMode(ctx(req), parseRequest(activateStormModeInput, req.body)));
    } },
    { method: "post", path: "/storm-mode/deactivate", access: "storm.switch", summary: "Switch storm mode off, with a reason", body: deactivateStormModeInput, answer: stormDeactivateAnswer, handle: async (req, res) => {
      res.json(await deactivateStormMode(ctx(req), parseRequest(deactivateStormModeInput, req.body)));
    } },
    { method: "post", path: "/events/restore", access: "outages.act", summary: "Restore an outage (cause, time, notes)", body: restoreOutageInput, answer: restoreAnswer, handle: async (req, res) => {
      res.json(await restoreOutage(ctx(req), parseRequest(restoreOutageInput, req.body)));
    } },
    { method: "post", path: "/events/etr", access: "outages.act", summary: "Set an outage's estimated time of restoration", body: setEtrInput, answer: etrAnswer, handle: async (req, res) => {
      res.json(await setEtr(ctx(req), parseRequest(setEtrInput, req.body)));
    } },
    { method: "post", path: "/crew/dispatch", access: "crews.dispatch", summary: "Dispatch a crew to an outage (201; 200 when it was already assigned)", body: dispatchCrewInput, answer: dispatchAnswer, ok: 201, handle: async (req, res) => {
      const result = await dispatchCrew(ctx(req), parseRequest(dispatchCrewInput, req.body));
      res.status(result.already_assigned ? 200 : 201).json(result);
    } },
    { method: "get", path: "/crew/suggest", access: "crews.dispatch", summary: "Crews nearest an outage, available first", query: suggestQuery, answer: crewSuggestAnswer, handle: async (req, res) => {
      const { outage_event_id } = parseRequest(suggestQuery, req.query, "query");
      res.json(await suggestCrews(deps.db, outage_event_id, 5, clock()));
    } },
    // A crew may move only its own assignments on: updateAssignment checks the actor's crew.
    { method: "post", path: "/crew/assignments/:id", access: "assignments.update", summary: "Move a crew assignment on (en route, on site, restored); a crew only its own", body: updateAssignmentInput, answer: assignmentAnswer, handle: async (req, res) => {
      res.json(await updateAssignment(ctx(req), parseRequest(updateAssignmentInput, withPathId(req, "assignment_id"))));
    } },
    { method: "post", path: "/notifications/send", access: "outages.act", summary: "Send an outage's customer notifications (once per customer per outage)", body: sendNotificationsInput, answer: sendNotificationsAnswer, handle: async (req, res) => {
      res.json(await sendNotifications(ctx(req), parseRequest(sendNotificationsInput, req.body)));
    } },
    { method: "get", path: "/dashboard/active-outages", access: "outages.read", summary: "Active outages with their counts, for a dashboard", answer: dashboardAnswer, handle: async (_req, res) => {
      res.json(await activeOutagesDashboard(deps.db));
    } },
  ];
}
