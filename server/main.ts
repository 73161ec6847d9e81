import { assertProductionBuild, NoBuildError } from "./build";
import { ConfigError, loadConfig } from "./config";
import { DataFolderLockedError } from "../db/client";
import { projectRoot, startServer } from "./index";
import { describeError } from "./errorCauses";
import { createLogger, routeConsoleTo } from "./observability/logger";
import { stopOnSignals } from "./shutdown";
import { APP_VERSION } from "./version";

/** `npm start` / `npm run dev`: validate the environment, check the build, serve, stop cleanly. */
async function main() {
  const config = loadConfig();
  // From here every line the process prints is a JSON line (pretty in development).
  const logger = createLogger({ level: config.logLevel, dev: config.dev });
  routeConsoleTo(logger);
  if (!config.dev) assertProductionBuild(projectRoot);

  const server = await startServer(config, { logger });
  logger.info(`OMS Control Room ${APP_VERSION} is ready at ${server.url}`);
  stopOnSignals(server, config.shutdownDrainMs, logger);
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
  if (err instanceof ConfigError || err instanceof DataFolderLockedError || err instanceof NoBuildError) {
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
