import { z } from "zod";
import { httpStatusOf, type DomainErrorCode } from "../../errors";

const DOMAIN_ERROR_CODES = Object.keys(httpStatusOf) as [DomainErrorCode, ...DomainErrorCode[]];

/**
 * The shapes of the answers, for the API description only: the handlers build these objects in
 * TypeScript (http/errors.ts, ingest/service.ts) and the tests compare real answers with them.
 */
export const fieldIssue = z.object({
  path: z.string().describe("The bad field, e.g. `payload.assets` or `[3].timestamp`; `(body)` for the whole body"),
  message: z.string().describe("Why, in words (`is required`, `must be an ISO 8601 timestamp`)"),
});

export const errorAnswer = z.object({
  error: z.enum(DOMAIN_ERROR_CODES).or(z.enum(["too_large", "internal"])).describe("A stable code; 400 invalid, 401 unauthorized, 403 forbidden, 404 not_found, 409 conflict, 413 too_large, 415 unsupported, 503 unavailable"),
  message: z.string(),
  issues: z.array(fieldIssue).optional().describe("Each bad field of a 400"),
});

export const itemResult = z.object({
  index: z.number().int().describe("The event's position in the request (0 for a single event)"),
  status: z.enum(["correlated", "recorded", "unmatched", "rejected", "pending"]),
  source_event_id: z.string().optional(),
  outage_event_id: z.string().nullable().optional(),
  event_id: z.string().nullable().optional(),
  outage_status: z.string().nullable().optional(),
  confidence: z.number().nullable().optional(),
  reason: z.string().optional(),
  issues: z.array(fieldIssue).optional().describe("Why a rejected event was rejected"),
  duplicate: z.boolean().optional().describe("The same (source, event id) arrived before: this is the first answer again"),
  scada_event_id: z.string().optional(),
  meters_checked: z.boolean().optional(),
  total_meters: z.number().int().optional(),
  offline_meters: z.number().int().optional(),
  online_meters: z.number().int().optional(),
  unknown_meters: z.number().int().optional(),
});

export const batchAnswer = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.number().int(),
  unmatched: z.number().int(),
  pending: z.number().int(),
  results: z.array(itemResult),
});

export const healthAnswer = z.object({ status: z.literal("ok"), time: z.string() });
export const readinessAnswer = z.object({
  status: z.enum(["ready", "not_ready"]),
  checks: z.record(z.string(), z.object({ ok: z.boolean(), detail: z.string().optional() })),
});

const time = z.string().describe("ISO 8601 time");
const rule = z.object({
  rule_name: z.string(), rule_type: z.string(), correlation_window_minutes: z.number(), spatial_radius_meters: z.number(),
  confidence_threshold: z.number(), parameters: z.unknown(), updated_at: time.nullable(), updated_by: z.string().nullable(),
});

/** GET /api/oms/storm-mode (server/operations/stormStatus.ts). */
export const stormModeStatusAnswer = z.object({
  is_active: z.boolean(),
  activated_at: time.nullable(), activated_by: z.string().nullable(), activation_reason: z.string().nullable(),
  deactivated_at: time.nullable(), deactivated_by: z.string().nullable(), deactivation_reason: z.string().nullable(),
  auto_activation_threshold: z.number().int(),
  rule,
  event_rate: z.object({ window_minutes: z.number().int(), outages_detected: z.number().int(), signals_received: z.number().int() }),
});
export const stormActivateAnswer = stormModeStatusAnswer.extend({ already_active: z.boolean() });
export const stormDeactivateAnswer = stormModeStatusAnswer.extend({ already_inactive: z.boolean() });

/** GET /api/oms/dashboard/active-outages (server/operations/dashboard.ts): views oms_active_outages and oms_correlation_summary. */
export const dashboardAnswer = z.object({
  active_outages: z.array(z.object({
    id: z.string(), event_id: z.string(), status: z.string(), severity: z.string(), confidence_score: z.number(),
    affected_customers_count: z.number().int(), affected_meters_count: z.number().int(), critical_customers_count: z.number().int(),
    first_detected_at: time, last_updated_at: time, estimated_restoration_time: time.nullable(),
    predicted_device_level: z.string().nullable(), predicted_device_code: z.string().nullable(),
    substation_name: z.string().nullable(), feeder_name: z.string().nullable(), source_count: z.number().int(), source_types: z.string().nullable(),
  })),
  correlation_summary: z.array(z.object({
    outage_event_id: z.string(), event_id: z.string(), status: z.string(), confidence_score: z.number(), total_sources: z.number().int(),
    scada_sources: z.number().int(), kaifa_sources: z.number().int(), onu_sources: z.number().int(), call_center_sources: z.number().int(),
  })),
  storm_mode_status: z.object({ is_active: z.boolean(), activated_at: time.nullable(), deactivated_at: time.nullable() }),
});

