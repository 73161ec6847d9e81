import { bigserial, index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Every committed change the control room must show live, in commit order. `seq` is the
 * sequence number clients count with: after a reconnect a client asks for everything after
 * the last seq it saw, so nothing is missed even across several app processes.
 */
export const omsChangeLog = pgTable("oms_change_log", {
  seq: bigserial("seq", { mode: "number" }).primaryKey(),
  /** outage:created / updated / restored, meter:status, storm:changed, crew:updated, … (see server/realtime/events.ts) */
  topic: text("topic").notNull(),
  payload: jsonb("payload").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index("idx_oms_change_log_created").on(t.createdAt)]);
