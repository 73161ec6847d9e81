import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../server/config";

describe("configuration from the environment", () => {
  it("uses the embedded database and sensible defaults when nothing is set", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, databaseUrl: undefined, dataDir: ".data", timeZone: "Asia/Amman", seedMeters: 20_000 });
  });

  it("takes INGEST_LANES as a number, unset by default (the server picks by runtime)", () => {
    expect(loadConfig({}).ingestLanes).toBeUndefined();
    expect(loadConfig({ INGEST_LANES: "3" }).ingestLanes).toBe(3);
  });

  it("treats an empty DATABASE_URL as unset", () => {
    expect(loadConfig({ DATABASE_URL: "" }).databaseUrl).toBeUndefined();
  });

  it.each([
    ["PORT", "eighty", /PORT: .*"eighty"/],
    ["PORT", "70000", /PORT: /],
    ["DATABASE_URL", "mysql://x", /DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/],
    ["REDIS_URL", "localhost:6379", /REDIS_URL: must be a redis:\/\//],
    ["MAP_STYLE_URL", "not a url", /MAP_STYLE_URL: must be an http\(s\) URL/],
    ["UTILITY_TIME_ZONE", "Mars/Olympus", /UTILITY_TIME_ZONE: must be an IANA time zone/],
    ["SEED_METERS", "-5", /SEED_METERS: /],
    ["INGEST_LANES", "0", /INGEST_LANES: must be a whole number from 1 to 16/],
    ["INGEST_LANES", "two", /INGEST_LANES: must be a whole number from 1 to 16/],
  ])("names the bad variable %s=%s", (name, value, message) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
  });

  it("reports every bad variable at once", () => {
    expect(() => loadConfig({ PORT: "x", DATABASE_URL: "nope" })).toThrow(/PORT[\s\S]*DATABASE_URL|DATABASE_URL[\s\S]*PORT/);
  });
});
