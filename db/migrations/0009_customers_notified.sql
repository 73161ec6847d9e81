ALTER TABLE "oms_outage_events" ADD COLUMN "customers_notified" boolean DEFAULT true NOT NULL;--> statement-breakpoint
CREATE INDEX "idx_oms_outage_events_not_notified" ON "oms_outage_events" ("first_detected_at") WHERE NOT "customers_notified";
