import { readFileSync } from "node:fs";

/** The version in package.json: the API description, /metrics and the start-up log say it. */
export const APP_VERSION: string = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version;
