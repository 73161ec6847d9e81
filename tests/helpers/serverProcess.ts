import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export interface ServerProcess { child: ChildProcess; url: string; log: string[] }

/**
 * Starts the API server (tests/fixtures/apiServer.ts) in its own process, configured by `env`
 * on top of this one's; resolves once it listens. For tests that run several processes on one
 * database and kill some of them.
 */
export function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(process.cwd(), "tests", "fixtures", "apiServer.ts")], {
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", SEED_ON_EMPTY: "false", NODE_ENV: "production", SHUTDOWN_DRAIN_SECONDS: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${log.join("")}`)), 60_000);
    child.stderr!.on("data", (d) => log.push(String(d)));
    child.stdout!.on("data", (d) => {
      log.push(String(d));
      const ready = /READY (\S+)/.exec(String(d));
      if (ready) { clearTimeout(timer); resolve({ child, url: ready[1], log }); }
    });
    child.once("exit", (code) => { clearTimeout(timer); reject(new Error(`server exited with ${code}:\n${log.join("")}`)); });
  });
}

/** Resolves when the process has exited (at once if it already has). */
export const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve())));