const inboxCounts = z.object({ processed: z.number().int(), unmatched: z.number().int(), rejected: z.number().int(), failed: z.number().int(), received: z.number().int(), dead: z.number().int() });

/** GET /api/ingest/stats (db/queries/ingestStats.ts; `process` with several processes on PostgreSQL). */
export const ingestStatsAnswer = z.object({
  at: time,
  bySource: z.record(z.string(), z.object({ total: inboxCounts, lastHour: inboxCounts })),
  unfinished: z.number().int(),
  parked: z.number().int(),
  process: z.object({ id: z.string(), handed_off: z.number().int(), taken_up: z.number().int() }).optional(),
});

const queuedNotifications = z.object({
  customers: z.number().int().describe("Distinct customers the notification was meant for"),
  queued: z.number().int().describe("Rows written now"),
  already_queued: z.number().int().describe("Customers who already had this kind of notification for this outage"),
});
const outageStatus = z.enum(["detected", "confirmed", "in_progress", "restored", "merged", "cancelled"]);
const sourceType = z.enum(["scada", "kaifa", "onu", "call_center"]);
const countsBySource = z.record(z.string(), z.number().int()).describe("Signals per source type");

/** POST /api/oms/events/restore (server/operations/restoreOutage.ts). */
export const restoreAnswer = z.object({
  outage_event_id: z.string(), event_id: z.string(), status: z.literal("restored"),
  actual_restoration_time: time, restored_by: z.string(), cause: z.string(),
  meters_restored: z.number().int(), meters_still_off: z.number().int().describe("Meters whose last word was a power-off at or before the restoration"),
  verification_due_at: time.nullable(),
  completed_assignments: z.array(z.number().int()).describe("The crew assignments the restoration completed"),
  notifications: queuedNotifications,
});

/** POST /api/oms/events/etr (server/operations/setEtr.ts). */
export const etrAnswer = z.object({
  outage_event_id: z.string(), event_id: z.string(), status: outageStatus,
  estimated_restoration_time: time, previous_estimate: time.nullable(), notifications: queuedNotifications,
});

/** POST /api/oms/crew/dispatch (server/operations/dispatchCrew.ts): 201 when dispatched, 200 when the crew was already on the outage. */
export const dispatchAnswer = z.object({
  assignment_id: z.number().int(), outage_event_id: z.string(), event_id: z.string(), crew_id: z.string(), crew_name: z.string(),
  status: z.enum(["assigned", "en_route", "on_site"]), outage_status: z.literal("in_progress"), estimated_arrival: time.nullable(),
  already_assigned: z.boolean().describe("The crew was already on this outage: nothing was written (a retried request)"),
});

/** GET /api/oms/crew/suggest (server/operations/suggestCrews.ts). */
export const crewSuggestAnswer = z.object({
  outage_event_id: z.string(), event_id: z.string(),
  location: z.object({ latitude: z.number(), longitude: z.number() }).nullable().describe("Where the outage is taken to be; null when nothing locates it"),
  crews: z.array(z.object({
    id: z.number().int(), crew_id: z.string(), name: z.string(), size: z.number().int(), home_depot: z.string(),
    latitude: z.number(), longitude: z.number(),
    from: z.enum(["position", "depot"]).describe("Measured from the crew's reported position (fixed in the last 10 minutes), else from its depot"),
    position_at: time.nullable().describe("When that position was fixed; null from the depot"),
    distance_meters: z.number().int().nullable().describe("Straight-line metres to the outage; null when the outage has no location"),
    road_meters: z.number().int().nullable().describe("The straight line times 1.3, a city's road circuity (roads are not modelled)"),
    travel_minutes: z.number().int().nullable().describe("Minutes to drive road_meters at 30 km/h"),
    eta: time.nullable().describe("When the crew would be on site if sent now"),
  })).describe("The nearest available crews, nearest first"),
});

