import { describe, expect, it } from "vitest";
import { generateNetwork } from "../../db/seed/generate";
import type { ScenarioKind } from "../demo/planKit";
import { SCENARIO_VARIANTS } from "../demo/scenarios";
import { DEFAULT_STORM, feedersOf, generateStorm, stormCases, type Storm, type StormPost, type TruthNoise, type TruthOutage } from "./storm";

// The network tests/storm.test.ts replays (3 substations, 16 feeders, ~10 meters a point), and the default one.
const small = generateNetwork({ meters: 2400, seed: 17, substations: 3, feeders: 16, distributionPoints: 240 });
const town = generateNetwork({ meters: 20_000, seed: 1 });
const startedAt = new Date("2026-11-20T16:00:00Z");

/** Everything a test needs to read a storm of `network`: meters by every identity, points, feeders. */
function lookup(network: typeof small) {
  const feeders = feedersOf(network);
  const byIdentity = new Map<string, string>();
  const byPhone = new Map<string, string>();
  const pointOf = new Map<string, string>();
  const feederOf = new Map<string, string>();
  const metersOfPoint = new Map<string, string[]>();
  for (const f of feeders) {
    for (const p of f.points) {
      metersOfPoint.set(p.dpCode, p.meters.map((m) => m.meterNumber));
      for (const m of p.meters) {
        for (const id of [m.meterNumber, m.assetMrid, m.usagePointMrid]) if (id) byIdentity.set(id, m.meterNumber);
        if (m.phone) byPhone.set(m.phone, m.meterNumber);
        pointOf.set(m.meterNumber, p.dpCode);
        feederOf.set(m.meterNumber, f.feederCode);
      }
    }
  }
  const metersOfFeeder = new Map(feeders.map((f) => [f.feederCode, f.points.flatMap((p) => p.meters.map((m) => m.meterNumber))]));
  const substationOf = new Map(feeders.map((f) => [f.feederCode, f.substationCode]));
  return { feeders, byIdentity, byPhone, pointOf, feederOf, metersOfPoint, metersOfFeeder, substationOf };
}
const L = new Map([[small, lookup(small)], [town, lookup(town)]]);

/** One signal of a post, read back: which meter (or feeder), what it says, when it happened (ms from the storm's start). */
interface Heard { route: StormPost["route"]; what: "off" | "on" | "call" | "trip" | "close" | "crew"; meter?: string; feeder?: string; device?: string; atMs: number; postAt: number; delivery: StormPost["delivery"] }
function heard(storm: Storm, network: typeof small, scenario: number): Heard[] {
  const l = L.get(network)!;
  const at = (iso: string) => new Date(iso).getTime() - storm.startedAt.getTime();
  const out: Heard[] = [];
  for (const p of storm.posts.filter((x) => x.scenario === scenario && x.delivery !== "duplicate")) {
    const base = { route: p.route, postAt: p.atMs, delivery: p.delivery };
    for (const e of (Array.isArray(p.body) ? p.body : [p.body]) as any[]) {
      if (p.route === "kaifa") {
        const id = e.payload.assets?.["ns2:mRID"] ?? e.payload.assets?.mrid ?? e.payload.usage_point?.mrid;
        out.push({ ...base, what: e.payload.reason === "Power restored" ? "on" : "off", meter: l.byIdentity.get(id), atMs: at(e.timestamp) });
      } else if (p.route === "onu") {
        out.push({ ...base, what: e.type === "ONU_PowerRestored" ? "on" : "off", atMs: at(e.timestamp) });
      } else if (p.route === "call-center") {
        out.push({ ...base, what: "call", meter: l.byPhone.get(e.customer.phone) ?? l.byIdentity.get(e.customer.meterNumber), atMs: at(e.timestamp) });
      } else if (p.route === "scada") {
        out.push({ ...base, what: e.eventType === "breaker_trip" ? "trip" : "close", feeder: e.feederId, atMs: at(e.timestamp) });
      } else {
        out.push({ ...base, what: "crew", device: e.deviceCode, atMs: at(e.restoration_data.restoration_time) });
      }
    }
  }
  return out.sort((a, b) => a.atMs - b.atMs);
}

