import { sql, type SQL } from "drizzle-orm";

export type PgArrayType = "int4" | "int8" | "float8" | "text" | "bool" | "uuid" | "timestamptz" | "jsonb";

/** One array parameter (`$1::int4[]`): a list of any length costs one parameter on both runtimes. */
export function arrayParam(values: unknown[], type: PgArrayType): SQL {
  return sql`${sql.param(arrayLiteral(values) ?? values)}::${sql.raw(type)}[]`;
}

const NEEDS_ESCAPE = /[\\"]/;
const ESCAPED = /[\\"]/g;

/**
 * The array's PostgreSQL literal (`{1,NULL,"a \"b\""}`), for values that are numbers, booleans,
 * strings or null; undefined for anything else (the driver formats those). The same text the
 * drivers build, made here because node-postgres builds it element by element with two regular
 * expressions and a conversion each, which showed in a storm's profile; both runtimes read the
 * text as the array the `::type[]` cast names.
 */
export function arrayLiteral(values: unknown[]): string | undefined {
  let out = "{";
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ",";
    const v = values[i];
    if (v === null || v === undefined) out += "NULL";
    else if (typeof v === "number" || typeof v === "bigint") out += String(v);
    else if (typeof v === "boolean") out += v ? "t" : "f";
    else if (typeof v === "string") out += `"${NEEDS_ESCAPE.test(v) ? v.replace(ESCAPED, "\\$&") : v}"`;
    else return undefined;
  }
  return `${out}}`;
}

/**
 * `SELECT … FROM unnest($1::t1[], $2::t2[], …) AS t(c1, c2, …)`: rebuilds rows from one
 * array per column, for multi-row INSERTs and UPDATE … FROM without per-row SQL.
 *
 * `opaque`: each array goes in a scalar subquery, so the planner does not see how many rows it
 * holds and joins them to a table by its index, a lookup per row. For a join on a key, of a
 * pass's hundreds or thousands of rows: seeing them, it hashed the whole table instead (every
 * meter of the network, or every inbox row of the storm), 1.5–2 times slower on 20,000 meters
 * and growing with the table. Only for joins on an indexed key.
 */
export function unnestRows(columns: ReadonlyArray<readonly [name: string, type: PgArrayType, values: unknown[]]>, opts: { opaque?: boolean } = {}): SQL {
  const names = columns.map(([name]) => name).join(", ");
  const hide = (value: SQL) => (opts.opaque ? sql`(SELECT ${value})` : value);
  if (!columns.some(isJsonText)) {
    const arrays = columns.map(([, type, values]) => hide(arrayParam(values, type)));
    return sql`unnest(${sql.join(arrays, sql`, `)}) AS t(${sql.raw(names)})`;
  }
  // A jsonb column of JSON texts goes as one JSON array, its elements zipped with the other
  // columns' (what `unnest(a, b)` is: `ROWS FROM (unnest(a), unnest(b))`). The same values,
  // without escaping every quote of every text into an array literal (the driver's cost, which
  // for the inbox's raw events showed in a storm's profile).
  const functions = columns.map((column) => (isJsonText(column)
    ? sql`jsonb_array_elements(${hide(sql`${sql.param(`[${(column[2] as string[]).join(",")}]`)}::jsonb`)})`
    : sql`unnest(${hide(arrayParam(column[2], column[1]))})`));
  return sql`ROWS FROM (${sql.join(functions, sql`, `)}) AS t(${sql.raw(names)})`;
}

/** A jsonb column whose values are all JSON texts (a SQL NULL among them keeps the array form). */
const isJsonText = ([, type, values]: readonly [string, PgArrayType, unknown[]]) => type === "jsonb" && values.every((v) => typeof v === "string");