/** POST /api/oms/crew/assignments/{id} (server/operations/updateAssignment.ts). */
export const assignmentAnswer = z.object({
  assignment_id: z.number().int(), crew_id: z.string(), outage_event_id: z.string(), event_id: z.string(),
  status: z.enum(["assigned", "en_route", "on_site", "completed", "cancelled"]), outage_status: outageStatus, updated_at: time,
});

/** POST /api/oms/notifications/send (server/operations/sendNotifications.ts). */
export const sendNotificationsAnswer = queuedNotifications.extend({
  outage_event_id: z.string(), event_id: z.string(), notification_type: z.enum(["detected", "etr", "restored"]), channel: z.string(),
});

/** POST /api/oms/events/correlate (server/events/correlateEvent.ts): the ingestion result of the one event, with `confidence_score`. */
export const correlateAnswer = itemResult.omit({ index: true }).extend({ confidence_score: z.number().nullable() });

/** POST /api/oms/events/create (server/events/createEvent.ts); a repeat of the same source event answers the first answer with `duplicate`. */
export const createEventAnswer = z.object({
  status: z.literal("created"), outage_event_id: z.string(), event_id: z.string(), outage_status: outageStatus,
  confidence_score: z.number(), severity: z.string(), predicted_device_level: z.enum(["meter", "distribution_point", "feeder", "substation"]),
  affected_meters: z.number().int(), duplicate: z.literal(true).optional(),
});

/** POST /api/oms/events/validate (server/events/validateEvent.ts). */
export const validateEventAnswer = z.object({
  outage_event_id: z.string(), event_id: z.string(), validation_type: z.literal("neighbor_check"), validated: z.boolean(),
  window: z.object({ from: time, to: time }), spatial_radius_meters: z.number().int(), source_counts: countsBySource,
  sources: z.array(z.object({ source_type: sourceType, source_event_id: z.string(), detected_at: time, correlation_weight: z.number() })),
  neighbors: z.array(z.object({ source_type: sourceType, source_event_id: z.string(), detected_at: time, meter_number: z.string(), distance_m: z.number().int() })),
});

/** POST /api/oms/events/score (server/events/scoreEvent.ts). */
export const scoreEventAnswer = z.object({
  outage_event_id: z.string(), event_id: z.string(), confidence_score: z.number(), severity: z.string(), status: outageStatus,
  source_counts: countsBySource, weights: z.record(z.string(), z.number()).describe("The weight of each source type used"),
});

/** POST /api/oms/events/cluster (server/events/clusterEvents.ts, mergeOutages.ts). */
export const clusterAnswer = z.object({
  pairs_found: z.number().int(), clusters_merged: z.number().int(),
  clusters: z.array(z.object({ outage_event_id: z.string(), event_id: z.string(), merged: z.array(z.string()) })),
  pairs: z.array(z.object({ a: z.string(), b: z.string(), distance: z.number().int().describe("metres"), seconds: z.number().int() })),
});

const coreIndices = z.object({ saifi: z.number().nullable(), saidi: z.number().nullable(), caidi: z.number().nullable() });
/** GET /api/oms/reliability (server/reliability/report.ts `indices`); an index whose denominator is 0 is null. */
export const reliabilityAnswer = coreIndices.extend({
  from: time, to: time, level: z.enum(["system", "substation", "feeder"]), id: z.string().nullable(),
  customers_served: z.number().int(), caifi: z.number().nullable(), maifi_e: z.number().nullable(), asai: z.number().nullable(),
  t_med_minutes: z.number().nullable(), major_event_days: z.array(z.string()), excluding_major_events: coreIndices,
});

/** GET /api/ingest/parked (server/ingest/parked.ts). */
export const parkedAnswer = z.object({
  events: z.array(z.object({
    id: z.number().int(), source: z.string(), sourceEventId: z.string(), attempts: z.number().int(),
    error: z.string().nullable(), receivedAt: time, failedAt: z.string().nullable(),
  })),
});

/** POST /api/ingest/parked/retry (server/ingest/parked.ts). */
export const parkedRetryAnswer = z.object({ queued: z.number().int().describe("Parked events given a fresh set of attempts") });
