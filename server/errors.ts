/**
 * The one error vocabulary of the domain. Services throw these; each transport maps them once
 * (tRPC codes in trpc/init.ts, HTTP statuses in http/errors.ts). Anything else is a bug and
 * becomes a generic 500 with the cause logged, never shown to the client.
 */
export type DomainErrorCode = "not_found" | "conflict" | "forbidden" | "unauthorized" | "invalid" | "unsupported" | "unavailable";

export interface FieldIssue {
  /** Path of the bad field, e.g. `payload.assets.mrid` or `[3].timestamp`. */
  path: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    public readonly code: DomainErrorCode,
    message: string,
    public readonly issues: FieldIssue[] = [],
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export const notFound = (what: string) => new DomainError("not_found", `${what} was not found`);
export const conflict = (message: string) => new DomainError("conflict", message);
export const invalid = (message: string, issues: FieldIssue[] = []) => new DomainError("invalid", message, issues);
export const forbidden = (message = "You are not allowed to do this") => new DomainError("forbidden", message);

/** What every transport says while PostgreSQL cannot be reached (errorCauses.ts tells when). */
export const UNAVAILABLE_MESSAGE = "The database is unreachable; try again shortly";
/** The Retry-After of a 503: about how long a PostgreSQL restart or failover takes to answer again. */
export const RETRY_AFTER_SECONDS = 5;
export const unavailable = () => new DomainError("unavailable", UNAVAILABLE_MESSAGE);

export const httpStatusOf: Record<DomainErrorCode, number> = {
  not_found: 404,
  conflict: 409,
  forbidden: 403,
  unauthorized: 401,
  invalid: 400,
  unsupported: 415,
  unavailable: 503,
};

export const trpcCodeOf = {
  not_found: "NOT_FOUND",
  conflict: "CONFLICT",
  forbidden: "FORBIDDEN",
  unauthorized: "UNAUTHORIZED",
  invalid: "BAD_REQUEST",
  unsupported: "UNSUPPORTED_MEDIA_TYPE",
  unavailable: "SERVICE_UNAVAILABLE",
} as const satisfies Record<DomainErrorCode, string>;
