import { describe, expect, it } from "vitest";
import { confidenceOf, severityFromConfidence, severityOf } from "./scoring";

describe("scoring (seed 000 formula, seed 001 weights and thresholds)", () => {
  it.each([
    [{ scada: 1 }, 1.0],
    [{ kaifa: 5 }, 0.8],
    [{ onu: 2 }, 0.6],
    [{ call_center: 3 }, 0.4],
    [{ scada: 1, kaifa: 2 }, (1 + 1.6) / 3],
    [{ kaifa: 1, call_center: 1 }, 0.6],
    [{}, 0],
  ])("confidence of %o is %f", (counts, expected) => {
    expect(confidenceOf(counts)).toBeCloseTo(expected, 10);
  });

  it.each([[0.95, "critical"], [0.9, "critical"], [0.89, "high"], [0.7, "high"], [0.69, "medium"], [0.5, "medium"], [0.49, "low"], [0, "low"]] as const)(
    "confidence %f is %s", (c, s) => expect(severityFromConfidence(c)).toBe(s));

  it("raises severity by scope: a critical customer or 200 customers make it high, 1,000 critical", () => {
    expect(severityOf(0.4, { customersOut: 1, criticalCustomersOut: 0 })).toBe("low");
    expect(severityOf(0.4, { customersOut: 1, criticalCustomersOut: 1 })).toBe("high");
    expect(severityOf(0.6, { customersOut: 200, criticalCustomersOut: 0 })).toBe("high");
    expect(severityOf(0.6, { customersOut: 1000, criticalCustomersOut: 0 })).toBe("critical");
    expect(severityOf(0.95, { customersOut: 1, criticalCustomersOut: 0 })).toBe("critical");
  });
});
