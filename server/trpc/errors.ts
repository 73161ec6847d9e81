import { TRPCError } from "@trpc/server";
import type { ResponseMeta } from "@trpc/server/http";
import { DomainError, RETRY_AFTER_SECONDS, trpcCodeOf, UNAVAILABLE_MESSAGE } from "../errors";
import { describeError, isDatabaseUnavailable, reportUnavailable } from "../errorCauses";

export const INTERNAL_MESSAGE = "Internal error";

/**
 * The tRPC transport's one error mapping: a lost database is SERVICE_UNAVAILABLE (503), a domain
 * error its matching code, anything else an INTERNAL_SERVER_ERROR that says nothing of its
 * cause (logged here, without query parameters).
 */
export function trpcErrorOf(cause: unknown, where: string): TRPCError {
  if (isDatabaseUnavailable(cause)) {
    reportUnavailable(where, cause);
    return new TRPCError({ code: "SERVICE_UNAVAILABLE", message: UNAVAILABLE_MESSAGE, cause });
  }
  if (cause instanceof DomainError) return new TRPCError({ code: trpcCodeOf[cause.code], message: cause.message, cause });
  console.error(`${where} failed: ${describeError(cause, { stack: true })}`);
  return new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: INTERNAL_MESSAGE, cause });
}

/**
 * The error's answer, for the error formatter. Procedures' errors were mapped by the errorMapping
 * middleware already; an error raised before any procedure ran (creating the context, where the
 * session is read) was not, and would otherwise go out as a 500 whose message is its cause's.
 */
export function mappedError(error: TRPCError, path: string | undefined): TRPCError {
  if (error.code !== "INTERNAL_SERVER_ERROR" || error.message === INTERNAL_MESSAGE) return error;
  return trpcErrorOf(error.cause ?? error, `tRPC ${path ?? "(request)"}`);
}

/** Retry-After on an answer that is (or holds, in a batch) a lost database's error. */
export const trpcResponseMeta = ({ errors }: { errors: TRPCError[] }): ResponseMeta =>
  errors.some((e) => e.code === "SERVICE_UNAVAILABLE" || isDatabaseUnavailable(e.cause))
    ? { headers: new Headers({ "Retry-After": String(RETRY_AFTER_SECONDS) }) }
    : {};
