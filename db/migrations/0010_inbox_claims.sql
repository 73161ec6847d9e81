-- Exactly-once ingestion: each inbox row has one processing owner at a time (a lease), a retry
-- schedule and the parsed signals it is processed from, so the server itself finishes what it
-- accepted. Rejected input moves to its own bounded table: one row per request.
ALTER TABLE "ingest_inbox" ADD COLUMN "claimed_by" text;--> statement-breakpoint
ALTER TABLE "ingest_inbox" ADD COLUMN "claimed_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "ingest_inbox" ADD COLUMN "next_attempt_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "ingest_inbox" ADD COLUMN "signals" jsonb;--> statement-breakpoint
CREATE INDEX "idx_ingest_inbox_unfinished" ON "ingest_inbox" ("id") WHERE "status" IN ('received', 'failed');--> statement-breakpoint
CREATE INDEX "idx_ingest_inbox_dead" ON "ingest_inbox" ("id") WHERE "status" = 'dead';--> statement-breakpoint
CREATE TABLE "ingest_rejections" (
  "id" bigserial PRIMARY KEY NOT NULL,
  "source_type" text NOT NULL,
  "api_key_id" text,
  "content_type" text,
  "body_sha256" text,
  "body_length" integer,
  "body_head" text,
  "rejected_count" integer NOT NULL,
  "issues" jsonb NOT NULL,
  "received_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
CREATE INDEX "idx_ingest_rejections_received" ON "ingest_rejections" ("received_at" DESC);--> statement-breakpoint
INSERT INTO "ingest_rejections" ("source_type", "api_key_id", "content_type", "body_head", "rejected_count", "issues", "received_at")
SELECT "source_type", "api_key_id", "content_type", left(COALESCE("payload"::text, "raw_text", ''), 65536), 1,
       jsonb_build_array(jsonb_build_object('issues', COALESCE("error" -> 'issues', jsonb_build_array("error")))), "received_at"
FROM "ingest_inbox" WHERE "status" = 'rejected';--> statement-breakpoint
DELETE FROM "ingest_inbox" WHERE "status" = 'rejected';
