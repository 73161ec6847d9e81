import { sql } from "drizzle-orm";
import { pgTable, bigserial, text, timestamp, jsonb, integer, index, uniqueIndex } from "drizzle-orm/pg-core";

/**
 * `received`: stored, not processed yet; `failed`: a processing attempt failed, retried at
 * `next_attempt_at`; `dead`: parked after too many failures, until a supervisor retries it.
 * `rejected` is only found in databases from before rejections moved to `ingest_rejections`.
 */
export type InboxStatus = "received" | "processed" | "unmatched" | "failed" | "dead" | "rejected";

/**
 * Every event an integration posts lands here first, before any processing, so nothing is
 * lost when processing fails. `response` is what the first delivery was answered, replayed for
 * a duplicate delivery. A row has at most one processing owner at a time: `claimed_by` until
 * `claimed_until` (a lease); `signals` are the parsed signals it is (re)processed from.
 */
export const ingestInbox = pgTable("ingest_inbox", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  sourceType: text("source_type").notNull(),
  sourceEventId: text("source_event_id"),
  contentType: text("content_type").notNull().default("application/json"),
  payload: jsonb("payload"),
  rawText: text("raw_text"),
  status: text("status").$type<InboxStatus>().notNull().default("received"),
  error: jsonb("error"),
  response: jsonb("response"),
  attempts: integer("attempts").notNull().default(0),
  apiKeyId: text("api_key_id"),
  receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
  processedAt: timestamp("processed_at", { withTimezone: true }),
  claimedBy: text("claimed_by"),
  claimedUntil: timestamp("claimed_until", { withTimezone: true }),
  nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }),
  signals: jsonb("signals"),
}, (t) => [
  uniqueIndex("uq_ingest_inbox_source_event").on(t.sourceType, t.sourceEventId).where(sql`status <> 'rejected'`),
  index("idx_ingest_inbox_received").on(t.receivedAt.desc()),
  index("idx_ingest_inbox_unfinished").on(t.id).where(sql`status IN ('received', 'failed')`),
  index("idx_ingest_inbox_dead").on(t.id).where(sql`status = 'dead'`),
  index("idx_ingest_inbox_handed_off").on(t.claimedBy, t.id).where(sql`status IN ('received', 'failed') AND claimed_by LIKE 'handoff:%'`),
]);

/**
 * Rejected input, one row per request whatever the number of bad items in it: the body once,
 * capped (`body_head`, with the whole body's length and SHA-256), and the first items' issues.
 */
export const ingestRejections = pgTable("ingest_rejections", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  sourceType: text("source_type").notNull(),
  apiKeyId: text("api_key_id"),
  contentType: text("content_type"),
  bodySha256: text("body_sha256"),
  bodyLength: integer("body_length"),
  bodyHead: text("body_head"),
  rejectedCount: integer("rejected_count").notNull(),
  issues: jsonb("issues").notNull(),
  receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  index("idx_ingest_rejections_received").on(t.receivedAt.desc()),
]);
