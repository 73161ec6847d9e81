import type { RunningServer } from "./index";
import { describeError } from "./errorCauses";

/** Past the drain, in-flight work has this long to finish before the process exits anyway. */
export const STOP_TIMEOUT_MS = 15_000;

/**
 * SIGTERM / SIGINT: /readyz answers 503 at once and requests are still served for the drain
 * (a load balancer's probes take the node out), then the server stops accepting, finishes
 * in-flight work and closes the database, and the process exits 0.
 */
export function stopOnSignals(server: RunningServer, drainMs: number, log: { info(m: string): void; error(m: string): void }): void {
  const shutdown = (signal: string) => {
    log.info(`${signal} received: not ready from now on; draining for ${drainMs / 1000} s, then finishing in-flight work and closing the database…`);
    const force = setTimeout(() => {
      log.error(`Shutdown took longer than ${(drainMs + STOP_TIMEOUT_MS) / 1000} s; exiting anyway`);
      process.exit(1);
    }, drainMs + STOP_TIMEOUT_MS);
    force.unref();
    server.drain(drainMs).then(() => server.stop()).then(() => {
      log.info("Stopped");
      process.exit(0);
    }, (err) => {
      log.error(`Error during shutdown: ${describeError(err, { stack: true })}`);
      process.exit(1);
    });
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
}
