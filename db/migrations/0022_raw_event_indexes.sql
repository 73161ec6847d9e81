-- The raw Kaifa and ONU events (the seed-named record of what each source said) are written for
-- every accepted event and read by no query: not by meter or ONU, not by event time. Retention
-- finds them by created_at and inbox_id (migration 0014), the integrity check reads them whole.
-- Their indexes by meter or ONU and by event time cost each event two index entries for nothing:
-- on 50,000-row inserts here, 17.6 µs a row with them and 13.7 µs without.
DROP INDEX IF EXISTS "idx_kaifa_events_meter";--> statement-breakpoint
DROP INDEX IF EXISTS "idx_kaifa_events_time";--> statement-breakpoint
DROP INDEX IF EXISTS "idx_onu_events_onu";--> statement-breakpoint
DROP INDEX IF EXISTS "idx_onu_events_time";
