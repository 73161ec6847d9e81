import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
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
    t = await startTestServer(generateNetwork({ meters: 200, feeders: 4, seed: 14 }));
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

  it("describes the answers of the outage, crew, event, reliability and parked-event routes as the routes give them", async () => {
    const full = inline(doc, doc);
    const checked: string[] = [];
    const expectDescribed = (path: string, method: string, res: { status: number; body: unknown }, status = 200) => {
      expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(status);
      const schema = full.paths[path][method].responses[String(status)].content["application/json"].schema;
      expect(schema.type, `${method} ${path} is described`).toBe("object");
      expect(Object.keys(schema.properties ?? {}).length, `${method} ${path} names its fields`).toBeGreaterThan(0);
      const validate = ajv.compile(schema);
      expect(validate(res.body), `${method} ${path}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      checked.push(`${method} ${path} ${status}`);
      return res.body as Json;
    };
    const at = (secondsAgo: number) => new Date(Date.now() - secondsAgo * 1000).toISOString();
    const [feederA, feederB] = [t.network.feeders[2]!, t.network.feeders[3]!];

    // An outage opened by hand, and the same request again (the first answer, marked duplicate).
    const createBody = { event_type: "outage", source_type: "scada", source_event_id: "OAS-CREATE-1", timestamp: at(120), metadata: { feeder_id: feederA.feederId } };
    const created = expectDescribed("/api/oms/events/create", "post", await t.post("/api/oms/events/create", createBody), 201);
    const again = expectDescribed("/api/oms/events/create", "post", await t.post("/api/oms/events/create", createBody), 201);
    expect(again).toMatchObject({ outage_event_id: created.outage_event_id, duplicate: true });
    const outage = created.outage_event_id as string;

    // A signal correlated into it: a meter of the same feeder gasping.
    const meter = t.network.meters.find((m) => m.feederId === feederA.id)!;
    const correlated = expectDescribed("/api/oms/events/correlate", "post", await t.post("/api/oms/events/correlate", {
      event_type: "last_gasp", source_type: "kaifa", source_event_id: "OAS-CORR-1", timestamp: at(90), metadata: { meter_number: meter.meterNumber },
    }));
    expect(correlated.source_event_id).toBe("OAS-CORR-1");
    // A second outage, from a breaker trip, for clustering.
    const trip = await t.post("/api/ingest/scada", { eventType: "breaker_trip", feederId: feederB.feederId, timestamp: at(60), severity: "critical" });
    expect(trip.status).toBe(200);

    expect(expectDescribed("/api/oms/events/validate", "post", await t.post("/api/oms/events/validate", { outage_event_id: outage })).sources.length).toBeGreaterThan(0);
    expectDescribed("/api/oms/events/score", "post", await t.post("/api/oms/events/score", { outage_event_id: outage, scoring_parameters: { weight_scada: 0.9 } }));
    const clustered = expectDescribed("/api/oms/events/cluster", "post", await t.post("/api/oms/events/cluster", { clustering_parameters: { spatial_radius_meters: 50_000, temporal_window_minutes: 60, confidence_threshold: 0 } }));
    expect(clustered.clusters.length).toBeGreaterThan(0);
    const still = await t.get(`/api/oms/crew/suggest?outage_event_id=${outage}`);
    const suggested = expectDescribed("/api/oms/crew/suggest", "get", still);
    expect(suggested.crews.length).toBeGreaterThan(0);

    // A crew sent (201), sent again (200, already assigned), on its way.
    const target = suggested.outage_event_id as string;
    const crew = suggested.crews[0].crew_id as string;
    const dispatch = { outage_event_id: target, crew_data: { crew_id: crew, estimated_arrival: new Date(Date.now() + 30 * 60_000).toISOString() } };
    const sent = expectDescribed("/api/oms/crew/dispatch", "post", await t.post("/api/oms/crew/dispatch", dispatch), 201);
    expect(expectDescribed("/api/oms/crew/dispatch", "post", await t.post("/api/oms/crew/dispatch", dispatch), 200).already_assigned).toBe(true);
    expectDescribed("/api/oms/crew/assignments/{id}", "post", await t.post(`/api/oms/crew/assignments/${sent.assignment_id}`, { status: "en_route", notes: "OpenAPI test" }));
    expectDescribed("/api/oms/events/etr", "post", await t.post("/api/oms/events/etr", { outage_event_id: target, estimated_restoration_time: new Date(Date.now() + 2 * 3600_000).toISOString() }));
    expectDescribed("/api/oms/notifications/send", "post", await t.post("/api/oms/notifications/send", {
      outage_event_id: target, notification_data: { notification_type: "detected", channel: "sms", message_content: "OpenAPI test" } }));
    const restored = expectDescribed("/api/oms/events/restore", "post", await t.post("/api/oms/events/restore", {
      outage_event_id: target, restoration_data: { restoration_time: at(1), restoration_reason: "OpenAPI test", notes: "fuse replaced" } }));
    expect(restored.completed_assignments).toEqual([sent.assignment_id]);

    const day = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    expectDescribed("/api/oms/reliability", "get", await t.get(`/api/oms/reliability?from=${day}&to=${tomorrow}`));
    expectDescribed("/api/oms/reliability", "get", await t.get(`/api/oms/reliability?from=${day}&to=${tomorrow}&level=feeder&id=${feederA.feederId}`));

    // A parked event (the retrier's end state after repeated failures; tests/exactlyOnce.test.ts reaches it for real), seen and retried by a supervisor.
    const [{ id: parkedId }] = await t.rows<{ id: number }>(sql`
      INSERT INTO ingest_inbox (source_type, source_event_id, payload, status, attempts, error)
      VALUES ('kaifa', 'OAS-PARKED-1', '{}'::jsonb, 'dead', 5, jsonb_build_object('message', 'Invalid time value', 'at', ${at(5)}::text))
      RETURNING id::int AS id`);
    const supervisor = await t.signIn("supervisor");
    const asSupervisor = async (path: string, body?: unknown) => {
      const res = await fetch(`${t.url}${path}`, body === undefined ? { headers: { cookie: supervisor } }
        : { method: "POST", headers: { cookie: supervisor, origin: t.url, "content-type": "application/json" }, body: JSON.stringify(body) });
      return { status: res.status, body: await res.json() };
    };
    const parked = expectDescribed("/api/ingest/parked", "get", await asSupervisor("/api/ingest/parked"));
    expect(parked.events).toEqual([expect.objectContaining({ id: parkedId, sourceEventId: "OAS-PARKED-1", error: "Invalid time value" })]);
    expect(expectDescribed("/api/ingest/parked/retry", "post", await asSupervisor("/api/ingest/parked/retry", { ids: [parkedId] })).queued).toBe(1);

    expect(checked.length).toBe(17);
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