const scenariosOf = (storm: Storm, kind: ScenarioKind, variant?: string) => {
  const ids = new Set<number>();
  for (const t of storm.truth.outages) if (t.kind === kind && (variant === undefined || t.variant === variant)) ids.add(t.scenario!);
  for (const n of storm.truth.noise) if (n.scenarioKind === kind && (variant === undefined || n.variant === variant)) ids.add(n.scenario!);
  return [...ids].sort((a, b) => a - b);
};
const truthOf = (storm: Storm, scenario: number) => storm.truth.outages.filter((t) => t.scenario === scenario);
const noiseOf = (storm: Storm, scenario: number) => storm.truth.noise.filter((n) => n.scenario === scenario);
const sorted = (xs: Iterable<string>) => [...xs].sort();

/** A storm with many of each case, on each network. */
const storms = [
  { name: "the small network", network: small, storm: generateStorm(small, { seed: 5, faults: 10, momentaries: 3, strayCalls: 3, spreadMs: 4 * 60_000, deviceBlips: 6, coincident: 6, crewRestores: 3 }, startedAt) },
  { name: "the town", network: town, storm: generateStorm(town, { seed: 7, faults: 100, momentaries: 30, strayCalls: 30, spreadMs: 30 * 60_000 }, startedAt) },
];

type Check = (c: { storm: Storm; network: typeof small; scenario: number; truth: TruthOutage[]; noise: TruthNoise[]; signals: Heard[] }) => void;

