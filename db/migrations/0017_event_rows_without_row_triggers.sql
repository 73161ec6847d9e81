-- The rows a storm writes per signal (the raw source event, the meter's status change, the
-- outage's affected meter, the signal's link to its outage, the customer's notification, a
-- meter's momentary) checked their foreign keys one row at a time: each check is a lookup in the
-- parent's index and a share lock on the parent row, about 11 per last gasp. Measured 2026-11-30
-- on this machine: 5,000 rows into a table with two such keys took 113–124 ms, into the same
-- table without them 32–43 ms. These rows are written only by the correlation pass, in the
-- transaction that wrote or locked their parents (the outage upserted just before, the meter read
-- from the network model under its substation's lock, the inbox row claimed by the pass), and
-- nothing deletes a parent but a network reset, which now truncates these tables by name
-- (db/seed/load.ts). tests/integrity.test.ts and `npm run admin -- check-integrity` look for orphans.
-- The outages themselves, their timelines, crews and SCADA events keep their keys.
ALTER TABLE "kaifa_events" DROP CONSTRAINT IF EXISTS "kaifa_events_inbox_id_ingest_inbox_id_fk";--> statement-breakpoint
ALTER TABLE "kaifa_events" DROP CONSTRAINT IF EXISTS "kaifa_events_meter_id_oms_meters_id_fk";--> statement-breakpoint
ALTER TABLE "onu_events" DROP CONSTRAINT IF EXISTS "onu_events_inbox_id_ingest_inbox_id_fk";--> statement-breakpoint
ALTER TABLE "onu_events" DROP CONSTRAINT IF EXISTS "onu_events_meter_id_oms_meters_id_fk";--> statement-breakpoint
ALTER TABLE "callcenter_tickets" DROP CONSTRAINT IF EXISTS "callcenter_tickets_inbox_id_ingest_inbox_id_fk";--> statement-breakpoint
ALTER TABLE "callcenter_tickets" DROP CONSTRAINT IF EXISTS "callcenter_tickets_meter_id_oms_meters_id_fk";--> statement-breakpoint
ALTER TABLE "callcenter_tickets" DROP CONSTRAINT IF EXISTS "callcenter_tickets_customer_id_oms_customers_id_fk";--> statement-breakpoint
ALTER TABLE "oms_meter_status_events" DROP CONSTRAINT IF EXISTS "oms_meter_status_events_meter_id_oms_meters_id_fk";--> statement-breakpoint
ALTER TABLE "oms_meter_status_events" DROP CONSTRAINT IF EXISTS "oms_meter_status_events_outage_event_id_oms_outage_events_id_fk";--> statement-breakpoint
ALTER TABLE "oms_outage_affected_meters" DROP CONSTRAINT IF EXISTS "oms_outage_affected_meters_outage_event_id_oms_outage_events_id_fk";--> statement-breakpoint
ALTER TABLE "oms_outage_affected_meters" DROP CONSTRAINT IF EXISTS "oms_outage_affected_meters_meter_id_oms_meters_id_fk";--> statement-breakpoint
ALTER TABLE "oms_outage_affected_meters" DROP CONSTRAINT IF EXISTS "oms_outage_affected_meters_customer_id_oms_customers_id_fk";--> statement-breakpoint
ALTER TABLE "oms_event_sources" DROP CONSTRAINT IF EXISTS "oms_event_sources_outage_event_id_oms_outage_events_id_fk";--> statement-breakpoint
ALTER TABLE "oms_event_sources" DROP CONSTRAINT IF EXISTS "oms_event_sources_meter_id_oms_meters_id_fk";--> statement-breakpoint
ALTER TABLE "oms_customer_notifications" DROP CONSTRAINT IF EXISTS "oms_customer_notifications_outage_event_id_oms_outage_events_id_fk";--> statement-breakpoint
ALTER TABLE "oms_customer_notifications" DROP CONSTRAINT IF EXISTS "oms_customer_notifications_customer_id_oms_customers_id_fk";--> statement-breakpoint
ALTER TABLE "oms_momentary_interruptions" DROP CONSTRAINT IF EXISTS "oms_momentary_interruptions_meter_id_oms_meters_id_fk";
