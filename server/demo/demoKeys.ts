import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { API_KEY_SCOPES, createApiKey } from "../auth/apiKeys";
import { systemActor } from "../context";
import type { DemoRoute } from "./payloads";

const scopes = { scada: "scada", kaifa: "kaifa", onu: "onu", "call-center": "call_center" } as const;

/**
 * The demo feed is an integration like any other: it gets one key per source. Keys are shown
 * only once, so each start revokes the previous run's demo keys and makes new ones.
 */
export async function issueDemoKeys(db: Db): Promise<Record<DemoRoute, string>> {
  await db.execute(sql`UPDATE oms_api_keys SET revoked_at = now(), revoked_by = 'system' WHERE name LIKE 'Demo storm feed%' AND revoked_at IS NULL`);
  const keys = {} as Record<DemoRoute, string>;
  for (const [route, scope] of Object.entries(scopes) as [DemoRoute, (typeof scopes)[DemoRoute]][]) {
    keys[route] = (await createApiKey(db, systemActor, { name: `Demo storm feed (${scope})`, scope })).key;
  }
  return keys;
}

/**
 * A fresh demo installation gets one key per scope, written once to the demo credentials file
 * (writeDemoCredentials; never to the log), so a new
 * user can post signals at once (on the embedded database the admin command cannot run while
 * the server holds the folder). Production provisioning uses `npm run admin -- create-key`.
 */
export async function provisionDemoIntegrations(db: Db): Promise<string> {
  const lines = ["The demo network is ready. Integration API keys for it (kept in clear only in this file):"];
  for (const scope of API_KEY_SCOPES) {
    const { key } = await createApiKey(db, systemActor, { name: `Demo integration (${scope})`, scope });
    lines.push(`  ${scope.padEnd(12)} ${key}`);
  }
  lines.push("Send one as `Authorization: Bearer <key>` (see README, Feeding it signals).");
  return lines.join("\n");
}
