import type { Request, RequestHandler } from "express";
import type { Db } from "../../db/client";
import type { ApiKeyScope } from "../../db/schema";
import type { Actor } from "../context";
import { authenticateApiKey } from "../auth/apiKeys";
import type { Auth } from "../auth/auth";
import { allows, refusal, type Access } from "../auth/permissions";
import { sessionActor } from "../auth/session";
import { DomainError } from "../errors";
import { sameOrigin } from "./origin";

/** The key a request presents: `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
export function presentedApiKey(req: Request): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.get("authorization") ?? "");
  return bearer?.[1] ?? (req.get("x-api-key")?.trim() || undefined);
}

const actors = new WeakMap<Request, Actor>();

/** Who a request was authenticated as, if it was (the access log names the actor). */
export const knownActor = (req: object): Actor | undefined => actors.get(req as Request);

/** Records who a request is (tRPC authenticates in its own context builder). */
export const rememberActor = (req: object, actor: Actor | null | undefined) => void (actor && actors.set(req as Request, actor));

/** Who a request was authenticated as (set by `requireApiKey` or `authorize`). */
export function requestActor(req: Request): Actor {
  const actor = actors.get(req);
  if (!actor) throw new Error("requestActor() before authentication: a route was mounted without authorize()");
  return actor;
}

/**
 * Ingestion: refuses a request before its body is read unless it carries a valid, unrevoked
 * key for the scope, so nothing of an unauthenticated request is parsed or written.
 */
export function requireApiKey(db: Db, scopeOf: (req: Request) => ApiKeyScope): RequestHandler {
  return async (req, _res, next) => {
    try {
      actors.set(req, await authenticateApiKey(db, presentedApiKey(req), scopeOf(req)));
      next();
    } catch (err) {
      next(err);
    }
  };
}

export interface AuthorizeDeps {
  db: Db;
  auth: Auth;
}

/**
 * The REST transport's one permission check (the table is server/auth/permissions.ts): the
 * caller is an `oms_api` key when one is presented, otherwise the signed-in person of the
 * session cookie. Runs before the body is read.
 */
export function authorize(deps: AuthorizeDeps, access: Access): RequestHandler {
  return async (req, _res, next) => {
    try {
      const key = presentedApiKey(req);
      const actor = key ? await authenticateApiKey(deps.db, key, "oms_api") : await sessionActor(deps.auth, req.headers);
      if (!allows(access, actor)) {
        const { status, message } = refusal(access, actor);
        throw new DomainError(status === 401 ? "unauthorized" : "forbidden", message);
      }
      // A cookie travels with requests other sites make: a change must come from this site.
      if (!key && req.method !== "GET" && req.method !== "HEAD" && !sameOrigin(req.headers)) {
        throw new DomainError("forbidden", "Cross-site request refused");
      }
      if (actor) actors.set(req, actor);
      next();
    } catch (err) {
      next(err);
    }
  };
}
