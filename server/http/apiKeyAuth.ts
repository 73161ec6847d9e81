import type { Request, RequestHandler } from "express";
import type { Db } from "../../db/client";
import type { ApiKeyScope } from "../../db/schema";
import type { Actor } from "../context";
import { authenticateApiKey } from "../auth/apiKeys";

/** The key a request presents: `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
export function presentedApiKey(req: Request): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.get("authorization") ?? "");
  return bearer?.[1] ?? (req.get("x-api-key")?.trim() || undefined);
}

const actors = new WeakMap<Request, Actor>();

/** The integration a request was authenticated as (set by `requireApiKey`). */
export function requestActor(req: Request): Actor {
  const actor = actors.get(req);
  if (!actor) throw new Error("requestActor() before requireApiKey: a route was mounted without authentication");
  return actor;
}

/**
 * Refuses a request before its body is read unless it carries a valid, unrevoked key for the
 * scope: nothing of an unauthenticated request is parsed or written.
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