const cases: Array<{ kind: ScenarioKind; variant?: string; check: Check }> = [
  ...SCENARIO_VARIANTS.device_momentary.map((variant) => ({
    kind: "device_momentary" as const, variant,
    check: (({ network, truth, noise, signals }) => {
      // Never an outage: a momentary of the whole device, with its level and code.
      expect(truth).toEqual([]);
      expect(noise).toHaveLength(1);
      const [n] = noise;
      const l = L.get(network)!;
      expect(n).toMatchObject({ kind: "momentary", level: variant === "distribution_point" ? "distribution_point" : "feeder" });
      const device = n.level === "feeder" ? l.metersOfFeeder.get(n.deviceCode!)! : l.metersOfPoint.get(n.deviceCode!)!;
      expect(sorted(n.meterNumbers)).toEqual(sorted(device));
      const off = signals.filter((s) => s.what === "off");
      const on = signals.filter((s) => s.what === "on");
      // About 70% gasp, most report back, everything within 10 s of the first gasp.
      expect(off.length / device.length).toBeGreaterThanOrEqual(0.55);
      expect(off.length / device.length).toBeLessThanOrEqual(0.85);
      expect(on.length / device.length).toBeGreaterThan(0.5);
      expect(new Set(off.map((s) => s.meter)).size).toBe(off.length);
      expect([...off, ...on].every((s) => device.includes(s.meter!))).toBe(true);
      const t0 = off[0].atMs;
      expect(Math.max(...signals.map((s) => s.atMs)) - t0).toBeLessThanOrEqual(10_000);
      expect(Math.min(...on.map((s) => s.atMs)) - t0).toBeGreaterThanOrEqual(3_000);
      const scada = signals.filter((s) => s.route === "scada");
      if (variant === "feeder_scada") {
        expect(scada.map((s) => [s.what, s.feeder])).toEqual([["trip", n.deviceCode], ["close", n.deviceCode]]);
        expect(scada[1].atMs - scada[0].atMs).toBeGreaterThanOrEqual(4_000);
        expect(scada[1].atMs - scada[0].atMs).toBeLessThanOrEqual(8_000);
      } else expect(scada).toEqual([]);
    }) as Check,
  })),
  {
    kind: "silent_caller",
    check: ({ network, truth, signals }) => {
      // Only the feeder outage; callers whose last gasp was lost call while it is out, and never report back.
      expect(truth).toHaveLength(1);
      const [t] = truth;
      const l = L.get(network)!;
      expect(t).toMatchObject({ level: "feeder", nestedIn: null });
      expect(sorted(t.meterNumbers)).toEqual(sorted(l.metersOfFeeder.get(t.deviceCode)!));
      const gasped = new Set(signals.filter((s) => s.what === "off").map((s) => s.meter));
      const back = new Set(signals.filter((s) => s.what === "on").map((s) => s.meter));
      const silent = signals.filter((s) => s.what === "call" && !gasped.has(s.meter) && !back.has(s.meter));
      expect(silent.length).toBeGreaterThanOrEqual(1);
      const trip = signals.find((s) => s.what === "trip")!;
      const close = signals.find((s) => s.what === "close")!;
      for (const call of silent) {
        expect(t.meterNumbers).toContain(call.meter);
        expect(call.atMs).toBeGreaterThan(trip.atMs);
        expect(call.atMs).toBeLessThan(close.atMs);
      }
      expect(t.restoreMs).toBe(close.atMs);
    },
  },
  {
    kind: "missing_close",
    check: ({ network, truth, signals }) => {
      // A SCADA trip and no close; the meters report back, which is when the truth is restored.
      expect(truth).toHaveLength(1);
      const [t] = truth;
      expect(t).toMatchObject({ level: "feeder", nestedIn: null });
      expect(sorted(t.meterNumbers)).toEqual(sorted(L.get(network)!.metersOfFeeder.get(t.deviceCode)!));
      expect(signals.filter((s) => s.route === "scada").map((s) => s.what)).toEqual(["trip"]);
      const on = signals.filter((s) => s.what === "on" && s.route === "kaifa");
      expect(on.length).toBeGreaterThan(t.meterNumbers.length * 0.7);
      expect(t.restoreMs).toBe(Math.min(...on.map((s) => s.atMs)));
    },
  },
  ...SCENARIO_VARIANTS.coincident.map((variant) => ({
    kind: "coincident" as const, variant,
    check: (({ storm, network, truth, signals }) => {
      // The whole point is out, though only two or three things are heard from under it.
      expect(truth).toHaveLength(1);
      const [t] = truth;
      const l = L.get(network)!;
      expect(t).toMatchObject({ level: "distribution_point", nestedIn: null });
      const meters = l.metersOfPoint.get(t.deviceCode)!;
      expect(sorted(t.meterNumbers)).toEqual(sorted(meters));
      expect(meters.length).toBeGreaterThanOrEqual(10);
      const off = signals.filter((s) => s.what === "off");
      const calls = signals.filter((s) => s.what === "call");
      expect([...off, ...calls].every((s) => meters.includes(s.meter!))).toBe(true);
      if (variant === "gasps") {
        expect(calls).toEqual([]);
        expect(off.length).toBeGreaterThanOrEqual(2);
        expect(off.length).toBeLessThanOrEqual(3);
        // One message, one second.
        const gaspPosts = storm.posts.filter((p) => p.scenario === t.scenario && p.route === "kaifa" && p.delivery !== "duplicate" && (p.body as any[])[0].payload.reason !== "Power restored");
        expect(gaspPosts).toHaveLength(1);
        expect(new Set(off.map((s) => s.atMs)).size).toBe(1);
      } else if (variant === "calls") {
        expect(off).toEqual([]);
        expect(calls).toHaveLength(2);
        expect(calls[0].meter).not.toBe(calls[1].meter);
      } else {
        expect(off).toHaveLength(1);
        expect(calls).toHaveLength(1);
        expect(calls[0].meter).not.toBe(off[0].meter);
      }
      const on = signals.filter((s) => s.what === "on");
      expect(Math.min(...on.map((s) => s.atMs))).toBe(t.restoreMs);
      expect(t.restoreMs).toBeGreaterThan(Math.max(...[...off, ...calls].map((s) => s.atMs)));
    }) as Check,
  })),
  {
    kind: "substation_wave",
    check: ({ storm, network, truth }) => {
      // About half of one substation's feeders, overlapping, some with SCADA and some without; never the substation.
      const l = L.get(network)!;
      expect(truth.every((t) => t.level === "feeder" && t.nestedIn === null)).toBe(true);
      const substation = l.substationOf.get(truth[0].deviceCode)!;
      expect(truth.every((t) => l.substationOf.get(t.deviceCode) === substation)).toBe(true);
      const all = l.feeders.filter((f) => f.substationCode === substation);
      expect(truth.length).toBeGreaterThanOrEqual(2);
      expect(truth.length).toBeLessThan(all.length);
      expect(truth.length).toBeGreaterThanOrEqual(Math.floor(all.length / 2));
      for (const t of truth) expect(sorted(t.meterNumbers)).toEqual(sorted(l.metersOfFeeder.get(t.deviceCode)!));
      expect(new Set(truth.map((t) => t.variant))).toEqual(new Set(["scada", "ami_only"]));
      // Each is out while the first is.
      const [first, ...rest] = [...truth].sort((a, b) => a.startMs - b.startMs);
      for (const t of rest) expect(t.startMs).toBeLessThan(first.restoreMs);
      for (const t of truth) {
        const scada = storm.posts.filter((p) => p.scenario === t.scenario && p.route === "scada" && (p.body as any).feederId === t.deviceCode);
        if (t.variant === "ami_only") expect(scada).toEqual([]);
        else expect(scada.length).toBeGreaterThanOrEqual(2);
      }
      // Some feeder of that substation is never a feeder outage in the storm: it is never all out.
      const out = new Set(storm.truth.outages.filter((o) => o.level === "feeder").map((o) => o.deviceCode));
      expect(all.some((f) => !out.has(f.feederCode))).toBe(true);
      expect(storm.truth.outages.some((o) => (o.level as string) === "substation")).toBe(false);
    },
  },
  ...SCENARIO_VARIANTS.crew_restore.map((variant) => ({
    kind: "crew_restore" as const, variant,
    check: (({ network, truth, signals }) => {
      // A crew presses Restored (once, on time) while part of the outage is still dark; that part is a nested outage, back 9–14 minutes later.
      const l = L.get(network)!;
      expect(truth).toHaveLength(2);
      const [parent, nested] = truth;
      expect(parent).toMatchObject({ level: variant, nestedIn: null });
      expect(nested.nestedIn).toBe(parent.id);
      const crew = signals.filter((s) => s.what === "crew");
      expect(crew).toHaveLength(1);
      expect(crew[0]).toMatchObject({ device: parent.deviceCode, delivery: "normal" });
      expect(crew[0].postAt).toBe(crew[0].atMs);
      expect(parent.restoreMs).toBe(crew[0].atMs);
      expect(nested.restoreMs - parent.restoreMs).toBeGreaterThanOrEqual(9 * 60_000);
      expect(nested.restoreMs - parent.restoreMs).toBeLessThanOrEqual(15 * 60_000);
      if (variant === "feeder") {
        expect(sorted(parent.meterNumbers)).toEqual(sorted(l.metersOfFeeder.get(parent.deviceCode)!));
        expect(nested.level).toBe("distribution_point");
        expect(sorted(nested.meterNumbers)).toEqual(sorted(l.metersOfPoint.get(nested.deviceCode)!));
        expect(l.feederOf.get(nested.meterNumbers[0])).toBe(parent.deviceCode);
      } else {
        expect(sorted(parent.meterNumbers)).toEqual(sorted(l.metersOfPoint.get(parent.deviceCode)!));
        expect(nested).toMatchObject({ level: "meter", deviceCode: nested.meterNumbers[0] });
        expect(parent.meterNumbers).toContain(nested.deviceCode);
      }
      // Most of the still-dark part said it went off, and none of it says it is back before its time.
      const dark = new Set(nested.meterNumbers);
      const darkOff = signals.filter((s) => s.what === "off" && dark.has(s.meter!));
      expect(darkOff.length).toBeGreaterThanOrEqual(Math.ceil(dark.size * 0.7));
      const darkOn = signals.filter((s) => s.what === "on" && dark.has(s.meter!));
      expect(Math.min(...darkOn.map((s) => s.atMs))).toBe(nested.restoreMs);
      // The rest is back within seconds of the crew's press.
      const othersOn = signals.filter((s) => s.what === "on" && s.route === "kaifa" && !dark.has(s.meter!));
      expect(othersOn.length).toBeGreaterThan(0);
      expect(Math.min(...othersOn.map((s) => s.atMs)) - parent.restoreMs).toBeLessThanOrEqual(30_000);
    }) as Check,
  })),
];

