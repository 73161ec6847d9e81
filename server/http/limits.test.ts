import { describe, expect, it } from "vitest";
import { loadConfig } from "../config";
import { BODY_LIMITS, httpServerOptions, sizeInWords } from "./limits";

describe("HTTP limits", () => {
  it("drops slow clients within the configured times, checked every second", () => {
    expect(httpServerOptions(loadConfig({}).http)).toEqual({
      headersTimeout: 10_000, requestTimeout: 60_000, keepAliveTimeout: 5_000, connectionsCheckingInterval: 1000,
    });
    const quick = loadConfig({ HTTP_HEADERS_TIMEOUT_SECONDS: "1.5", HTTP_REQUEST_TIMEOUT_SECONDS: "3", HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: "2" }).http;
    expect(httpServerOptions(quick)).toEqual({ headersTimeout: 1500, requestTimeout: 3000, keepAliveTimeout: 2000, connectionsCheckingInterval: 750 });
  });

  it.each([
    [{ HTTP_HEADERS_TIMEOUT_SECONDS: "0" }, "HTTP_HEADERS_TIMEOUT_SECONDS"],
    [{ HTTP_REQUEST_TIMEOUT_SECONDS: "soon" }, "HTTP_REQUEST_TIMEOUT_SECONDS"],
    [{ HTTP_HEADERS_TIMEOUT_SECONDS: "30", HTTP_REQUEST_TIMEOUT_SECONDS: "20" }, "must not be longer than HTTP_REQUEST_TIMEOUT_SECONDS"],
  ])("refuses to start with %j, naming the variable", (env, named) => {
    expect(() => loadConfig(env)).toThrow(named);
  });

  it("says body limits in words", () => {
    expect(sizeInWords(BODY_LIMITS["/api/auth"])).toBe("16 KB");
    expect(sizeInWords(BODY_LIMITS["/api/ingest"])).toBe("10 MB");
    expect(sizeInWords(1500)).toBe("1500 bytes");
  });
});
