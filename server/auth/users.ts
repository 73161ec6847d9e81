import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows, type Db } from "../../db/client";
import type { UserRole } from "../../db/schema";
import type { Actor } from "../context";
import { conflict, DomainError, invalid, notFound } from "../errors";
import { audit } from "./audit";
import { MIN_PASSWORD_LENGTH, USERNAME_PATTERN, type Auth } from "./auth";
import { USER_ROLES } from "./permissions";

export interface UserInfo {
  id: string;
  username: string;
  name: string;
  email: string | null;
  role: UserRole;
  crew: string | null;
  disabled: boolean;
  createdAt: string;
  lastSignInAt: string | null;
}

const usernameField = z.string().trim().toLowerCase().min(2).max(40).regex(USERNAME_PATTERN, "letters, digits, dot, dash and underscore only");
const password = z.string().min(MIN_PASSWORD_LENGTH, `at least ${MIN_PASSWORD_LENGTH} characters`).max(200);
const role = z.enum(USER_ROLES as [UserRole, ...UserRole[]], { message: `must be one of ${USER_ROLES.join(", ")}` });
/** A crew by its code (CRW01); only for the crew role. */
const crewCode = z.string().trim().min(1).max(40);

export const createUserInput = z.object({
  username: usernameField,
  name: z.string().trim().min(1).max(120),
  email: z.email().max(200).optional(),
  role,
  crew: crewCode.nullish(),
  /** Omitted: a strong one is made and shown once. */
  password: password.optional(),
});

export const updateUserInput = z.object({
  id: z.string().min(1),
  name: z.string().trim().min(1).max(120).optional(),
  role: role.optional(),
  crew: crewCode.nullish(),
  disabled: z.boolean().optional(),
});

/** A password people can type from a screen: 16 characters of base64url (96 bits). */
export const generatePassword = () => randomBytes(12).toString("base64url");

/** Placeholder address for users made without one (the library needs a unique email). */
const placeholderEmail = (username: string) => `${username}@users.oms.invalid`;

async function crewIdOf(db: Db, code: string | null | undefined, role: UserRole): Promise<number | null> {
  if (role !== "crew") {
    if (code) throw invalid("Only a crew user belongs to a crew", [{ path: "crew", message: `leave empty for the ${role} role` }]);
    return null;
  }
  if (!code) throw invalid("A crew user needs a crew", [{ path: "crew", message: "name the crew, e.g. CRW01" }]);
  const [row] = await queryRows<{ id: number }>(db, sql`SELECT id FROM oms_crews WHERE crew_id = ${code}`);
  if (!row) throw invalid(`There is no crew ${code}`, [{ path: "crew", message: `no crew ${code}` }]);
  return row.id;
}

/** Creates a person who can sign in; the password (given or made) is answered once. */
export async function createUser(auth: Auth, db: Db, actor: Actor, raw: z.input<typeof createUserInput>): Promise<UserInfo & { password: string }> {
  const input = parse(createUserInput, raw);
  const crewId = await crewIdOf(db, input.crew, input.role);
  const email = (input.email ?? placeholderEmail(input.username)).toLowerCase();
  const [taken] = await queryRows<{ username: string | null; email: string }>(db, sql`
    SELECT username, email FROM auth_users WHERE username = ${input.username} OR email = ${email}`);
  if (taken) throw conflict(taken.username === input.username ? `The username ${input.username} is taken` : `The email ${email} is taken`);
  const ctx = await auth.$context;
  const plain = input.password ?? generatePassword();
  const user = await ctx.internalAdapter.createUser({
    email, name: input.name, emailVerified: true, username: input.username, displayUsername: input.username,
    role: input.role, crewId, disabled: false,
  }, { method: "admin" });
  await ctx.internalAdapter.linkAccount({ userId: user.id, providerId: "credential", accountId: user.id, password: await ctx.password.hash(plain) });
  await audit(db, actor, "user.create", user.id, { username: input.username, role: input.role, crew: input.crew ?? null });
  return { ...(await getUser(db, user.id)), password: plain };
}

