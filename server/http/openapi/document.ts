import { z } from "zod";
import type { RestRoute } from "../routeTable";
import { scadaEventSchema } from "../../ingest/adapters/scada";
import { kaifaEventSchema, defaultKaifaEventMap, eventTypeCode, mridRef } from "../../ingest/adapters/kaifa";
import { optionalId, requiredId } from "../../ingest/adapters/common";
import { onuEventSchema } from "../../ingest/adapters/onu";
import { callCenterTicketSchema } from "../../ingest/adapters/callCenter";
import { batchAnswer, errorAnswer, healthAnswer, itemResult, readinessAnswer } from "./answers";
import { BATCH_207_EXAMPLE, ERROR_EXAMPLE, INGEST_EXAMPLES, KAIFA_XML_EXAMPLE } from "./examples";

type Json = Record<string, unknown>;

/**
 * What the adapters' preprocessing accepts beyond the schema it feeds (an id sent as a number,
 * an mRID as `{ "ns2:mRID": … }`, an event type as `{ ref }`): zod describes only the latter.
 */
const id = { type: "string", maxLength: 200 };
const accepted = new Map<unknown, Json>([
  [optionalId, { anyOf: [id, { type: "number" }, { type: "null" }] }],
  [requiredId, { anyOf: [{ ...id, minLength: 1 }, { type: "number" }] }],
  [mridRef, { anyOf: [id, { type: "object", description: "`{ mrid }`, `{ \"ns2:mRID\" }` or any prefix and case", additionalProperties: id }, { type: "null" }] }],
  [eventTypeCode, { anyOf: [id, { type: "object", properties: { ref: id } }, { type: "null" }] }],
]);

/** A request schema as JSON Schema 2020-12 (what OpenAPI 3.1 uses): what a client may send. */
export function jsonSchemaOf(schema: z.ZodType, io: "input" | "output" = "input"): Json {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, {
    target: "draft-2020-12", io, unrepresentable: "any",
    override: (ctx) => {
      const wider = accepted.get(ctx.zodSchema);
      if (!wider) return;
      for (const key of Object.keys(ctx.jsonSchema)) delete (ctx.jsonSchema as Json)[key];
      Object.assign(ctx.jsonSchema, wider);
    },
  }) as Json;
  return rest;
}

/** Each ingestion route's event schema (the adapters' own, built for a fixed clock: the shape does not depend on it). */
const clock = new Date();
export const INGEST_EVENT_SCHEMAS: Record<string, z.ZodType> = {
  scada: scadaEventSchema(clock),
  kaifa: kaifaEventSchema({ now: clock, kaifaEventMap: defaultKaifaEventMap }),
  onu: onuEventSchema(clock),
  "call-center": callCenterTicketSchema(clock),
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json, example?: unknown) => ({ "application/json": { schema, ...(example === undefined ? {} : { example }) } });
const errorResponse = (description: string) => ({ description, content: json(ref("Error")) });
const ERRORS = {
  400: errorResponse("Bad input: `issues` names each bad field and why"),
  401: errorResponse("No credentials, or a key or session that is not valid"),
  403: errorResponse("The caller lacks the permission (or the key's scope)"),
  413: errorResponse("The body is over the route's limit"),
  503: errorResponse("PostgreSQL cannot be reached; retry after `Retry-After` seconds"),
};
const BEARER_OR_KEY = [{ bearerAuth: [] }, { apiKey: [] }];

export interface RouteTable { base: string; routes: RestRoute[] }

/**
 * The OpenAPI 3.1 document of the REST API, built from the route tables (their permission,
 * summary and the zod schemas their handlers validate with) and the ingestion adapters' schemas.
 * tRPC (/api/trpc) is the UI's own transport and is not described.
 */
