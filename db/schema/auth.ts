import { sql } from "drizzle-orm";
import { bigserial, index, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

/** What an API key may post to: one source's ingestion route, or the /api/oms API. */
export type ApiKeyScope = "scada" | "kaifa" | "onu" | "call_center" | "oms_api";

/**
 * Integration keys. Only a SHA-256 of the key is kept: keys are 32 random bytes, so a fast
 * hash is as safe as a slow one and lets every request be checked with one indexed lookup.
 * The plain key is shown once, at creation.
 */
export const omsApiKeys = pgTable("oms_api_keys", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  scope: text("scope").$type<ApiKeyScope>().notNull(),
  /** The first characters of the key, to recognise it in lists (`oms_scada_AbC…`). */
  prefix: text("prefix").notNull(),
  keyHash: text("key_hash").notNull(),
  createdBy: text("created_by").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
  revokedAt: timestamp("revoked_at", { withTimezone: true }),
  revokedBy: text("revoked_by"),
}, (t) => [
  uniqueIndex("uq_oms_api_keys_hash").on(t.keyHash),
  index("idx_oms_api_keys_active").on(t.scope).where(sql`revoked_at IS NULL`),
]);

/** Changes people make that belong to no outage (users, roles, keys, rules): who, what, when. */
export const omsAuditLog = pgTable("oms_audit_log", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  actorType: text("actor_type").notNull(),
  actorId: text("actor_id").notNull(),
  action: text("action").notNull(),
  subject: text("subject"),
  details: jsonb("details"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index("idx_oms_audit_log_created").on(t.createdAt.desc())]);
