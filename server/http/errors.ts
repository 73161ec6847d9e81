import type { ErrorRequestHandler, RequestHandler } from "express";
import { DomainError, httpStatusOf } from "../errors";

/**
 * Maps errors to JSON answers: domain errors with their status and field issues, body-parser
 * failures (malformed JSON, too large) as 4xx naming the problem, anything else as a bare 500.
 */
export const jsonErrorHandler: ErrorRequestHandler = (err, req, res, _next) => {
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
    res.status(status).json({ error: "invalid", message, issues: [{ path: "(body)", message }] });
    return;
  }
  console.error(`${req.method} ${req.originalUrl} failed:`, err);
  res.status(500).json({ error: "internal", message: "Internal error" });
};

export const apiNotFound: RequestHandler = (req, res) => {
  res.status(404).json({ error: "not_found", message: `No API route ${req.method} ${req.path}` });
};
