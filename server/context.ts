import type { Db, DbOrTx } from "../db/client";
import type { SourceType, UserRole } from "../db/schema";
import type { Publisher } from "./realtime/publisher";

/** Who is acting: every timeline entry and audit row names one. */
export type Actor =
  | { kind: "user"; id: string; name: string; username: string; role: UserRole; crewId: number | null }
  | { kind: "integration"; id: string; name: string; source: SourceType | "oms_api" }
  | { kind: "system"; id: "system"; name: string };

export const systemActor: Actor = { kind: "system", id: "system", name: "OMS" };

/** What a domain verb receives: the actor, the clock, the database, and where changes go. */
export interface ServiceContext {
  db: Db;
  actor: Actor;
  now(): Date;
  publisher: Publisher;
  /** The utility's time zone (UTILITY_TIME_ZONE): times written into timeline text read in it. */
  timeZone: string;
  /** Set when the caller already holds a transaction the verb must join. */
  tx?: DbOrTx;
}

/** Runs `fn` in the caller's transaction if there is one, otherwise in a new one. */
export async function inTransaction<T>(ctx: ServiceContext, fn: (tx: DbOrTx) => Promise<T>): Promise<T> {
  if (ctx.tx) return fn(ctx.tx);
  return ctx.db.transaction((tx) => fn(tx as unknown as DbOrTx));
}

/** How an actor is written in timeline and audit rows. */
export function actorLabel(actor: Actor): { source: string; actorId: string } {
  if (actor.kind === "integration") return { source: actor.source, actorId: actor.id };
  return { source: actor.kind, actorId: actor.id };
}
