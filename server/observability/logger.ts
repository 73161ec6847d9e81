import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { format } from "node:util";
import { pino, type Logger } from "pino";
import { pinoHttp } from "pino-http";
import pretty from "pino-pretty";
import type { Actor } from "../context";

export type { Logger };

/**
 * Secrets never reach a log line: request and response headers are not logged at all (the
 * serializers below keep method, path and status), and these paths are censored wherever an
 * object with them is logged.
 */
const REDACT = [
  "password", "*.password", "newPassword", "*.newPassword", "currentPassword", "*.currentPassword",
  "token", "*.token", "key", "*.key", "secret", "*.secret", "authorization", "*.authorization", "cookie", "*.cookie",
  "headers.authorization", "headers.cookie", 'headers["x-api-key"]', 'headers["set-cookie"]',
];

/** JSON lines on stdout at LOG_LEVEL; pino-pretty's readable lines in development. */
export function createLogger(options: { level: string; dev: boolean }, destination?: NodeJS.WritableStream): Logger {
  const opts = { level: options.level, base: { app: "oms-control-room", pid: process.pid }, redact: { paths: REDACT, censor: "[redacted]" } };
  if (destination) return pino(opts, destination);
  return options.dev ? pino(opts, pretty({ colorize: true, translateTime: "SYS:HH:MM:ss.l", ignore: "app,pid" })) : pino(opts);
}

/** A logger that writes nothing (tests that do not look at logs). */
export const silentLogger = (): Logger => pino({ level: "silent" });

/**
 * Everything the process prints through console.* (Next.js, modules that log a line) becomes a
 * JSON line of the logger too, so a log shipper reads one format.
 */
export function routeConsoleTo(logger: Logger): void {
  const at = (level: "debug" | "info" | "warn" | "error") => (...args: unknown[]) => logger[level](format(...args));
  console.log = at("info");
  console.info = at("info");
  console.debug = at("debug");
  console.warn = at("warn");
  console.error = at("error");
}

const REQUEST_ID = /^[A-Za-z0-9._:@-]{1,128}$/;
const SENSITIVE_QUERY = /token|key|secret|pass|code|session|signature/i;

/** The path and query of a request, with the values of query parameters that could carry a secret censored. */
export function loggedUrl(url: string | undefined): string {
  if (!url) return "";
  const q = url.indexOf("?");
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  for (const name of [...params.keys()]) if (SENSITIVE_QUERY.test(name)) params.set(name, "[redacted]");
  return `${url.slice(0, q)}?${params.toString()}`;
}

/** Who made a request, for the access log: kind and id, never a key or a session token. */
export const actorLabel = (a: Actor) => (a.kind === "user" ? { kind: a.kind, id: a.id, username: a.username, role: a.role } : a.kind === "integration" ? { kind: a.kind, id: a.id, scope: a.source } : { kind: a.kind, id: a.id });

const QUIET = new Set(["/healthz", "/readyz", "/api/health", "/metrics"]);

/**
 * The access log and the request id: `X-Request-Id` from the caller (or the proxy) when it is
 * a plain token, otherwise a new UUID; answered in `X-Request-Id` and on every line logged
 * through `req.log`. One line per request when it finishes, with status, time and actor.
 */
export function accessLog(logger: Logger, actorOf: (req: IncomingMessage) => Actor | undefined) {
  return pinoHttp({
    logger,
    genReqId(req: IncomingMessage, res: ServerResponse) {
      const given = req.headers["x-request-id"];
      const id = typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader("X-Request-Id", id);
      return id;
    },
    customProps(req: IncomingMessage) {
      const actor = actorOf(req);
      return actor ? { actor: actorLabel(actor) } : {};
    },
    serializers: {
      req: (req: { id?: unknown; method?: string; url?: string; raw?: IncomingMessage; remoteAddress?: string }) => ({
        id: req.id, method: req.method, url: loggedUrl((req.raw as { originalUrl?: string } | undefined)?.originalUrl ?? req.url), remoteAddress: req.remoteAddress,
      }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel(req, res, err) {
      const path = (req.url ?? "").split("?")[0]!;
      // A probe's 503 is expected through a drain and says no more than the cause logged elsewhere.
      if (QUIET.has(path) && !err) return res.statusCode >= 400 ? "warn" : "debug";
      if (err || res.statusCode >= 500) return "error";
      if (res.statusCode >= 400) return "warn";
      // The pages' static files: kept out of the info log like probes and scrapes.
      return path.startsWith("/_next/static/") ? "debug" : "info";
    },
    customSuccessMessage: (req, res, ms) => `${req.method} ${loggedUrl((req as { originalUrl?: string }).originalUrl ?? req.url)} ${res.statusCode} ${ms} ms`,
    customErrorMessage: (req, res) => `${req.method} ${loggedUrl((req as { originalUrl?: string }).originalUrl ?? req.url)} ${res.statusCode}`,
  });
}
