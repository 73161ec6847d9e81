-- Retention (server/retention/prune.ts) deletes the oldest raw source events in small batches
-- and unlinks inbox rows it prunes from them: each needs an index to find its rows without a
-- scan of years of events.
CREATE INDEX IF NOT EXISTS "idx_scada_events_created" ON "scada_events" ("created_at");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "idx_kaifa_events_created" ON "kaifa_events" ("created_at");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "idx_onu_events_created" ON "onu_events" ("created_at");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "idx_callcenter_tickets_created" ON "callcenter_tickets" ("created_at");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "idx_scada_events_inbox" ON "scada_events" ("inbox_id") WHERE "inbox_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "idx_kaifa_events_inbox" ON "kaifa_events" ("inbox_id") WHERE "inbox_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "idx_onu_events_inbox" ON "onu_events" ("inbox_id") WHERE "inbox_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "idx_callcenter_tickets_inbox" ON "callcenter_tickets" ("inbox_id") WHERE "inbox_id" IS NOT NULL;
