import { sql, type SQL } from "drizzle-orm";

/** Timestamps come back as Date (node-postgres, PGlite) or string; answers carry ISO strings. */
export function iso(value: Date | string | null | undefined): string | null {
  return value == null ? null : new Date(value).toISOString();
}

/** A time as a timestamptz parameter, written the same way on both runtimes. */
export function at(value: Date | null | undefined): SQL {
  return value == null ? sql`NULL::timestamptz` : sql`${value.toISOString()}::timestamptz`;
}

/** Ids as an SQL list for `IN (…)`; the callers' lists are bounded by a request or an outage. */
export function intList(ids: number[]): SQL {
  return sql.join(ids.map((id) => sql`${id}::int`), sql`, `);
}
