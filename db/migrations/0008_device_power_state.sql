CREATE TABLE "oms_device_momentaries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"level" text NOT NULL,
	"device_id" integer NOT NULL,
	"device_code" text NOT NULL,
	"substation_id" integer,
	"feeder_id" integer,
	"dp_id" integer,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone NOT NULL,
	"customers" integer NOT NULL,
	"meters_reporting" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "network_feeders" ADD COLUMN "breaker_inferred" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "network_substations" ADD COLUMN "breaker_inferred" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "oms_device_momentaries" ADD CONSTRAINT "oms_device_momentaries_substation_id_network_substations_id_fk" FOREIGN KEY ("substation_id") REFERENCES "public"."network_substations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oms_device_momentaries" ADD CONSTRAINT "oms_device_momentaries_feeder_id_network_feeders_id_fk" FOREIGN KEY ("feeder_id") REFERENCES "public"."network_feeders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oms_device_momentaries" ADD CONSTRAINT "oms_device_momentaries_dp_id_network_distribution_points_id_fk" FOREIGN KEY ("dp_id") REFERENCES "public"."network_distribution_points"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_oms_device_momentaries_device" ON "oms_device_momentaries" USING btree ("level","device_id","started_at");--> statement-breakpoint
CREATE INDEX "idx_oms_device_momentaries_time" ON "oms_device_momentaries" USING btree ("started_at" DESC NULLS LAST);--> statement-breakpoint
-- One derived power state per meter (docs/correlation.md, "One truth"): what every screen, API
-- and push reads. A meter held by a live outage (open, or restored and still being verified) is
-- 'off' when a signal of its own said so and 'assumed' when it is dark only because its device is
-- out; otherwise its own last word: 'off', 'on', or 'unknown' when it never said anything.
CREATE VIEW "oms_meter_power_state" AS
SELECT m.id AS meter_id, m.dp_id, m.feeder_id, m.substation_id, m.customer_id,
  CASE WHEN h.state = 'off' THEN 'off' WHEN h.state = 'assumed' THEN 'assumed'
       WHEN m.power_status = 'off' THEN 'off' WHEN m.power_status = 'on' THEN 'on' ELSE 'unknown' END AS state,
  h.outage_event_id
FROM oms_meters m
LEFT JOIN LATERAL (
  SELECT am.state, am.outage_event_id
  -- OFFSET 0 keeps the meter's few rows first (index on meter_id), whatever the planner guesses of the outages.
  FROM (SELECT * FROM oms_outage_affected_meters a WHERE a.meter_id = m.id AND a.state <> 'restored' OFFSET 0) am
  JOIN oms_outage_events o ON o.id = am.outage_event_id
  WHERE (o.status IN ('detected', 'confirmed', 'in_progress') OR (o.status = 'restored' AND o.verification_due_at IS NOT NULL))
  ORDER BY (o.status = 'restored'), o.first_detected_at DESC
  LIMIT 1) h ON true;
--> statement-breakpoint
-- A substation rolls up only on its breaker or when every feeder is out; the share is gone. A
-- breaker whose SCADA close never comes is inferred closed when most of its meters report power.
UPDATE "oms_correlation_rules" SET "parameters" = ("parameters" - 'substationRollupShare') || '{"breakerInferShare": 0.5}'::jsonb;
