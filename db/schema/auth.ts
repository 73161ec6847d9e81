import { sql } from "drizzle-orm";
import { bigint, bigserial, boolean, check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { omsCrews } from "./operations";

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

/** The roles of people (DESIGN.md, Who uses it). Integrations are API keys, not users. */
export type UserRole = "viewer" | "crew" | "dispatcher" | "supervisor";

/**
 * People who sign in. The tables below are better-auth's models (user, session, account,
 * verification, rateLimit) under the product's names; the property names are the library's
 * field names, which its Drizzle adapter looks up.
 */
export const authUsers = pgTable("auth_users", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  /** Required by the library; a user created without one gets `<username>@users.oms.invalid`. */
  email: text("email").notNull().unique(),
  emailVerified: boolean("email_verified").notNull().default(false),
  image: text("image"),
  username: text("username").unique(),
  displayUsername: text("display_username"),
  role: text("role").$type<UserRole>().notNull().default("viewer"),
  /** The crew a crew member belongs to (oms_crews.id); only for role crew. */
  crewId: integer("crew_id").references(() => omsCrews.id, { onDelete: "set null" }),
  /** A disabled user cannot sign in and loses every session. */
  disabled: boolean("disabled").notNull().default(false),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [check("ck_auth_users_role", sql`${t.role} IN ('viewer', 'crew', 'dispatcher', 'supervisor')`)]);

export const authSessions = pgTable("auth_sessions", {
  id: text("id").primaryKey(),
  /** The session token as the library keeps it; the cookie carries it signed. */
  token: text("token").notNull().unique(),
  userId: text("user_id").notNull().references(() => authUsers.id, { onDelete: "cascade" }),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  ipAddress: text("ip_address"),
  userAgent: text("user_agent"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index("idx_auth_sessions_user").on(t.userId)]);

/** Credentials: the password hash (the library's scrypt) lives here, never in auth_users. */
export const authAccounts = pgTable("auth_accounts", {
  id: text("id").primaryKey(),
  accountId: text("account_id").notNull(),
  providerId: text("provider_id").notNull(),
  userId: text("user_id").notNull().references(() => authUsers.id, { onDelete: "cascade" }),
  accessToken: text("access_token"),
  refreshToken: text("refresh_token"),
  idToken: text("id_token"),
  accessTokenExpiresAt: timestamp("access_token_expires_at", { withTimezone: true }),
  refreshTokenExpiresAt: timestamp("refresh_token_expires_at", { withTimezone: true }),
  scope: text("scope"),
  password: text("password"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index("idx_auth_accounts_user").on(t.userId)]);

export const authVerifications = pgTable("auth_verifications", {
  id: text("id").primaryKey(),
  identifier: text("identifier").notNull(),
  value: text("value").notNull(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Sign-in attempts per client address, shared by every app process. */
export const authRateLimits = pgTable("auth_rate_limits", {
  id: text("id").primaryKey(),
  key: text("key").notNull().unique(),
  count: integer("count").notNull(),
  lastRequest: bigint("last_request", { mode: "number" }).notNull(),
});

/** Server-wide secrets made on first start (the session signing secret when AUTH_SECRET is unset). */
export const omsSecrets = pgTable("oms_secrets", {
  name: text("name").primaryKey(),
  value: text("value").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
