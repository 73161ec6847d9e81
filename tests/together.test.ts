import net from "node:net";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exec, queryRows, together, transactionAtOnce, type Db, type DbHandle } from "../db/client";
import { createTestDb, runtimeName } from "./helpers/db";

/**
 * `together` (db/client.ts): a correlation pass sends groups of statements without waiting for
 * each answer. They must run in the order sent, on the transaction's connection, and a failure
 * must fail the group and the transaction, never leave half of it.
 */
describe(`statements sent together on ${runtimeName}`, () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await createTestDb();
    await exec(handle.db, sql`CREATE TABLE together_probe (id int PRIMARY KEY, v int NOT NULL)`);
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("run in the order they were sent, each seeing what the ones before it wrote", async () => {
    const seen = await handle.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      const sent: Array<Promise<unknown>> = [];
      for (let i = 1; i <= 40; i++) {
        sent.push(exec(tx, sql`INSERT INTO together_probe (id, v) VALUES (${i}, 1)`));
        sent.push(exec(tx, sql`UPDATE together_probe SET v = v * 10 + ${i} WHERE id = ${i}`));
        sent.push(queryRows<{ n: number; v: number }>(tx, sql`SELECT COUNT(*)::int AS n, MAX(v) FILTER (WHERE id = ${i})::int AS v FROM together_probe`));
      }
      return (await together(sent)).filter((r): r is Array<{ n: number; v: number }> => Array.isArray(r)).map((r) => r[0]);
    });
    // The i-th read sees i rows, its own row inserted and then updated.
    expect(seen).toEqual(Array.from({ length: 40 }, (_, k) => ({ n: k + 1, v: 10 + k + 1 })));
  });

  it.runIf(runtimeName === "postgres")("leave the connection in one write when sent in one turn of the event loop", async () => {
    const socket = net.Socket.prototype as unknown as Record<"_write" | "_writev", (...args: unknown[]) => unknown>;
    const original = { _write: socket._write, _writev: socket._writev };
    let writes = 0;
    for (const name of ["_write", "_writev"] as const) {
      socket[name] = function (this: unknown, ...args: unknown[]) {
        writes++;
        return original[name].apply(this, args);
      };
    }
    try {
      const answers = await handle.db.transaction(async (txRaw) => {
        const tx = txRaw as unknown as Db;
        await queryRows(tx, sql`SELECT 1`); // BEGIN and this are out and answered
        writes = 0;
        return together(Array.from({ length: 30 }, (_, i) => queryRows<{ i: number }>(tx, sql`SELECT ${i}::int AS i`)));
      });
      expect(answers.map((r) => r[0].i)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    } finally {
      Object.assign(socket, original);
    }
    // The thirty statements went out in one system call, not thirty (the COMMIT is a turn later).
    expect(writes).toBe(2);
  });

  it("throw the first failure once all have settled, and the transaction keeps none of them", async () => {
    const attempt = handle.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      await together([
        exec(tx, sql`INSERT INTO together_probe (id, v) VALUES (100, 1)`),
        exec(tx, sql`INSERT INTO together_probe (id, v) VALUES (1, 1)`), // id 1 exists: a duplicate key
        exec(tx, sql`INSERT INTO together_probe (id, v) VALUES (101, 1)`),
      ]);
    });
    // The duplicate's own error (Drizzle names the statement; the driver's error is its cause).
    const err = await attempt.then(() => null, (e: Error & { cause?: { code?: string } }) => e);
    expect(err?.message).toContain("VALUES (1, 1)");
    expect(err?.cause?.code).toBe("23505");
    const [row] = await queryRows<{ n: number }>(handle.db, sql`SELECT COUNT(*)::int AS n FROM together_probe WHERE id IN (100, 101)`);
    expect(row.n).toBe(0);
    // The connection is usable afterwards.
    const [after] = await queryRows<{ n: number }>(handle.db, sql`SELECT COUNT(*)::int AS n FROM together_probe`);
    expect(after.n).toBe(40);
  });

  it("in a transaction whose BEGIN goes out with them: nothing is seen outside before it commits, and a failure keeps nothing", async () => {
    const count = async () => (await queryRows<{ n: number }>(handle.db, sql`SELECT COUNT(*)::int AS n FROM together_probe WHERE id >= 200`))[0].n;
    const seenOutside: number[] = [];
    const kept = await transactionAtOnce(handle.db, async (tx) => {
      await together([exec(tx, sql`INSERT INTO together_probe (id, v) VALUES (200, 1)`), exec(tx, sql`INSERT INTO together_probe (id, v) VALUES (201, 1)`)]);
      // Another connection (PostgreSQL) sees none of it yet; PGlite's one session waits its turn.
      if (runtimeName === "postgres") seenOutside.push(await count());
      return (await queryRows<{ n: number }>(tx, sql`SELECT COUNT(*)::int AS n FROM together_probe WHERE id >= 200`))[0].n;
    });
    expect(kept).toBe(2);
    expect(seenOutside).toEqual(runtimeName === "postgres" ? [0] : []);
    expect(await count()).toBe(2);

    const failed = await transactionAtOnce(handle.db, async (tx) => {
      await together([
        exec(tx, sql`INSERT INTO together_probe (id, v) VALUES (202, 1)`),
        exec(tx, sql`INSERT INTO together_probe (id, v) VALUES (200, 1)`), // a duplicate key
      ]);
    }).then(() => null, (e: Error & { cause?: { code?: string } }) => e);
    expect(failed?.cause?.code).toBe("23505");
    expect(await count()).toBe(2);
    // The pool's connections are usable afterwards, in and out of such transactions.
    expect(await transactionAtOnce(handle.db, async (tx) => (await queryRows<{ n: number }>(tx, sql`SELECT 1::int AS n`))[0].n)).toBe(1);
  });
});