/** Changes a user's name, role, crew or disabled flag; disabling ends every session at once. */
export async function updateUser(db: Db, actor: Actor, raw: z.input<typeof updateUserInput>): Promise<UserInfo> {
  const input = parse(updateUserInput, raw);
  // One change to people at a time, so two supervisors demoting each other cannot leave none.
  return db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${USERS_LOCK_KEY}::bigint)`);
    return applyUserUpdate(tx, actor, input);
  });
}

/** Advisory lock key for changes to users (7264001 migrations, 7264002 substations and seeding, 7264003 storm mode). */
const USERS_LOCK_KEY = 7264004;

async function applyUserUpdate(db: Db, actor: Actor, input: z.output<typeof updateUserInput>): Promise<UserInfo> {
  const before = await getUser(db, input.id);
  if (actor.kind === "user" && actor.id === input.id && (input.disabled || (input.role && input.role !== before.role))) {
    throw new DomainError("forbidden", "You cannot change your own role or disable yourself: ask another supervisor");
  }
  const nextRole = input.role ?? before.role;
  const crewGiven = input.crew !== undefined || input.role !== undefined;
  const crewId = crewGiven ? await crewIdOf(db, input.crew === undefined ? before.crew : input.crew, nextRole) : undefined;
  if (before.role === "supervisor" && (nextRole !== "supervisor" || input.disabled)) await keepOneSupervisor(db, input.id);
  await db.execute(sql`UPDATE auth_users SET
      name = COALESCE(${input.name ?? null}, name),
      role = ${nextRole},
      crew_id = ${crewId === undefined ? sql`crew_id` : crewId},
      disabled = COALESCE(${input.disabled ?? null}::boolean, disabled),
      updated_at = now()
    WHERE id = ${input.id}`);
  if (input.disabled) await db.execute(sql`DELETE FROM auth_sessions WHERE user_id = ${input.id}`);
  const after = await getUser(db, input.id);
  const changed = Object.fromEntries((["name", "role", "crew", "disabled"] as const)
    .filter((k) => before[k] !== after[k]).map((k) => [k, { from: before[k], to: after[k] }]));
  if (Object.keys(changed).length) await audit(db, actor, "user.update", input.id, { username: after.username, ...changed });
  return after;
}

/** Sets a new password (made here, answered once) and ends the user's sessions. */
export async function resetPassword(auth: Auth, db: Db, actor: Actor, id: string): Promise<{ user: UserInfo; password: string }> {
  const user = await getUser(db, id);
  const plain = generatePassword();
  const ctx = await auth.$context;
  await setCredential(auth, id, plain);
  await ctx.internalAdapter.deleteUserSessions(id);
  await audit(db, actor, "user.reset_password", id, { username: user.username });
  return { user, password: plain };
}

async function setCredential(auth: Auth, userId: string, plain: string) {
  const ctx = await auth.$context;
  const hash = await ctx.password.hash(plain);
  const accounts = await ctx.internalAdapter.findAccounts(userId);
  if (accounts.some((a) => a.providerId === "credential")) await ctx.internalAdapter.updatePassword(userId, hash);
  else await ctx.internalAdapter.linkAccount({ userId, providerId: "credential", accountId: userId, password: hash });
}

export async function listUsers(db: Db, id?: string): Promise<UserInfo[]> {
  const rows = await queryRows<Record<string, unknown>>(db, sql`
    SELECT u.id, u.username, u.name, u.email, u.role, c.crew_id AS crew, u.disabled, u.created_at,
      (SELECT max(s.created_at) FROM auth_sessions s WHERE s.user_id = u.id) AS last_sign_in
    FROM auth_users u LEFT JOIN oms_crews c ON c.id = u.crew_id
    ${id ? sql`WHERE u.id = ${id}` : sql``}
    ORDER BY array_position(ARRAY['supervisor', 'dispatcher', 'crew', 'viewer'], u.role), u.username`);
  const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());
  return rows.map((r) => ({
    id: String(r.id), username: String(r.username ?? r.email), name: String(r.name),
    email: String(r.email).endsWith("@users.oms.invalid") ? null : String(r.email),
    role: r.role as UserRole, crew: (r.crew as string | null) ?? null, disabled: Boolean(r.disabled),
    createdAt: iso(r.created_at)!, lastSignInAt: iso(r.last_sign_in),
  }));
}

export async function getUser(db: Db, id: string): Promise<UserInfo> {
  const [user] = await listUsers(db, id);
  if (!user) throw notFound(`User ${id}`);
  return user;
}

export async function countUsers(db: Db): Promise<number> {
  const [row] = await queryRows<{ n: number }>(db, sql`SELECT COUNT(*)::int AS n FROM auth_users`);
  return row.n;
}

/**
 * The first supervisor, from OMS_ADMIN_USERNAME / OMS_ADMIN_PASSWORD: created when no user of
 * that name exists, never changed afterwards (the password in the environment only opens the
 * door once; change it after the first sign-in).
 */
export async function ensureSupervisor(auth: Auth, db: Db, actor: Actor, username: string, plain: string): Promise<UserInfo | null> {
  const [exists] = await queryRows<{ id: string }>(db, sql`SELECT id FROM auth_users WHERE username = ${username.trim().toLowerCase()}`);
  if (exists) return null;
  const { password: _shown, ...user } = await createUser(auth, db, actor, { username, name: username, role: "supervisor", password: plain });
  return user;
}

/** Refuses to leave the control room with no enabled supervisor. */
async function keepOneSupervisor(db: Db, leaving: string) {
  const [row] = await queryRows<{ n: number }>(db, sql`
    SELECT COUNT(*)::int AS n FROM auth_users WHERE role = 'supervisor' AND NOT disabled AND id <> ${leaving}`);
  if (row.n === 0) throw conflict("This is the last enabled supervisor: make another one first");
}

function parse<T extends z.ZodType>(schema: T, raw: unknown): z.output<T> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  throw invalid("The user is not valid", result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
}
