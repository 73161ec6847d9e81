import type { RequestHandler } from "express";
import type { z } from "zod";
import { invalid } from "../errors";
import { formatPath, inspectJson } from "../inspect";

/** Validates a request part; a failure is a 400 naming each bad field (`restoration_data.restoration_time`). */
export function parseRequest<S extends z.ZodType>(schema: S, value: unknown, what = "request body"): z.output<S> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({
    path: i.path.length ? i.path.map(String).join(".") : "(body)",
    // zod says "Invalid input: expected string, received undefined"; a person wants "is required".
    message: i.code === "invalid_type" && (i as { input?: unknown }).input === undefined ? "is required" : i.message,
  }));
  throw invalid(`The ${what} is not valid: ${issues.map((i) => `${i.path} ${i.message}`).join("; ")}`, issues);
}

/**
 * Refuses, before any schema or handler, a request whose body, query or path parameters hold
 * what nothing downstream can take (server/inspect.ts: NUL, lone surrogates, overlong strings,
 * deep nesting): a 400 naming each path, e.g. `restoration_data.notes` or `query.outage_event_id`.
 */
export const inspectRequest: RequestHandler = (req, _res, next) => {
  const issues = [
    ...inspectJson(req.body).map((i) => ({ path: formatPath("", i.path), message: i.message })),
    ...inspectJson(req.query).map((i) => ({ path: formatPath("query", i.path), message: i.message })),
    ...inspectJson(req.params).map((i) => ({ path: formatPath("params", i.path), message: i.message })),
  ];
  if (issues.length === 0) return next();
  next(invalid(`The request is not valid: ${issues.map((i) => `${i.path} ${i.message}`).join("; ")}`, issues));
};
