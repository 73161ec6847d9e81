import type { ErrorRequestHandler, RequestHandler, Response } from "express";
import { DomainError, httpStatusOf, RETRY_AFTER_SECONDS, UNAVAILABLE_MESSAGE } from "../errors";
import { describeError, isDatabaseUnavailable, reportUnavailable } from "../errorCauses";

/** The 503 of every REST and ingestion route while PostgreSQL cannot be reached. */
export function sendUnavailable(res: Response): void {
  res.status(503).set("Retry-After", String(RETRY_AFTER_SECONDS)).json({ error: "unavailable", message: UNAVAILABLE_MESSAGE });
}

/**
 * Maps errors to JSON answers: a lost database as 503 with Retry-After, domain errors with their
 * status and field issues, body-parser failures (malformed JSON, too large) as 4xx naming the
 * problem, anything else as a bare 500. Logs carry describeError's text, never a query's
 * parameters, and answers carry no cause at all.
 */
export const jsonErrorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  if (isDatabaseUnavailable(err)) {
    reportUnavailable(`${req.method} ${req.baseUrl}${req.path}`, err);
    sendUnavailable(res);
    return;
  }
  if (err instanceof DomainError) {
    res.status(httpStatusOf[err.code]).json({ error: err.code, message: err.message, issues: err.issues });
    return;
  }
  const status = typeof err?.status === "number" ? err.status : typeof err?.statusCode === "number" ? err.statusCode : 500;
  if (status >= 400 && status < 500) {
    const message = err.type === "entity.parse.failed"
      ? "The request body is not valid JSON"
      : err.type === "entity.too.large"
        ? "The request body is too large"
        : String(err.message ?? "Bad request");
    const error = status === 413 ? "too_large" : status === 415 ? "unsupported" : status === 401 ? "unauthorized" : status === 403 ? "forbidden" : status === 404 ? "not_found" : "invalid";
    res.status(status).json({ error, message, issues: [{ path: "(body)", message }] });
    return;
  }
  // req.log (the access log's, server/observability/logger.ts) carries the request id.
  const log = (req as { log?: { error(msg: string): void } }).log;
  const line = `${req.method} ${req.baseUrl}${req.path} failed: ${describeError(err, { stack: true })}`;
  if (log) log.error(line);
  else console.error(line);
  res.status(500).json({ error: "internal", message: "Internal error" });
};

export const apiNotFound: RequestHandler = (req, res) => {
  res.status(404).json({ error: "not_found", message: `No API route ${req.method} ${req.path}` });
};
