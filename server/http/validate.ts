import type { z } from "zod";
import { invalid } from "../errors";

/** Validates a request part; a failure is a 400 naming each bad field (`restoration_data.restoration_time`). */
export function parseRequest<S extends z.ZodType>(schema: S, value: unknown, what = "request body"): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({
    path: i.path.length ? i.path.map(String).join(".") : "(body)",
    // zod says "Invalid input: expected string, received undefined"; a person wants "is required".
    message: i.code === "invalid_type" && (i as { input?: unknown }).input === undefined ? "is required" : i.message,
  }));
  throw invalid(`The ${what} is not valid: ${issues.map((i) => `${i.path} ${i.message}`).join("; ")}`, issues);
}
