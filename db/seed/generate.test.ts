import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateNetwork, resolveSizes } from "./generate";
import { AMMAN_CENTRE, haversineMetres, positionOf } from "./geo";
import type { GeneratedNetwork } from "./types";

const digest = (n: GeneratedNetwork) => createHash("sha256").update(JSON.stringify(n)).digest("hex");
const unique = <T>(values: T[]) => new Set(values).size === values.length;

describe("network generator", () => {
  const network = generateNetwork({ meters: 20_000, seed: 3 });

  it("derives the sizes from the meter count", () => {
    expect(resolveSizes({ meters: 20_000 })).toEqual({
      seed: 1, meters: 20_000, distributionPoints: 2000, feeders: 100, substations: 20, crews: 20,
    });
    expect(resolveSizes({ meters: 40 })).toMatchObject({ distributionPoints: 4, feeders: 1, substations: 1, crews: 3 });
    expect(() => resolveSizes({ meters: 100, feeders: 0 })).toThrow(/feeders/);
  });

  it("gives the same network for the same options and another for another seed", () => {
    const again = generateNetwork({ meters: 20_000, seed: 3 });
    expect(digest(again)).toBe(digest(network));
    const other = generateNetwork({ meters: 20_000, seed: 4 });
    expect(digest(other)).not.toBe(digest(network));
    expect(other.meters.map((m) => m.locationLat)).not.toEqual(network.meters.map((m) => m.locationLat));
  });

  it("creates exactly the sizes asked for", () => {
    const sizes = { meters: 1234, distributionPoints: 101, feeders: 7, substations: 3, crews: 5, seed: 9 };
    const n = generateNetwork(sizes);
    expect(n.sizes).toEqual(sizes);
    expect([n.meters.length, n.customers.length, n.distributionPoints.length, n.feeders.length, n.substations.length, n.crews.length])
      .toEqual([1234, 1234, 101, 7, 3, 5]);
  });

  it("numbers every table 1..n with unique codes in the documented formats", () => {
    const tables = [network.substations, network.feeders, network.distributionPoints, network.customers,
      network.onuDevices, network.meters, network.crews];
    for (const rows of tables) expect(rows.map((r) => r.id)).toEqual(rows.map((_, i) => i + 1));
    const codes: [string[], RegExp][] = [
      [network.substations.map((s) => s.substationId), /^SS\d{3}$/],
      [network.feeders.map((f) => f.feederId), /^FD\d{3}$/],
      [network.distributionPoints.map((d) => d.dpId), /^DP\d{5}$/],
      [network.customers.map((c) => c.customerId), /^CUST\d{7}$/],
      [network.meters.map((m) => m.meterNumber), /^M\d{8}$/],
      [network.meters.map((m) => m.assetMrid), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/],
      [network.meters.map((m) => m.usagePointMrid), /^UP-\d{10}$/],
      [network.onuDevices.map((o) => String(o.onuId)), /^\d{7}$/],
      [network.onuDevices.map((o) => o.onuSerialNo), /^[0-9A-F]{16}$/],
      [network.crews.map((c) => c.crewId), /^CRW\d{2}$/],
    ];
    for (const [values, format] of codes) {
      expect(unique(values)).toBe(true);
      expect(values.filter((v) => !format.test(v))).toEqual([]);
    }
    expect(generateNetwork({ meters: 30_000, feeders: 1000 }).feeders[999].feederId).toBe("FD1000");
  });

  it("keeps the topology consistent: meter → point → feeder → substation", () => {
    const { feeders, distributionPoints: points, meters } = network;
    const misplaced = meters.filter((m) => {
      const point = points[m.dpId - 1];
      return !point || m.feederId !== point.feederId || m.customerId !== m.id ||
        m.substationId !== feeders[point.feederId - 1].substationId;
    });
    expect(misplaced).toEqual([]);
    const perPoint = new Map<number, number>();
    for (const m of meters) perPoint.set(m.dpId, (perPoint.get(m.dpId) ?? 0) + 1);
    expect(perPoint.size).toBe(points.length);
    for (const count of perPoint.values()) expect(count).toBeGreaterThanOrEqual(1);
  });

  it("makes each feeder a tree: parents on the same feeder, no cycles, one route segment per point", () => {
    const { feeders, distributionPoints: points } = network;
    const strays = points.filter((p) => p.parentDpId !== null && points[p.parentDpId - 1]?.feederId !== p.feederId);
    expect(strays).toEqual([]);
    const inCycles = points.filter((p) => {
      const seen = new Set<number>();
      for (let at: number | null = p.id; at !== null; at = points[at - 1].parentDpId) {
        if (seen.has(at)) return true;
        seen.add(at);
      }
      return false;
    });
    expect(inCycles).toEqual([]);
    for (const f of feeders) {
      const own = points.filter((p) => p.feederId === f.id);
      expect(f.route).toHaveLength(own.length);
      expect(own.some((p) => p.parentDpId === null)).toBe(true);
      for (const [[x1, y1], [x2, y2]] of f.route) {
        const length = haversineMetres({ lat: y1, lng: x1 }, { lat: y2, lng: x2 });
        expect(length).toBeGreaterThan(145);
        expect(length).toBeLessThan(405);
      }
    }
  });

  it("places everything around Amman, meters 20–150 m from their point, substations apart", () => {
    const located = [...network.substations, ...network.distributionPoints, ...network.meters, ...network.customers];
    expect(located.filter((row) => haversineMetres(positionOf(row), AMMAN_CENTRE) > 30_000)).toEqual([]);
    const drops = network.meters.map((m) => haversineMetres(positionOf(m), positionOf(network.distributionPoints[m.dpId - 1])));
    expect(Math.min(...drops)).toBeGreaterThan(19);
    expect(Math.max(...drops)).toBeLessThan(151);
    const subs = network.substations;
    for (let i = 0; i < subs.length; i++) {
      for (let j = i + 1; j < subs.length; j++) expect(haversineMetres(positionOf(subs[i]), positionOf(subs[j]))).toBeGreaterThan(500);
    }
  });

  it("sends the feeders of a substation out in different directions", () => {
    for (const s of network.substations) {
      let x = 0;
      let y = 0;
      const own = network.feeders.filter((f) => f.substationId === s.id);
      for (const f of own) {
        // Unit vector from the substation to the far end of the feeder's first segment.
        const [, [lng, lat]] = f.route[0];
        const east = (lng - s.locationLng) * Math.cos((s.locationLat * Math.PI) / 180);
        const north = lat - s.locationLat;
        const length = Math.hypot(east, north);
        x += east / length;
        y += north / length;
      }
      expect(Math.hypot(x, y) / own.length).toBeLessThan(0.6);
    }
  });

  it("gives ~30% of meters an ONU linked both ways and ~2.5% critical customers", () => {
    const { meters, onuDevices, customers } = network;
    expect(onuDevices.length / meters.length).toBeGreaterThan(0.27);
    expect(onuDevices.length / meters.length).toBeLessThan(0.33);
    const byOnuId = new Map(onuDevices.map((o) => [o.onuId, o]));
    const withOnu = meters.filter((m) => m.onuId !== null);
    expect(withOnu).toHaveLength(onuDevices.length);
    expect(withOnu.filter((m) => byOnuId.get(m.onuId!)?.customerId !== m.customerId)).toEqual([]);
    const critical = customers.filter((c) => c.isCritical);
    expect(critical.length / customers.length).toBeGreaterThan(0.015);
    expect(critical.length / customers.length).toBeLessThan(0.035);
    expect(customers.filter((c) => (c.criticalType !== null) !== c.isCritical)).toEqual([]);
    expect(customers.filter((c) => !/^\+9627[789]\d{7}$/.test(c.phone))).toEqual([]);
  });

  it("starts crews available at a depot near a substation", () => {
    for (const c of network.crews) {
      const nearest = Math.min(...network.substations.map((s) => haversineMetres(positionOf(s), { lat: c.depotLat, lng: c.depotLng })));
      expect(nearest).toBeLessThan(500);
      expect(c.size).toBeGreaterThanOrEqual(2);
      expect(c.size).toBeLessThanOrEqual(4);
    }
  });

  // How fast is for the seed command's figures in the README, not for a test on a shared machine.
  it("generates 200,000 meters with unique identifiers", () => {
    const big = generateNetwork({ meters: 200_000 });
    expect(big.distributionPoints).toHaveLength(20_000);
    expect(unique(big.meters.map((m) => m.assetMrid))).toBe(true);
    expect(unique(big.meters.map((m) => m.usagePointMrid))).toBe(true);
    expect(unique(big.onuDevices.map((o) => o.onuId))).toBe(true);
    expect(unique(big.onuDevices.map((o) => o.onuSerialNo))).toBe(true);
  });
});
