import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createDb, DataFolderLockedError, queryRows, sql, type DbHandle } from "../db/client";

const run = promisify(execFile);

// The embedded database folder may be opened by one process only (PGlite does not lock it).
describe("embedded database folder lock", () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "oms-lock-"));
  let first: DbHandle;

  beforeAll(async () => {
    first = await createDb({ dataDir });
  });
  afterAll(async () => {
    await first?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("refuses a second opener in the same process with a message naming the folder", async () => {
    const attempt = createDb({ dataDir });
    await expect(attempt).rejects.toBeInstanceOf(DataFolderLockedError);
    await expect(attempt).rejects.toThrow(path.join(dataDir, "pglite"));
  });

  it("refuses another process, which exits with the clear message and no stack trace", async () => {
    const script = path.join(process.cwd(), "scripts", "seed.ts");
    const result = await run(process.execPath, ["--import", "tsx", script, "--meters", "100"], {
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "" },
    }).then(() => ({ code: 0, stderr: "" }), (err: { code: number; stderr: string }) => err);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/is in use by another process/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("keeps the first holder working, and frees the folder when it closes", async () => {
    const [row] = await queryRows<{ n: number }>(first.db, sql`SELECT COUNT(*)::int AS n FROM oms_correlation_rules`);
    expect(row.n).toBe(3);
    await first.close();
    const again = await createDb({ dataDir });
    const [same] = await queryRows<{ n: number }>(again.db, sql`SELECT COUNT(*)::int AS n FROM oms_correlation_rules`);
    expect(same.n).toBe(3);
    first = again;
  });
});
