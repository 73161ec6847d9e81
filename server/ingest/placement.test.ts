import { describe, expect, it } from "vitest";
import { normalisePhone } from "./placement";

describe("matching a caller's phone to a customer", () => {
  it.each([
    ["+962791234567", "962791234567"],
    ["+962-7-9123-4567", "962791234567"],
    ["00962 79 123 4567", "962791234567"],
    ["0791234567", "962791234567"],
    ["791234567", "962791234567"],
  ])("reads %s as %s", (input, digits) => expect(normalisePhone(input)).toBe(digits));

  it.each(["3", "", "12345", "call me"])("refuses junk %j rather than matching a stranger", (input) => {
    expect(normalisePhone(input)).toBeNull();
  });
});
