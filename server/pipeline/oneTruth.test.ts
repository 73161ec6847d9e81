import { describe, expect, it } from "vitest";
import { World, at, back, call, close, gasp, smallTopology, trip } from "./testWorld";

const summary = (w: World) => w.open().map((o) => `${o.level}:${o.deviceId}:${o.meters.size}`).sort();
const notices = (w: World, type: string) => w.last.notifications.filter((n) => n.type === type);

describe("momentary interruptions of a device (issue: whole transformer blips)", () => {
  it("a distribution point off and back within the window is a momentary of the point, never an outage or a notice", () => {
    const w = new World();
    // 3 of 4 meters gasp at once (the 4th's gasp is lost); all 4 report back 5 s later.
    const first = w.step([gasp(1021, 0), gasp(1022, 0), gasp(1023, 1)], 2);
    const second = w.step([back(1021, 6), back(1022, 6), back(1023, 7), back(1024, 7)], 8);
    w.step([], 120, [1]);
    expect([...w.outages.values()]).toEqual([]);
    expect([...first.notifications, ...second.notifications, ...w.last.notifications]).toEqual([]);
    expect(second.deviceMomentaries).toEqual([expect.objectContaining({
      level: "distribution_point", deviceId: 102, startedAt: at(0), endedAt: at(7), metersReporting: 3, meterIds: [1021, 1022, 1023, 1024],
    })]);
  });

  it("a meter of the blip that never says it is back is taken as back (unknown), not a later outage", () => {
    const w = new World();
    w.step([gasp(1021, 0), gasp(1022, 0), gasp(1023, 1)], 2);
    w.step([back(1021, 6), back(1022, 6)], 8);
    w.step([], 200, [1]);
    expect([...w.outages.values()]).toEqual([]);
    expect(w.meterPower.get(1023)!.status).toBe("unknown");
  });

  it("a feeder breaker that trips and recloses within the window is a momentary of the feeder: no notice, its silent gaspers taken as back", () => {
    const w = new World();
    const first = w.step([trip(10, 0), gasp(1011, 1), gasp(1031, 1)], 2);
    const d = w.step([close(10, 6), back(1011, 7)], 8);
    w.step([], 300, [1]);
    expect([...w.outages.values()].map((o) => o.status)).toEqual(["cancelled"]);
    expect([...first.notifications, ...d.notifications, ...w.last.notifications]).toEqual([]);
    expect(d.deviceMomentaries).toEqual([expect.objectContaining({ level: "feeder", deviceId: 10, startedAt: at(0), endedAt: at(6) })]);
    expect(w.meterPower.get(1031)!.status).toBe("unknown");
  });

  it("a breaker that recloses within the window with every meter back is a momentary too", () => {
    const w = new World();
    w.step([trip(20, 0)], 1);
    const d = w.step([close(20, 5), ...[2011, 2012, 2013].map((m) => back(m, 6))], 7);
    expect([...w.outages.values()].map((o) => o.status)).toEqual(["cancelled"]);
    expect(d.deviceMomentaries).toEqual([expect.objectContaining({ level: "feeder", deviceId: 20 })]);
  });

  it("a trip delivered after the close that ended it opens nothing", () => {
    const w = new World();
    w.step([close(20, 5)], 6);
    w.step([trip(20, 0)], 7);
    expect(w.open()).toEqual([]);
  });

  it("customers of a real outage are told once it has outlasted the window", () => {
    const w = new World();
    const first = w.step([trip(10, 0)], 1);
    expect(first.notifications).toEqual([]);
    w.step([], 61, [1]);
    expect(notices(w, "detected")).toEqual([expect.objectContaining({ customerIds: expect.arrayContaining([1011, 1044]) })]);
    expect(notices(w, "detected")[0].customerIds).toHaveLength(16);
  });

  it("points of half a feeder blinking together are one momentary of the feeder", () => {
    const w = new World();
    w.step([gasp(1011, 0), gasp(1012, 0), gasp(1021, 0), gasp(1022, 1)], 2);
    const d = w.step([back(1011, 5), back(1012, 5), back(1021, 6), back(1022, 6)], 7);
    expect(d.deviceMomentaries).toEqual([expect.objectContaining({ level: "feeder", deviceId: 10, metersReporting: 4 })]);
    expect(w.open()).toEqual([]);
  });

  it("points of half a feeder back in different batches are still one momentary of the feeder", () => {
    const w = new World();
    w.step([gasp(1011, 0), gasp(1012, 0), gasp(1021, 0), gasp(1022, 1)], 2);
    const first = w.step([back(1011, 5), back(1012, 5)], 6);
    expect(first.deviceMomentaries).toEqual([expect.objectContaining({ level: "distribution_point", deviceId: 101 })]);
    const second = w.step([back(1021, 6), back(1022, 6)], 7);
    expect(second.deviceMomentaries).toEqual([expect.objectContaining({ level: "feeder", deviceId: 10, metersReporting: 4, startedAt: at(0), endedAt: at(6) })]);
    // A batch after it with nothing of that blip says nothing of it again.
    expect(w.step([back(2011, 8)], 9).deviceMomentaries).toEqual([]);
    expect(w.open()).toEqual([]);
  });

  it("a power-off that outlasted the window but ended before any batch saw it is still an outage, restored", () => {
    const w = new World();
    w.step([gasp(1031, 0), gasp(1032, 0)], 1);
    w.step([back(1031, 70), back(1032, 70)], 71);
    const all = [...w.outages.values()];
    expect(all.map((o) => [o.level, o.deviceId, o.status, o.firstDetectedAt, o.restoredAt])).toEqual([["distribution_point", 103, "restored", at(0), at(70)]]);
    expect(all[0].sources).toEqual({ kaifa: 2 });
  });
});

