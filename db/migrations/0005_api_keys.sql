CREATE TABLE "oms_api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"scope" text NOT NULL,
	"prefix" text NOT NULL,
	"key_hash" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"revoked_by" text
);
--> statement-breakpoint
CREATE TABLE "oms_audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" text NOT NULL,
	"action" text NOT NULL,
	"subject" text,
	"details" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "uq_oms_api_keys_hash" ON "oms_api_keys" USING btree ("key_hash");--> statement-breakpoint
CREATE INDEX "idx_oms_api_keys_active" ON "oms_api_keys" USING btree ("scope") WHERE revoked_at IS NULL;--> statement-breakpoint
CREATE INDEX "idx_oms_audit_log_created" ON "oms_audit_log" USING btree ("created_at" DESC NULLS LAST);