import { defineConfig } from "@playwright/test";
import os from "node:os";
import path from "node:path";

/**
 * End-to-end tests drive the system Chromium (Debian's `chromium`; no browser download):
 * CHROMIUM_PATH overrides /usr/bin/chromium. The server runs as a user would start it
 * (`npm start`) on its own port and a fresh embedded database in a temporary folder.
 */
const port = Number(process.env.E2E_PORT ?? 3199);
// Set once in the runner process; the test workers inherit it and so find the same folder.
process.env.E2E_DATA_DIR ??= path.join(os.tmpdir(), `oms-e2e-${process.pid}`);
const dataDir = process.env.E2E_DATA_DIR;
/** Where the integration key the tests post with is written (by the admin command, as an operator would). */
export const e2eKeyFile = (scope: string) => path.join(dataDir, `e2e-${scope}.key`);

export default defineConfig({
  testDir: "./e2e",
  timeout: 90_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--enable-unsafe-swiftshader",
      ],
    },
  },
  webServer: {
    // Provision an integration key from the shell, as an operator would, then start as a user does.
    command: `npm run -s admin -- create-key --source scada --name "e2e SCADA" --output ${e2eKeyFile("scada")} && npm start`,
    url: `http://127.0.0.1:${port}/api/health`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "pipe",
    // Every test signs in from 127.0.0.1; the sign-in limit has its own test (tests/auth.test.ts).
    env: { PORT: String(port), HOST: "127.0.0.1", DATA_DIR: dataDir, DATABASE_URL: "", NEXT_TELEMETRY_DISABLED: "1", SIGNIN_ATTEMPTS_PER_MINUTE: "1000",
      // The access log's line per request would bury the test output: warnings and errors only.
      LOG_LEVEL: "warn" },
  },
});