describe("calls belong to the outage that holds their meter", () => {
  it("a call from a silent meter under a feeder outage is its evidence, answered by its restoration: no ghost outage", () => {
    const w = new World();
    w.step([trip(10, 0), gasp(1011, 1), gasp(1021, 1)], 2);
    const [feeder] = w.open();
    // Meter 1033's last gasp was lost; its customer calls; it never sends a restore.
    w.step([call(1033, 30)], 31);
    expect(summary(w)).toEqual(["feeder:10:16"]);
    expect([...w.open()[0].linked.values()].filter((l) => l.sourceType === "call_center")).toHaveLength(1);
    w.step([close(10, 300), back(1011, 302), back(1021, 302)], 303);
    w.step([], 700, [1]);
    expect(w.open()).toEqual([]);
    expect([...w.outages.values()].map((o) => o.id)).toEqual([feeder.id]);
  });

  it("never makes an outage with no signal behind it", () => {
    const w = new World();
    w.step([trip(20, 0)], 1);
    w.step([call(2041, 20), close(20, 100)], 101);
    w.step([], 400, [1]);
    for (const o of w.outages.values()) expect(o.linked.size).toBeGreaterThan(0);
    expect(w.open()).toEqual([]);
  });
});

describe("restoration without the SCADA close", () => {
  it("most of a tripped feeder's reporting meters back restore it; the breaker is inferred closed until SCADA confirms", () => {
    const w = new World();
    w.step([trip(10, 0), gasp(1011, 1), gasp(1012, 1)], 2);
    const backs = [1011, 1012, 1013, 1014, 1021, 1022, 1023, 1024, 1031].map((m) => back(m, 200));
    const d = w.step(backs, 201);
    expect(d.breakerChanges).toEqual([{ level: "feeder", id: 10, state: "closed", at: at(200), inferred: true }]);
    expect(w.open()).toEqual([]);
    expect(d.timeline.find((e) => e.eventType === "restored")!.description).toMatch(/no SCADA close received, but 9 of 16 .*inferred/);
  });

  it("half of the reporting meters is not most: the outage waits", () => {
    const w = new World();
    w.step([trip(10, 0)], 1);
    w.step([1011, 1012, 1013, 1014, 1021, 1022, 1023, 1024].map((m) => back(m, 200)), 201);
    expect(summary(w)).toEqual(["feeder:10:16"]);
    w.step([back(1031, 210)], 211);
    expect(w.open()).toEqual([]);
    const later = w.step([close(10, 400)], 401);
    expect(later.breakerChanges).toEqual([{ level: "feeder", id: 10, state: "closed", at: at(210), inferred: false }]);
    expect(later.outages.filter((o) => o.status !== "restored")).toEqual([]);
  });
});

