import {
  pgTable, uuid, text, integer, bigint, doublePrecision, timestamp, index, jsonb, primaryKey,
} from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { omsMeters, omsCustomers } from "./customers";
import { networkFeeders, networkSubstations } from "./network";
import { omsOutageEvents } from "./outages";
import { ingestInbox } from "./ingest";

/**
 * Raw source events, one table per source (seed names). Each keeps the source's own codes as
 * sent (a SCADA substation id need not be in our registry) next to the resolved foreign keys.
 * The Kaifa, ONU and call-center tables hold their ids without a foreign-key constraint
 * (migration 0017: a per-row check on the hottest write path); SCADA's keep theirs.
 */
export const scadaEvents = pgTable("scada_events", {
  id: uuid("id").primaryKey().defaultRandom(),
  inboxId: bigint("inbox_id", { mode: "number" }).references(() => ingestInbox.id),
  sourceEventId: text("source_event_id").notNull(),
  eventType: text("event_type").notNull(),
  substationId: text("substation_id"),
  feederId: text("feeder_id"),
  mainStationId: text("main_station_id"),
  alarmType: text("alarm_type"),
  severity: text("severity"),
  voltage: doublePrecision("voltage"),
  reason: text("reason"),
  eventTimestamp: timestamp("event_timestamp", { withTimezone: true }).notNull(),
  lat: doublePrecision("lat"),
  lng: doublePrecision("lng"),
  networkSubstationId: integer("network_substation_id").references(() => networkSubstations.id),
  networkFeederId: integer("network_feeder_id").references(() => networkFeeders.id),
  affectedMeterCount: integer("affected_meter_count"),
  metersCheckedAt: timestamp("meters_checked_at", { withTimezone: true }),
  outageEventId: uuid("outage_event_id").references(() => omsOutageEvents.id),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  index("idx_scada_events_substation").on(t.substationId, t.eventTimestamp.desc()),
  index("idx_scada_events_time").on(t.eventTimestamp.desc()),
]);

/** The meters a SCADA trip checked, with what each said at that moment (seed 003). */
export const scadaEventAffectedMeters = pgTable("scada_event_affected_meters", {
  scadaEventId: uuid("scada_event_id").notNull().references(() => scadaEvents.id),
  meterId: integer("meter_id").notNull().references(() => omsMeters.id),
  statusAtCheck: text("status_at_check").notNull(),
}, (t) => [primaryKey({ columns: [t.scadaEventId, t.meterId] })]);

export const kaifaEvents = pgTable("kaifa_events", {
  id: uuid("id").primaryKey().defaultRandom(),
  inboxId: bigint("inbox_id", { mode: "number" }),
  eventId: text("event_id").notNull(),
  messageType: text("message_type"),
  eventTypeCode: text("event_type_code"),
  severity: text("severity"),
  reason: text("reason"),
  assetMrid: text("asset_mrid"),
  usagePointMrid: text("usage_point_mrid"),
  eventTimestamp: timestamp("event_timestamp", { withTimezone: true }).notNull(),
  lat: doublePrecision("lat"),
  lng: doublePrecision("lng"),
  meterId: integer("meter_id"),
  details: jsonb("details"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const onuEvents = pgTable("onu_events", {
  id: uuid("id").primaryKey().defaultRandom(),
  inboxId: bigint("inbox_id", { mode: "number" }),
  eventId: text("event_id").notNull(),
  eventType: text("event_type").notNull(),
  onuId: bigint("onu_id", { mode: "number" }),
  onuSerial: text("onu_serial"),
  associatedMeters: jsonb("associated_meters").$type<string[]>(),
  nmsType: text("nms_type"),
  alarmCategory: text("alarm_category"),
  alarmType: text("alarm_type"),
  eventTimestamp: timestamp("event_timestamp", { withTimezone: true }).notNull(),
  lat: doublePrecision("lat"),
  lng: doublePrecision("lng"),
  meterId: integer("meter_id"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const callcenterTickets = pgTable("callcenter_tickets", {
  id: uuid("id").primaryKey().defaultRandom(),
  inboxId: bigint("inbox_id", { mode: "number" }),
  ticketId: text("ticket_id").notNull(),
  phone: text("phone"),
  meterNumber: text("meter_number"),
  address: text("address"),
  notes: text("notes"),
  lat: doublePrecision("lat"),
  lng: doublePrecision("lng"),
  eventTimestamp: timestamp("event_timestamp", { withTimezone: true }).notNull(),
  meterId: integer("meter_id"),
  customerId: integer("customer_id"),
  /** The meter's substation, kept equal to it by triggers (migration 0021): the passes read their substations' calls by it. */
  substationId: integer("substation_id"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  index("idx_callcenter_tickets_meter").on(t.meterId),
  index("idx_callcenter_tickets_substation").on(t.substationId, t.eventTimestamp.desc()).where(sql`meter_id IS NOT NULL`),
  index("idx_callcenter_tickets_time").on(t.eventTimestamp.desc()),
]);
