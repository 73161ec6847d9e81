import type { Request } from "express";
import { z } from "zod";
import type { Actor } from "../../context";
import { clusterEvents } from "../../events/clusterEvents";
import { correlateEvent } from "../../events/correlateEvent";
import { createEvent } from "../../events/createEvent";
import { scoreEvent } from "../../events/scoreEvent";
import { validateEvent } from "../../events/validateEvent";
import type { IngestDeps } from "../../ingest/service";
import { eventTime, outageRef } from "../../operations/schemas";
import { parseRequest } from "../validate";
import type { RestRoute } from "../routeTable";
import { GENERIC_EVENT_TYPES } from "../../events/signalFromRequest";
import { clusterAnswer, correlateAnswer, createEventAnswer, scoreEventAnswer, validateEventAnswer } from "../openapi/answers";

const source = z.enum(["scada", "kaifa", "onu", "call_center"]);
const text = z.string().trim().min(1).max(200);
const metadata = z.object({
  meter_number: text.optional(), usage_point: text.optional(), asset_mrid: text.optional(),
  onu_id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(), onu_serial: text.optional(), phone: z.string().max(40).optional(),
  address: z.string().max(500).optional(), substation_id: text.optional(), feeder_id: text.optional(), event_type: text.optional(),
}).partial().optional();
const lat = z.number().min(-90).max(90);
const lng = z.number().min(-180).max(180);
const window = z.number().int().min(1).max(24 * 60);
const radius = z.number().int().min(10).max(50_000);

const eventType = z.enum(GENERIC_EVENT_TYPES, { message: `must be one of ${GENERIC_EVENT_TYPES.join(", ")}` });
const correlateBody = z.object({
  event_type: eventType, source_type: source, source_event_id: text, timestamp: eventTime,
  latitude: lat.nullish().transform((v) => v ?? undefined), longitude: lng.nullish().transform((v) => v ?? undefined),
  correlation_window_minutes: window.optional(), spatial_radius_meters: radius.optional(), metadata,
});
const createBody = z.object({
  event_type: eventType, source_type: source, source_event_id: text, timestamp: eventTime,
  location: z.object({ latitude: lat, longitude: lng }).optional(), metadata,
  correlation_parameters: z.object({ window_minutes: window.optional(), spatial_radius_meters: radius.optional() }).optional(),
});
const validateBody = z.object({
  outage_event_id: outageRef, validation_type: z.literal("neighbor_check").default("neighbor_check"),
  parameters: z.object({ spatial_radius_meters: radius.default(1000), temporal_window_minutes: window.default(30),
    source_types: z.array(source).min(1).default(["scada", "kaifa", "onu", "call_center"]) }).default({ spatial_radius_meters: 1000, temporal_window_minutes: 30, source_types: ["scada", "kaifa", "onu", "call_center"] }),
});
const weight = z.number().min(0).max(1);
const scoreBody = z.object({
  outage_event_id: outageRef,
  scoring_parameters: z.object({ weight_scada: weight, weight_kaifa: weight, weight_onu: weight, weight_call_center: weight }).partial().optional(),
});
const clusterBody = z.object({
  clustering_parameters: z.object({ spatial_radius_meters: radius.default(1000), temporal_window_minutes: window.default(30), confidence_threshold: weight.default(0.7) })
    .default({ spatial_radius_meters: 1000, temporal_window_minutes: 30, confidence_threshold: 0.7 }),
});

/** The seed's event endpoints (seed 000 sections 1–5), under /api/oms; all need `outages.act`. */
export function omsEventRoutes(deps: IngestDeps, actorOf: (req: Request) => Actor): RestRoute[] {
  const ctx = (req: Request) => ({ db: deps.db, publisher: deps.publisher, now: deps.now, timeZone: deps.timeZone, actor: actorOf(req) });
  return [
    { method: "post", path: "/events/correlate", access: "outages.act", summary: "Correlate one event into the outages (seed 000 §1)", body: correlateBody, answer: correlateAnswer, handle: async (req, res) => {
      res.json(await correlateEvent(deps, actorOf(req), parseRequest(correlateBody, req.body)));
    } },
    { method: "post", path: "/events/create", access: "outages.act", summary: "Create an outage from one event (seed 000 §2)", body: createBody, answer: createEventAnswer, ok: 201, handle: async (req, res) => {
      const b = parseRequest(createBody, req.body);
      res.status(201).json(await createEvent(deps, actorOf(req), {
        ...b, latitude: b.location?.latitude, longitude: b.location?.longitude, spatial_radius_meters: b.correlation_parameters?.spatial_radius_meters,
      }));
    } },
    { method: "post", path: "/events/validate", access: "outages.act", summary: "Neighbour check of an outage (seed 000 §3)", body: validateBody, answer: validateEventAnswer, handle: async (req, res) => {
      const b = parseRequest(validateBody, req.body);
      res.json(await validateEvent(deps.db, { outageId: b.outage_event_id, radiusMeters: b.parameters.spatial_radius_meters,
        windowMinutes: b.parameters.temporal_window_minutes, sourceTypes: b.parameters.source_types }));
    } },
    { method: "post", path: "/events/score", access: "outages.act", summary: "Score an outage's confidence from its sources (seed 000 §4)", body: scoreBody, answer: scoreEventAnswer, handle: async (req, res) => {
      const b = parseRequest(scoreBody, req.body);
      const p = b.scoring_parameters ?? {};
      res.json(await scoreEvent(ctx(req), { outageId: b.outage_event_id,
        weights: { scada: p.weight_scada, kaifa: p.weight_kaifa, onu: p.weight_onu, call_center: p.weight_call_center } }));
    } },
    { method: "post", path: "/events/cluster", access: "outages.act", summary: "Merge open outages that belong together (seed 000 §5)", body: clusterBody, answer: clusterAnswer, handle: async (req, res) => {
      const p = parseRequest(clusterBody, req.body ?? {}).clustering_parameters;
      res.json(await clusterEvents(ctx(req), { radiusMeters: p.spatial_radius_meters, windowMinutes: p.temporal_window_minutes, confidenceThreshold: p.confidence_threshold }));
    } },
  ];
}
