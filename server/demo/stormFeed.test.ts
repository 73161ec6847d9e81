import { describe, expect, it } from "vitest";
import { generateNetwork } from "../../db/seed/generate";
import { createRandom } from "../../db/seed/random";
import type { SourceType } from "../../db/schema";
import { adapters, defaultKaifaEventMap } from "../ingest/adapters";
import { createIdFactory, restamp, type DemoRoute } from "./payloads";
import type { DemoFeeder, DemoMeter } from "./places";
import { KAIFA_BATCH_MAX, type PlannedPost, type ScenarioKind, type ScenarioPlan } from "./planKit";
import { createThrottledReporter } from "./poster";
import { pickKind, planScenario, SCENARIO_VARIANTS } from "./scenarios";

const network = generateNetwork({ meters: 600, seed: 7 });
const feeders: DemoFeeder[] = network.feeders.map((f) => {
  const substation = network.substations.find((s) => s.id === f.substationId)!;
  const points = network.distributionPoints.filter((d) => d.feederId === f.id).map((d) => ({
    dpCode: d.dpId, lat: d.locationLat, lng: d.locationLng,
    meters: network.meters.filter((m) => m.dpId === d.id).map((m): DemoMeter => {
      const c = network.customers.find((x) => x.id === m.customerId)!;
      const onu = network.onuDevices.find((o) => o.onuId === m.onuId);
      return { meterNumber: m.meterNumber, assetMrid: m.assetMrid, usagePointMrid: m.usagePointMrid, onuId: m.onuId,
        onuSerial: onu?.onuSerialNo ?? null, phone: c.phone, address: c.address, powerOn: true, lat: m.locationLat, lng: m.locationLng };
    }),
  })).filter((p) => p.meters.length > 0);
  return { feederCode: f.feederId, substationCode: substation.substationId, mainStationId: substation.mainStationId, energized: true, points };
});
const feeder = feeders[0];
const start = new Date("2025-10-01T08:00:00Z");
const plan = (kind: ScenarioKind, seed: number, f = feeder, ids = createIdFactory("T"), variant?: string) =>
  planScenario(kind, f, createRandom(seed), { start, ids, crewIds: ["CRW01", "CRW02"] }, variant);
const kinds: ScenarioKind[] = ["feeder_trip", "transformer", "single_meter", "momentary", "stray_call"];
/** The storm's harder cases that fit on one feeder, in each of their forms. */
const stormCases: Array<[ScenarioKind, string | undefined]> = [
  ...SCENARIO_VARIANTS.device_momentary.map((v) => ["device_momentary", v] as [ScenarioKind, string]),
  ["silent_caller", undefined], ["missing_close", undefined],
  ...SCENARIO_VARIANTS.coincident.map((v) => ["coincident", v] as [ScenarioKind, string]),
  ...SCENARIO_VARIANTS.crew_restore.map((v) => ["crew_restore", v] as [ScenarioKind, string]),
];
const sourceOf: Record<DemoRoute, SourceType> = { scada: "scada", kaifa: "kaifa", onu: "onu", "call-center": "call_center" };

/** Which meter a Kaifa event names, by any of the identity forms. */
const byIdentity = new Map(feeders.flatMap((f) => f.points.flatMap((p) => p.meters))
  .flatMap((m) => [[m.assetMrid!, m], [m.usagePointMrid!, m], [m.meterNumber, m]] as const));
const kaifaEvents = (posts: PlannedPost[], reason: string) => posts.filter((p) => p.route === "kaifa")
  .flatMap((p) => (p.body as any[]).map((e) => ({ atMs: p.atMs, e })))
  .filter(({ e }) => e.payload.reason === reason)
  .map(({ atMs, e }) => ({ atMs, meter: byIdentity.get(e.payload.assets?.["ns2:mRID"] ?? e.payload.assets?.mrid ?? e.payload.usage_point.mrid)! }));
const gasps = (p: ScenarioPlan) => kaifaEvents(p.posts, "Last gasp signal detected");
const restores = (p: ScenarioPlan) => kaifaEvents(p.posts, "Power restored");

