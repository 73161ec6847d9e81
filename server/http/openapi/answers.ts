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
