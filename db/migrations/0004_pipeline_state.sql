CREATE TABLE "oms_change_log" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"topic" text NOT NULL,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "idx_oms_meters_power_off";--> statement-breakpoint
ALTER TABLE "network_feeders" ADD COLUMN "breaker_state" text DEFAULT 'closed' NOT NULL;--> statement-breakpoint
ALTER TABLE "network_feeders" ADD COLUMN "breaker_changed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "network_substations" ADD COLUMN "breaker_state" text DEFAULT 'closed' NOT NULL;--> statement-breakpoint
ALTER TABLE "network_substations" ADD COLUMN "breaker_changed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "oms_meters" ADD COLUMN "power_source_type" text;--> statement-breakpoint
ALTER TABLE "oms_meters" ADD COLUMN "power_source_event_id" text;--> statement-breakpoint
ALTER TABLE "oms_outage_events" ADD COLUMN "predicted_device_id" integer;--> statement-breakpoint
ALTER TABLE "oms_outage_events" ADD COLUMN "confirmed_by" text;--> statement-breakpoint
ALTER TABLE "oms_outage_events" ADD COLUMN "restored_by" text;--> statement-breakpoint
ALTER TABLE "oms_outage_events" ADD COLUMN "verification_due_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "idx_oms_change_log_created" ON "oms_change_log" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "idx_oms_outage_events_verification" ON "oms_outage_events" USING btree ("verification_due_at") WHERE verification_due_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX "idx_oms_outage_events_substation_open" ON "oms_outage_events" USING btree ("substation_id") WHERE status IN ('detected','confirmed','in_progress') OR verification_due_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX "idx_oms_meters_power_off" ON "oms_meters" USING btree ("substation_id") WHERE power_status <> 'on';