describe("demo storm planner", () => {
  it("plans a feeder trip: SCADA trip first, last gasps from ~80% of the feeder's meters in batches, restores after the close", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const p = plan("feeder_trip", seed);
      const meters = feeder.points.flatMap((x) => x.meters);
      expect(p.posts[0]).toMatchObject({ atMs: 0, route: "scada", body: { eventType: "breaker_trip", feederId: feeder.feederCode, substationId: feeder.substationCode } });
      const off = gasps(p);
      expect(new Set(off.map((g) => g.meter)).size).toBe(off.length);
      expect(off.length / meters.length).toBeGreaterThanOrEqual(0.75);
      expect(off.length / meters.length).toBeLessThanOrEqual(0.85);
      expect(Math.max(...off.map((g) => g.atMs))).toBeLessThan(60_000);
      expect(p.posts.filter((x) => x.route === "kaifa").every((x) => (x.body as unknown[]).length <= KAIFA_BATCH_MAX)).toBe(true);
      expect(p.posts.some((x) => x.route === "call-center")).toBe(true);
      const close = p.posts.filter((x) => x.route === "scada")[1];
      expect(["breaker_close", "MV_AlarmRestoration"]).toContain((close.body as any).eventType);
      expect(close.atMs).toBeGreaterThanOrEqual(120_000);
      expect(close.atMs).toBeLessThanOrEqual(360_000);
      const on = restores(p);
      expect(on.every((r) => r.atMs > close.atMs)).toBe(true);
      expect(on.length).toBeGreaterThan(meters.length * 0.7);
      // Every meter that gasped comes back: in the main restore, or (a nested outage) minutes later.
      const back = new Map(on.map((r) => [r.meter, r.atMs]));
      expect(off.every((g) => back.has(g.meter))).toBe(true);
      expect(p.mainEndMs).toBeLessThan(close.atMs + 60_000);
    }
  });

  it("sometimes leaves one distribution point dark past the verification window", () => {
    const nested = Array.from({ length: 30 }, (_, i) => plan("feeder_trip", i + 1)).filter((p) => p.summary.includes("stays dark"));
    expect(nested.length).toBeGreaterThan(2);
    for (const p of nested) {
      const dp = p.summary.match(/, (\S+) stays dark/)![1];
      const point = feeder.points.find((x) => x.dpCode === dp)!;
      const close = p.posts.filter((x) => x.route === "scada")[1].atMs;
      const late = restores(p).filter((r) => point.meters.includes(r.meter));
      expect(late.length).toBe(point.meters.length);
      expect(late.every((r) => r.atMs >= close + 9 * 60_000)).toBe(true);
    }
  });

  it("plans a momentary blip: the same few meters off and on within 10 s", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const p = plan("momentary", seed);
      const off = gasps(p);
      const on = restores(p);
      expect(off.length).toBeGreaterThanOrEqual(2);
      expect(on.map((r) => r.meter).sort()).toEqual(off.map((g) => g.meter).sort());
      expect(Math.max(...p.posts.map((x) => x.atMs))).toBeLessThanOrEqual(10_000);
      expect(new Set(off.map((g) => feeder.points.find((x) => x.meters.includes(g.meter))!.dpCode)).size).toBe(1);
    }
  });

  it("plans a transformer outage with restores after 1–4 minutes and a single-meter outage", () => {
    const t = plan("transformer", 3);
    const point = feeder.points.find((x) => x.dpCode === t.pointCodes[0])!;
    expect(gasps(t).length).toBeGreaterThanOrEqual(Math.round(point.meters.length * 0.8));
    expect(gasps(t).every((g) => point.meters.includes(g.meter))).toBe(true);
    const backAt = Math.min(...restores(t).map((r) => r.atMs));
    expect(backAt).toBeGreaterThanOrEqual(60_000);
    expect(backAt).toBeLessThanOrEqual(240_000);
    for (let seed = 1; seed <= 10; seed++) {
      const s = plan("single_meter", seed);
      const power = s.posts.filter((x) => x.route !== "call-center");
      expect(power).toHaveLength(2);
      expect(power[1].atMs).toBeGreaterThanOrEqual(90_000);
    }
  });

  it("plans stray calls from customers with power, or with only a location and junk fields", () => {
    const calls = Array.from({ length: 30 }, (_, i) => plan("stray_call", i + 1).posts);
    expect(calls.every((c) => c.length === 1 && c[0].route === "call-center")).toBe(true);
    const bodies = calls.map((c) => c[0].body as any);
    expect(bodies.some((b) => b.customer.location && b.customer.phone.length <= 1)).toBe(true);
    expect(bodies.some((b) => !b.customer.location && b.customer.phone.startsWith("+962"))).toBe(true);
  });

  it("gives every event a unique DEMO- id and is deterministic for a seed", () => {
    const ids = createIdFactory("RUN1");
    const all = kinds.flatMap((k) => [1, 2, 3].flatMap((s) => plan(k, s, feeders[s % feeders.length], ids).posts));
    const eventIds = all.flatMap((p) => (Array.isArray(p.body) ? p.body : [p.body]))
      .map((b: any) => b.eventId ?? b.ticketId ?? b.payload?.event_id);
    expect(eventIds.every((id) => typeof id === "string" && id.startsWith("DEMO-RUN1-"))).toBe(true);
    expect(new Set(eventIds).size).toBe(eventIds.length);
    expect(plan("feeder_trip", 9)).toEqual(plan("feeder_trip", 9));
  });

  it("plans only payloads the real adapters accept, with the power kind the scenario means", () => {
    const ctx = (p: PlannedPost) => ({ now: new Date(start.getTime() + p.atMs), kaifaEventMap: defaultKaifaEventMap });
    for (const [kind, variant] of [...kinds.map((k): [ScenarioKind, undefined] => [k, undefined]), ...stormCases]) {
      for (let seed = 1; seed <= 8; seed++) {
        for (const post of plan(kind, seed, feeders[seed % feeders.length], undefined, variant).posts) {
          const body = JSON.parse(JSON.stringify(post.body));
          if (post.route === "crew-restore") {
            // Not an ingestion payload: the replay turns it into POST /api/oms/events/restore.
            expect(body).toMatchObject({ deviceCode: expect.any(String), restoration_data: { restoration_time: new Date(start.getTime() + post.atMs).toISOString(), restoration_reason: expect.any(String) } });
            continue;
          }
          const items = adapters[sourceOf[post.route]](body, ctx(post));
          expect(items.filter((i) => !i.ok)).toEqual([]);
          for (const [i, item] of items.entries()) {
            if (!item.ok) continue;
            const raw = Array.isArray(body) ? body[i] : body;
            const signal = item.signals[0];
            expect(signal.occurredAt.getTime()).toBe(start.getTime() + post.atMs);
            const text = JSON.stringify(raw);
            if (/Last gasp|LastGasp|breaker_trip/.test(text)) expect(signal.kind).toBe("power_off");
            if (/Power restored|PowerRestored|breaker_close|MV_AlarmRestoration/.test(text)) expect(signal.kind).toBe("power_on");
          }
        }
      }
    }
  });

  it("picks kinds by weight among the allowed ones", () => {
    const rng = createRandom(5);
    const picked = Array.from({ length: 2000 }, () => pickKind(rng, (k) => k !== "feeder_trip"));
    expect(picked).not.toContain("feeder_trip");
    expect(new Set(picked).size).toBe(4);
    expect(pickKind(rng, () => false)).toBeUndefined();
    const free = Array.from({ length: 3000 }, () => pickKind(rng));
    const share = free.filter((k) => k === "feeder_trip").length / free.length;
    expect(share).toBeGreaterThan(0.12);
    expect(share).toBeLessThan(0.22);
  });
});

describe("demo storm feed helpers", () => {
  it("restamps one event or every event of a batch with the posting time", () => {
    const at = new Date("2025-10-01T09:00:00Z");
    expect(restamp({ a: 1, timestamp: "x" }, at)).toEqual({ a: 1, timestamp: at.toISOString() });
    expect(restamp([{ timestamp: "x" }, { timestamp: "y" }], at)).toEqual([{ timestamp: at.toISOString() }, { timestamp: at.toISOString() }]);
  });

  it("reports problems at most once a minute, counting the ones held back", () => {
    let t = 0;
    const lines: string[] = [];
    const report = createThrottledReporter((m) => lines.push(m), () => new Date(t));
    report("a");
    t = 10_000; report("b");
    t = 59_000; report("c");
    t = 61_000; report("d");
    expect(lines).toEqual(["Demo storm feed: a", "Demo storm feed: d (and 2 more problems since the last report)"]);
  });
});
