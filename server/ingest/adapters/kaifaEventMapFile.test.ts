import { describe, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ConfigError } from "../../config";
import { defaultKaifaEventMap, kaifaSignalKind } from "./kaifa";
import { loadKaifaEventMap } from "./kaifaEventMapFile";

const write = (content: string) => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "kaifa-map-")), "map.json");
  fs.writeFileSync(file, content);
  return file;
};

describe("a head-end's own event map (KAIFA_EVENT_MAP_FILE)", () => {
  it("uses the defaults when no file is set", () => {
    expect(loadKaifaEventMap(undefined)).toBe(defaultKaifaEventMap);
  });

  it("overrides only the keys the file sets", () => {
    const map = loadKaifaEventMap(write(JSON.stringify({ powerOffCodes: ["3.26.9.85"], criticalSeverityMeansPowerOff: false })));
    expect(map.powerOffCodes).toEqual(["3.26.9.85"]);
    expect(map.powerOnCodes).toEqual(defaultKaifaEventMap.powerOnCodes);
    expect(kaifaSignalKind(map, { code: "3.26.9.85" })).toBe("power_off");
    expect(kaifaSignalKind(map, { code: "3.26.0.85" })).toBe("info");
    expect(kaifaSignalKind(map, { severity: "critical" })).toBe("info");
  });

  it.each([
    ["{not json", /KAIFA_EVENT_MAP_FILE: cannot read .* as JSON/],
    [JSON.stringify({ powerOffReasons: ["(unclosed"] }), /KAIFA_EVENT_MAP_FILE: powerOffReasons.0 is not a valid regular expression/],
    [JSON.stringify({ powerOnCodes: ["restored"] }), /KAIFA_EVENT_MAP_FILE: powerOnCodes.0 must be an EndDeviceEventType code/],
    [JSON.stringify({ powerOfCodes: [] }), /KAIFA_EVENT_MAP_FILE: .*powerOfCodes/],
  ])("refuses a bad file with a message naming the variable and field", (content, message) => {
    const attempt = () => loadKaifaEventMap(write(content));
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(message);
  });
});
