import { sql } from "drizzle-orm";
import {
  pgTable, uuid, text, integer, bigserial, bigint, doublePrecision, timestamp, index, uniqueIndex, jsonb,
  primaryKey, boolean, type AnyPgColumn,
} from "drizzle-orm/pg-core";
import { pointGeometry, polygonGeometry } from "./geo";
import { networkDistributionPoints, networkFeeders, networkSubstations } from "./network";
import { omsCustomers, omsMeters } from "./customers";

export type SourceType = "scada" | "kaifa" | "onu" | "call_center";
export type OutageStatus = "detected" | "confirmed" | "in_progress" | "restored" | "merged" | "cancelled";
export type Severity = "low" | "medium" | "high" | "critical";
export type DeviceLevel = "meter" | "distribution_point" | "feeder" | "substation";

export const omsOutageEvents = pgTable("oms_outage_events", {
  id: uuid("id").primaryKey().defaultRandom(),
  /** Human-facing id, `OMS_<epoch>_<hex>` as in seed 000. */
  eventId: text("event_id").notNull().unique(),
  eventType: text("event_type").notNull().default("outage"),
  status: text("status").$type<OutageStatus>().notNull().default("detected"),
  severity: text("severity").$type<Severity>().notNull().default("low"),
  confidenceScore: doublePrecision("confidence_score").notNull().default(0),
  affectedCustomersCount: integer("affected_customers_count").notNull().default(0),
  affectedMetersCount: integer("affected_meters_count").notNull().default(0),
  criticalCustomersCount: integer("critical_customers_count").notNull().default(0),
  substationId: integer("substation_id").references(() => networkSubstations.id),
  feederId: integer("feeder_id").references(() => networkFeeders.id),
  dpId: integer("dp_id").references(() => networkDistributionPoints.id),
  /** Where the pipeline believes the fault is: the lowest device common to the affected meters. */
  predictedDeviceLevel: text("predicted_device_level").$type<DeviceLevel>(),
  predictedDeviceCode: text("predicted_device_code"),
  /** Id of the predicted device in its own table (meter, distribution point, feeder, substation). */
  predictedDeviceId: integer("predicted_device_id"),
  /** Who confirmed it: the rule threshold, a SCADA trip, or a person (user id). */
  confirmedBy: text("confirmed_by"),
  restoredBy: text("restored_by"),
  /** After a restoration: when meters that sent a power-off and no restore are split off. */
  verificationDueAt: timestamp("verification_due_at", { withTimezone: true }),
  /** A nested outage points at the outage it was split from. */
  parentOutageId: uuid("parent_outage_id").references((): AnyPgColumn => omsOutageEvents.id),
  mergedIntoId: uuid("merged_into_id").references((): AnyPgColumn => omsOutageEvents.id),
  cause: text("cause"),
  /**
   * Its customers have been told it is out ("detected", or "still out" for a nested outage): only
   * once it has outlasted the momentary window, so a blip never reaches a customer.
   */
  customersNotified: boolean("customers_notified").notNull().default(true),
  firstDetectedAt: timestamp("first_detected_at", { withTimezone: true }).notNull(),
  lastUpdatedAt: timestamp("last_updated_at", { withTimezone: true }).notNull().defaultNow(),
  confirmedAt: timestamp("confirmed_at", { withTimezone: true }),
  estimatedRestorationTime: timestamp("estimated_restoration_time", { withTimezone: true }),
  actualRestorationTime: timestamp("actual_restoration_time", { withTimezone: true }),
  /** Hull of the affected meters (or the device point when there are too few for a hull). */
  area: polygonGeometry("area"),
  centroid: pointGeometry("centroid"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  index("idx_oms_outage_events_detected").on(t.firstDetectedAt.desc()),
  index("idx_oms_outage_events_open_feeder").on(t.feederId).where(sql`status IN ('detected','confirmed','in_progress')`),
  index("idx_oms_outage_events_open_dp").on(t.dpId).where(sql`status IN ('detected','confirmed','in_progress')`),
  index("idx_oms_outage_events_status").on(t.status),
  index("idx_oms_outage_events_parent").on(t.parentOutageId),
  index("idx_oms_outage_events_centroid").using("gist", t.centroid),
  index("idx_oms_outage_events_verification").on(t.verificationDueAt).where(sql`verification_due_at IS NOT NULL`),
  index("idx_oms_outage_events_substation_open").on(t.substationId).where(sql`status IN ('detected','confirmed','in_progress') OR verification_due_at IS NOT NULL`),
]);

/**
 * The meters (and so customers) an outage holds dark, with per-meter state. This table, the
 * signal links, the meter status changes and the momentaries reference outages, meters and
 * customers without foreign-key constraints (migration 0017): written only by the correlation
 * pass next to their parents; tests/integrity.test.ts looks for orphans.
 */
export const omsOutageAffectedMeters = pgTable("oms_outage_affected_meters", {
  outageEventId: uuid("outage_event_id").notNull(),
  meterId: integer("meter_id").notNull(),
  customerId: integer("customer_id"),
  /** off: evidence of no power; assumed: inferred from the device being out; restored. */
  state: text("state").$type<"off" | "assumed" | "restored">().notNull(),
  since: timestamp("since", { withTimezone: true }).notNull(),
  restoredAt: timestamp("restored_at", { withTimezone: true }),
}, (t) => [
  primaryKey({ columns: [t.outageEventId, t.meterId] }),
  index("idx_oms_outage_affected_meters_meter").on(t.meterId),
]);

/** Links an outage to each source signal that contributed to it (seed 001). */
export const omsEventSources = pgTable("oms_event_sources", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  outageEventId: uuid("outage_event_id").notNull(),
  sourceType: text("source_type").$type<SourceType>().notNull(),
  sourceEventId: text("source_event_id").notNull(),
  meterId: integer("meter_id"),
  signalKind: text("signal_kind").notNull(),
  detectedAt: timestamp("detected_at", { withTimezone: true }).notNull(),
  correlationWeight: doublePrecision("correlation_weight").notNull().default(1),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex("uq_oms_event_sources_signal").on(t.outageEventId, t.sourceType, t.sourceEventId),
  index("idx_oms_event_sources_correlation").on(t.outageEventId, t.sourceType, t.detectedAt),
]);

