-- Where a distribution point stands is part of the network model too: a process keeps, per call
-- placed only by its location, the points within the rule's radius (server/repository/
-- placeCalls.ts), so moving a point must redraw the model's token like any other model change.
DROP TRIGGER "network_model_changed" ON "network_distribution_points";--> statement-breakpoint
CREATE TRIGGER "network_model_changed" AFTER INSERT OR DELETE OR TRUNCATE
  OR UPDATE OF "id", "dp_id", "feeder_id", "parent_dp_id", "location_lat", "location_lng" ON "network_distribution_points"
  FOR EACH STATEMENT EXECUTE FUNCTION "network_model_changed"();
