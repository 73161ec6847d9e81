import fs from "node:fs";
import { z } from "zod";
import { ConfigError } from "../../config";
import { defaultKaifaEventMap, type KaifaEventMap } from "./kaifa";

const pattern = z.string().min(1).refine((s) => {
  try {
    new RegExp(s, "i");
    return true;
  } catch {
    return false;
  }
}, "is not a valid regular expression");

const fileSchema = z.strictObject({
  powerOffCodes: z.array(z.string().regex(/^\d+(\.\d+){3}$/, "must be an EndDeviceEventType code like 3.26.0.85")),
  powerOnCodes: z.array(z.string().regex(/^\d+(\.\d+){3}$/, "must be an EndDeviceEventType code like 3.26.0.216")),
  powerOffReasons: z.array(pattern),
  powerOnReasons: z.array(pattern),
  criticalSeverityMeansPowerOff: z.boolean(),
}).partial();

/**
 * The head-end's own map of EndDeviceEventType codes and reasons to power off / on, from the
 * JSON file KAIFA_EVENT_MAP_FILE names; keys it leaves out keep the defaults. A bad file stops
 * the start with a message naming the variable and the field.
 */
export function loadKaifaEventMap(file: string | undefined): KaifaEventMap {
  if (!file) return defaultKaifaEventMap;
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new ConfigError([`KAIFA_EVENT_MAP_FILE: cannot read ${file} as JSON (${(err as Error).message})`]);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `KAIFA_EVENT_MAP_FILE: ${i.path.join(".") || "(file)"} ${i.message}`));
  }
  return { ...defaultKaifaEventMap, ...parsed.data };
}
