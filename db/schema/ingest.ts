import { sql } from "drizzle-orm";
import { pgTable, bigserial, text, timestamp, jsonb, integer, index, uniqueIndex } from "drizzle-orm/pg-core";

export type InboxStatus = "received" | "processed" | "unmatched" | "failed" | "rejected";

/**
 * Every payload an integration posts lands here first, before any processing, so nothing is
 * lost when processing fails. Rejected input is kept too (with the reasons) for the audit.
 * `response` is what the first delivery was answered, replayed for a duplicate delivery.
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
}, (t) => [
  uniqueIndex("uq_ingest_inbox_source_event").on(t.sourceType, t.sourceEventId).where(sql`status <> 'rejected'`),
  index("idx_ingest_inbox_status").on(t.status, t.receivedAt),
  index("idx_ingest_inbox_received").on(t.receivedAt.desc()),
]);
