import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import type { Db } from "../../db/client";
import type { AppConfig } from "../config";
import { DomainError, trpcCodeOf } from "../errors";

export interface TrpcContext {
  db: Db;
  config: AppConfig;
}

const t = initTRPC.context<TrpcContext>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const zodIssues = error.cause instanceof ZodError
      ? error.cause.issues.map((i) => ({ path: i.path.join("."), message: i.message }))
      : undefined;
    return { ...shape, data: { ...shape.data, stack: undefined, issues: zodIssues } };
  },
});

/** Domain errors become the matching tRPC code; anything else is logged and hidden. */
const errorMapping = t.middleware(async ({ next, path }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof DomainError) {
      throw new TRPCError({ code: trpcCodeOf[cause.code], message: cause.message, cause });
    }
    if (result.error.code === "INTERNAL_SERVER_ERROR") {
      console.error(`tRPC ${path} failed:`, cause ?? result.error);
      throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "Internal error" });
    }
  }
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(errorMapping);
