import { z } from "zod";
import { sql } from "drizzle-orm";
import { queryRows } from "../../../db/client";
import { router, procedure, actorOf } from "../init";
import { createUser, createUserInput, listUsers, resetPassword, updateUser, updateUserInput } from "../../auth/users";
import { ingestStats } from "../../../db/queries/ingestStats";
import { listParked, retryParked } from "../../ingest/parked";
import { API_KEY_SCOPES, assertScope, createApiKey, listApiKeys, revokeApiKey } from "../../auth/apiKeys";

/** The supervisor's page: people, integration keys, parked ingestion events, and who changed what. */
export const adminRouter = router({
  users: router({
    list: procedure("users.manage").query(({ ctx }) => listUsers(ctx.db)),
    create: procedure("users.manage").input(createUserInput).mutation(({ ctx, input }) => createUser(ctx.auth, ctx.db, actorOf(ctx), input)),
    update: procedure("users.manage").input(updateUserInput).mutation(async ({ ctx, input }) => {
      const user = await updateUser(ctx.db, actorOf(ctx), input);
      // What they may see changed: their open screens reconnect and are checked again.
      if (input.disabled !== undefined || input.role !== undefined || input.crew !== undefined) ctx.disconnectUser(user.id);
      return user;
    }),
    resetPassword: procedure("users.manage").input(z.object({ id: z.string().min(1) })).mutation(async ({ ctx, input }) => {
      const result = await resetPassword(ctx.auth, ctx.db, actorOf(ctx), input.id);
      ctx.disconnectUser(input.id);
      return result;
    }),
    crews: procedure("users.manage").query(({ ctx }) =>
      queryRows<{ code: string; name: string }>(ctx.db, sql`SELECT crew_id AS code, name FROM oms_crews ORDER BY crew_id`)),
  }),
  keys: router({
    list: procedure("keys.manage").query(({ ctx }) => listApiKeys(ctx.db)),
    create: procedure("keys.manage")
      .input(z.object({ name: z.string().trim().min(1).max(120), scope: z.enum(API_KEY_SCOPES as [string, ...string[]]) }))
      .mutation(({ ctx, input }) => createApiKey(ctx.db, actorOf(ctx), { name: input.name, scope: assertScope(input.scope) })),
    revoke: procedure("keys.manage").input(z.object({ id: z.string().min(1) }))
      .mutation(({ ctx, input }) => revokeApiKey(ctx.db, actorOf(ctx), input.id)),
  }),
  ingest: router({
    stats: procedure("ingest.manage").query(({ ctx }) => ingestStats(ctx.db, new Date())),
    parked: procedure("ingest.manage").query(({ ctx }) => listParked(ctx.db)),
    retry: procedure("ingest.manage").input(z.object({ ids: z.array(z.number().int().positive()).min(1).max(10_000).optional() }))
      .mutation(({ ctx, input }) => retryParked(ctx.db, actorOf(ctx), input.ids)),
  }),
  audit: procedure("audit.read")
    .input(z.object({ limit: z.number().int().min(1).max(500).default(100) }).default({ limit: 100 }))
    .query(async ({ ctx, input }) => {
      const rows = await queryRows<{ id: number; actor_type: string; actor_id: string; actor_name: string | null; action: string; subject: string | null; details: unknown; created_at: Date | string }>(ctx.db, sql`
        SELECT l.id::int AS id, l.actor_type, l.actor_id, COALESCE(u.username, k.name) AS actor_name, l.action, l.subject, l.details, l.created_at
        FROM oms_audit_log l
        LEFT JOIN auth_users u ON l.actor_type = 'user' AND u.id = l.actor_id
        LEFT JOIN oms_api_keys k ON l.actor_type <> 'user' AND k.id = l.actor_id
        ORDER BY l.created_at DESC, l.id DESC LIMIT ${input.limit}`);
      return rows.map((r) => ({ ...r, created_at: new Date(r.created_at).toISOString() }));
    }),
});
