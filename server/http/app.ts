import express, { type Express, type RequestHandler } from "express";
import { createExpressMiddleware } from "@trpc/server/adapters/express";
import { appRouter } from "../trpc/router";
import type { TrpcContext } from "../trpc/init";
import { trpcResponseMeta } from "../trpc/errors";
import { apiNotFound, jsonErrorHandler } from "./errors";
import type { createServices } from "../services";
import type { Auth } from "../auth/auth";
import { sessionActor } from "../auth/session";
import { createIngestRouter, ingestStatsRoutes, INGEST_ROUTES } from "./routes/ingest";
import { omsRoutes } from "./routes/oms";
import { omsEventRoutes } from "./routes/omsEvents";
import { reliabilityRoutes } from "./routes/reliability";
import { createAuthRouter } from "./routes/auth";
import { knownActor, rememberActor, requestActor } from "./authorize";
import { accessLog, type Logger } from "../observability/logger";
import { sameOrigin } from "./origin";
import { routerFor, type RestRoute } from "./routeTable";
import { pageGate } from "./pageGate";
import { BODY_LIMITS } from "./limits";
import { answeredAlready, bodyLimit } from "./bodyLimit";
import { openApiDocument } from "./openapi/document";
import { apiDocsRouter } from "./openapi/docsPage";
import { APP_VERSION } from "../version";
import { metricsHandler, type Metrics } from "../observability/metrics";
import { livenessHandler, readinessHandler, type Readiness } from "../observability/readiness";
import { mapAssetsRouter } from "../map/router";

/** Whether a path is under one of the bases with a limit of its own. */
const limitedBase = (path: string) => Object.keys(BODY_LIMITS).some((base) => path === base || path.startsWith(`${base}/`));

export interface HttpDeps {
  context: Omit<TrpcContext, "actor" | "sameOrigin">;
  services: ReturnType<typeof createServices>;
  auth: Auth;
  /** Handles everything that is not an API route (Next.js pages); absent in API-only mode. */
  pageHandler?: RequestHandler;
  /** Metrics of this server (GET /metrics, for a bearer of METRICS_TOKEN). */
  metrics?: Metrics;
  /** The access log and every request's `req.log` (with its request id). */
  logger?: Logger;
  /** GET /readyz; without it /readyz checks nothing but answers. */
  readiness?: Readiness;
}

/** Every REST route that a permission guards, with where it is mounted (for the matrix test and the docs). */
export function guardedRestRoutes(deps: Pick<HttpDeps, "services">): { base: string; routes: RestRoute[] }[] {
  return [
    { base: "/api/ingest", routes: ingestStatsRoutes(deps.services.ingest) },
    { base: "/api/oms", routes: [...omsEventRoutes(deps.services.ingest, requestActor), ...omsRoutes(deps.services), ...reliabilityRoutes(deps.services)] },
  ];
}

/** The one Express app: auth, tRPC, REST under /api, then Next for every other path. */
export function createHttpApp({ context, services, auth, pageHandler, metrics, logger, readiness }: HttpDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  const authDeps = { db: context.db, auth };
  if (logger) app.use(accessLog(logger, knownActor));
  // For load balancers and orchestrators: alive, and ready for traffic (observability/readiness.ts).
  app.get("/healthz", livenessHandler);
  if (readiness) app.get("/readyz", readinessHandler(readiness));

  // Every body has a limit, checked before it is read (limits.ts).
  for (const [base, bytes] of Object.entries(BODY_LIMITS)) if (base !== "other") app.use(base, bodyLimit(bytes, base));
  const otherLimit = bodyLimit(BODY_LIMITS.other, "this server");
  app.use((req, res, next) => (limitedBase(req.path) ? next() : otherLimit(req, res, next)));

  // Without a token /metrics is not served here (METRICS_PORT serves it on a port of its own).
  if (metrics && context.config.metricsToken) app.get("/metrics", metricsHandler(metrics, context.config.metricsToken));

  // The map's glyphs and RTL plugin: public assets, like the page's scripts.
  app.use("/map", mapAssetsRouter());

  app.use("/api/auth", createAuthRouter(auth));
  app.use("/api/trpc", createExpressMiddleware({
    router: appRouter,
    maxBodySize: BODY_LIMITS["/api/trpc"],
    createContext: async ({ req }) => {
      const actor = await sessionActor(auth, req.headers);
      rememberActor(req, actor);
      return { ...context, actor, sameOrigin: sameOrigin(req.headers) };
    },
    responseMeta: trpcResponseMeta,
  }));

  const api = express.Router();
  api.get("/health", (_req, res) => {
    res.json({ status: "ok", time: new Date().toISOString() });
  });
  const tables = guardedRestRoutes({ services });
  // Built once from the same route tables and schemas that serve the requests.
  const description = openApiDocument(tables, Object.keys(INGEST_ROUTES), APP_VERSION);
  api.get("/openapi.json", (_req, res) => void res.json(description));
  api.use("/docs", apiDocsRouter());
  for (const { base, routes } of tables) {
    api.use(base.replace(/^\/api/, ""), routerFor(routes, authDeps, BODY_LIMITS[base as keyof typeof BODY_LIMITS] ?? BODY_LIMITS.other));
  }
  // Ingestion takes its source's key, checked before the body is read.
  api.use("/ingest", createIngestRouter(services.ingest, metrics?.observeIngest));
  api.use(apiNotFound);
  app.use("/api", api, answeredAlready, jsonErrorHandler);

  if (pageHandler) app.use(pageGate(auth), pageHandler);
  else app.use((_req, res) => void res.status(404).send("Pages are not served in API-only mode"));
  return app;
}
