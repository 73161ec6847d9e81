import type { Request } from "express";
import type { Db } from "../../db/client";
import type { ServiceContext } from "../context";
import { requestActor } from "./authorize";
import type { Publisher } from "../realtime/publisher";

export interface ServiceDeps {
  db: Db;
  publisher: Publisher;
  now?: () => Date;
  timeZone: string;
}

/** The one place a REST request becomes a ServiceContext: the actor is who authenticated. */
export function serviceContextFor(req: Request, deps: ServiceDeps): ServiceContext {
  return { db: deps.db, publisher: deps.publisher, now: deps.now ?? (() => new Date()), timeZone: deps.timeZone, actor: requestActor(req) };
}
