import { sql } from "drizzle-orm";
import {
  pgTable, serial, text, integer, bigserial, boolean, doublePrecision, timestamp, index, uniqueIndex,
  jsonb, uuid,
} from "drizzle-orm/pg-core";
import { locatedColumns } from "./geo";
import { omsOutageEvents } from "./outages";
import { omsCustomers } from "./customers";

export type CrewStatus = "available" | "assigned" | "en_route" | "on_site" | "off_duty";

export const omsCrews = pgTable("oms_crews", {
  id: serial("id").primaryKey(),
  crewId: text("crew_id").notNull().unique(),
  name: text("name").notNull(),
  phone: text("phone"),
  size: integer("size").notNull().default(2),
  homeDepot: text("home_depot").notNull(),
  depotLat: doublePrecision("depot_lat").notNull(),
  depotLng: doublePrecision("depot_lng").notNull(),
  status: text("status").$type<CrewStatus>().notNull().default("available"),
  /** Current position; starts at the depot. */
  ...locatedColumns(),
  /** When the position was fixed (the phone's fix time, never ahead of the server's clock); null until one is reported. */
  positionUpdatedAt: timestamp("position_updated_at", { withTimezone: true }),
  /** How sure the phone was of it: the radius in metres (the Geolocation API's `accuracy`). */
  positionAccuracyM: doublePrecision("position_accuracy_m"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index("idx_oms_crews_location").using("gist", t.location)]);

export type AssignmentStatus = "assigned" | "en_route" | "on_site" | "completed" | "cancelled";

export const omsCrewAssignments = pgTable("oms_crew_assignments", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  outageEventId: uuid("outage_event_id").notNull().references(() => omsOutageEvents.id),
  crewId: integer("crew_id").notNull().references(() => omsCrews.id),
  assignmentType: text("assignment_type").notNull().default("repair"),
  status: text("status").$type<AssignmentStatus>().notNull().default("assigned"),
  assignedAt: timestamp("assigned_at", { withTimezone: true }).notNull().defaultNow(),
  estimatedArrival: timestamp("estimated_arrival", { withTimezone: true }),
  arrivedAt: timestamp("arrived_at", { withTimezone: true }),
  completedAt: timestamp("completed_at", { withTimezone: true }),
  /** The crew's own notes (on site, restored). */
  notes: text("notes"),
  /** What the dispatcher told the crew when sending it (access, hazards, who to call). */
  dispatchNotes: text("dispatch_notes"),
  assignedBy: text("assigned_by"),
}, (t) => [
  index("idx_oms_crew_assignments_outage").on(t.outageEventId),
  index("idx_oms_crew_assignments_crew_open").on(t.crewId).where(sql`status NOT IN ('completed','cancelled')`),
]);

export type NotificationType = "detected" | "etr" | "restored";

/** Customer notifications, queued once per customer, outage and kind (no foreign keys: migration 0017). */
export const omsCustomerNotifications = pgTable("oms_customer_notifications", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  outageEventId: uuid("outage_event_id").notNull(),
  customerId: integer("customer_id").notNull(),
  notificationType: text("notification_type").$type<NotificationType>().notNull(),
  channel: text("channel").notNull().default("sms"),
  messageContent: text("message_content").notNull(),
  status: text("status").$type<"queued" | "sent" | "failed">().notNull().default("queued"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  sentAt: timestamp("sent_at", { withTimezone: true }),
}, (t) => [
  uniqueIndex("uq_oms_customer_notifications_once").on(t.outageEventId, t.customerId, t.notificationType),
  index("idx_oms_customer_notifications_status").on(t.status),
]);

/** Correlation rules from seed 001: Standard, Storm, SCADA Priority. */
export const omsCorrelationRules = pgTable("oms_correlation_rules", {
  id: serial("id").primaryKey(),
  ruleName: text("rule_name").notNull().unique(),
  ruleType: text("rule_type").$type<"standard" | "storm" | "scada_priority">().notNull(),
  correlationWindowMinutes: integer("correlation_window_minutes").notNull(),
  spatialRadiusMeters: integer("spatial_radius_meters").notNull(),
  confidenceThreshold: doublePrecision("confidence_threshold").notNull(),
  isActive: boolean("is_active").notNull().default(true),
  /** Extra tunables (roll-up share, verification window, ...), documented in the README. */
  parameters: jsonb("parameters").$type<Record<string, number>>().notNull().default({}),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  updatedBy: text("updated_by"),
});

/** One row per storm-mode period; the newest row tells whether storm mode is on. */
export const omsStormModeConfig = pgTable("oms_storm_mode_config", {
  id: serial("id").primaryKey(),
  isActive: boolean("is_active").notNull().default(false),
  activatedAt: timestamp("activated_at", { withTimezone: true }),
  deactivatedAt: timestamp("deactivated_at", { withTimezone: true }),
  activationReason: text("activation_reason"),
  deactivationReason: text("deactivation_reason"),
  activatedBy: text("activated_by"),
  deactivatedBy: text("deactivated_by"),
  autoActivationThreshold: integer("auto_activation_threshold").notNull().default(100),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index("idx_oms_storm_mode_created").on(t.createdAt.desc())]);

