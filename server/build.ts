import fs from "node:fs";
import path from "node:path";

/** Said when a production start finds no build: an immutable deployment builds once, before. */
export class NoBuildError extends Error {
  constructor(dir: string) {
    super(`No production build in ${dir}: run \`npm run build\` once (it writes .next/), then \`npm start\`. The server never builds at start.`);
    this.name = "NoBuildError";
  }
}

/** Throws NoBuildError unless `next build` has left its BUILD_ID under `root`. */
export function assertProductionBuild(root: string): void {
  const dir = path.join(root, ".next");
  if (!fs.existsSync(path.join(dir, "BUILD_ID"))) throw new NoBuildError(dir);
}
