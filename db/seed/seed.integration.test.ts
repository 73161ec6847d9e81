import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, runtimeName } from "../../tests/helpers/db";
import { queryRows, sql, type DbHandle } from "../client";
import { networkSubstations, omsMeters } from "../schema";
import { metersWithinRadius, nearestDistributionPoint } from "../queries/network";
import { generateNetwork } from "./generate";
import { haversineMetres, offset, positionOf } from "./geo";
import { isNetworkEmpty, loadNetwork, NetworkNotEmptyError, resetNetwork, seedIfEmpty } from "./load";

// One database for the whole file: booting PGlite with PostGIS costs ~10 s.
describe(`seeding the network (${runtimeName})`, () => {
  let handle: DbHandle;
  const network = generateNetwork({ meters: 500, seed: 11 });
  const count = async (table: string) =>
    (await queryRows<{ n: number }>(handle.db, sql.raw(`SELECT COUNT(*)::int AS n FROM ${table}`)))[0].n;

  beforeAll(async () => {
    handle = await createTestDb();
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("seeds an empty database once and leaves a populated one alone", async () => {
    expect(await isNetworkEmpty(handle.db)).toBe(true);
    const messages: string[] = [];
    const first = await seedIfEmpty(handle.db, { meters: 120, seed: 2, log: (m) => messages.push(m) });
    expect(first?.counts).toMatchObject({ meters: 120, distributionPoints: 12, feeders: 1, substations: 1, crews: 3 });
    expect(messages.length).toBeGreaterThan(0);
    expect(await seedIfEmpty(handle.db, { meters: 999 })).toBeNull();
    expect(await count("oms_meters")).toBe(120);
  });

  it("refuses to load over a network unless asked to replace it", async () => {
    await expect(loadNetwork(handle.db, network)).rejects.toBeInstanceOf(NetworkNotEmptyError);
    await resetNetwork(handle.db);
    expect(await isNetworkEmpty(handle.db)).toBe(true);
    const stages = new Set<string>();
    await loadNetwork(handle.db, network, { batchSize: 200, onProgress: (_d, _t, stage) => stages.add(stage) });
    expect(stages).toContain("meters");
    await loadNetwork(handle.db, network, { replace: true });
  });

  it("writes every row, the mapping tables and a route per feeder", async () => {
    const expected: Record<string, number> = {
      network_substations: network.substations.length,
      network_feeders: network.feeders.length,
      network_distribution_points: network.distributionPoints.length,
      oms_customers: network.customers.length,
      oms_onu_devices: network.onuDevices.length,
      oms_meters: 500,
      network_substation_meters: 500,
      network_feeder_meters: 500,
      oms_crews: network.crews.length,
    };
    for (const [table, n] of Object.entries(expected)) expect({ table, n: await count(table) }).toEqual({ table, n });
    const critical = network.customers.filter((c) => c.isCritical).length;
    expect(await count("network_feeder_meters WHERE priority = 1")).toBe(critical);
    const routes = await queryRows<{ feeder_id: string; segments: number; srid: number }>(handle.db, sql`
      SELECT feeder_id, ST_NumGeometries(route)::int AS segments, ST_SRID(route) AS srid FROM network_feeders ORDER BY id`);
    expect(routes).toEqual(network.feeders.map((f) => ({ feeder_id: f.feederId, segments: f.route.length, srid: 4326 })));
    const [located] = await queryRows<{ n: number }>(handle.db, sql`
      SELECT COUNT(*)::int AS n FROM oms_meters WHERE ST_Y(location) = location_lat AND ST_X(location) = location_lng`);
    expect(located.n).toBe(500);
  });

  it("agrees with the seed views on meters per substation, feeder and point", async () => {
    const tally = (key: (m: (typeof network.meters)[number]) => string) => {
      const out: Record<string, number> = {};
      for (const m of network.meters) out[key(m)] = (out[key(m)] ?? 0) + 1;
      return out;
    };
    const bySubstation = tally((m) => network.substations[m.substationId - 1].substationId);
    const subs = await queryRows<{ code: string; n: number; online: number }>(handle.db, sql`
      SELECT substation_id AS code, meter_count::int AS n, online_meter_count::int AS online FROM network_substations_with_meters`);
    expect(Object.fromEntries(subs.map((r) => [r.code, r.n]))).toEqual(bySubstation);
    expect(subs.every((r) => r.online === r.n)).toBe(true);
    const byFeeder = tally((m) => network.feeders[m.feederId - 1].feederId);
    const feeders = await queryRows<{ code: string; n: number }>(handle.db, sql`
      SELECT feeder_id AS code, meter_count::int AS n FROM network_feeders_with_meters`);
    expect(Object.fromEntries(feeders.map((r) => [r.code, r.n]))).toEqual(byFeeder);
    const byPoint = tally((m) => network.distributionPoints[m.dpId - 1].dpId);
    const points = await queryRows<{ code: string; n: number }>(handle.db, sql`
      SELECT dp_id AS code, COUNT(*)::int AS n FROM oms_meters_with_topology
      WHERE feeder_pk IS NOT NULL AND substation_pk IS NOT NULL AND customer_pk IS NOT NULL GROUP BY dp_id`);
    expect(Object.fromEntries(points.map((r) => [r.code, r.n]))).toEqual(byPoint);
  });

  it("moves the id sequences past the loaded rows", async () => {
    const [sub] = await handle.db.insert(networkSubstations)
      .values({ substationId: "SS-TEST", name: "Test 33/11kV", capacityMva: 10 }).returning({ id: networkSubstations.id });
    expect(sub.id).toBe(network.substations.length + 1);
    const [meter] = await handle.db.insert(omsMeters).values({ meterNumber: "M99999999" }).returning({ id: omsMeters.id });
    expect(meter.id).toBe(501);
    await handle.db.execute(sql`DELETE FROM oms_meters WHERE id = ${meter.id}`);
    await handle.db.execute(sql`DELETE FROM network_substations WHERE id = ${sub.id}`);
  });

  it("finds the nearest distribution point within a radius, as haversine over the rows does", async () => {
    const points = network.distributionPoints;
    let checked = 0;
    let degreesMislead = 0;
    for (const probe of points.flatMap((p) => [0, 1, 2, 3, 4, 5, 6, 7].map((k) => offset(positionOf(p), 120, (k * Math.PI) / 4)))) {
      const ranked = points.map((p) => ({ id: p.id, d: haversineMetres(probe, positionOf(p)) })).sort((a, b) => a.d - b.d);
      // Sphere (here) and spheroid (PostGIS) distances differ by <0.5%: skip near-ties.
      if (ranked[1].d - ranked[0].d < 0.01 * ranked[1].d + 1) continue;
      const found = await nearestDistributionPoint(handle.db, { ...probe, radiusMeters: 1000 });
      expect(found?.id).toBe(ranked[0].id);
      expect(found?.dpId).toBe(points[ranked[0].id - 1].dpId);
      expect(Math.abs(found!.distanceMeters - ranked[0].d)).toBeLessThan(0.01 * ranked[0].d + 0.5);
      // Count the probes where the nearest in raw degrees is another point: the trap the query avoids.
      const inDegrees = (p: (typeof points)[number]) => Math.hypot(p.locationLat - probe.lat, p.locationLng - probe.lng);
      if (points.reduce((a, b) => (inDegrees(b) < inDegrees(a) ? b : a)).id !== ranked[0].id) degreesMislead++;
      checked++;
    }
    expect(degreesMislead).toBeGreaterThan(0);
    expect(checked).toBeGreaterThanOrEqual(100);
    const beyond = offset(positionOf(points[0]), 5, 0);
    const tooFar = Math.min(...points.map((p) => haversineMetres(beyond, positionOf(p)))) * 0.9;
    expect(await nearestDistributionPoint(handle.db, { ...beyond, radiusMeters: tooFar })).toBeNull();
    expect(await nearestDistributionPoint(handle.db, { lat: 31.2, lng: 35.2, radiusMeters: 2000 })).toBeNull();
  });

  it("lists exactly the meters within a radius", async () => {
    for (const point of network.distributionPoints.filter((_, i) => i % 7 === 0)) {
      const here = positionOf(point);
      const distances = network.meters.map((m) => ({ id: m.id, d: haversineMetres(here, positionOf(m)) }));
      // Keep the edge of the circle at least 1% away from every meter, so no meter sits on it.
      let radius = 300;
      while (distances.some(({ d }) => Math.abs(d - radius) < 0.01 * radius + 1)) radius += 7;
      const expected = distances.filter(({ d }) => d < radius).map(({ id }) => id).sort((a, b) => a - b);
      const found = await metersWithinRadius(handle.db, { ...here, radiusMeters: radius });
      expect(found.map((m) => m.id).sort((a, b) => a - b)).toEqual(expected);
      expect(found.map((m) => m.distanceMeters)).toEqual([...found.map((m) => m.distanceMeters)].sort((a, b) => a - b));
    }
    expect(await metersWithinRadius(handle.db, { lat: 31.2, lng: 35.2, radiusMeters: 5000 })).toEqual([]);
  });
});
