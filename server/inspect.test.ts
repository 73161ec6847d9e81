import { describe, expect, it } from "vitest";
import { INPUT_LIMITS, formatPath, inspectJson, inspectText } from "./inspect";

const nested = (depth: number, leaf: unknown = 1): unknown => {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
};
const shown = (value: unknown) => inspectJson(value).map((i) => `${formatPath("", i.path)}: ${i.message}`);

describe("inspectJson", () => {
  it.each([
    ["a plain event", { eventId: "E-1", payload: { assets: { "ns2:mRID": "M-1" } }, list: [1, "two", null, true] }],
    ["paired surrogates (an emoji)", { notes: "power out 😀" }],
    ["text at the limit", { notes: "x".repeat(INPUT_LIMITS.maxTextLength) }],
    ["nesting at the limit", nested(INPUT_LIMITS.maxDepth)],
    ["scalars", 42],
  ])("passes %s", (_name, value) => {
    expect(inspectJson(value)).toEqual([]);
  });

  it.each([
    ["a NUL in a value", { payload: { reason: "a\u0000b" } }, "payload.reason: contains a NUL character (\\u0000) at position 1"],
    ["a lone high surrogate", { eventId: "\ud800" }, "eventId: contains an unpaired UTF-16 surrogate (\\ud800) at position 0: not valid Unicode"],
    ["a lone low surrogate in an array", { list: ["ok", "x\udc00"] }, "list[1]: contains an unpaired UTF-16 surrogate (\\udc00) at position 1: not valid Unicode"],
    ["a NUL in a field name", { "a\u0000": 1 }, '["a\\u0000"]: has a field name that contains a NUL character (\\u0000) at position 1'],
    ["a surrogate in a field name", { p: { "\ud800k": 1 } }, 'p["\\ud800k"]: has a field name that contains an unpaired UTF-16 surrogate (\\ud800) at position 0: not valid Unicode'],
    ["overlong text", { notes: "x".repeat(4001) }, "notes: is 4,001 characters long; at most 4,000 are accepted"],
    ["an overlong field name, shown cut", { ["k".repeat(300)]: 1 }, `["${"k".repeat(40)}…"]: has a field name that is 300 characters long; at most 200 are accepted`],
    ["nesting one level too deep", nested(INPUT_LIMITS.maxDepth + 1), `${"a[0].".repeat(16).slice(0, -1)}: is nested too deep: more than 32 levels of objects and arrays`],
  ])("names %s with its path", (_name, value, expected) => {
    expect(shown(value)).toEqual([expected]);
  });

  it("walks 100,000 levels without recursing, and stops at the limit", () => {
    const deep = JSON.parse("[".repeat(100_000) + "]".repeat(100_000));
    const issues = inspectJson(deep);
    expect(issues).toHaveLength(1);
    expect(issues[0].path).toHaveLength(INPUT_LIMITS.maxDepth);
  });

  it("names faults in document order and at most maxIssues of them", () => {
    const value = { a: "\u0000", b: Array.from({ length: 50 }, () => "\ud800"), c: "\u0000" };
    const issues = inspectJson(value);
    expect(issues).toHaveLength(INPUT_LIMITS.maxIssues);
    expect(issues.map((i) => formatPath("", i.path)).slice(0, 3)).toEqual(["a", "b[0]", "b[1]"]);
  });
});

describe("inspectText", () => {
  it("finds a NUL anywhere in a text and passes clean text", () => {
    expect(inspectText("<a>\u0000</a>")).toBe("contains a NUL character (\\u0000) at position 3");
    expect(inspectText("<a>ok é 😀</a>".repeat(10_000))).toBeUndefined();
  });
});