export function openApiDocument(tables: RouteTable[], ingestRoutes: string[], version: string): Json {
  const paths: Record<string, Record<string, Json>> = {};
  const add = (path: string, method: string, op: Json) => ((paths[path] ??= {})[method] = op);

  add("/api/health", "get", { summary: "The process answers (kept for existing monitors; see /healthz)", tags: ["operations"], security: [],
    responses: { 200: { description: "Alive", content: json(jsonSchemaOf(healthAnswer)) } } });
  add("/healthz", "get", { summary: "Liveness: the process answers", tags: ["operations"], security: [],
    responses: { 200: { description: "Alive", content: json(jsonSchemaOf(healthAnswer)) } } });
  add("/readyz", "get", { summary: "Readiness: the database (and Redis, when configured) answer and migrations are applied; 503 from the start of a shutdown", tags: ["operations"], security: [],
    responses: { 200: { description: "Ready for traffic", content: json(jsonSchemaOf(readinessAnswer)) }, 503: { description: "Not ready: send traffic elsewhere", content: json(jsonSchemaOf(readinessAnswer)) } } });
  add("/api/openapi.json", "get", { summary: "This document", tags: ["operations"], security: [], responses: { 200: { description: "OpenAPI 3.1", content: json({ type: "object" }) } } });

  for (const route of ingestRoutes) {
    const examples = INGEST_EXAMPLES[route] ?? {};
    const event = ref(`${pascal(route)}Event`);
    add(`/api/ingest/${route}`, "post", {
      operationId: `ingest${pascal(route)}`, tags: ["ingestion"],
      summary: `Ingest ${route} events: one event or an array (at most 5,000)`,
      description: `Needs a key of scope \`${route === "call-center" ? "call_center" : route}\`. Idempotent by (source, event id): a repeat answers as the first did.`,
      security: BEARER_OR_KEY,
      requestBody: { required: true, content: {
        "application/json": { schema: { oneOf: [event, { type: "array", items: event, minItems: 1, maxItems: 5000 }] }, examples },
        ...(route === "kaifa" ? { "text/xml": { schema: { type: "string" }, example: KAIFA_XML_EXAMPLE } } : {}),
      } },
      responses: {
        200: { description: "Every event accepted: one result for a single event, the batch answer for an array (or XML)", content: json({ oneOf: [ref("IngestItemResult"), ref("IngestBatchAnswer")] }) },
        207: { description: "Some events rejected: the good ones were processed, `results` names the bad ones by index", content: json(ref("IngestBatchAnswer"), BATCH_207_EXAMPLE) },
        ...ERRORS,
        415: errorResponse("A content type the route does not take"),
      },
    });
  }

  for (const { base, routes } of tables) {
    for (const r of routes) {
      const path = `${base}${r.path}`.replace(/:([A-Za-z_]+)/g, "{$1}");
      const pathParams = [...r.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
      add(path, r.method, {
        operationId: operationId(r.method, path), tags: [base.replace(/^\/api\//, "")],
        summary: r.summary ?? `${r.method.toUpperCase()} ${path}`,
        description: `Needs the permission \`${r.access}\`: an \`oms_api\` key, or a signed-in person whose role has it (the session cookie; a change from a browser must come from this site).`,
        "x-permission": r.access,
        security: [...BEARER_OR_KEY, { session: [] }],
        parameters: [...pathParams, ...queryParameters(r.query)],
        ...(r.body ? { requestBody: { required: true, content: json(jsonSchemaOf(r.body)) } } : {}),
        responses: {
          [r.ok ?? 200]: { description: "Done", content: json(r.answer ? jsonSchemaOf(r.answer, "output") : { type: "object" }) },
          ...(r.path === "/crew/dispatch" ? { 200: { description: "The crew was already assigned to the outage", content: json(r.answer ? jsonSchemaOf(r.answer, "output") : { type: "object" }) } } : {}),
          ...ERRORS,
          404: errorResponse("What the request names does not exist"),
          409: errorResponse("The change conflicts with the outage's state"),
        },
      });
    }
  }

  return {
    openapi: "3.1.0",
    info: {
      title: "OMS Control Room API", version,
      description: "REST API of the outage management control room: ingestion routes for the source systems and seed 000's operations API. Errors are `{ error, message, issues }`. Prose and examples: docs/oms-api.md.",
    },
    servers: [{ url: "/" }],
    tags: [
      { name: "ingestion", description: "Signals from SCADA, the Kaifa head-end, the ONU service and the call center (a key per source)" },
      { name: "oms", description: "Seed 000's operations API" },
      { name: "ingest", description: "Ingestion statistics and parked events" },
      { name: "operations", description: "Health, readiness and this description" },
    ],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", description: "`Authorization: Bearer <API key>`" },
        apiKey: { type: "apiKey", in: "header", name: "X-API-Key", description: "The same API key in `X-API-Key`" },
        session: { type: "apiKey", in: "cookie", name: "oms.session_token", description: "A signed-in person's session (the web UI)" },
      },
      schemas: {
        Error: { ...jsonSchemaOf(errorAnswer), example: ERROR_EXAMPLE },
        IngestItemResult: jsonSchemaOf(itemResult),
        IngestBatchAnswer: jsonSchemaOf(batchAnswer),
        ...Object.fromEntries(ingestRoutes.map((route) => [`${pascal(route)}Event`, jsonSchemaOf(INGEST_EVENT_SCHEMAS[route]!)])),
      },
    },
  };
}

function queryParameters(query: z.ZodType | undefined): Json[] {
  if (!query) return [];
  const schema = jsonSchemaOf(query) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, s]) => ({ name, in: "query", required: schema.required?.includes(name) ?? false, schema: s }));
}

const pascal = (s: string) => s.split(/[-_/{}]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join("");
const operationId = (method: string, path: string) => method + pascal(path.replace(/^\/api/, ""));
