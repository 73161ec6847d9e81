import { createHash, randomBytes, randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../../db/client";
import type { ApiKeyScope } from "../../db/schema";
import { DomainError, notFound } from "../errors";
import { describeError, isDatabaseUnavailable, unavailableFrom } from "../errorCauses";
import { actorLabel, type Actor } from "../context";
import { audit } from "./audit";

export const API_KEY_SCOPES: readonly ApiKeyScope[] = ["scada", "kaifa", "onu", "call_center", "oms_api"];

const hashOf = (key: string) => createHash("sha256").update(key, "utf8").digest("hex");

export interface ApiKeyInfo {
  id: string;
  name: string;
  scope: ApiKeyScope;
  prefix: string;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** Creates a key; the plain key is in the answer and nowhere else, ever. */
export async function createApiKey(db: DbOrTx, actor: Actor, input: { name: string; scope: ApiKeyScope }): Promise<ApiKeyInfo & { key: string }> {
  const key = `oms_${input.scope}_${randomBytes(32).toString("base64url")}`;
  const id = randomUUID();
  const prefix = key.slice(0, input.scope.length + 9);
  const by = actorLabel(actor).actorId;
  await db.execute(sql`INSERT INTO oms_api_keys (id, name, scope, prefix, key_hash, created_by) VALUES (${id}, ${input.name}, ${input.scope}, ${prefix}, ${hashOf(key)}, ${by})`);
  await audit(db, actor, "api_key.create", id, { name: input.name, scope: input.scope });
  const [info] = await listApiKeys(db, id);
  return { ...info, key };
}

export async function revokeApiKey(db: DbOrTx, actor: Actor, id: string): Promise<ApiKeyInfo> {
  const by = actorLabel(actor).actorId;
  const rows = await queryRows<{ id: string }>(db, sql`
    UPDATE oms_api_keys SET revoked_at = COALESCE(revoked_at, now()), revoked_by = COALESCE(revoked_by, ${by}) WHERE id = ${id} RETURNING id`);
  if (!rows.length) throw notFound(`API key ${id}`);
  await audit(db, actor, "api_key.revoke", id);
  return (await listApiKeys(db, id))[0];
}

export async function listApiKeys(db: DbOrTx, id?: string): Promise<ApiKeyInfo[]> {
  const rows = await queryRows<Record<string, unknown>>(db, sql`
    SELECT id, name, scope, prefix, created_by, created_at, last_used_at, revoked_at FROM oms_api_keys
    ${id ? sql`WHERE id = ${id}` : sql``} ORDER BY created_at DESC`);
  const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());
  return rows.map((r) => ({
    id: String(r.id), name: String(r.name), scope: r.scope as ApiKeyScope, prefix: String(r.prefix), createdBy: String(r.created_by),
    createdAt: iso(r.created_at)!, lastUsedAt: iso(r.last_used_at), revokedAt: iso(r.revoked_at),
  }));
}

/**
 * Checks a presented key for a scope: 401 when missing, unknown or revoked (the same answer
 * for all three), 403 when it is valid but for another scope. Records the last use.
 */
export async function authenticateApiKey(db: DbOrTx, key: string | undefined, scope: ApiKeyScope): Promise<Actor> {
  if (!key) throw new DomainError("unauthorized", "An API key is required: send it as `Authorization: Bearer <key>` or `X-API-Key`");
  const [row] = await keyQuery(() => queryRows<{ id: string; name: string; scope: ApiKeyScope; revoked_at: Date | null }>(db, sql`
    SELECT id, name, scope, revoked_at FROM oms_api_keys WHERE key_hash = ${hashOf(key)}`));
  if (!row || row.revoked_at) throw new DomainError("unauthorized", "The API key is not valid (unknown or revoked)");
  if (row.scope !== scope) throw new DomainError("forbidden", `This API key is for ${row.scope}, not ${scope}`);
  // Last-used is for people reading the key list: a minute's precision spares a write per request.
  await keyQuery(() => db.execute(sql`UPDATE oms_api_keys SET last_used_at = now() WHERE id = ${row.id} AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`));
  return { kind: "integration", id: row.id, name: row.name, source: scope };
}

/**
 * Runs a query of the key check. Its failure leaves without the query error, whose message
 * carries the parameters (the key's hash): a lost database is the `unavailable` domain error
 * (503), anything else a plain error that describes the driver's error only.
 */
async function keyQuery<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (isDatabaseUnavailable(err)) throw unavailableFrom(err);
    throw new Error(`The API key check failed: ${describeError(err)}`);
  }
}


export function assertScope(value: string): ApiKeyScope {
  if ((API_KEY_SCOPES as readonly string[]).includes(value)) return value as ApiKeyScope;
  throw new DomainError("invalid", `Unknown scope "${value}"`, [{ path: "scope", message: `must be one of ${API_KEY_SCOPES.join(", ")}` }]);
}

