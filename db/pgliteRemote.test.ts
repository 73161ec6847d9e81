import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bigint, integer, numeric, pgTable, serial, text, timestamp } from "drizzle-orm/pg-core";
import { isDatabaseUnavailable } from "../server/errorCauses";
import { createDb, queryRows, sql, type DbHandle } from "./client";
import { PgliteRemote } from "./pgliteRemote";

// The embedded database runs in a worker thread (db/pgliteRemote.ts, db/pgliteWorker.ts); these
// run real PGlite with PostGIS. One database for most of the file: booting it costs ~10 s.

const probe = pgTable("remote_probe", {
  id: serial("id").primaryKey(),
  who: text("who").notNull().unique(),
  at: timestamp("at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  amount: numeric("amount"),
  big: bigint("big", { mode: "number" }),
  n: integer("n"),
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("PGlite in its worker thread", () => {
  let handle: DbHandle;
  const whos = async () => (await queryRows<{ who: string }>(handle.db, sql`SELECT who FROM remote_probe ORDER BY id`)).map((r) => r.who);

  beforeAll(async () => {
    handle = await createDb({ dataDir: "memory://" });
    await handle.db.execute(sql`CREATE TABLE remote_probe (id serial PRIMARY KEY, who text NOT NULL UNIQUE,
      at timestamptz NOT NULL DEFAULT now(), amount numeric, big bigint, n integer)`);
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("keeps this thread's timers on time while a query runs", async () => {
    const started = performance.now();
    let firedAt = Infinity;
    setTimeout(() => { firedAt = performance.now(); }, 10);
    await queryRows(handle.db, sql`SELECT pg_sleep(1)`);
    const endedAt = performance.now();
    // In this thread the timer could only fire after the second PGlite spends in the query.
    expect(endedAt - started).toBeGreaterThanOrEqual(990);
    expect(firedAt).toBeLessThan(endedAt);
    expect(firedAt - started).toBeLessThan(500);
  });

  it("gives drizzle the values it got from PGlite in-thread: Dates, numbers, numeric as text, JSON, geometry", async () => {
    const at = new Date("2026-11-30T12:34:56.789Z");
    await handle.db.insert(probe).values({ who: "types", at, amount: "12.50", big: 9_007_199_254_740_991, n: 7 });
    const [row] = await handle.db.select().from(probe).where(sql`${probe.who} = 'types'`);
    expect(row).toMatchObject({ who: "types", amount: "12.50", big: 9_007_199_254_740_991, n: 7 });
    expect(row.at).toBeInstanceOf(Date);
    expect(row.at.toISOString()).toBe(at.toISOString());
    // Raw SQL: timestamps as PostgreSQL's text (drizzle keeps them so), JSON parsed, PostGIS there.
    const [raw] = await queryRows<{ at: unknown; j: unknown; p: unknown }>(handle.db,
      sql`SELECT at, '{"a":[1,2]}'::jsonb AS j, ST_AsText(ST_SetSRID(ST_MakePoint(2.35, 48.85), 4326)) AS p FROM remote_probe WHERE who = 'types'`);
    expect(raw).toEqual({ at: "2026-11-30 12:34:56.789+00", j: { a: [1, 2] }, p: "POINT(2.35 48.85)" });
  });

  it("rolls a transaction back when its callback throws, and rethrows that error", async () => {
    const boom = new Error("boom");
    await expect(handle.db.transaction(async (tx) => {
      await tx.insert(probe).values({ who: "rolled-back" });
      throw boom;
    })).rejects.toBe(boom);
    expect(await whos()).not.toContain("rolled-back");
  });

  it("keeps PostgreSQL's error fields, and rolls back the statements before the failing one", async () => {
    await handle.db.insert(probe).values({ who: "taken" });
    const failed = await handle.db.transaction(async (tx) => {
      await tx.insert(probe).values({ who: "before-the-failure" });
      await tx.insert(probe).values({ who: "taken" });
    }).catch((err: unknown) => err as Error & { cause?: Record<string, unknown> });
    expect(failed).toBeInstanceOf(Error);
    expect(failed?.cause).toMatchObject({ code: "23505", constraint: "remote_probe_who_key", table: "remote_probe", detail: "Key (who)=(taken) already exists." });
    expect(String(failed?.cause?.message)).toMatch(/duplicate key value violates unique constraint/);
    expect(await whos()).not.toContain("before-the-failure");
    // The session is usable again, in and out of transactions.
    await handle.db.transaction(async (tx) => tx.insert(probe).values({ who: "after-the-failure" }));
    expect(await whos()).toContain("after-the-failure");
  });

  it("rolls back only a nested transaction's savepoint", async () => {
    await handle.db.transaction(async (tx) => {
      await tx.insert(probe).values({ who: "outer" });
      await tx.transaction(async (inner) => {
        await inner.insert(probe).values({ who: "inner" });
        throw new Error("inner fails");
      }).catch(() => {});
    });
    const names = await whos();
    expect(names).toContain("outer");
    expect(names).not.toContain("inner");
  });

  it("runs concurrent transactions one after the other, and a query waits for the open one", async () => {
    const writer = (name: string) => handle.db.transaction(async (tx) => {
      for (let i = 0; i < 3; i++) {
        await tx.insert(probe).values({ who: `${name}${i}` });
        await sleep(30); // this thread yields: the others' work could interleave here if allowed
      }
    });
    const outside = sleep(10).then(() => queryRows<{ n: number }>(handle.db, sql`SELECT count(*)::int AS n FROM remote_probe WHERE who ~ '^[abc][0-9]$'`));
    await Promise.all([writer("a"), writer("b"), writer("c"), outside]);
    const order = (await whos()).filter((w) => /^[abc][0-9]$/.test(w));
    expect(order).toEqual(["a0", "a1", "a2", "b0", "b1", "b2", "c0", "c1", "c2"]);
    // Issued while `a` was open: it ran after `a` committed, never seeing its work half done.
    expect((await outside)[0].n % 3).toBe(0);
  });

  it("feeds COPY from a blob through the worker", async () => {
    const client = (handle.db as unknown as { $client: PgliteRemote }).$client;
    await client.query(`COPY remote_probe (who, n) FROM '/dev/blob' WITH (FORMAT csv)`, [], { blob: new Blob(["copy1,1\ncopy2,2\n"]) });
    expect(await whos()).toEqual(expect.arrayContaining(["copy1", "copy2"]));
  });

  it("fails calls after close with PGlite's own message, and ends the thread", async () => {
    const own = await PgliteRemote.open("memory://");
    await own.query("CREATE TABLE t (x int)");
    await own.close();
    await expect(own.query("SELECT 1")).rejects.toThrow("PGlite is closed");
    expect(own.worker.threadId).toBe(-1);
  });
});

describe("PGlite's worker thread dying", () => {
  let remote: PgliteRemote;
  beforeAll(async () => {
    remote = await PgliteRemote.open("memory://");
  });
  afterAll(async () => {
    await remote?.close();
  });

  it("rejects the calls in flight and every later one with a clear error, as the database being unavailable", async () => {
    const inFlight = remote.query("SELECT pg_sleep(5)");
    const waiting = remote.transaction(async (tx) => tx.query("SELECT 1"));
    await sleep(100);
    const started = performance.now();
    await remote.worker.terminate();
    const err = await inFlight.then(() => new Error("the query was answered"), (e: unknown) => e as Error);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toMatch(/worker thread ended unexpectedly/);
    expect(isDatabaseUnavailable(err)).toBe(true);
    await expect(waiting).rejects.toThrow(/worker thread ended unexpectedly/);
    await expect(remote.query("SELECT 1")).rejects.toThrow(/worker thread ended unexpectedly/);
  });
});
