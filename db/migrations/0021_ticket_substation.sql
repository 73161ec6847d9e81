-- Each correlation pass reads the recent calls of its substations (loadState.ts sendReports).
-- Tickets carried only their meter, so the read visited every call of the window, in every
-- substation, and looked its meter up: in the README's 200,000-meter storm ~300 calls and 3.6 to
-- 7.8 ms each pass, growing with the storm. A ticket now keeps its meter's substation, kept equal
-- to the meter's by the triggers below (a network model loaded again, a meter moved), and the
-- read starts from the calls of its substations alone.
ALTER TABLE "callcenter_tickets" ADD COLUMN "substation_id" integer;--> statement-breakpoint
UPDATE "callcenter_tickets" t SET "substation_id" = m."substation_id" FROM "oms_meters" m WHERE m."id" = t."meter_id";--> statement-breakpoint
CREATE INDEX "idx_callcenter_tickets_substation" ON "callcenter_tickets" USING btree ("substation_id", "event_timestamp" DESC NULLS LAST) WHERE "meter_id" IS NOT NULL;--> statement-breakpoint
CREATE FUNCTION "ticket_substation_follows_moved_meter"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "callcenter_tickets" SET "substation_id" = NEW."substation_id" WHERE "meter_id" = NEW."id";
  RETURN NULL;
END $$;--> statement-breakpoint
-- Only when a meter's substation changes (never the pipeline's power updates, which do not set it).
CREATE TRIGGER "ticket_substation_follows_moved_meter" AFTER UPDATE OF "substation_id" ON "oms_meters"
  FOR EACH ROW WHEN (OLD."substation_id" IS DISTINCT FROM NEW."substation_id")
  EXECUTE FUNCTION "ticket_substation_follows_moved_meter"();--> statement-breakpoint
CREATE FUNCTION "ticket_substation_follows_new_meters"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "callcenter_tickets" t SET "substation_id" = n."substation_id" FROM new_meters n
  WHERE t."meter_id" = n."id" AND t."substation_id" IS DISTINCT FROM n."substation_id";
  RETURN NULL;
END $$;--> statement-breakpoint
-- Meters loaded again (a network model replaced): tickets of earlier calls follow their meter's id.
CREATE TRIGGER "ticket_substation_follows_new_meters" AFTER INSERT ON "oms_meters"
  REFERENCING NEW TABLE AS new_meters FOR EACH STATEMENT
  EXECUTE FUNCTION "ticket_substation_follows_new_meters"();
