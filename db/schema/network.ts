import { sql } from "drizzle-orm";
import {
  pgTable, boolean, serial, text, integer, doublePrecision, timestamp, index, uuid, type AnyPgColumn,
} from "drizzle-orm/pg-core";
import { locatedColumns, multiLineGeometry } from "./geo";

export type EnergizedState = "energized" | "de_energized" | "partial";
/** What SCADA last said of a breaker: open (tripped / de-energized) or closed (energized). */
export type BreakerState = "open" | "closed";

/** Substations: the top of the radial network. `substation_id` is the code SCADA uses. */
export const networkSubstations = pgTable("network_substations", {
  id: serial("id").primaryKey(),
  substationId: text("substation_id").notNull().unique(),
  name: text("name").notNull(),
  mainStationId: text("main_station_id"),
  voltageKv: doublePrecision("voltage_kv").notNull().default(33),
  capacityMva: doublePrecision("capacity_mva").notNull(),
  status: text("status").$type<EnergizedState>().notNull().default("energized"),
  breakerState: text("breaker_state").$type<BreakerState>().notNull().default("closed"),
  breakerChangedAt: timestamp("breaker_changed_at", { withTimezone: true }),
  /** Closed because the meters under it proved supply back; cleared when SCADA confirms the close. */
  breakerInferred: boolean("breaker_inferred").notNull().default(false),
  ...locatedColumns(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  index("idx_network_substations_location").using("gist", t.location),
]);

/** Feeders leave a substation through a breaker; `route` is the radial tree of its line segments. */
export const networkFeeders = pgTable("network_feeders", {
  id: serial("id").primaryKey(),
  feederId: text("feeder_id").notNull().unique(),
  substationId: integer("substation_id").notNull().references(() => networkSubstations.id),
  name: text("name").notNull(),
  voltageKv: doublePrecision("voltage_kv").notNull().default(11),
  capacityMva: doublePrecision("capacity_mva").notNull(),
  status: text("status").$type<EnergizedState>().notNull().default("energized"),
  breakerState: text("breaker_state").$type<BreakerState>().notNull().default("closed"),
  breakerChangedAt: timestamp("breaker_changed_at", { withTimezone: true }),
  /** Closed because the meters under it proved supply back; cleared when SCADA confirms the close. */
  breakerInferred: boolean("breaker_inferred").notNull().default(false),
  route: multiLineGeometry("route"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  index("idx_network_feeders_substation").on(t.substationId),
  index("idx_network_feeders_route").using("gist", t.route),
]);

/**
 * Distribution points (transformers / local networks) along a feeder. `parent_dp_id` makes the
 * feeder a tree: null means the point hangs directly off the substation breaker.
 */
export const networkDistributionPoints = pgTable("network_distribution_points", {
  id: serial("id").primaryKey(),
  dpId: text("dp_id").notNull().unique(),
  feederId: integer("feeder_id").notNull().references(() => networkFeeders.id),
  parentDpId: integer("parent_dp_id").references((): AnyPgColumn => networkDistributionPoints.id),
  name: text("name").notNull(),
  buildingId: text("building_id"),
  transformerKva: integer("transformer_kva").notNull(),
  status: text("status").$type<EnergizedState>().notNull().default("energized"),
  ...locatedColumns(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  index("idx_network_dp_feeder").on(t.feederId),
  index("idx_network_dp_parent").on(t.parentDpId),
  index("idx_network_dp_location").using("gist", t.location),
  index("idx_network_dp_location_geog").using("gist", sql`(${t.location}::geography)`),
]);

/**
 * One row whose token is redrawn by every statement that changes the network model's
 * identifiers or structure (triggers of migration 0011, whoever runs the statement): an in-memory
 * copy of the model is current while the token it was loaded under is still this one.
 */
export const networkModelVersion = pgTable("network_model_version", {
  singleton: boolean("singleton").primaryKey().default(true),
  token: uuid("token").notNull().defaultRandom(),
  changedAt: timestamp("changed_at", { withTimezone: true }).notNull().defaultNow(),
});
