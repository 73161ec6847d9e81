import express, { type Express, type RequestHandler } from "express";
import { createExpressMiddleware } from "@trpc/server/adapters/express";
import { appRouter } from "../trpc/router";
import type { TrpcContext } from "../trpc/init";
import { apiNotFound, jsonErrorHandler } from "./errors";
import type { createServices } from "../services";
import { createIngestRouter } from "./routes/ingest";
import { createOmsRouter } from "./routes/oms";
import { createOmsEventsRouter } from "./routes/omsEvents";
import { requestActor, requireApiKey } from "./apiKeyAuth";

export interface HttpDeps {
  context: TrpcContext;
  services: ReturnType<typeof createServices>;
  /** Handles everything that is not an API route (Next.js pages); absent in API-only mode. */
  pageHandler?: RequestHandler;
}

/** The one Express app: tRPC, REST under /api, then Next for every other path. */
export function createHttpApp({ context, services, pageHandler }: HttpDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");

  app.use("/api/trpc", createExpressMiddleware({ router: appRouter, createContext: () => context }));

  const api = express.Router();
  api.get("/health", (_req, res) => {
    res.json({ status: "ok", time: new Date().toISOString() });
  });
  // Every route below checks its caller before reading a body (ingestion parses its own).
  api.use("/ingest", createIngestRouter(services.ingest));
  api.use("/oms", requireApiKey(context.db, () => "oms_api"), express.json({ limit: "10mb" }));
  api.use("/oms/events", createOmsEventsRouter(services.ingest, requestActor));
  api.use("/oms", createOmsRouter(services));
  api.use(apiNotFound);
  app.use("/api", api, jsonErrorHandler);

  if (pageHandler) app.use(pageHandler);
  else app.use((_req, res) => void res.status(404).send("Pages are not served in API-only mode"));
  return app;
}
