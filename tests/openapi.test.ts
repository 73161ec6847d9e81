import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { generateNetwork } from "../db/seed/generate";
import { guardedRestRoutes } from "../server/http/app";
import { INGEST_ROUTES } from "../server/http/routes/ingest";
import { INGEST_EXAMPLES } from "../server/http/openapi/examples";
import { runtimeName } from "./helpers/db";
import { startTestServer, type TestServer } from "./helpers/server";

type Json = any;

/** The document with every `$ref` replaced by what it points to (it has no cycles). */
function inline(node: Json, doc: Json): Json {
  if (Array.isArray(node)) return node.map((n) => inline(n, doc));
  if (!node || typeof node !== "object") return node;
  if (typeof node.$ref === "string") return inline(node.$ref.slice(2).split("/").reduce((o: Json, k: string) => o[k], doc), doc);
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, inline(v, doc)]));
}

describe(`OpenAPI description on ${runtimeName}`, () => {
  let t: TestServer;
  let doc: Json;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);

  beforeAll(async () => {
    t = await startTestServer(generateNetwork({ meters: 200, seed: 14 }));
    const res = await fetch(`${t.url}/api/openapi.json`);
    expect(res.status).toBe(200);
    doc = await res.json();
  });
  afterAll(async () => t?.stop());

  it("is a valid OpenAPI 3.1 document", async () => {
    expect(doc.openapi).toBe("3.1.0");
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("describes every route of the route tables and every ingestion route, with its security", () => {
    const routes = guardedRestRoutes({ services: t.server.services }).flatMap(({ base, routes }) =>
      routes.map((r) => ({ method: r.method, path: `${base}${r.path}`.replace(/:([A-Za-z_]+)/g, "{$1}"), access: r.access })));
    expect(routes.length).toBeGreaterThan(15);
    for (const r of routes) {
      const op = doc.paths[r.path]?.[r.method];
      expect(op, `${r.method} ${r.path}`).toBeDefined();
      expect(op["x-permission"]).toBe(r.access);
      expect(op.security).toEqual(expect.arrayContaining([{ bearerAuth: [] }, { apiKey: [] }]));
      expect(op.responses["400"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/Error" });
    }
    for (const route of Object.keys(INGEST_ROUTES)) {
      const op = doc.paths[`/api/ingest/${route}`]?.post;
      expect(op, route).toBeDefined();
      expect(op.responses["207"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/IngestBatchAnswer" });
    }
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: "apiKey", in: "header", name: "X-API-Key" });
    // A request schema comes from the zod schema the handler validates with.
    const restore = doc.paths["/api/oms/events/restore"].post.requestBody.content["application/json"].schema;
    expect(restore.required).toContain("outage_event_id");
  });

  it("has examples that validate against their schemas", () => {
    const full = inline(doc, doc);
    let checked = 0;
    for (const [path, ops] of Object.entries<Json>(full.paths)) {
      for (const [method, op] of Object.entries<Json>(ops)) {
        const media = [
          ...Object.values<Json>(op.requestBody?.content ?? {}),
          ...Object.values<Json>(op.responses ?? {}).flatMap((r) => Object.values<Json>(r.content ?? {})),
        ];
        for (const m of media) {
          if (m.schema?.type === "string") continue; // the Kaifa XML example
          const examples = [...(m.example !== undefined ? [m.example] : []), ...Object.values<Json>(m.examples ?? {}).map((e) => e.value)];
          const validate = ajv.compile(m.schema);
          for (const example of examples) {
            expect(validate(example), `${method} ${path}: ${ajv.errorsText(validate.errors)}`).toBe(true);
            checked++;
          }
        }
      }
    }
    const error = ajv.compile(full.components.schemas.Error);
    expect(error(full.components.schemas.Error.example), ajv.errorsText(error.errors)).toBe(true);
    expect(checked).toBeGreaterThanOrEqual(6);
  });

  it("has ingestion examples the routes accept, and answers that match the described shapes", async () => {
    const full = inline(doc, doc);
    const batch = ajv.compile(full.components.schemas.IngestBatchAnswer);
    const item = ajv.compile(full.components.schemas.IngestItemResult);
    for (const [route, examples] of Object.entries(INGEST_EXAMPLES)) {
      for (const { value } of Object.values(examples)) {
        const res = await t.post(`/api/ingest/${route}`, value);
        expect(res.status, `${route}: ${JSON.stringify(res.body)}`).toBe(200);
        expect(item(res.body), `${route}: ${ajv.errorsText(item.errors)}`).toBe(true);
      }
    }
    const mixed = await t.post("/api/ingest/onu", [INGEST_EXAMPLES.onu!.lastGasp!.value, { eventId: "NO-TIME", type: "ONU_LastGaspAlert", onuId: 1 }]);
    expect(mixed.status).toBe(207);
    expect(batch(mixed.body), ajv.errorsText(batch.errors)).toBe(true);
    const bad = await t.post("/api/oms/events/restore", { outage_event_id: "" });
    expect(bad.status).toBe(400);
    const error = ajv.compile(full.components.schemas.Error);
    expect(error(bad.body), ajv.errorsText(error.errors)).toBe(true);
  });

  it("describes the answers it declares as the routes give them", async () => {
    const full = inline(doc, doc);
    const answerOf = (path: string, method: string, status = "200") => ajv.compile(full.paths[path][method].responses[status].content["application/json"].schema);
    // An outage to show: a feeder's breaker trip.
    const trip = await t.post("/api/ingest/scada", { eventType: "breaker_trip", feederId: t.network.feeders[0]!.feederId, timestamp: new Date(Date.now() - 1000).toISOString(), severity: "critical" });
    expect(trip.status).toBe(200);
    const checks: Array<[string, string, { status: number; body: unknown }]> = [
      ["/api/oms/storm-mode", "get", await t.get("/api/oms/storm-mode")],
      ["/api/oms/storm-mode/activate", "post", await t.post("/api/oms/storm-mode/activate", { activation_reason: "OpenAPI test" })],
      ["/api/oms/dashboard/active-outages", "get", await t.get("/api/oms/dashboard/active-outages")],
      ["/api/oms/storm-mode/deactivate", "post", await t.post("/api/oms/storm-mode/deactivate", { deactivation_reason: "OpenAPI test" })],
      ["/api/ingest/stats", "get", await t.get("/api/ingest/stats")],
    ];
    for (const [path, method, res] of checks) {
      expect(res.status, path).toBe(200);
      const validate = answerOf(path, method);
      expect(validate(res.body), `${path}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
    expect((checks[2]![2].body as { active_outages: unknown[] }).active_outages.length).toBeGreaterThan(0);
  });

  it("serves a viewer for it from the app itself", async () => {
    const page = await fetch(`${t.url}/api/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("/api/docs/swagger-ui-bundle.js");
    expect(html).not.toMatch(/https?:\/\//);
    const bundle = await fetch(`${t.url}/api/docs/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect((await bundle.text()).length).toBeGreaterThan(100_000);
    expect(await (await fetch(`${t.url}/api/docs/init.js`)).text()).toContain("/api/openapi.json");
  });
});
