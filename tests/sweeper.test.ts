import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../server/index";
import { dueSubstations, SWEEP_LOOKUP_MOST } from "../server/ingest/sweeper";
import { generateNetwork } from "../db/seed/generate";
import { runtimeName } from "./helpers/db";
import { startTestServer, type TestServer } from "./helpers/server";

const network = generateNetwork({ meters: 4000, seed: 8 });
const gasp = (id: string, meterNumber: string, at: Date) => ({ message_type: "EndDeviceEvent", timestamp: at.toISOString(), payload: { event_id: id, reason: "Last gasp signal detected", assets: { mrid: meterNumber } } });
const restored = (id: string, meterNumber: string, at: Date) => ({ message_type: "EndDeviceEvent", timestamp: at.toISOString(), payload: { event_id: id, reason: "Power restored", assets: { mrid: meterNumber } } });

/** One meter of each of the first `n` substations (by id), each on a point of its own. */
function meterPerSubstation(n: number) {
  const ids = [...new Set(network.meters.map((m) => m.substationId))].sort((a, b) => a - b).slice(0, n);
  return ids.map((s) => network.meters.find((m) => m.substationId === s)!);
}

describe(`the verification sweep's due substations on ${runtimeName}`, () => {
  let server: RunningServer;
  let api: TestServer["fetch"];
  const post = async (body: unknown) => {
    const res = await api("/api/ingest/kaifa", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
  };
  beforeAll(async () => {
    ({ server, fetch: api } = await startTestServer(network));
  });
  afterAll(async () => server?.stop());

  it("finds the substations of power-offs no outage holds once they outlast the momentary window, the same by lookup and by scan", async () => {
    const [darkA, darkB, backOn, heldMeter] = meterPerSubstation(4);
    const rule = await server.services.ingest.activeRule(server.database.db);
    const momentary = rule.momentarySeconds * 1000;
    const t = new Date(Date.now() - 1000);
    // Dark since t, no outage yet (the momentary window is still open at t).
    await post([gasp("SW-A", darkA.meterNumber, t), gasp("SW-B", darkB.meterNumber, t)]);
    // Off and back on within the window: a blip, not dark.
    await post([gasp("SW-C-OFF", backOn.meterNumber, t), restored("SW-C-ON", backOn.meterNumber, new Date(t.getTime() + 2000))]);
    // A whole point dark long enough ago: an outage holds its meters at once.
    const point = network.meters.filter((m) => m.dpId === heldMeter.dpId);
    const long = new Date(t.getTime() - 3 * momentary - 60_000);
    await post(point.map((m, i) => gasp(`SW-H-${i}`, m.meterNumber, long)));

    const due = async (now: Date, lookupMost?: number) => (await dueSubstations(server.database.db, now, momentary, lookupMost)).sort((a, b) => a - b);
    // Before the window ends nothing of these is due; just after, the two dark meters' substations are.
    const before = new Date(t.getTime() + momentary - 1000);
    expect((await due(before)).filter((s) => s === darkA.substationId || s === darkB.substationId)).toEqual([]);
    const after = new Date(t.getTime() + momentary + 1000);
    const byLookup = await due(after);
    expect(byLookup).toEqual(expect.arrayContaining([darkA.substationId, darkB.substationId]));
    expect(byLookup).not.toContain(backOn.substationId);
    expect(byLookup).not.toContain(heldMeter.substationId);
    // More power-offs in the window than are looked up one by one: the meters are scanned instead.
    expect(await due(after, 0)).toEqual(byLookup);
    expect(await due(after, SWEEP_LOOKUP_MOST)).toEqual(byLookup);
    // Ten minutes on, the sweeps before have seen them: no longer due for their power-off.
    const later = new Date(after.getTime() + 11 * 60_000);
    const [lookupLater, scanLater] = [await due(later), await due(later, 0)];
    expect(lookupLater).toEqual(scanLater);
    expect(lookupLater).not.toContain(darkA.substationId);
  });
});
