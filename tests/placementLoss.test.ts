import { describe, expect, it } from "vitest";
import { createTestDb, runtimeName } from "./helpers/db";
import { placeWithKeys } from "../server/ingest/placement";
import { NetworkIdentities } from "../server/ingest/networkIdentities";
import type { Signal } from "../server/ingest/signal";

// A pass sends the rule's read and the placement together, the radius still on its way. When the
// connection goes mid-pass both fail: the pass must fail with them, and the process must live on
// (an unhandled rejection ends a Node process, found by `npm run trial:exactly-once`).
describe(`placement when the database goes mid-pass (${runtimeName})`, () => {
  it("fails the placement, and leaves no rejection of the radius unhandled", async () => {
    const database = await createTestDb();
    await database.close();
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", record);
    try {
      const signal: Signal = { sourceType: "kaifa", sourceEventId: "LOSS-1", kind: "power_off", occurredAt: new Date(), meter: { meterNumber: "M10000001" }, attributes: {} };
      const radius = Promise.reject(new Error("the rule's read failed with the connection"));
      await expect(placeWithKeys(database.db, [signal], radius, { identities: new NetworkIdentities() })).rejects.toBeTruthy();
      await new Promise((r) => setTimeout(r, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", record);
    }
  });
});
