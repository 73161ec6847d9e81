import { sql } from "drizzle-orm";
import {
  pgTable, serial, text, integer, bigint, boolean, timestamp, index, primaryKey, uniqueIndex,
} from "drizzle-orm/pg-core";
import { locatedColumns } from "./geo";
import { networkDistributionPoints, networkFeeders, networkSubstations } from "./network";

export type PowerStatus = "on" | "off" | "unknown";
export type CommunicationStatus = "online" | "offline" | "unknown";

export const omsCustomers = pgTable("oms_customers", {
  id: serial("id").primaryKey(),
  customerId: text("customer_id").notNull().unique(),
  name: text("name").notNull(),
  phone: text("phone"),
  email: text("email"),
  address: text("address"),
  isCritical: boolean("is_critical").notNull().default(false),
  /** hospital, life_support, water_pumping, ...; null for ordinary customers. */
  criticalType: text("critical_type"),
  ...locatedColumns(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  index("idx_oms_customers_phone").on(t.phone),
  index("idx_oms_customers_critical").on(t.isCritical).where(sql`is_critical`),
  index("idx_oms_customers_location").using("gist", t.location),
]);

/** ONU devices of the fiber network; `onu_id` is the NMS's numeric id. */
export const omsOnuDevices = pgTable("oms_onu_devices", {
  id: serial("id").primaryKey(),
  onuId: bigint("onu_id", { mode: "number" }).notNull().unique(),
  onuSerialNo: text("onu_serial_no").notNull().unique(),
  customerId: integer("customer_id").references(() => omsCustomers.id),
  status: text("status").notNull().default("active"),
  ...locatedColumns(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The unified meter registry (seed 003). Topology is denormalised onto the meter (dp, feeder,
 * substation) because every pipeline stage asks "what is upstream of this meter".
 */
export const omsMeters = pgTable("oms_meters", {
  id: serial("id").primaryKey(),
  meterNumber: text("meter_number").notNull().unique(),
  customerId: integer("customer_id").references(() => omsCustomers.id),
  dpId: integer("dp_id").references(() => networkDistributionPoints.id),
  feederId: integer("feeder_id").references(() => networkFeeders.id),
  substationId: integer("substation_id").references(() => networkSubstations.id),
  meterType: text("meter_type").notNull().default("smart"),
  assetMrid: text("asset_mrid").unique(),
  usagePointMrid: text("usage_point_mrid").unique(),
  onuId: bigint("onu_id", { mode: "number" }).references(() => omsOnuDevices.onuId),
  powerStatus: text("power_status").$type<PowerStatus>().notNull().default("on"),
  communicationStatus: text("communication_status").$type<CommunicationStatus>().notNull().default("online"),
  lastCommunication: timestamp("last_communication", { withTimezone: true }),
  lastPowerChange: timestamp("last_power_change", { withTimezone: true }),
  /** The signal that set power_status: the evidence a nested outage inherits. */
  powerSourceType: text("power_source_type"),
  powerSourceEventId: text("power_source_event_id"),
  status: text("status").notNull().default("active"),
  ...locatedColumns(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  index("idx_oms_meters_dp").on(t.dpId),
  index("idx_oms_meters_feeder").on(t.feederId),
  index("idx_oms_meters_substation").on(t.substationId),
  index("idx_oms_meters_customer").on(t.customerId),
  index("idx_oms_meters_onu").on(t.onuId),
  // No index reads the power columns, so a meter's power update can be HOT (fillfactor 50 is
  // set by migration 0016; drizzle's table builder has no storage parameters).
  index("idx_oms_meters_location").using("gist", t.location),
  index("idx_oms_meters_location_geog").using("gist", sql`(${t.location}::geography)`),
]);

/** Explicit substation → meter mapping (seed 003), kept by the network loader. */
export const networkSubstationMeters = pgTable("network_substation_meters", {
  substationId: integer("substation_id").notNull().references(() => networkSubstations.id),
  meterId: integer("meter_id").notNull().references(() => omsMeters.id),
  priority: integer("priority").notNull().default(0),
}, (t) => [
  primaryKey({ columns: [t.substationId, t.meterId] }),
  index("idx_network_substation_meters_meter").on(t.meterId),
]);

/** Explicit feeder → meter mapping (seed 003). */
export const networkFeederMeters = pgTable("network_feeder_meters", {
  feederId: integer("feeder_id").notNull().references(() => networkFeeders.id),
  meterId: integer("meter_id").notNull().references(() => omsMeters.id),
  priority: integer("priority").notNull().default(0),
}, (t) => [
  primaryKey({ columns: [t.feederId, t.meterId] }),
  uniqueIndex("idx_network_feeder_meters_meter").on(t.meterId),
]);
