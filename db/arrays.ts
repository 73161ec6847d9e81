import { sql, type SQL } from "drizzle-orm";

export type PgArrayType = "int4" | "int8" | "float8" | "text" | "bool" | "uuid" | "timestamptz" | "jsonb";

/** One array parameter (`$1::int4[]`): a list of any length costs one parameter on both runtimes. */
export function arrayParam(values: unknown[], type: PgArrayType): SQL {
  return sql`${sql.param(values)}::${sql.raw(type)}[]`;
}

/**
 * `SELECT … FROM unnest($1::t1[], $2::t2[], …) AS t(c1, c2, …)`: rebuilds rows from one
 * array per column, for multi-row INSERTs and UPDATE … FROM without per-row SQL.
 */
export function unnestRows(columns: ReadonlyArray<readonly [name: string, type: PgArrayType, values: unknown[]]>): SQL {
  const arrays = columns.map(([, type, values]) => arrayParam(values, type));
  const names = columns.map(([name]) => name).join(", ");
  return sql`unnest(${sql.join(arrays, sql`, `)}) AS t(${sql.raw(names)})`;
}
