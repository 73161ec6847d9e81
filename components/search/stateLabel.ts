import type { SearchHit } from "../../db/queries/search";

const METER: Record<string, string> = { off: "power off (reported)", assumed: "power off (assumed: under an open device)", on: "power on", unknown: "power unknown" };
const DEVICE: Record<string, string> = { energized: "energized", partial: "partly out", de_energized: "de-energized" };

/** A found thing's state in words: a meter's derived power, a device's supply, an outage's status. */
export function stateLabel(kind: SearchHit["kind"], state: string): string {
  if (kind === "meter" || kind === "customer") return METER[state] ?? state;
  if (kind === "outage") return state.replace("_", " ");
  return DEVICE[state] ?? state;
}