describe("coincident evidence under a transformer", () => {
  const big = () => new World(smallTopology({ metersPerDp: 13 }));
  it.each([
    ["three last gasps in one message", [gasp(10201, 0), gasp(10202, 0), gasp(10203, 0)], ["distribution_point:102:13"]],
    ["two calls", [call(10205, 0), call(10206, 40)], ["distribution_point:102:13"]],
    ["a call and a last gasp", [gasp(10207, 0), call(10208, 30)], ["distribution_point:102:13"]],
    ["two last gasps minutes apart (not coincident)", [gasp(10209, 0), gasp(10210, 300)], ["meter:10209:1", "meter:10210:1"]],
    ["one lone last gasp", [gasp(10211, 0)], ["meter:10211:1"]],
    ["a last gasp and a neighbour's call ten minutes later (not coincident)", [gasp(10212, 0), call(10213, 600)], ["meter:10212:1"]],
  ])("%s", (_name, signals, expected) => {
    const w = big();
    w.step(signals, 400);
    expect(summary(w)).toEqual(expected);
  });
});

describe("roll-up to a substation", () => {
  it("half of a substation's feeders out is many feeder outages, not the substation", () => {
    const w = new World(smallTopology({ feeders: [10, 20, 30, 40] }));
    w.step([trip(10, 0), trip(20, 1)], 2);
    expect(summary(w)).toEqual(["feeder:10:16", "feeder:20:16"]);
  });

  it("every feeder out is the substation", () => {
    const w = new World();
    w.step([gasp(1011, 0), gasp(1012, 0), gasp(1031, 0), gasp(1032, 0), gasp(2011, 0), gasp(2012, 0), gasp(2031, 0), gasp(2032, 0)], 61);
    expect(summary(w)).toEqual(["substation:1:32"]);
  });
});

describe("restoration with meters still dark", () => {
  it("the still-dark point becomes a nested outage whose customers are told 'still out', never a second 'detected'", () => {
    const w = new World();
    w.step([trip(10, 0), gasp(1011, 1), gasp(1012, 1), gasp(1021, 1)], 61);
    const feeder = w.open()[0];
    w.step([close(10, 300), back(1021, 301)], 302);
    const verifying = w.outages.get(feeder.id)!;
    expect(verifying).toMatchObject({ status: "restored", customersOut: 2 });
    expect(verifying.verificationDueAt).toEqual(at(600));
    w.step([], 601, [1]);
    const [nested] = w.open();
    expect(nested).toMatchObject({ level: "distribution_point", deviceId: 101, parentOutageId: feeder.id });
    expect(notices(w, "detected")).toEqual([]);
    expect(notices(w, "still_out")).toEqual([{ outageId: nested.id, type: "still_out", customerIds: [1011, 1012, 1013, 1014] }]);
    expect(w.outages.get(feeder.id)!.verificationDueAt).toBeNull();
  });
});

describe("a point still dark after its feeder's restoration, back inside the verification window", () => {
  it("is still found as a nested outage, restored when it came back", () => {
    const w = new World();
    w.step([trip(10, 0), gasp(1011, 1), gasp(1012, 1), gasp(1013, 1), gasp(1021, 1)], 61);
    const feeder = w.open()[0];
    w.step([close(10, 300), back(1021, 302)], 303);
    expect(w.outages.get(feeder.id)).toMatchObject({ status: "restored", customersOut: 3 });
    // DP 101 comes back 4 minutes later, before the 5-minute verification ends.
    w.step([back(1011, 540), back(1012, 540)], 541);
    const nested = [...w.outages.values()].filter((o) => o.parentOutageId === feeder.id);
    expect(nested.map((o) => [o.level, o.deviceId, o.status])).toEqual([["distribution_point", 101, "restored"]]);
    expect(w.open()).toEqual([]);
    w.step([back(1013, 560)], 561);
    expect(w.outages.get(feeder.id)!.verificationDueAt).toBeNull();
    expect([...w.outages.values()].filter((o) => o.verificationDueAt)).toEqual([]);
  });

  it("a meter back within the momentary window of the restoration is just back", () => {
    const w = new World();
    w.step([trip(10, 0), gasp(1011, 1), gasp(1012, 1)], 61);
    const feeder = w.open()[0];
    w.step([close(10, 300)], 301);
    w.step([back(1011, 320), back(1012, 330)], 331);
    expect([...w.outages.values()].map((o) => o.id)).toEqual([feeder.id]);
    expect(w.outages.get(feeder.id)).toMatchObject({ status: "restored", verificationDueAt: null, customersOut: 0 });
  });
});
