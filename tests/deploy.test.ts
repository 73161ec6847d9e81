import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { sql } from "drizzle-orm";
import { createDb, migrationsFolder, queryRows } from "../db/client";
import { assertProductionBuild, NoBuildError } from "../server/build";
import { runtimeName } from "./helpers/db";

const newest = (JSON.parse(fs.readFileSync(path.join(migrationsFolder, "meta", "_journal.json"), "utf8")) as { entries: Array<{ tag: string; when: number }> }).entries.at(-1)!;

/** `npm run migrate`, as a deploy pipeline runs it: its exit code and output. */
function migrate(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(process.cwd(), "scripts", "migrate.ts")], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, out })));
}

describe(`deployment steps on ${runtimeName}`, () => {
  it("npm run migrate applies every migration to an empty database and exits; a second run changes nothing", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "oms-migrate-"));
    let env: Record<string, string>;
    let drop = async () => {};
    if (process.env.DATABASE_URL) {
      const name = `oms_migrate_${Date.now()}`;
      const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = new URL(process.env.DATABASE_URL);
      url.pathname = `/${name}`;
      env = { DATABASE_URL: url.toString() };
      drop = async () => {
        const again = new pg.Client({ connectionString: process.env.DATABASE_URL });
        await again.connect();
        await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await again.end();
      };
    } else {
      env = { DATABASE_URL: "", DATA_DIR: dataDir };
    }
    try {
      const first = await migrate(env);
      expect(first.out).toContain(`the newest applied is ${newest.tag}`);
      expect(first.code).toBe(0);
      const second = await migrate(env);
      expect(second.code).toBe(0);

      const database = await createDb({ databaseUrl: env.DATABASE_URL || undefined, dataDir });
      try {
        const [row] = await queryRows<{ newest: string; n: number }>(database.db, sql`SELECT max(created_at) AS newest, count(*)::int AS n FROM drizzle.__drizzle_migrations`);
        expect(Number(row!.newest)).toBe(newest.when);
        const [tables] = await queryRows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name IN ('ingest_inbox', 'oms_outage_events', 'oms_change_log')`);
        expect(tables!.n).toBe(3);
      } finally {
        await database.close();
      }
    } finally {
      await drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it("npm run migrate refuses a bad setting, naming the variable", async () => {
    const { code, out } = await migrate({ DB_POOL_SIZE: "lots" });
    expect(code).toBe(2);
    expect(out).toMatch(/DB_POOL_SIZE: /);
  });

  it("a production start needs a build made before (npm run build); it never builds", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "oms-build-"));
    try {
      expect(() => assertProductionBuild(root)).toThrow(NoBuildError);
      expect(() => assertProductionBuild(root)).toThrow(/run `npm run build` once/);
      fs.mkdirSync(path.join(root, ".next"));
      fs.writeFileSync(path.join(root, ".next", "BUILD_ID"), "test-build");
      expect(() => assertProductionBuild(root)).not.toThrow();
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
