import { DomainError, unavailable } from "./errors";

/**
 * What lies behind an error: whether it means PostgreSQL cannot be reached (every transport
 * then answers 503, not 500 and not "signed out"), and a description of it that is safe to log.
 *
 * Errors arrive wrapped: Drizzle puts the driver's error in the `cause` of a DrizzleQueryError
 * whose message is `Failed query: <sql>\nparams: <params>`, and better-auth puts that in the
 * `cause` of its APIError. So both functions walk the cause chain.
 */

/** Node's socket errors and PostgreSQL's SQLSTATEs that mean the connection, not the query, failed. */
const LOST_CONNECTION_CODES = new Set([
  "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN",
  "57P01", // admin_shutdown: the server is stopping or restarting
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now: starting up or in recovery
  "53300", // too_many_connections
]);
/** Class 08 is "connection exception" (08000, 08003, 08006, 08001, 08004, 08P01 …). */
const CONNECTION_EXCEPTION_CLASS = /^08[0-9A-Z]{3}$/;
/** What node-postgres (and PGlite, once closed) say without a code. */
const LOST_CONNECTION_MESSAGES = [
  "Connection terminated unexpectedly",
  "Connection terminated due to connection timeout",
  "timeout exceeded when trying to connect",
  "Client has encountered a connection error and is not queryable",
  "PGlite is closed",
  "PGlite is closing",
];

type Described = { name?: unknown; message?: unknown; code?: unknown; cause?: unknown; errors?: unknown; stack?: unknown };

/** The error and its causes, outermost first (bounded: a cause chain can be cyclic). */
function chainOf(err: unknown): Described[] {
  const chain: Described[] = [];
  for (let e = err; e != null && typeof e === "object" && chain.length < 10 && !chain.includes(e as Described); e = (e as Described).cause) {
    chain.push(e as Described);
  }
  return chain;
}

/** A Drizzle query error: its message carries the SQL and the parameters, so it is never shown. */
const isQueryWrapper = (e: Described) => e.name === "DrizzleQueryError" || String(e.message ?? "").startsWith("Failed query:");

/** True when the error (or a cause of it) says the database cannot be reached right now. */
export function isDatabaseUnavailable(err: unknown): boolean {
  return chainOf(err).some((e) => {
    if (e instanceof DomainError) return e.code === "unavailable";
    const code = String(e.code ?? "");
    if (LOST_CONNECTION_CODES.has(code) || CONNECTION_EXCEPTION_CLASS.test(code)) return true;
    if (!isQueryWrapper(e) && LOST_CONNECTION_MESSAGES.some((m) => String(e.message ?? "").includes(m))) return true;
    // Node's connect to a name with several addresses fails with an AggregateError of each attempt.
    return Array.isArray(e.errors) && e.errors.some(isDatabaseUnavailable);
  });
}

/**
 * True when PostgreSQL gave the transaction up to let another one through (a deadlock, a
 * serialization failure): nothing was wrong with it, and running it again succeeds.
 */
export function isTransientConflict(err: unknown): boolean {
  return chainOf(err).some((e) => e.code === "40P01" || e.code === "40001");
}

/** Runs `work` again (up to `attempts` times in all, after a short random pause) while it fails by a transient conflict. */
export async function retryTransient<T>(work: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (attempt >= attempts || !isTransientConflict(err)) throw err;
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 80 * attempt));
    }
  }
}

const MAX_MESSAGE = 300;

function messageOf(e: Described): string {
  let message = String(e.message ?? "");
  if (!message && Array.isArray(e.errors)) message = e.errors.map((x) => String((x as Described)?.message ?? x)).join("; ");
  // A message that quotes a query error (`…: Failed query: …`) keeps only what comes before it.
  const quoted = message.indexOf("Failed query:");
  if (quoted >= 0) message = `${message.slice(0, quoted)}(query withheld)`;
  return message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message;
}

function describeOne(e: Described): string {
  const name = typeof e.name === "string" ? e.name : "Error";
  return `${name}${e.code != null ? ` ${String(e.code)}` : ""}: ${messageOf(e)}`;
}

/**
 * The `unavailable` domain error (503) for a lost database's error. Its cause is a copy of the
 * driver's error alone (name, code, message): the query error, whose parameters may be a key's
 * hash or a session token, goes no further, whoever logs it.
 */
export function unavailableFrom(err: unknown): DomainError {
  const error = unavailable();
  const driver = chainOf(err).filter((e) => !isQueryWrapper(e)).pop();
  if (driver) error.cause = Object.assign(new Error(messageOf(driver)), { name: typeof driver.name === "string" ? driver.name : "Error", code: driver.code });
  return error;
}

/**
 * One line (plus stack frames, if asked) describing an error for a log: each error of the chain
 * by its name, code and message, except Drizzle's query errors, which stand for their driver
 * error alone. Never the SQL, never its parameters (an API key's hash, a session token).
 */
export function describeError(err: unknown, options: { stack?: boolean } = {}): string {
  if (err == null || typeof err !== "object") return `thrown value: ${String(err).slice(0, MAX_MESSAGE)}`;
  const chain = chainOf(err);
  const shown = chain.filter((e) => !isQueryWrapper(e)).map(describeOne);
  if (isQueryWrapper(chain[chain.length - 1])) shown.push("a database query failed (no driver error given)");
  const line = shown.join(" ← caused by ");
  if (!options.stack || typeof chain[0]?.stack !== "string") return line;
  // Frames name files and lines only; the stack's first lines repeat the message, so they go.
  const frames = chain[0].stack.split("\n").filter((l) => /^\s+at /.test(l)).slice(0, 12);
  return [line, ...frames].join("\n");
}

/**
 * Logs that the database is unreachable, for each place (route, procedure) at most once per
 * interval with how many more it answered, so an outage during a storm does not become
 * thousands of identical lines.
 */
export function unavailableLogger(log: (line: string) => void = (line) => console.warn(line), everyMs = 10_000) {
  const seen = new Map<string, { lastAt: number; quiet: number }>();
  return (where: string, err: unknown, now = Date.now()) => {
    const place = seen.get(where) ?? { lastAt: -Infinity, quiet: 0 };
    seen.set(where, place);
    if (now - place.lastAt < everyMs) {
      place.quiet++;
      return;
    }
    const more = place.quiet ? ` (and ${place.quiet} more times since the last report)` : "";
    place.lastAt = now;
    place.quiet = 0;
    log(`database unreachable: ${where} answered 503${more}; ${describeError(err)}`);
  };
}

/** The process's one throttled reporter, shared by the transports. */
export const reportUnavailable = unavailableLogger();
