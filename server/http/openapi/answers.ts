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
