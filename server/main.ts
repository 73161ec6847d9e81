import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ConfigError, loadConfig } from "./config";
import { DataFolderLockedError } from "../db/client";
import { projectRoot, startServer } from "./index";
import { describeError } from "./errorCauses";

/** `npm start` / `npm run dev`: validate the environment, build if needed, serve, stop cleanly. */
async function main() {
  const config = loadConfig();
  if (!config.dev && !fs.existsSync(path.join(projectRoot, ".next", "BUILD_ID"))) {
    console.log("No production build found: running `next build` once (about a minute)…");
    const build = spawnSync(process.execPath, [path.join(projectRoot, "node_modules", "next", "dist", "bin", "next"), "build"], {
      cwd: projectRoot,
      stdio: "inherit",
      env: { ...process.env, NODE_ENV: "production" },
    });
    if (build.status !== 0) throw new Error("next build failed; see the output above");
  }

  const server = await startServer(config);
  console.log(`OMS Control Room is ready at ${server.url}`);

  const shutdown = (signal: string) => {
    console.log(`${signal} received: finishing in-flight work and closing the database…`);
    const force = setTimeout(() => {
      console.error("Shutdown took longer than 15 s; exiting anyway");
      process.exit(1);
    }, 15_000);
    force.unref();
    server.stop().then(() => process.exit(0), (err) => {
      console.error(`Error during shutdown: ${describeError(err, { stack: true })}`);
      process.exit(1);
    });
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
}

/** Start-up failures a person can fix, said in words that name the setting. */
function explain(err: NodeJS.ErrnoException & { hostname?: string }): string | null {
  const config = (() => { try { return loadConfig(); } catch { return null; } })();
  if (err.code === "EADDRINUSE") return `PORT ${config?.port}: the port is already in use (another OMS or program listens on it). Stop it or set PORT to a free port.`;
  if (err.code === "EADDRNOTAVAIL" || (err.code === "ENOTFOUND" && err.hostname === config?.host)) return `HOST ${config?.host}: not an address of this machine. Use 0.0.0.0, 127.0.0.1 or one of its addresses.`;
  if (config?.databaseUrl && ["ECONNREFUSED", "ENOTFOUND", "ETIMEDOUT", "28P01", "3D000", "28000"].includes(String(err.code))) {
    const url = new URL(config.databaseUrl);
    return `DATABASE_URL: cannot use the database at ${url.host}${url.pathname} (${err.message}). Is PostgreSQL running, and does the database exist?`;
  }
  if (err.code === "EACCES") return `DATA_DIR or PORT: permission denied (${err.message}).`;
  return null;
}

main().catch((err) => {
  if (err instanceof ConfigError || err instanceof DataFolderLockedError) {
    console.error(err.message);
    process.exit(2);
  }
  const plain = explain(err);
  if (plain) {
    console.error(plain);
    process.exit(2);
  }
  console.error(`The server could not start: ${describeError(err, { stack: true })}`);
  process.exit(1);
});
