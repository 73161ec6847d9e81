import express, { Router, type Request, type Response } from "express";
import type { z } from "zod";
import type { Access } from "../auth/permissions";
import { authorize, type AuthorizeDeps } from "./authorize";
import { inspectRequest } from "./validate";

/** One REST route and the permission it needs: every authorized route is declared this way. */
export interface RestRoute {
  method: "get" | "post";
  /** Relative to where the table is mounted, e.g. `/storm-mode/activate`. */
  path: string;
  access: Access;
  /** One line for the API description (GET /api/openapi.json). */
  summary?: string;
  /** The schema the handler validates its body or query with: the OpenAPI document shows it. */
  body?: z.ZodType;
  query?: z.ZodType;
  /** The shape of a success's body, when one is declared (the description says "an object" otherwise). */
  answer?: z.ZodType;
  /** The status of a success (default 200). */
  ok?: number;
  handle(req: Request, res: Response): Promise<void>;
}

/**
 * A router for a table: the permission check first, then the JSON body (at most `maxBodyBytes`;
 * bodyLimit in front refuses a larger one before it is read), its inspection, then the handler.
 */
export function routerFor(routes: RestRoute[], deps: AuthorizeDeps, maxBodyBytes: number): Router {
  const router = Router();
  const json = express.json({ limit: maxBodyBytes });
  for (const r of routes) router[r.method](r.path, authorize(deps, r.access), json, inspectRequest, r.handle);
  return router;
}