describe("the storm generator's harder cases", () => {
  for (const { name, network, storm } of storms) {
    describe(`on ${name}`, () => {
      it.each(cases.map((c) => [`${c.kind}${c.variant ? ` (${c.variant})` : ""}`, c] as const))("plans %s with its truth", (_label, c) => {
        const scenarios = scenariosOf(storm, c.kind, c.variant);
        expect(scenarios.length).toBeGreaterThan(0);
        for (const scenario of scenarios) {
          c.check({ storm, network, scenario, truth: truthOf(storm, scenario), noise: noiseOf(storm, scenario), signals: heard(storm, network, scenario) });
        }
      });

      it("never lets two scenarios share a distribution point, nor a tripped feeder carry anything else", () => {
        const l = L.get(network)!;
        const owner = new Map<string, number>();
        const shared: string[] = [];
        const claim = (point: string, scenario: number) => {
          if (owner.has(point) && owner.get(point) !== scenario) shared.push(point);
          owner.set(point, scenario);
        };
        for (const t of storm.truth.outages) for (const m of t.meterNumbers) claim(l.pointOf.get(m)!, t.scenario!);
        for (const n of storm.truth.noise) if (n.kind === "momentary") for (const m of n.meterNumbers) claim(l.pointOf.get(m)!, n.scenario!);
        expect(shared).toEqual([]);
        // Stray callers are never in a harder case's place.
        const harder = new Set<ScenarioKind>(["device_momentary", "silent_caller", "missing_close", "coincident", "substation_wave", "crew_restore"]);
        const harderMeters = new Set([...storm.truth.outages.filter((t) => harder.has(t.kind)), ...storm.truth.noise.filter((n) => harder.has(n.scenarioKind!))].flatMap((x) => x.meterNumbers));
        const strayInHarder = storm.truth.noise.filter((n) => n.kind === "stray_call").flatMap((n) => n.meterNumbers).filter((m) => harderMeters.has(m));
        expect(strayInHarder).toEqual([]);
      });

      it("sends each crew's restoration once and on time", () => {
        const crews = storm.posts.filter((p) => p.route === "crew-restore");
        expect(crews.length).toBe(storm.truth.outages.filter((t) => t.kind === "crew_restore" && t.nestedIn === null).length);
        expect(crews.every((p) => p.delivery === "normal")).toBe(true);
        expect(new Set(crews.map((p) => p.body)).size).toBe(crews.length);
      });
    });
  }

  it("includes every case in the default storm and in the README's town storm, sized from --faults unless given", () => {
    const byDefault = generateStorm(town, {}, startedAt);
    const kinds = (s: Storm) => new Set([...s.truth.outages.map((t) => t.kind), ...s.truth.noise.map((n) => n.scenarioKind)]);
    for (const k of ["device_momentary", "silent_caller", "missing_close", "coincident", "substation_wave", "crew_restore"] as const) {
      expect(kinds(byDefault)).toContain(k);
    }
    expect(byDefault.options).toMatchObject({ ...DEFAULT_STORM, deviceBlips: 3, silentCallers: 1, missingCloses: 1, coincident: 3, substationWaves: 1, crewRestores: 1 });
    // The README's 100-fault storm has every form of every case.
    const readme = storms[1].storm;
    for (const [kind, variants] of Object.entries(SCENARIO_VARIANTS)) {
      for (const v of variants) expect(scenariosOf(readme, kind as ScenarioKind, v).length, `${kind}/${v}`).toBeGreaterThan(0);
    }
    expect(stormCases({ faults: 600 })).toEqual({ deviceBlips: 150, silentCallers: 30, missingCloses: 30, coincident: 90, substationWaves: 12, crewRestores: 30 });
    expect(stormCases({ faults: 600, coincident: 0 }).coincident).toBe(0);
  });

  it("is deterministic from the seed, and with no harder cases is the demo kinds' storm alone", () => {
    const o = { seed: 11, faults: 10, spreadMs: 4 * 60_000 };
    expect(generateStorm(small, o, startedAt)).toEqual(generateStorm(small, o, startedAt));
    expect(generateStorm(small, { ...o, seed: 12 }, startedAt).posts).not.toEqual(generateStorm(small, o, startedAt).posts);
    const none = generateStorm(small, { ...o, deviceBlips: 0, silentCallers: 0, missingCloses: 0, coincident: 0, substationWaves: 0, crewRestores: 0 }, startedAt);
    const demoKinds = new Set(["feeder_trip", "transformer", "single_meter", "momentary", "stray_call"]);
    expect(none.truth.outages.every((t) => demoKinds.has(t.kind))).toBe(true);
    expect(none.posts.some((p) => p.route === "crew-restore")).toBe(false);
  });

  it("says so when the network is too small for the cases asked", () => {
    expect(() => generateStorm(small, { faults: 1, substationWaves: 20 }, startedAt)).toThrow(/too small.*substation wave/);
  });
});
