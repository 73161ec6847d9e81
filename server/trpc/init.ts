import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import type { Db } from "../../db/client";
import type { AppConfig } from "../config";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { DomainError } from "../errors";
import { mappedError, trpcErrorOf } from "./errors";
import type { Actor, ServiceContext } from "../context";
import type { Auth } from "../auth/auth";
import { allows, refusal, type Access } from "../auth/permissions";
import type { Publisher } from "../realtime/publisher";
import { formatPath, inspectJson } from "../inspect";

export interface TrpcContext {
  db: Db;
  config: AppConfig;
  auth: Auth;
  publisher: Publisher;
  /** The signed-in person of the request's session cookie, or null. */
  actor: Actor | null;
  /** False when the request came from another site's page. */
  sameOrigin: boolean;
  /** Ends a person's live connections now (after disabling, demoting or resetting them). */
  disconnectUser(userId: string): void;
}

export interface TrpcMeta {
  /** What the procedure needs (server/auth/permissions.ts); a procedure without it is refused. */
  access?: Access;
}

const t = initTRPC.context<TrpcContext>().meta<TrpcMeta>().create({
  transformer: superjson,
  errorFormatter({ shape, error, path }) {
    const zodIssues = error.cause instanceof ZodError
      ? error.cause.issues.map((i) => ({ path: i.path.join("."), message: i.message }))
      : undefined;
    // An error before any procedure ran (the session read in createContext) skipped errorMapping.
    const mapped = mappedError(error, path);
    return {
      ...shape, message: mapped.message,
      data: { ...shape.data, code: mapped.code, httpStatus: getHTTPStatusCodeFromError(mapped), stack: undefined, issues: zodIssues },
    };
  },
});

/**
 * Domain errors become the matching tRPC code, a lost database SERVICE_UNAVAILABLE; anything
 * else is logged (without query parameters) and hidden (server/trpc/errors.ts).
 */
const errorMapping = t.middleware(async ({ next, path }) => {
  const result = await next();
  if (!result.ok && (result.error.cause instanceof DomainError || result.error.code === "INTERNAL_SERVER_ERROR")) {
    throw trpcErrorOf(result.error.cause ?? result.error, `tRPC ${path}`);
  }
  return result;
});

/**
 * The tRPC transport's one permission check: every procedure declares its access in meta, and
 * one without is refused (deny by default). Changes must come from this site's own pages.
 */
const authorize = t.middleware(async ({ ctx, meta, type, next }) => {
  const access = meta?.access;
  if (!access) throw new TRPCError({ code: "FORBIDDEN", message: "This procedure declares no permission" });
  if (!allows(access, ctx.actor)) {
    const { status, message } = refusal(access, ctx.actor);
    throw new TRPCError({ code: status === 401 ? "UNAUTHORIZED" : "FORBIDDEN", message });
  }
  if (type === "mutation" && !ctx.sameOrigin) throw new TRPCError({ code: "FORBIDDEN", message: "Cross-site request refused" });
  return next({ ctx: { ...ctx, actor: ctx.actor } });
});

/**
 * Inputs are inspected before their schema (server/inspect.ts): a NUL, a lone surrogate, an
 * overlong string or nesting past 32 levels is a BAD_REQUEST naming each path, never something
 * the database or a serialiser fails on later.
 */
const inspectInput = t.middleware(async ({ getRawInput, next }) => {
  const issues = inspectJson(await getRawInput());
  if (issues.length === 0) return next();
  const named = issues.map((i) => `${formatPath("input", i.path)} ${i.message}`).join("; ");
  throw new TRPCError({ code: "BAD_REQUEST", message: `The input is not valid: ${named}` });
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** A procedure that needs `access` (a permission of the table, or "public"). */
export const procedure = (access: Access) => t.procedure.meta({ access }).use(errorMapping).use(authorize).use(inspectInput);

/** For procedures that only a signed-in actor reaches: the actor, or a clear internal error. */
export function actorOf(ctx: { actor: Actor | null }): Actor {
  if (!ctx.actor) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first" });
  return ctx.actor;
}

/** The one place a tRPC call becomes a ServiceContext: the actor is who signed in. */
export function serviceContext(ctx: TrpcContext): ServiceContext {
  return { db: ctx.db, publisher: ctx.publisher, now: () => new Date(), timeZone: ctx.config.timeZone, actor: actorOf(ctx) };
}
