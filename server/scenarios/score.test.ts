import { describe, expect, it } from "vitest";
import { percentileOf, scoreStorm, type DetectedOutage } from "./score";
import type { TruthOutage } from "./storm";

const meters = (from: number, n: number) => Array.from({ length: n }, (_, i) => `M${from + i}`);
const truth = (id: string, level: TruthOutage["level"], code: string, m: string[], extra: Partial<TruthOutage> = {}): TruthOutage =>
  ({ id, kind: "transformer", level, deviceCode: code, meterNumbers: m, startMs: 0, restoreMs: 60_000, nestedIn: null, firstPost: 0, ...extra });
const detected = (id: string, level: string, code: string, m: string[], extra: Partial<DetectedOutage> = {}): DetectedOutage =>
  ({ id, eventId: `OMS_${id}`, status: "restored", level, deviceCode: code, meterNumbers: m, parentOutageId: null, firstPushAtMs: null, ...extra });

describe("the storm scorer", () => {
  // Four real outages: a feeder (100 meters) with a nested point (10 of them), a transformer, a single meter.
  const feeder = meters(1, 100);
  const T = [
    truth("T1", "feeder", "FD001", feeder, { firstPost: 0 }),
    truth("T2", "distribution_point", "DP00003", feeder.slice(0, 10), { nestedIn: "T1", firstPost: 0 }),
    truth("T3", "distribution_point", "DP00050", meters(500, 20), { firstPost: 1 }),
    truth("T4", "meter", "M900", ["M900"], { firstPost: 2 }),
  ];
  const noise = [{ kind: "momentary" as const, meterNumbers: ["M700", "M701"] }, { kind: "stray_call" as const, meterNumbers: ["M800"] }];

  it("counts precision and recall from one-to-one matches of meter sets", () => {
    const D = [
      detected("a", "feeder", "FD001", feeder.slice(0, 80), { firstPushAtMs: 1_800 }), // 80 of 100 gasped: J = 0.8
      detected("b", "distribution_point", "DP00003", feeder.slice(0, 10)), // the nested one: J = 1
      detected("c", "feeder", "FD002", meters(500, 20), { firstPushAtMs: 3_500, status: "in_progress" }), // right meters, wrong device
      detected("d", "meter", "M700", ["M700"]), // a momentary blip taken for an outage
      detected("e", "meter", "M800", ["M800"]), // a stray call taken for an outage
      detected("f", "meter", "M950", ["M950"]), // nothing at all
      detected("g", "meter", "M701", ["M701"], { status: "cancelled" }), // cancelled as momentary: not an outage, not counted
      detected("h", "meter", "M10", ["M10"], { status: "merged" }), // absorbed: not counted
    ];
    const s = scoreStorm({ truth: T, noise, detected: D, postedAtMs: [1_000, 2_000, 3_000] });
    expect(s.truthOutages).toBe(4);
    expect(s.detectedOutages).toBe(6);
    expect(s.matched).toBe(3);
    expect(s.recall).toBeCloseTo(3 / 4);
    expect(s.precision).toBeCloseTo(3 / 6);
    expect(s.matches.find((m) => m.truth === "T4")!.detected).toBeNull();
    expect(s.deviceRight).toBeCloseTo(2 / 3);
    expect(s.falseFromNoise).toEqual({ momentary: 1, strayCall: 1, other: 1 });
    expect(s.nested).toEqual({ truth: 1, found: 1 });
    // Customers: 80 of 100 (20% off), 10 of 10, 20 of 20.
    expect(s.customersErrorPct.median).toBe(0);
    expect(s.customersErrorPct.mean).toBeCloseTo(20 / 3);
    // Time to screen, from each truth outage's first post to the detection's first push; not for the nested one.
    expect(s.timeToScreenMs).toEqual({ p50: 800, p99: 1_500, samples: 2 });
    expect(s.restorationDetected).toEqual({ of: 3, restored: 2 });
  });

  it("pairs the best overlaps first, so a feeder outage does not steal its nested point", () => {
    const D = [detected("b", "distribution_point", "DP00003", feeder.slice(0, 10)), detected("a", "feeder", "FD001", feeder)];
    const s = scoreStorm({ truth: T.slice(0, 2), noise: [], detected: D, postedAtMs: [0] });
    expect(s.matches.map((m) => [m.truth, m.detected])).toEqual([["T1", "OMS_a"], ["T2", "OMS_b"]]);
    expect(s.precision).toBe(1);
    expect(s.recall).toBe(1);
    expect(s.deviceRight).toBe(1);
  });

  it("does not match a detection that overlaps a truth outage too little", () => {
    const s = scoreStorm({ truth: [T[2]], noise: [], detected: [detected("x", "feeder", "FD009", meters(510, 40))], postedAtMs: [0, 0] });
    expect(s.matched).toBe(0); // 10 shared of 50 meters: Jaccard 0.2
    expect(s.precision).toBe(0);
    expect(s.recall).toBe(0);
  });

  it("takes nearest-rank percentiles", () => {
    expect(percentileOf([], 50)).toBeNull();
    expect(percentileOf([5, 1, 3], 50)).toBe(3);
    expect(percentileOf([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99)).toBe(10);
    expect(percentileOf([1, 2, 3, 4], 50)).toBe(2);
  });
});
