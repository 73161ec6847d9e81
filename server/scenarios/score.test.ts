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

  it("reports each case: scenarios handled, false outages over their meters, device momentaries and crews' restorations", () => {
    const wave = meters(2000, 40);
    const T2 = [
      // A feeder trip during which a silent meter called (scenario 0): found, but a ghost outage for the caller.
      truth("T1", "feeder", "FD001", feeder, { kind: "silent_caller", scenario: 0 }),
      // Coincident gasps under a point (scenario 1): split into two meter outages, the point not found.
      truth("T2", "distribution_point", "DP00050", meters(500, 12), { kind: "coincident", variant: "gasps", scenario: 1 }),
      // A wave of two feeders (scenario 2): one found right, one rolled up at the substation.
      truth("T3", "feeder", "FD010", wave.slice(0, 20), { kind: "substation_wave", variant: "scada", scenario: 2 }),
      truth("T4", "feeder", "FD011", wave.slice(20), { kind: "substation_wave", variant: "ami_only", scenario: 2 }),
      // A crew's restoration with a point still dark (scenario 3): both found and restored.
      truth("T5", "feeder", "FD020", meters(3000, 30), { kind: "crew_restore", variant: "feeder", scenario: 3 }),
      truth("T6", "distribution_point", "DP00300", meters(3000, 8), { kind: "crew_restore", variant: "feeder", scenario: 3, nestedIn: "T5" }),
    ];
    const N = [
      { kind: "momentary" as const, meterNumbers: meters(4000, 10), level: "distribution_point" as const, deviceCode: "DP00400", scenarioKind: "device_momentary" as const, variant: "distribution_point", scenario: 4 },
      { kind: "momentary" as const, meterNumbers: meters(5000, 100), level: "feeder" as const, deviceCode: "FD030", scenarioKind: "device_momentary" as const, variant: "feeder", scenario: 5 },
    ];
    const D = [
      detected("a", "feeder", "FD001", feeder),
      detected("ghost", "meter", "M7", ["M7"], { status: "detected" }),
      detected("b", "meter", "M500", ["M500"]),
      detected("c", "meter", "M501", ["M501"]),
      detected("d", "feeder", "FD010", wave.slice(0, 20)),
      detected("e", "substation", "SS001", wave.slice(20)),
      detected("f", "feeder", "FD020", meters(3000, 30)),
      detected("g", "distribution_point", "DP00300", meters(3000, 8)),
      detected("blip", "distribution_point", "DP00400", meters(4000, 10)), // a device blip taken for an outage
    ];
    const crewRestores = [{ index: 7, level: "feeder", deviceCode: "FD020", outageEventId: "OMS_f", status: 200, answer: "{}" }];
    const s = scoreStorm({ truth: T2, noise: N, detected: D, postedAtMs: [0], crewRestores, deviceMomentariesRecorded: [{ level: "feeder", deviceCode: "FD030" }] });
    expect(s.cases.silent_caller).toMatchObject({ scenarios: 1, handled: 0, truthOutages: 1, matched: 1, deviceRight: 1, restored: 1, falseOutages: 1 });
    expect(s.cases.coincident).toMatchObject({ scenarios: 1, handled: 0, matched: 0, falseOutages: 2 });
    expect(s.cases["coincident/gasps"]).toMatchObject({ scenarios: 1, handled: 0, matched: 0 });
    expect(s.cases.substation_wave).toMatchObject({ scenarios: 1, handled: 0, truthOutages: 2, matched: 2, deviceRight: 1, falseOutages: 0 });
    expect(s.cases["substation_wave/ami_only"]).toMatchObject({ truthOutages: 1, deviceRight: 0 });
    expect(s.cases["substation_wave/scada"]).toMatchObject({ truthOutages: 1, deviceRight: 1 });
    expect(s.cases.crew_restore).toMatchObject({ scenarios: 1, handled: 1, nested: { truth: 1, found: 1 } });
    expect(s.cases.device_momentary).toMatchObject({ scenarios: 2, handled: 1, falseOutages: 1 });
    expect(s.cases["device_momentary/feeder"]).toMatchObject({ scenarios: 1, handled: 1, falseOutages: 0 });
    expect(s.falseFromNoise.momentary).toBe(1);
    expect(s.falseOutages).toEqual([
      { detected: "OMS_ghost", status: "detected", level: "meter", deviceCode: "M7", meters: 1, case: "silent_caller" },
      { detected: "OMS_b", status: "restored", level: "meter", deviceCode: "M500", meters: 1, case: "coincident/gasps" },
      { detected: "OMS_c", status: "restored", level: "meter", deviceCode: "M501", meters: 1, case: "coincident/gasps" },
      { detected: "OMS_blip", status: "restored", level: "distribution_point", deviceCode: "DP00400", meters: 10, case: "device_momentary/distribution_point" },
    ]);
    // The point's blip was recorded as an outage, not a momentary: named among those missed.
    expect(s.deviceMomentaries).toEqual({ expected: 2, byLevel: { distribution_point: 1, feeder: 1 }, recorded: 1, missing: ["distribution_point:DP00400"] });
    expect(s.crewRestores).toEqual({ expected: 1, sent: 1, accepted: 1, noOutageAtDevice: 0 });
    // Without the control room's momentaries, nothing is said of them; a crew that found no outage is counted.
    const t = scoreStorm({ truth: T2, noise: N, detected: D, postedAtMs: [0], crewRestores: [{ ...crewRestores[0], outageEventId: null, status: null, answer: null }] });
    expect(t.deviceMomentaries.recorded).toBeNull();
    expect(t.deviceMomentaries.missing).toBeUndefined();
    expect(t.crewRestores).toMatchObject({ accepted: 0, noOutageAtDevice: 1 });
    expect(t.cases.crew_restore.handled).toBe(0);
  });

  it("takes nearest-rank percentiles", () => {
    expect(percentileOf([], 50)).toBeNull();
    expect(percentileOf([5, 1, 3], 50)).toBe(3);
    expect(percentileOf([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99)).toBe(10);
    expect(percentileOf([1, 2, 3, 4], 50)).toBe(2);
  });
});
