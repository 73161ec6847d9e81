import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exec, queryRows, type DbHandle } from "../db/client";
import { arrayLiteral, arrayParam, unnestRows } from "../db/arrays";
import { createTestDb, runtimeName } from "./helpers/db";

/**
 * `unnestRows` (db/arrays.ts) sends a jsonb column of JSON texts as one JSON array zipped with the
 * other columns: the rows must be the ones the per-column arrays gave, in order, whatever the texts
 * hold (quotes, backslashes, Arabic, emoji), and a column with a SQL NULL keeps the array form.
 * `arrayParam` sends its own array literal: the database must read back exactly the values given.
 */
describe(`rows rebuilt from columns on ${runtimeName}`, () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await createTestDb();
  });
  afterAll(async () => {
    await handle?.close();
  });

  const values = [
    { say: "he said \"off\"", path: "C:\\meters\\M1", n: 1 },
    { name: "شارع الملكة رانيا", icon: "⚡", list: [1, "two", null, { deep: "\\\"" }] },
    "just a string",
    null,
    [],
    42.5,
  ];

  it("gives each row its own jsonb value, in order, with the other columns beside it", async () => {
    const rows = await queryRows<{ i: number; label: string; doc: unknown }>(handle.db, sql`
      SELECT i, label, doc FROM ${unnestRows([
        ["i", "int4", values.map((_, k) => k + 1)],
        ["label", "text", values.map((_, k) => `row "${k + 1}"`)],
        ["doc", "jsonb", values.map((v) => JSON.stringify(v))]])}`);
    expect(rows).toEqual(values.map((v, k) => ({ i: k + 1, label: `row "${k + 1}"`, doc: v })));
  });

  it("keeps a SQL NULL apart from JSON null, and takes no rows from empty columns", async () => {
    const rows = await queryRows<{ i: number; isNull: boolean; doc: unknown }>(handle.db, sql`
      SELECT i, doc IS NULL AS "isNull", doc FROM ${unnestRows([
        ["i", "int4", [1, 2]],
        ["doc", "jsonb", [null, JSON.stringify(null)]]])}`);
    expect(rows).toEqual([{ i: 1, isNull: true, doc: null }, { i: 2, isNull: false, doc: null }]);
    const none = await queryRows(handle.db, sql`SELECT * FROM ${unnestRows([["i", "int4", []], ["doc", "jsonb", []]])}`);
    expect(none).toEqual([]);
  });

  it("refuses a text that is not JSON, as the cast did", async () => {
    await exec(handle.db, sql`CREATE TABLE unnest_probe (doc jsonb)`);
    await expect(exec(handle.db, sql`INSERT INTO unnest_probe SELECT doc FROM ${unnestRows([["doc", "jsonb", ["{\"ok\":1}", "{not json"]]])}`))
      .rejects.toThrow(/json/i);
    expect(await queryRows(handle.db, sql`SELECT * FROM unnest_probe`)).toEqual([]);
  });

  it("sends arrays as literals the database reads back value for value", async () => {
    const texts = ["plain", "", "NULL", "a,b", "{braces}", "he said \"off\"", "C:\\meters\\M1", "\\\"", " spaced ", "شارع ⚡", null];
    const ints = [1, -2, 0, 2147483647, null];
    const floats = [0.1 + 0.2, -1.5e-7, 1e21, 31.95, null];
    const bools = [true, false, null];
    const row = (await queryRows<{ t: unknown; i: unknown; f: unknown; b: unknown; n: number }>(handle.db, sql`
      SELECT ${arrayParam(texts, "text")} AS t, ${arrayParam(ints, "int4")} AS i, ${arrayParam(floats, "float8")} AS f,
        ${arrayParam(bools, "bool")} AS b, cardinality(${arrayParam([], "int8")}) AS n`))[0];
    expect(row).toEqual({ t: texts, i: ints, f: floats, b: bools, n: 0 });
    // Anything else is left to the driver.
    expect(arrayLiteral([new Date(0)])).toBeUndefined();
    expect(arrayLiteral([1, "x", null, true])).toBe('{1,"x",NULL,t}');
  });
});