/** Audit trail of an outage: every change, with who or what caused it. */
export const omsEventTimeline = pgTable("oms_event_timeline", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  outageEventId: uuid("outage_event_id").notNull().references(() => omsOutageEvents.id),
  eventType: text("event_type").notNull(),
  status: text("status"),
  description: text("description").notNull(),
  /** scada / kaifa / onu / call_center / user / system / crew */
  source: text("source").notNull(),
  actorId: text("actor_id"),
  details: jsonb("details"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  index("idx_oms_event_timeline_outage").on(t.outageEventId, t.createdAt),
]);

/** Every meter power-state change, from any source (seed 003). */
export const omsMeterStatusEvents = pgTable("oms_meter_status_events", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  meterId: integer("meter_id").notNull(),
  eventType: text("event_type").notNull(),
  sourceType: text("source_type").notNull(),
  sourceEventId: text("source_event_id"),
  previousStatus: text("previous_status"),
  newStatus: text("new_status").notNull(),
  eventTimestamp: timestamp("event_timestamp", { withTimezone: true }).notNull(),
  confidenceScore: doublePrecision("confidence_score"),
  outageEventId: uuid("outage_event_id"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  index("idx_oms_meter_status_events_meter").on(t.meterId, t.eventTimestamp.desc()),
  index("idx_oms_meter_status_events_time").on(t.eventTimestamp.desc()),
]);

/** Power off and back within the momentary window: kept for reliability figures, not an outage. */
export const omsMomentaryInterruptions = pgTable("oms_momentary_interruptions", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  meterId: integer("meter_id").notNull(),
  offAt: timestamp("off_at", { withTimezone: true }).notNull(),
  onAt: timestamp("on_at", { withTimezone: true }).notNull(),
  sourceType: text("source_type").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index("idx_oms_momentary_meter").on(t.meterId, t.offAt)]);

/**
 * A whole device (distribution point, feeder, substation) off and back within the momentary
 * window: never an outage, never a customer notice; kept with its customers for MAIFI.
 */
export const omsDeviceMomentaries = pgTable("oms_device_momentaries", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  level: text("level").$type<Exclude<DeviceLevel, "meter">>().notNull(),
  deviceId: integer("device_id").notNull(),
  deviceCode: text("device_code").notNull(),
  substationId: integer("substation_id").references(() => networkSubstations.id),
  feederId: integer("feeder_id").references(() => networkFeeders.id),
  dpId: integer("dp_id").references(() => networkDistributionPoints.id),
  startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
  endedAt: timestamp("ended_at", { withTimezone: true }).notNull(),
  /** Customers under the device: every one of them saw the interruption. */
  customers: integer("customers").notNull(),
  metersReporting: integer("meters_reporting").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  index("idx_oms_device_momentaries_device").on(t.level, t.deviceId, t.startedAt),
  index("idx_oms_device_momentaries_time").on(t.startedAt.desc()),
]);

/**
 * The version of each substation's pipeline state, moved on by every transaction that takes the
 * substation's lock: a process's in-memory state of a substation is current only at the version
 * its own last write left (server/repository/stateCache.ts).
 */
export const omsSubstationState = pgTable("oms_substation_state", {
  substationId: integer("substation_id").primaryKey(),
  version: bigint("version", { mode: "number" }).notNull().default(0),
});

/**
 * Which app process correlates each substation when several share the database: taken when a
 * signal of it arrives and the lease is free, expired or the process's own, renewed every second,
 * lapsing 5 s after its owner stops renewing (server/ingest/leases.ts).
 */
export const omsSubstationLeases = pgTable("oms_substation_leases", {
  substationId: integer("substation_id").primaryKey(),
  owner: text("owner").notNull(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
}, (t) => [index("idx_oms_substation_leases_owner").on(t.owner)]);
