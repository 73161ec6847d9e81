import { z } from "zod";
import express, { Router } from "express";
import type { SourceType } from "../../../db/schema";
import { DomainError, invalid } from "../../errors";
import { adapters, parseKaifaXml, type KaifaEventMap } from "../../ingest/adapters";
import { ingest, type IngestAnswer, type IngestDeps } from "../../ingest/service";
import { ingestStats } from "../../../db/queries/ingestStats";
import type { RestRoute } from "../routeTable";
import { ingestStatsAnswer, parkedAnswer, parkedRetryAnswer } from "../openapi/answers";
import { requestActor, requireApiKey } from "../authorize";
import { parseRequest } from "../validate";
import { listParked, retryParked } from "../../ingest/parked";

/** Each ingestion route (under /api/ingest) and the source, and key scope, it takes. */
export const INGEST_ROUTES: Record<string, SourceType> = { scada: "scada", kaifa: "kaifa", onu: "onu", "call-center": "call_center" };
const xmlTypes = ["text/xml", "application/xml", "application/soap+xml"];
const rawBodies = new WeakMap<object, Buffer>();

export interface IngestRouteDeps extends IngestDeps {
  kaifaEventMap: KaifaEventMap;
}

/**
 * `POST /api/ingest/{scada,kaifa,onu,call-center}`: one event or an array of events in the
 * source's own shape; Kaifa also takes its SOAP `EventMessage` as XML. Answers each event's
 * outcome; a request with some bad events processes the good ones (207) and names the bad ones.
 */
export function createIngestRouter(deps: IngestRouteDeps, observe?: (source: SourceType, answer: IngestAnswer, seconds: number) => void): Router {
  const router = Router();
  for (const [path, source] of Object.entries(INGEST_ROUTES)) {
    // The key is checked before the body is even parsed: an unauthenticated post writes nothing.
    // The body's bytes are kept for the request's life: a rejection stores them once, capped.
    const keep = (req: unknown, _res: unknown, buf: Buffer) => void rawBodies.set(req as object, buf);
    const parse = [express.json({ limit: "10mb", strict: false, verify: keep }), express.text({ type: xmlTypes, limit: "10mb", verify: keep })];
    router.post(`/${path}`, requireApiKey(deps.db, () => source), ...parse, async (req, res) => {
      const ctx = { now: deps.now(), kaifaEventMap: deps.kaifaEventMap };
      const isXml = typeof req.body === "string" && !!req.is(xmlTypes);
      if (isXml && source !== "kaifa") throw invalid("Only the Kaifa route accepts XML", [{ path: "(body)", message: "send JSON" }]);
      if (req.body === undefined) {
        const type = req.get("content-type");
        if (type) throw new DomainError("unsupported", `Content-Type ${type} is not accepted: send application/json${source === "kaifa" ? " or the head-end's XML (text/xml)" : ""}`);
        throw invalid("The request has no body", [{ path: "(body)", message: "send a JSON event or array of events" }]);
      }
      const started = performance.now();
      const items = isXml ? parseKaifaXml(req.body as string, ctx) : adapters[source](req.body, ctx);
      const answer = await ingest(deps, requestActor(req), source, items, { bytes: rawBodies.get(req), contentType: req.get("content-type") });
      observe?.(source, answer, (performance.now() - started) / 1000);
      const single = !isXml && !Array.isArray(req.body);
      res.status(answer.rejected > 0 ? 207 : 200).json(single ? answer.results[0] : answer);
    });
  }
  return router;
}

/**
 * `GET /api/ingest/stats`: what arrived and what matched, for the control room (not for
 * integrations); with several processes on PostgreSQL, `process` says which one answered and
 * how many events it handed to others and took up from them since it started. `GET /api/ingest/parked` and `POST /api/ingest/parked/retry` (body `{ ids? }`):
 * events whose processing failed repeatedly, for supervisors.
 */
export const ingestStatsRoutes = (deps: IngestDeps): RestRoute[] => [
  { method: "get", path: "/stats", access: "outages.read", summary: "What arrived and what matched, per source", answer: ingestStatsAnswer, handle: async (_req, res) => {
    const leases = deps.leases;
    res.json({ ...await ingestStats(deps.db, deps.now()), ...(leases ? { process: { id: leases.id, handed_off: leases.counts.handedOff, taken_up: leases.counts.takenUp } } : {}) });
  } },
  { method: "get", path: "/parked", access: "ingest.manage", summary: "Events whose processing failed repeatedly", answer: parkedAnswer, handle: async (_req, res) => {
    res.json({ events: await listParked(deps.db) });
  } },
  { method: "post", path: "/parked/retry", access: "ingest.manage", summary: "Process parked events again (all, or the ids given)", body: retryInput, answer: parkedRetryAnswer, handle: async (req, res) => {
    const { ids } = parseRequest(retryInput, req.body ?? {});
    res.json(await retryParked(deps.db, requestActor(req), ids));
  } },
];

const retryInput = z.object({ ids: z.array(z.number().int().positive()).min(1).max(10_000).optional() });
