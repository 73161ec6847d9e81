import { parentPort, workerData } from "node:worker_threads";
import { runOpenLoop, type OpenLoopOptions } from "./openLoop";

/** The sender's thread: runs one open-loop pass and posts `started`, then `done` with the timings. */
const options = workerData as Omit<OpenLoopOptions, "onStart">;
runOpenLoop({ ...options, onStart: () => parentPort!.postMessage({ type: "started" }) }).then(
  (raw) => parentPort!.postMessage({ type: "done", raw }),
  (err) => parentPort!.postMessage({ type: "failed", error: String((err as Error).stack ?? err) }),
);
