-- Processes keep parts of the network model in memory (the identifiers signals are placed by:
-- server/ingest/networkIdentities.ts) and must never answer from a model the database no longer
-- holds, whoever changed it: a reseed from another process, an operator's UPDATE. Every statement
-- that can change what an identifier names or how the network hangs together draws a new random
-- token in its own transaction; a cache loaded under another token is stale. Random rather than a
-- counter, so that two databases (or a restored copy that has since diverged) never share one.
-- Runtime state (power, breaker and energized status, timestamps) is not watched: the pipeline
-- updates it every batch and no cache holds it.
CREATE TABLE "network_model_version" (
  "singleton" boolean PRIMARY KEY DEFAULT true CHECK ("singleton"),
  "token" uuid NOT NULL DEFAULT gen_random_uuid(),
  "changed_at" timestamp with time zone NOT NULL DEFAULT now()
);--> statement-breakpoint
INSERT INTO "network_model_version" DEFAULT VALUES;--> statement-breakpoint
CREATE FUNCTION "network_model_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "network_model_version" SET "token" = gen_random_uuid(), "changed_at" = now();
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "network_model_changed" AFTER INSERT OR DELETE OR TRUNCATE
  OR UPDATE OF "id", "substation_id" ON "network_substations"
  FOR EACH STATEMENT EXECUTE FUNCTION "network_model_changed"();--> statement-breakpoint
CREATE TRIGGER "network_model_changed" AFTER INSERT OR DELETE OR TRUNCATE
  OR UPDATE OF "id", "feeder_id", "substation_id" ON "network_feeders"
  FOR EACH STATEMENT EXECUTE FUNCTION "network_model_changed"();--> statement-breakpoint
CREATE TRIGGER "network_model_changed" AFTER INSERT OR DELETE OR TRUNCATE
  OR UPDATE OF "id", "dp_id", "feeder_id", "parent_dp_id" ON "network_distribution_points"
  FOR EACH STATEMENT EXECUTE FUNCTION "network_model_changed"();--> statement-breakpoint
CREATE TRIGGER "network_model_changed" AFTER INSERT OR DELETE OR TRUNCATE
  OR UPDATE OF "id", "phone", "is_critical" ON "oms_customers"
  FOR EACH STATEMENT EXECUTE FUNCTION "network_model_changed"();--> statement-breakpoint
CREATE TRIGGER "network_model_changed" AFTER INSERT OR DELETE OR TRUNCATE
  OR UPDATE OF "onu_id", "onu_serial_no" ON "oms_onu_devices"
  FOR EACH STATEMENT EXECUTE FUNCTION "network_model_changed"();--> statement-breakpoint
CREATE TRIGGER "network_model_changed" AFTER INSERT OR DELETE OR TRUNCATE
  OR UPDATE OF "id", "meter_number", "asset_mrid", "usage_point_mrid", "onu_id", "customer_id", "dp_id", "feeder_id", "substation_id", "status" ON "oms_meters"
  FOR EACH STATEMENT EXECUTE FUNCTION "network_model_changed"();
