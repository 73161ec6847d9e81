import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { generateNetwork } from "../db/seed/generate";
import { activeRule } from "../server/operations/rules";
import { emptyEvidence } from "../server/pipeline/evidence";
import { loadReports } from "../server/repository/loadState";
import { runtimeName } from "./helpers/db";
import { startTestServer, type TestServer } from "./helpers/server";

const network = generateNetwork({ meters: 400, seed: 23, substations: 2 });
const [first, second] = network.substations.map((s) => s.id);
const meter = network.meters.find((m) => m.substationId === first)!;
const phone = network.customers.find((c) => c.id === meter.customerId)!.phone;

/**
 * A correlation pass reads the recent calls of its substations by the substation each ticket
 * keeps (migration 0021), which must be its meter's whatever happens to the meter afterwards.
 */
describe(`a call's substation on ${runtimeName}`, () => {
  let t: TestServer;
  const callsOf = async (substationId: number) => {
    const evidence = emptyEvidence();
    await loadReports(t.server.database.db, [substationId], new Date(), await activeRule(t.server.database.db), evidence);
    return [...evidence.reports.keys()];
  };
  const ticketSubstation = async (ticketId: string) =>
    (await t.rows<{ substation_id: number | null }>(sql`SELECT substation_id FROM callcenter_tickets WHERE ticket_id = ${ticketId}`))[0]?.substation_id;

  beforeAll(async () => {
    t = await startTestServer(network);
  });
  afterAll(async () => t?.stop());

  it("is its meter's when the call is stored, and only that substation's passes read it", async () => {
    const answer = await t.post("/api/ingest/call-center", { ticketId: "SUB-CALL-1", timestamp: new Date(Date.now() - 60_000).toISOString(), customer: { phone } });
    expect(answer.status).toBe(200);
    expect(await ticketSubstation("SUB-CALL-1")).toBe(first);
    expect(await callsOf(first)).toContain(meter.id);
    expect(await callsOf(second)).not.toContain(meter.id);
  });

  it("follows the meter when the network model moves it to another substation", async () => {
    await t.rows(sql`UPDATE oms_meters SET substation_id = ${second} WHERE id = ${meter.id}`);
    expect(await ticketSubstation("SUB-CALL-1")).toBe(second);
    expect(await callsOf(second)).toContain(meter.id);
    expect(await callsOf(first)).not.toContain(meter.id);
  });

  it("follows a meter loaded again under the ticket's meter id (a network model replaced)", async () => {
    const id = 990_001;
    await t.rows(sql`INSERT INTO callcenter_tickets (ticket_id, event_timestamp, meter_id) VALUES ('SUB-CALL-2', now(), ${id})`);
    expect(await ticketSubstation("SUB-CALL-2")).toBeNull();
    await t.rows(sql`INSERT INTO oms_meters (id, meter_number, customer_id, dp_id, feeder_id, substation_id, asset_mrid, usage_point_mrid)
      SELECT ${id}, 'SUB-M-990001', customer_id, dp_id, feeder_id, ${first}, 'SUB-A-990001', 'SUB-U-990001' FROM oms_meters WHERE id = ${meter.id}`);
    expect(await ticketSubstation("SUB-CALL-2")).toBe(first);
  });
});
