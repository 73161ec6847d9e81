import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts", "server/**/*.test.ts", "db/**/*.test.ts"],
    // Booting PGlite with PostGIS takes ~10 s per test file.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    maxWorkers: 2,
    // Every batch served from the pipeline's in-memory state is checked against the database.
    env: { OMS_VERIFY_STATE: "1" },
  },
});
