import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateNetwork } from "../db/seed/generate";
import type { UserRole } from "../db/schema";
import { allows, PERMISSIONS, permissionTableMarkdown, USER_ROLES, type Access } from "../server/auth/permissions";
import { guardedRestRoutes } from "../server/http/app";
import { appRouter } from "../server/trpc/router";
import { runtimeName } from "./helpers/db";
import { callTrpc, startTestServer, type TestServer } from "./helpers/server";

const network = generateNetwork({ meters: 200, seed: 5 });

type Caller = "anonymous" | UserRole | "oms_api key";
const CALLERS: Caller[] = ["anonymous", ...USER_ROLES, "oms_api key"];

/** What the table says for a caller, as the transports must answer it. */
function expected(access: Access, caller: Caller): "allowed" | 401 | 403 {
  if (caller === "anonymous") return access === "public" ? "allowed" : 401;
  const actor = caller === "oms_api key"
    ? { kind: "integration" as const, id: "k", name: "k", source: "oms_api" as const }
    : { kind: "user" as const, id: "u", name: "u", username: "u", role: caller, crewId: null };
  return allows(access, actor) ? "allowed" : 403;
}

const outcome = (status: number) => (status === 401 || status === 403 ? status : "allowed");

const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: "query" | "mutation" | "subscription"; meta?: { access?: Access } } }>);

describe(`permission matrix on ${runtimeName}: every tRPC procedure and REST route × every kind of caller`, () => {
  let test: TestServer;
  const cookies: Partial<Record<UserRole, string>> = {};

  beforeAll(async () => {
    test = await startTestServer(network);
    for (const role of USER_ROLES) cookies[role] = await test.signIn(role);
  });
  afterAll(async () => {
    await test?.stop();
  });

  it("has a permission for every tRPC procedure (none is open by accident)", () => {
    expect(procedures.length).toBeGreaterThan(15);
    for (const [path, proc] of procedures) {
      const access = proc._def.meta?.access;
      expect(access, path).toBeDefined();
      expect(access === "public" || access! in PERMISSIONS, path).toBe(true);
    }
    // Only what the sign-in page needs is public.
    expect(procedures.filter(([, p]) => p._def.meta?.access === "public").map(([path]) => path).sort()).toEqual(["account.me", "system.publicConfig"]);
  });

  it("answers every tRPC procedure as the table says, for anonymous, viewer, crew, dispatcher and supervisor", async () => {
    const seen: string[] = [];
    for (const [path, proc] of procedures) {
      const access = proc._def.meta!.access!;
      for (const caller of CALLERS) {
        if (caller === "oms_api key") continue; // keys are for REST; tRPC is the UI's
        const cookie = caller === "anonymous" ? undefined : cookies[caller];
        const type = proc._def.type === "mutation" ? "mutation" : "query";
        const { status } = await callTrpc(test.url, path, type, {}, cookie);
        seen.push(`${path} ${caller} ${outcome(status)}`);
        expect(`${path} as ${caller}: ${outcome(status)}`).toBe(`${path} as ${caller}: ${expected(access, caller)}`);
      }
    }
    expect(seen.length).toBe(procedures.length * (CALLERS.length - 1));
  });

  it("answers every REST route as the table says, for anonymous, each role and an oms_api key", async () => {
    const tables = guardedRestRoutes({ services: test.server.services });
    let count = 0;
    for (const { base, routes } of tables) {
      for (const route of routes) {
        const path = `${base}${route.path.replace(":id", "999999")}`;
        for (const caller of CALLERS) {
          const headers: Record<string, string> = { origin: test.url, "content-type": "application/json" };
          if (caller === "oms_api key") headers.authorization = `Bearer ${test.keys.oms_api}`;
          else if (caller !== "anonymous") headers.cookie = cookies[caller]!;
          const res = await fetch(`${test.url}${path}`, { method: route.method.toUpperCase(), headers, body: route.method === "post" ? "{}" : undefined });
          await res.arrayBuffer();
          expect(`${route.method.toUpperCase()} ${path} as ${caller}: ${outcome(res.status)}`)
            .toBe(`${route.method.toUpperCase()} ${path} as ${caller}: ${expected(route.access, caller)}`);
          count++;
        }
      }
    }
    expect(count).toBeGreaterThanOrEqual(15 * CALLERS.length);
  });

  it("refuses every key of an ingestion source on the guarded routes, and every guarded route's key on ingestion", async () => {
    const stats = await fetch(`${test.url}/api/ingest/stats`, { headers: { authorization: `Bearer ${test.keys.scada}` } });
    expect(stats.status).toBe(403);
    const dashboard = await fetch(`${test.url}/api/oms/dashboard/active-outages`, { headers: { authorization: `Bearer ${test.keys.kaifa}` } });
    expect(dashboard.status).toBe(403);
    const ingest = await fetch(`${test.url}/api/ingest/scada`, { method: "POST", headers: { authorization: `Bearer ${test.keys.oms_api}`, "content-type": "application/json" }, body: "{}" });
    expect(ingest.status).toBe(403);
    // A person's session does not open ingestion either: it is for machines with a source's key.
    const bySession = await fetch(`${test.url}/api/ingest/scada`, { method: "POST", headers: { cookie: cookies.supervisor!, "content-type": "application/json" }, body: "{}" });
    expect(bySession.status).toBe(401);
  });

  it("refuses a cookie-authenticated change sent from another site", async () => {
    const rest = await fetch(`${test.url}/api/oms/storm-mode/activate`, {
      method: "POST", headers: { cookie: cookies.supervisor!, origin: "https://evil.example", "content-type": "application/json" }, body: "{}",
    });
    expect(rest.status).toBe(403);
    const trpc = await fetch(`${test.url}/api/trpc/storm.activate`, {
      method: "POST", headers: { cookie: cookies.supervisor!, origin: "https://evil.example", "content-type": "application/json" }, body: JSON.stringify({ json: {} }),
    });
    expect(trpc.status).toBe(403);
  });

  it("keeps the README's permission table equal to the one in the code", () => {
    const readme = fs.readFileSync(new URL("../README.md", import.meta.url), "utf8");
    expect(readme).toContain(permissionTableMarkdown());
  });
});
