import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { audit } from "./audit";
import { describeError, isDatabaseUnavailable } from "../errorCauses";
import type { Actor } from "../context";
import { username } from "better-auth/plugins";
import { queryRows, type Db } from "../../db/client";
import { authAccounts, authRateLimits, authSessions, authUsers, authVerifications } from "../../db/schema";

/** The header the server sets (and overwrites) with the client's address, for the sign-in limit. */
export const CLIENT_IP_HEADER = "x-oms-client-ip";

export interface AuthOptions {
  /** From AUTH_SECRET; otherwise a secret made once and kept in the database. */
  secret?: string;
  /** From PUBLIC_URL: the address people open; https makes the cookies Secure. */
  publicUrl?: string;
  /** Sign-in attempts per client address per minute. */
  signInAttemptsPerMinute: number;
  /** How long a session lasts without use (a shift and some). */
  sessionHours: number;
}

export const MIN_PASSWORD_LENGTH = 10;
export const USERNAME_PATTERN = /^[A-Za-z0-9._-]+$/;

/**
 * Sign-in for people, with better-auth: username (or email) and password, sessions in
 * http-only cookies, its scrypt password hashing, its rate limiter on the sign-in routes.
 * Nobody signs up: supervisors (or the shell) create users, so sign-up is off.
 */
export async function createAuth(db: Db, options: AuthOptions) {
  const secret = options.secret ?? (await storedSecret(db, "auth_secret"));
  const secure = options.publicUrl?.startsWith("https://") ?? false;
  return betterAuth({
    appName: "OMS Control Room",
    secret,
    ...(options.publicUrl ? { baseURL: options.publicUrl } : {}),
    basePath: "/api/auth",
    database: drizzleAdapter(db, {
      provider: "pg",
      schema: { user: authUsers, session: authSessions, account: authAccounts, verification: authVerifications, rateLimit: authRateLimits },
    }),
    telemetry: { enabled: false },
    logger: {
      // Without PUBLIC_URL the origin comes from each request, which is what a LAN install wants.
      // Its errors carry Drizzle's query errors, whose parameters (a session token) must not be
      // logged: they are described instead. A lost database is reported by the transports' 503.
      log: (level, message, ...args) => {
        if (message.includes("Base URL is not set") || args.some(isDatabaseUnavailable)) return;
        const described = args.map((a) => (a instanceof Error ? describeError(a) : a));
        (level === "error" ? console.error : console.warn)(`auth: ${message}`, ...described);
      },
    },
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: MIN_PASSWORD_LENGTH, maxPasswordLength: 200, revokeSessionsOnPasswordReset: true },
    // The same rule as users.ts: letters, digits, dot, dash, underscore.
    plugins: [username({ minUsernameLength: 2, maxUsernameLength: 40, usernameValidator: (name) => USERNAME_PATTERN.test(name) })],
    user: {
      additionalFields: {
        // Set by supervisors through the server, never by the person signing in.
        role: { type: "string", required: true, defaultValue: "viewer", input: false },
        crewId: { type: "number", required: false, input: false },
        disabled: { type: "boolean", required: true, defaultValue: false, input: false },
      },
    },
    session: {
      expiresIn: options.sessionHours * 3600,
      updateAge: Math.min(3600, options.sessionHours * 1800),
    },
    rateLimit: {
      enabled: true,
      storage: "database",
      window: 60,
      max: 300,
      customRules: {
        "/sign-in/*": { window: 60, max: options.signInAttemptsPerMinute },
        "/change-password": { window: 60, max: options.signInAttemptsPerMinute },
      },
    },
    advanced: {
      cookiePrefix: "oms",
      useSecureCookies: secure,
      defaultCookieAttributes: { httpOnly: true, sameSite: "lax", secure },
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
    },
    hooks: {
      // People's own account actions go to the audit log like everything else they change.
      after: createAuthMiddleware(async (ctx) => {
        const returned = ctx.context.returned;
        if (returned instanceof Error) return;
        const signedIn = ctx.path.startsWith("/sign-in") ? ctx.context.newSession?.user : undefined;
        const changed = ctx.path === "/change-password" ? ctx.context.session?.user : undefined;
        const user = signedIn ?? changed;
        if (!user) return;
        const actor: Actor = { kind: "user", id: user.id, name: user.name, username: String((user as { username?: string }).username ?? user.email), role: (user as { role?: never }).role ?? "viewer", crewId: null };
        await audit(db, actor, signedIn ? "user.sign_in" : "user.change_password", user.id, { ip: ctx.request?.headers.get(CLIENT_IP_HEADER) ?? null });
      }),
    },
    databaseHooks: {
      session: {
        create: {
          // A disabled account's right password opens nothing, and is answered like a wrong one
          // (so the answer does not confirm the password to whoever is guessing).
          async before(session) {
            const [user] = await queryRows<{ disabled: boolean }>(db, sql`SELECT disabled FROM auth_users WHERE id = ${session.userId}`);
            if (!user || user.disabled) throw new APIError("UNAUTHORIZED", { message: "Invalid username or password", code: "INVALID_USERNAME_OR_PASSWORD" });
            return { data: session };
          },
        },
      },
    },
  });
}

export type Auth = Awaited<ReturnType<typeof createAuth>>;

/** A random secret made on first use and shared through the database by every app process. */
async function storedSecret(db: Db, name: string): Promise<string> {
  await db.execute(sql`INSERT INTO oms_secrets (name, value) VALUES (${name}, ${randomBytes(32).toString("base64url")}) ON CONFLICT (name) DO NOTHING`);
  const [row] = await queryRows<{ value: string }>(db, sql`SELECT value FROM oms_secrets WHERE name = ${name}`);
  return row.value;
}
