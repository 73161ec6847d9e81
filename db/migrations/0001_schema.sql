CREATE TABLE "network_distribution_points" (
	"id" serial PRIMARY KEY NOT NULL,
	"dp_id" text NOT NULL,
	"feeder_id" integer NOT NULL,
	"parent_dp_id" integer,
	"name" text NOT NULL,
	"building_id" text,
	"transformer_kva" integer NOT NULL,
	"status" text DEFAULT 'energized' NOT NULL,
	"location_lat" double precision,
	"location_lng" double precision,
	"location" geometry(Point,4326) GENERATED ALWAYS AS (CASE WHEN location_lat IS NULL OR location_lng IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(location_lng, location_lat), 4326) END) STORED,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "network_distribution_points_dp_id_unique" UNIQUE("dp_id")
);
--> statement-breakpoint
CREATE TABLE "network_feeders" (
	"id" serial PRIMARY KEY NOT NULL,
	"feeder_id" text NOT NULL,
	"substation_id" integer NOT NULL,
	"name" text NOT NULL,
	"voltage_kv" double precision DEFAULT 11 NOT NULL,
	"capacity_mva" double precision NOT NULL,
	"status" text DEFAULT 'energized' NOT NULL,
	"route" geometry(MultiLineString,4326),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "network_feeders_feeder_id_unique" UNIQUE("feeder_id")
);
--> statement-breakpoint
CREATE TABLE "network_substations" (
	"id" serial PRIMARY KEY NOT NULL,
	"substation_id" text NOT NULL,
	"name" text NOT NULL,
	"main_station_id" text,
	"voltage_kv" double precision DEFAULT 33 NOT NULL,
	"capacity_mva" double precision NOT NULL,
	"status" text DEFAULT 'energized' NOT NULL,
	"location_lat" double precision,
	"location_lng" double precision,
	"location" geometry(Point,4326) GENERATED ALWAYS AS (CASE WHEN location_lat IS NULL OR location_lng IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(location_lng, location_lat), 4326) END) STORED,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "network_substations_substation_id_unique" UNIQUE("substation_id")
);
--> statement-breakpoint
CREATE TABLE "network_feeder_meters" (
	"feeder_id" integer NOT NULL,
	"meter_id" integer NOT NULL,
	"priority" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "network_feeder_meters_feeder_id_meter_id_pk" PRIMARY KEY("feeder_id","meter_id")
);
--> statement-breakpoint
CREATE TABLE "network_substation_meters" (
	"substation_id" integer NOT NULL,
	"meter_id" integer NOT NULL,
	"priority" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "network_substation_meters_substation_id_meter_id_pk" PRIMARY KEY("substation_id","meter_id")
);
--> statement-breakpoint
CREATE TABLE "oms_customers" (
	"id" serial PRIMARY KEY NOT NULL,
	"customer_id" text NOT NULL,
	"name" text NOT NULL,
	"phone" text,
	"email" text,
	"address" text,
	"is_critical" boolean DEFAULT false NOT NULL,
	"critical_type" text,
	"location_lat" double precision,
	"location_lng" double precision,
	"location" geometry(Point,4326) GENERATED ALWAYS AS (CASE WHEN location_lat IS NULL OR location_lng IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(location_lng, location_lat), 4326) END) STORED,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "oms_customers_customer_id_unique" UNIQUE("customer_id")
);
--> statement-breakpoint
CREATE TABLE "oms_meters" (
	"id" serial PRIMARY KEY NOT NULL,
	"meter_number" text NOT NULL,
	"customer_id" integer,
	"dp_id" integer,
	"feeder_id" integer,
	"substation_id" integer,
	"meter_type" text DEFAULT 'smart' NOT NULL,
	"asset_mrid" text,
	"usage_point_mrid" text,
	"onu_id" bigint,
	"power_status" text DEFAULT 'on' NOT NULL,
	"communication_status" text DEFAULT 'online' NOT NULL,
	"last_communication" timestamp with time zone,
	"last_power_change" timestamp with time zone,
	"status" text DEFAULT 'active' NOT NULL,
	"location_lat" double precision,
	"location_lng" double precision,
	"location" geometry(Point,4326) GENERATED ALWAYS AS (CASE WHEN location_lat IS NULL OR location_lng IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(location_lng, location_lat), 4326) END) STORED,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "oms_meters_meter_number_unique" UNIQUE("meter_number"),
	CONSTRAINT "oms_meters_asset_mrid_unique" UNIQUE("asset_mrid"),
	CONSTRAINT "oms_meters_usage_point_mrid_unique" UNIQUE("usage_point_mrid")
);
--> statement-breakpoint
CREATE TABLE "oms_onu_devices" (
	"id" serial PRIMARY KEY NOT NULL,
	"onu_id" bigint NOT NULL,
	"onu_serial_no" text NOT NULL,
	"customer_id" integer,
	"status" text DEFAULT 'active' NOT NULL,
	"location_lat" double precision,
	"location_lng" double precision,
	"location" geometry(Point,4326) GENERATED ALWAYS AS (CASE WHEN location_lat IS NULL OR location_lng IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(location_lng, location_lat), 4326) END) STORED,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "oms_onu_devices_onu_id_unique" UNIQUE("onu_id"),
	CONSTRAINT "oms_onu_devices_onu_serial_no_unique" UNIQUE("onu_serial_no")
);
--> statement-breakpoint
CREATE TABLE "oms_event_sources" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"outage_event_id" uuid NOT NULL,
	"source_type" text NOT NULL,
	"source_event_id" text NOT NULL,
	"meter_id" integer,
	"signal_kind" text NOT NULL,
	"detected_at" timestamp with time zone NOT NULL,
	"correlation_weight" double precision DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "oms_event_timeline" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"outage_event_id" uuid NOT NULL,
	"event_type" text NOT NULL,
	"status" text,
	"description" text NOT NULL,
	"source" text NOT NULL,
	"actor_id" text,
	"details" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "oms_meter_status_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"meter_id" integer NOT NULL,
	"event_type" text NOT NULL,
	"source_type" text NOT NULL,
	"source_event_id" text,
	"previous_status" text,
	"new_status" text NOT NULL,
	"event_timestamp" timestamp with time zone NOT NULL,
	"confidence_score" double precision,
	"outage_event_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "oms_momentary_interruptions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"meter_id" integer NOT NULL,
	"off_at" timestamp with time zone NOT NULL,
	"on_at" timestamp with time zone NOT NULL,
	"source_type" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "oms_outage_affected_meters" (
	"outage_event_id" uuid NOT NULL,
	"meter_id" integer NOT NULL,
	"customer_id" integer,
	"state" text NOT NULL,
	"since" timestamp with time zone NOT NULL,
	"restored_at" timestamp with time zone,
	CONSTRAINT "oms_outage_affected_meters_outage_event_id_meter_id_pk" PRIMARY KEY("outage_event_id","meter_id")
);
--> statement-breakpoint
CREATE TABLE "oms_outage_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"event_id" text NOT NULL,
	"event_type" text DEFAULT 'outage' NOT NULL,
	"status" text DEFAULT 'detected' NOT NULL,
	"severity" text DEFAULT 'low' NOT NULL,
	"confidence_score" double precision DEFAULT 0 NOT NULL,
	"affected_customers_count" integer DEFAULT 0 NOT NULL,
	"affected_meters_count" integer DEFAULT 0 NOT NULL,
	"critical_customers_count" integer DEFAULT 0 NOT NULL,
	"substation_id" integer,
	"feeder_id" integer,
	"dp_id" integer,
	"predicted_device_level" text,
	"predicted_device_code" text,
	"parent_outage_id" uuid,
	"merged_into_id" uuid,
	"cause" text,
	"first_detected_at" timestamp with time zone NOT NULL,
	"last_updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"confirmed_at" timestamp with time zone,
	"estimated_restoration_time" timestamp with time zone,
	"actual_restoration_time" timestamp with time zone,
	"area" geometry(Geometry,4326),
	"centroid" geometry(Point,4326),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "oms_outage_events_event_id_unique" UNIQUE("event_id")
);
--> statement-breakpoint
CREATE TABLE "oms_correlation_rules" (
	"id" serial PRIMARY KEY NOT NULL,
	"rule_name" text NOT NULL,
	"rule_type" text NOT NULL,
	"correlation_window_minutes" integer NOT NULL,
	"spatial_radius_meters" integer NOT NULL,
	"confidence_threshold" double precision NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	"parameters" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text,
	CONSTRAINT "oms_correlation_rules_rule_name_unique" UNIQUE("rule_name")
);
--> statement-breakpoint
CREATE TABLE "oms_crew_assignments" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"outage_event_id" uuid NOT NULL,
	"crew_id" integer NOT NULL,
	"assignment_type" text DEFAULT 'repair' NOT NULL,
	"status" text DEFAULT 'assigned' NOT NULL,
	"assigned_at" timestamp with time zone DEFAULT now() NOT NULL,
	"estimated_arrival" timestamp with time zone,
	"arrived_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"notes" text,
	"assigned_by" text
);
--> statement-breakpoint
CREATE TABLE "oms_crews" (
	"id" serial PRIMARY KEY NOT NULL,
	"crew_id" text NOT NULL,
	"name" text NOT NULL,
	"phone" text,
	"size" integer DEFAULT 2 NOT NULL,
	"home_depot" text NOT NULL,
	"depot_lat" double precision NOT NULL,
	"depot_lng" double precision NOT NULL,
	"status" text DEFAULT 'available' NOT NULL,
	"location_lat" double precision,
	"location_lng" double precision,
	"location" geometry(Point,4326) GENERATED ALWAYS AS (CASE WHEN location_lat IS NULL OR location_lng IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(location_lng, location_lat), 4326) END) STORED,
	"position_updated_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "oms_crews_crew_id_unique" UNIQUE("crew_id")
);
--> statement-breakpoint
CREATE TABLE "oms_customer_notifications" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"outage_event_id" uuid NOT NULL,
	"customer_id" integer NOT NULL,
	"notification_type" text NOT NULL,
	"channel" text DEFAULT 'sms' NOT NULL,
	"message_content" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "oms_storm_mode_config" (
	"id" serial PRIMARY KEY NOT NULL,
	"is_active" boolean DEFAULT false NOT NULL,
	"activated_at" timestamp with time zone,
	"deactivated_at" timestamp with time zone,
	"activation_reason" text,
	"deactivation_reason" text,
	"activated_by" text,
	"deactivated_by" text,
	"auto_activation_threshold" integer DEFAULT 100 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "callcenter_tickets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"inbox_id" bigint,
	"ticket_id" text NOT NULL,
	"phone" text,
	"meter_number" text,
	"address" text,
	"notes" text,
	"lat" double precision,
	"lng" double precision,
	"event_timestamp" timestamp with time zone NOT NULL,
	"meter_id" integer,
	"customer_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "kaifa_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"inbox_id" bigint,
	"event_id" text NOT NULL,
	"message_type" text,
	"event_type_code" text,
	"severity" text,
	"reason" text,
	"asset_mrid" text,
	"usage_point_mrid" text,
	"event_timestamp" timestamp with time zone NOT NULL,
	"lat" double precision,
	"lng" double precision,
	"meter_id" integer,
	"details" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "onu_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"inbox_id" bigint,
	"event_id" text NOT NULL,
	"event_type" text NOT NULL,
	"onu_id" bigint,
	"onu_serial" text,
	"associated_meters" jsonb,
	"nms_type" text,
	"alarm_category" text,
	"alarm_type" text,
	"event_timestamp" timestamp with time zone NOT NULL,
	"lat" double precision,
	"lng" double precision,
	"meter_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scada_event_affected_meters" (
	"scada_event_id" uuid NOT NULL,
	"meter_id" integer NOT NULL,
	"status_at_check" text NOT NULL,
	CONSTRAINT "scada_event_affected_meters_scada_event_id_meter_id_pk" PRIMARY KEY("scada_event_id","meter_id")
);
--> statement-breakpoint
CREATE TABLE "scada_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"inbox_id" bigint,
	"source_event_id" text NOT NULL,
	"event_type" text NOT NULL,
	"substation_id" text,
	"feeder_id" text,
	"main_station_id" text,
	"alarm_type" text,
	"severity" text,
	"voltage" double precision,
	"reason" text,
	"event_timestamp" timestamp with time zone NOT NULL,
	"lat" double precision,
	"lng" double precision,
	"network_substation_id" integer,
	"network_feeder_id" integer,
	"affected_meter_count" integer,
	"meters_checked_at" timestamp with time zone,
	"outage_event_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ingest_inbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source_type" text NOT NULL,
	"source_event_id" text,
	"content_type" text DEFAULT 'application/json' NOT NULL,
	"payload" jsonb,
	"raw_text" text,
	"status" text DEFAULT 'received' NOT NULL,
	"error" jsonb,
	"response" jsonb,
	"attempts" integer DEFAULT 0 NOT NULL,
	"api_key_id" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "network_distribution_points" ADD CONSTRAINT "network_distribution_points_feeder_id_network_feeders_id_fk" FOREIGN KEY ("feeder_id") REFERENCES "public"."network_feeders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "network_distribution_points" ADD CONSTRAINT "network_distribution_points_parent_dp_id_network_distribution_points_id_fk" FOREIGN KEY ("parent_dp_id") REFERENCES "public"."network_distribution_points"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "network_feeders" ADD CONSTRAINT "network_feeders_substation_id_network_substations_id_fk" FOREIGN KEY ("substation_id") REFERENCES "public"."network_substations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "network_feeder_meters" ADD CONSTRAINT "network_feeder_meters_feeder_id_network_feeders_id_fk" FOREIGN KEY ("feeder_id") REFERENCES "public"."network_feeders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "network_feeder_meters" ADD CONSTRAINT "network_feeder_meters_meter_id_oms_meters_id_fk" FOREIGN KEY ("meter_id") REFERENCES "public"."oms_meters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "network_substation_meters" ADD CONSTRAINT "network_substation_meters_substation_id_network_substations_id_fk" FOREIGN KEY ("substation_id") REFERENCES "public"."network_substations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "network_substation_meters" ADD CONSTRAINT "network_substation_meters_meter_id_oms_meters_id_fk" FOREIGN KEY ("meter_id") REFERENCES "public"."oms_meters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oms_meters" ADD CONSTRAINT "oms_meters_customer_id_oms_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."oms_customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oms_meters" ADD CONSTRAINT "oms_meters_dp_id_network_distribution_points_id_fk" FOREIGN KEY ("dp_id") REFERENCES "public"."network_distribution_points"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oms_meters" ADD CONSTRAINT "oms_meters_feeder_id_network_feeders_id_fk" FOREIGN KEY ("feeder_id") REFERENCES "public"."network_feeders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oms_meters" ADD CONSTRAINT "oms_meters_substation_id_network_substations_id_fk" FOREIGN KEY ("substation_id") REFERENCES "public"."network_substations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oms_meters" ADD CONSTRAINT "oms_meters_onu_id_oms_onu_devices_onu_id_fk" FOREIGN KEY ("onu_id") REFERENCES "public"."oms_onu_devices"("onu_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oms_onu_devices" ADD CONSTRAINT "oms_onu_devices_customer_id_oms_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."oms_customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oms_event_sources" ADD CONSTRAINT "oms_event_sources_outage_event_id_oms_outage_events_id_fk" FOREIGN KEY ("outage_event_id") REFERENCES "public"."oms_outage_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oms_event_sources" ADD CONSTRAINT "oms_event_sources_meter_id_oms_meters_id_fk" FOREIGN KEY ("meter_id") REFERENCES "public"."oms_meters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oms_event_timeline" ADD CONSTRAINT "oms_event_timeline_outage_event_id_oms_outage_events_id_fk" FOREIGN KEY ("outage_event_id") REFERENCES "public"."oms_outage_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oms_meter_status_events" ADD CONSTRAINT "oms_meter_status_events_meter_id_oms_meters_id_fk" FOREIGN KEY ("meter_id") REFERENCES "public"."oms_meters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oms_meter_status_events" ADD CONSTRAINT "oms_meter_status_events_outage_event_id_oms_outage_events_id_fk" FOREIGN KEY ("outage_event_id") REFERENCES "public"."oms_outage_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oms_momentary_interruptions" ADD CONSTRAINT "oms_momentary_interruptions_meter_id_oms_meters_id_fk" FOREIGN KEY ("meter_id") REFERENCES "public"."oms_meters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oms_outage_affected_meters" ADD CONSTRAINT "oms_outage_affected_meters_outage_event_id_oms_outage_events_id_fk" FOREIGN KEY ("outage_event_id") REFERENCES "public"."oms_outage_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oms_outage_affected_meters" ADD CONSTRAINT "oms_outage_affected_meters_meter_id_oms_meters_id_fk" FOREIGN KEY ("meter_id") REFERENCES "public"."oms_meters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oms_outage_affected_meters" ADD CONSTRAINT "oms_outage_affected_meters_customer_id_oms_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."oms_customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oms_outage_events" ADD CONSTRAINT "oms_outage_events_substation_id_network_substations_id_fk" FOREIGN KEY ("substation_id") REFERENCES "public"."network_substations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oms_outage_events" ADD CONSTRAINT "oms_outage_events_feeder_id_network_feeders_id_fk" FOREIGN KEY ("feeder_id") REFERENCES "public"."network_feeders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oms_outage_events" ADD CONSTRAINT "oms_outage_events_dp_id_network_distribution_points_id_fk" FOREIGN KEY ("dp_id") REFERENCES "public"."network_distribution_points"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oms_outage_events" ADD CONSTRAINT "oms_outage_events_parent_outage_id_oms_outage_events_id_fk" FOREIGN KEY ("parent_outage_id") REFERENCES "public"."oms_outage_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oms_outage_events" ADD CONSTRAINT "oms_outage_events_merged_into_id_oms_outage_events_id_fk" FOREIGN KEY ("merged_into_id") REFERENCES "public"."oms_outage_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oms_crew_assignments" ADD CONSTRAINT "oms_crew_assignments_outage_event_id_oms_outage_events_id_fk" FOREIGN KEY ("outage_event_id") REFERENCES "public"."oms_outage_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oms_crew_assignments" ADD CONSTRAINT "oms_crew_assignments_crew_id_oms_crews_id_fk" FOREIGN KEY ("crew_id") REFERENCES "public"."oms_crews"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oms_customer_notifications" ADD CONSTRAINT "oms_customer_notifications_outage_event_id_oms_outage_events_id_fk" FOREIGN KEY ("outage_event_id") REFERENCES "public"."oms_outage_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oms_customer_notifications" ADD CONSTRAINT "oms_customer_notifications_customer_id_oms_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."oms_customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "callcenter_tickets" ADD CONSTRAINT "callcenter_tickets_inbox_id_ingest_inbox_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."ingest_inbox"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "callcenter_tickets" ADD CONSTRAINT "callcenter_tickets_meter_id_oms_meters_id_fk" FOREIGN KEY ("meter_id") REFERENCES "public"."oms_meters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "callcenter_tickets" ADD CONSTRAINT "callcenter_tickets_customer_id_oms_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."oms_customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kaifa_events" ADD CONSTRAINT "kaifa_events_inbox_id_ingest_inbox_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."ingest_inbox"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kaifa_events" ADD CONSTRAINT "kaifa_events_meter_id_oms_meters_id_fk" FOREIGN KEY ("meter_id") REFERENCES "public"."oms_meters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "onu_events" ADD CONSTRAINT "onu_events_inbox_id_ingest_inbox_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."ingest_inbox"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "onu_events" ADD CONSTRAINT "onu_events_meter_id_oms_meters_id_fk" FOREIGN KEY ("meter_id") REFERENCES "public"."oms_meters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scada_event_affected_meters" ADD CONSTRAINT "scada_event_affected_meters_scada_event_id_scada_events_id_fk" FOREIGN KEY ("scada_event_id") REFERENCES "public"."scada_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scada_event_affected_meters" ADD CONSTRAINT "scada_event_affected_meters_meter_id_oms_meters_id_fk" FOREIGN KEY ("meter_id") REFERENCES "public"."oms_meters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scada_events" ADD CONSTRAINT "scada_events_inbox_id_ingest_inbox_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."ingest_inbox"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scada_events" ADD CONSTRAINT "scada_events_network_substation_id_network_substations_id_fk" FOREIGN KEY ("network_substation_id") REFERENCES "public"."network_substations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scada_events" ADD CONSTRAINT "scada_events_network_feeder_id_network_feeders_id_fk" FOREIGN KEY ("network_feeder_id") REFERENCES "public"."network_feeders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scada_events" ADD CONSTRAINT "scada_events_outage_event_id_oms_outage_events_id_fk" FOREIGN KEY ("outage_event_id") REFERENCES "public"."oms_outage_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_network_dp_feeder" ON "network_distribution_points" USING btree ("feeder_id");--> statement-breakpoint
CREATE INDEX "idx_network_dp_parent" ON "network_distribution_points" USING btree ("parent_dp_id");--> statement-breakpoint
CREATE INDEX "idx_network_dp_location" ON "network_distribution_points" USING gist ("location");--> statement-breakpoint
CREATE INDEX "idx_network_dp_location_geog" ON "network_distribution_points" USING gist (("location"::geography));--> statement-breakpoint
CREATE INDEX "idx_network_feeders_substation" ON "network_feeders" USING btree ("substation_id");--> statement-breakpoint
CREATE INDEX "idx_network_feeders_route" ON "network_feeders" USING gist ("route");--> statement-breakpoint
CREATE INDEX "idx_network_substations_location" ON "network_substations" USING gist ("location");--> statement-breakpoint
CREATE UNIQUE INDEX "idx_network_feeder_meters_meter" ON "network_feeder_meters" USING btree ("meter_id");--> statement-breakpoint
CREATE INDEX "idx_network_substation_meters_meter" ON "network_substation_meters" USING btree ("meter_id");--> statement-breakpoint
CREATE INDEX "idx_oms_customers_phone" ON "oms_customers" USING btree ("phone");--> statement-breakpoint
CREATE INDEX "idx_oms_customers_critical" ON "oms_customers" USING btree ("is_critical") WHERE is_critical;--> statement-breakpoint
CREATE INDEX "idx_oms_customers_location" ON "oms_customers" USING gist ("location");--> statement-breakpoint
CREATE INDEX "idx_oms_meters_dp" ON "oms_meters" USING btree ("dp_id");--> statement-breakpoint
CREATE INDEX "idx_oms_meters_feeder" ON "oms_meters" USING btree ("feeder_id");--> statement-breakpoint
CREATE INDEX "idx_oms_meters_substation" ON "oms_meters" USING btree ("substation_id");--> statement-breakpoint
CREATE INDEX "idx_oms_meters_customer" ON "oms_meters" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "idx_oms_meters_onu" ON "oms_meters" USING btree ("onu_id");--> statement-breakpoint
CREATE INDEX "idx_oms_meters_power_off" ON "oms_meters" USING btree ("dp_id") WHERE power_status <> 'on';--> statement-breakpoint
CREATE INDEX "idx_oms_meters_location" ON "oms_meters" USING gist ("location");--> statement-breakpoint
CREATE INDEX "idx_oms_meters_location_geog" ON "oms_meters" USING gist (("location"::geography));--> statement-breakpoint
CREATE UNIQUE INDEX "uq_oms_event_sources_signal" ON "oms_event_sources" USING btree ("outage_event_id","source_type","source_event_id");--> statement-breakpoint
CREATE INDEX "idx_oms_event_sources_correlation" ON "oms_event_sources" USING btree ("outage_event_id","source_type","detected_at");--> statement-breakpoint
CREATE INDEX "idx_oms_event_timeline_outage" ON "oms_event_timeline" USING btree ("outage_event_id","created_at");--> statement-breakpoint
CREATE INDEX "idx_oms_meter_status_events_meter" ON "oms_meter_status_events" USING btree ("meter_id","event_timestamp" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_oms_meter_status_events_time" ON "oms_meter_status_events" USING btree ("event_timestamp" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_oms_momentary_meter" ON "oms_momentary_interruptions" USING btree ("meter_id","off_at");--> statement-breakpoint
CREATE INDEX "idx_oms_outage_affected_meters_meter" ON "oms_outage_affected_meters" USING btree ("meter_id");--> statement-breakpoint
CREATE INDEX "idx_oms_outage_events_detected" ON "oms_outage_events" USING btree ("first_detected_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_oms_outage_events_open_feeder" ON "oms_outage_events" USING btree ("feeder_id") WHERE status IN ('detected','confirmed','in_progress');--> statement-breakpoint
CREATE INDEX "idx_oms_outage_events_open_dp" ON "oms_outage_events" USING btree ("dp_id") WHERE status IN ('detected','confirmed','in_progress');--> statement-breakpoint
CREATE INDEX "idx_oms_outage_events_status" ON "oms_outage_events" USING btree ("status");--> statement-breakpoint
CREATE INDEX "idx_oms_outage_events_parent" ON "oms_outage_events" USING btree ("parent_outage_id");--> statement-breakpoint
CREATE INDEX "idx_oms_outage_events_centroid" ON "oms_outage_events" USING gist ("centroid");--> statement-breakpoint
CREATE INDEX "idx_oms_crew_assignments_outage" ON "oms_crew_assignments" USING btree ("outage_event_id");--> statement-breakpoint
CREATE INDEX "idx_oms_crew_assignments_crew_open" ON "oms_crew_assignments" USING btree ("crew_id") WHERE status NOT IN ('completed','cancelled');--> statement-breakpoint
CREATE INDEX "idx_oms_crews_location" ON "oms_crews" USING gist ("location");--> statement-breakpoint
CREATE UNIQUE INDEX "uq_oms_customer_notifications_once" ON "oms_customer_notifications" USING btree ("outage_event_id","customer_id","notification_type");--> statement-breakpoint
CREATE INDEX "idx_oms_customer_notifications_status" ON "oms_customer_notifications" USING btree ("status");--> statement-breakpoint
CREATE INDEX "idx_oms_storm_mode_created" ON "oms_storm_mode_config" USING btree ("created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_callcenter_tickets_meter" ON "callcenter_tickets" USING btree ("meter_id");--> statement-breakpoint
CREATE INDEX "idx_callcenter_tickets_time" ON "callcenter_tickets" USING btree ("event_timestamp" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_kaifa_events_meter" ON "kaifa_events" USING btree ("meter_id","event_timestamp" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_kaifa_events_time" ON "kaifa_events" USING btree ("event_timestamp" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_onu_events_onu" ON "onu_events" USING btree ("onu_id","event_timestamp" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_onu_events_time" ON "onu_events" USING btree ("event_timestamp" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_scada_events_substation" ON "scada_events" USING btree ("substation_id","event_timestamp" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_scada_events_time" ON "scada_events" USING btree ("event_timestamp" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "uq_ingest_inbox_source_event" ON "ingest_inbox" USING btree ("source_type","source_event_id") WHERE status <> 'rejected';--> statement-breakpoint
CREATE INDEX "idx_ingest_inbox_status" ON "ingest_inbox" USING btree ("status","received_at");--> statement-breakpoint
CREATE INDEX "idx_ingest_inbox_received" ON "ingest_inbox" USING btree ("received_at" DESC NULLS LAST);