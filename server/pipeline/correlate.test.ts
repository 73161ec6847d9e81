import { describe, expect, it } from "vitest";
import { World, gasp, back, trip, close, call, at } from "./testWorld";

const summary = (w: World) => w.open().map((o) => ({ level: o.level, device: o.deviceId, status: o.status, meters: o.meters.size }));

describe("correlation pipeline", () => {
  it("puts a single last gasp at the meter, confirmed by the Kaifa weight (0.8 ≥ 0.7)", () => {
    const w = new World();
    const first = w.step([gasp(1023, 0)], 1);
    // Held for the momentary window: a blip must never become an outage.
    expect(summary(w)).toEqual([]);
    w.step([], 61, [1]);
    expect(summary(w)).toEqual([{ level: "meter", device: 1023, status: "confirmed", meters: 1 }]);
    const [o] = w.open();
    expect(o.confidence).toBeCloseTo(0.8);
    expect(o.severity).toBe("high");
    expect(o.firstDetectedAt).toEqual(at(0));
    expect(first.meterChanges).toEqual([expect.objectContaining({ meterId: 1023, previous: "on", next: "off", source: "kaifa" })]);
    expect(w.open()[0].linked.size).toBe(1);
  });

  it("puts meters of one distribution point at the point, with its silent meters assumed out", () => {
    const w = new World();
    w.step([gasp(1021, 0), gasp(1022, 1)], 61);
    expect(summary(w)).toEqual([{ level: "distribution_point", device: 102, status: "confirmed", meters: 4 }]);
    const [o] = w.open();
    expect([...o.meters.values()].map((m) => m.state).sort()).toEqual(["assumed", "assumed", "off", "off"]);
    expect(o.customersOut).toBe(4);
  });

  it("grows meter outages into the point's outage and merges them, keeping the first one's id and time", () => {
    const w = new World();
    w.step([gasp(1021, 0)], 61);
    const first = w.open()[0].id;
    w.step([gasp(1022, 30)], 91);
    expect(summary(w)).toEqual([{ level: "distribution_point", device: 102, status: "confirmed", meters: 4 }]);
    expect(w.open()[0].id).toBe(first);
    expect(w.open()[0].firstDetectedAt).toEqual(at(0));
    expect(w.last.timeline.map((e) => e.eventType)).toContain("grown");
  });

  it("rolls distribution points up to the feeder when half of them are out", () => {
    const w = new World();
    w.step([gasp(1011, 0), gasp(1012, 0), gasp(1031, 1), gasp(1032, 1)], 61);
    expect(summary(w)).toEqual([{ level: "feeder", device: 10, status: "confirmed", meters: 16 }]);
    expect(w.open()[0].criticalCustomersOut).toBe(1);
    expect(w.open()[0].severity).toBe("high");
  });

  it("keeps two points out of four apart on a feeder when only one is out", () => {
    const w = new World();
    w.step([gasp(1011, 0), gasp(1012, 0), gasp(2011, 0), gasp(2012, 0)], 61);
    expect(summary(w).map((o) => `${o.level}:${o.device}`).sort()).toEqual(["distribution_point:101", "distribution_point:201"]);
  });

  it("opens a confirmed feeder outage on a SCADA trip, covering every meter, and gathers the last gasps into it", () => {
    const w = new World();
    w.step([trip(20, 0)], 0);
    w.step([gasp(2011, 1), gasp(2041, 2)], 3);
    expect(summary(w)).toEqual([{ level: "feeder", device: 20, status: "confirmed", meters: 16 }]);
    const [o] = w.open();
    expect(o.confirmedBy).toBe("scada");
    expect(o.sources).toEqual({ scada: 1, kaifa: 2 });
    expect(o.confidence).toBeCloseTo((1 + 0.8 * 2) / 3);
  });

  it("restores on the SCADA close and splits off, after verification, a point that stays dark as a nested outage", () => {
    const w = new World();
    w.step([trip(10, 0), gasp(1011, 1), gasp(1012, 1), gasp(1021, 1), gasp(1031, 1)], 2);
    const feederOutage = w.open()[0];
    // Breaker closes; DP 102 and 103 meters report back, DP 101's never do.
    w.step([close(10, 600), back(1021, 605), back(1031, 606)], 610);
    expect(w.open()).toEqual([]);
    const restored = w.outages.get(feederOutage.id)!;
    expect(restored.status).toBe("restored");
    expect(restored.restoredAt).toEqual(at(600));
    expect(restored.verificationDueAt).toEqual(at(600 + 5 * 60));
    // Nothing new while the window runs…
    w.step([], 700, [1]);
    expect(w.open()).toEqual([]);
    // …and when it ends, DP 101 is its own outage, nested under the feeder outage.
    w.step([], 901, [1]);
    expect(summary(w)).toEqual([{ level: "distribution_point", device: 101, status: "confirmed", meters: 4 }]);
    expect(w.open()[0].parentOutageId).toBe(feederOutage.id);
    expect(w.outages.get(feederOutage.id)!.verificationDueAt).toBeNull();
  });

  it("restores a point's outage when its meters report power back, and notifies each customer once", () => {
    const w = new World();
    w.step([gasp(1041, 0), gasp(1042, 0), gasp(1043, 0)], 61);
    w.step([back(1041, 900), back(1042, 900), back(1043, 901)], 902);
    expect(w.open()).toEqual([]);
    const restored = [...w.outages.values()][0];
    expect(restored.status).toBe("restored");
    expect(restored.verificationDueAt).toBeNull();
    expect(w.last.notifications).toEqual([{ outageId: restored.id, type: "restored", customerIds: [1041, 1042, 1043, 1044] }]);
  });

  it("records an off and on within a minute as a momentary interruption, not an outage", () => {
    const w = new World();
    w.step([gasp(1033, 0)], 0);
    w.step([back(1033, 20)], 21);
    expect([...w.outages.values()]).toEqual([]);
    expect(w.last.notifications).toEqual([]);
    expect(w.last.momentaries).toEqual([expect.objectContaining({ meterId: 1033, offAt: at(0), onAt: at(20) })]);
  });

  it("treats a late power-off older than the restore it precedes as a momentary, not an outage", () => {
    const w = new World();
    w.step([back(1034, 20)], 21);
    w.step([gasp(1034, 5)], 22);
    expect(w.open()).toEqual([]);
    expect(w.last.momentaries).toEqual([expect.objectContaining({ meterId: 1034, offAt: at(5), onAt: at(20) })]);
  });

  it("orders a batch by event time, whatever the delivery order", () => {
    const w = new World();
    w.step([back(1013, 100), gasp(1013, 10)], 101);
    expect(w.open()).toEqual([]);
    expect(w.meterPower.get(1013)!.status).toBe("on");
  });

  it("keeps a lone call about a meter that cannot gasp as a low-confidence outage that waits for a dispatcher", () => {
    const w = new World();
    w.step([call(2033, 0)], 1);
    expect(summary(w)).toEqual([{ level: "meter", device: 2033, status: "detected", meters: 1 }]);
    expect(w.open()[0].severity).toBe("low");
    expect(w.meterPower.get(2033)!.status).toBe("on");
  });

  it("waits for a second report before a call about a silent smart meter becomes an outage", () => {
    const w = new World();
    w.step([call(2031, 0)], 1);
    expect(summary(w)).toEqual([]);
    // A neighbour under the same point calls too: both count, and two of its four meters put it at the point.
    w.step([call(2032, 3)], 4);
    expect(summary(w)).toEqual([{ level: "distribution_point", device: 203, status: "detected", meters: 4 }]);
  });

  it("counts calls with last gasps under one point, and confirms with the mixed score", () => {
    const w = new World();
    w.step([gasp(2021, 0), call(2022, 5)], 6);
    expect(summary(w)).toEqual([{ level: "distribution_point", device: 202, status: "detected", meters: 4 }]);
    expect(w.open()[0].confidence).toBeCloseTo(0.6);
  });

  it("is unchanged by a batch with no new evidence", () => {
    const w = new World();
    w.step([gasp(1011, 0), gasp(1012, 0)], 61);
    const before = structuredClone(w.open());
    w.step([], 62, [1]);
    expect(w.open()).toEqual(before);
    expect(w.last.timeline).toEqual([]);
  });
});
