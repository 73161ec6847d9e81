import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { PERMISSIONS } from "../server/auth/permissions";
import { generateNetwork } from "../db/seed/generate";
import { loadConfig } from "../server/config";
import { startServer } from "../server/index";
import { runtimeName, createTestDb } from "./helpers/db";
import { callTrpc, connectLive, signIn, startTestServer, TEST_PASSWORD, TEST_USERS, type TestServer } from "./helpers/server";
import { loadNetwork } from "../db/seed/load";
import { queryRows } from "../db/client";

const network = generateNetwork({ meters: 300, seed: 11 });

const postSignIn = (url: string, username: string, password: string) =>
  fetch(`${url}/api/auth/sign-in/username`, { method: "POST", headers: { "content-type": "application/json", origin: url }, body: JSON.stringify({ username, password }) });

describe(`sign-in, sessions and people on ${runtimeName}`, () => {
  let test: TestServer;
  const audit = (action: string) => test.rows<{ actor_type: string; actor_id: string; subject: string; details: any }>(sql`
    SELECT actor_type, actor_id, subject, details FROM oms_audit_log WHERE action = ${action} ORDER BY id`);

  beforeAll(async () => {
    test = await startTestServer(network);
  });
  afterAll(async () => {
    await test?.stop();
  });

  it("signs in with username and password into an http-only session cookie, and keeps no plain password", async () => {
    const res = await postSignIn(test.url, TEST_USERS.dispatcher, TEST_PASSWORD);
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("oms.session_token="))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const me = await callTrpc(test.url, "account.me", "query", undefined, cookie.split(";")[0]);
    expect(me.body.result.data.json).toMatchObject({ username: TEST_USERS.dispatcher, role: "dispatcher" });
    const stored = await test.rows<{ password: string }>(sql`SELECT a.password FROM auth_accounts a JOIN auth_users u ON u.id = a.user_id WHERE u.username = ${TEST_USERS.dispatcher}`);
    expect(stored[0].password).not.toContain(TEST_PASSWORD);
    expect(stored[0].password.length).toBeGreaterThan(40);
  });

  it("tells each signed-in person what the server lets them do, from the permission table", async () => {
    for (const role of ["viewer", "crew", "dispatcher", "supervisor"] as const) {
      const me = (await callTrpc(test.url, "account.me", "query", undefined, await test.signIn(role))).body.result.data.json;
      const expected = Object.entries(PERMISSIONS).filter(([, rule]) => (rule.roles as readonly string[]).includes(role)).map(([name]) => name);
      expect(me.permissions, role).toEqual(expected);
    }
    expect((await callTrpc(test.url, "account.me", "query", undefined, await test.signIn("viewer"))).body.result.data.json.permissions).not.toContain("outages.act");
  });

  it("answers a wrong password and an unknown user the same", async () => {
    const wrong = await postSignIn(test.url, TEST_USERS.dispatcher, "not-the-password");
    const unknown = await postSignIn(test.url, "nobody-here", "not-the-password");
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(wrong.status);
    expect(await unknown.json()).toEqual(await wrong.json());
    expect(wrong.headers.getSetCookie().some((c) => c.startsWith("oms.session_token=") && !/Max-Age=0/.test(c))).toBe(false);
  });

  it("lets nobody sign up: people are made by supervisors", async () => {
    const res = await fetch(`${test.url}/api/auth/sign-up/email`, {
      method: "POST", headers: { "content-type": "application/json", origin: test.url },
      body: JSON.stringify({ email: "x@example.com", password: "long-enough-password", name: "x" }),
    });
    expect(res.status).toBe(404);
    expect(await test.rows(sql`SELECT 1 FROM auth_users WHERE email = 'x@example.com'`)).toHaveLength(0);
  });

  it("signs out: the cookie opens nothing afterwards", async () => {
    const cookie = await test.signIn("viewer");
    expect((await callTrpc(test.url, "network.totals", "query", undefined, cookie)).status).toBe(200);
    const out = await fetch(`${test.url}/api/auth/sign-out`, { method: "POST", headers: { cookie, origin: test.url, "content-type": "application/json" }, body: "{}" });
    expect(out.status).toBe(200);
    expect((await callTrpc(test.url, "network.totals", "query", undefined, cookie)).status).toBe(401);
  });

  it("changes one's own password with the current one, and records it", async () => {
    const username = "changer";
    const sup = await test.signIn("supervisor");
    const made = await callTrpc(test.url, "admin.users.create", "mutation", { username, name: "Changer", role: "viewer", password: "first-password-1" }, sup);
    expect(made.status).toBe(200);
    const cookie = await signIn(test.url, username, "first-password-1");
    const change = (currentPassword: string) => fetch(`${test.url}/api/auth/change-password`, {
      method: "POST", headers: { cookie, origin: test.url, "content-type": "application/json" },
      body: JSON.stringify({ currentPassword, newPassword: "second-password-2" }),
    });
    expect((await change("wrong-password-0")).status).not.toBe(200);
    expect((await change("first-password-1")).status).toBe(200);
    expect((await postSignIn(test.url, username, "first-password-1")).status).toBe(401);
    expect((await postSignIn(test.url, username, "second-password-2")).status).toBe(200);
    const rows = await audit("user.change_password");
    expect(rows.map((r) => r.subject)).toContain(made.body.result.data.json.id);
  });

  it("lets a supervisor create a user who can then sign in with the password shown once, and audits who did it", async () => {
    const sup = await test.signIn("supervisor");
    const made = await callTrpc(test.url, "admin.users.create", "mutation", { username: "newcrew", name: "New Crew", role: "crew", crew: test.crewCode }, sup);
    expect(made.status).toBe(200);
    const user = made.body.result.data.json;
    expect(user).toMatchObject({ username: "newcrew", role: "crew", crew: test.crewCode });
    expect(user.password).toMatch(/^[A-Za-z0-9_-]{16}$/);
    const cookie = await signIn(test.url, "newcrew", user.password);
    expect((await callTrpc(test.url, "account.me", "query", undefined, cookie)).body.result.data.json).toMatchObject({ role: "crew" });
    // The list never shows a password.
    const list = await callTrpc(test.url, "admin.users.list", "query", undefined, sup);
    expect(JSON.stringify(list.body)).not.toContain(user.password);
    const [supervisor] = await test.rows<{ id: string }>(sql`SELECT id FROM auth_users WHERE username = ${TEST_USERS.supervisor}`);
    const created = (await audit("user.create")).find((r) => r.subject === user.id)!;
    expect(created).toMatchObject({ actor_type: "user", actor_id: supervisor.id });
    // A crew user needs a real crew; other roles none.
    const bad = await callTrpc(test.url, "admin.users.create", "mutation", { username: "crewless", name: "x", role: "crew" }, sup);
    expect(bad.status).toBe(400);
    expect(bad.body.error.json.message).toMatch(/crew/);
  });

  it("disables a user: the sessions end at once and the right password opens nothing", async () => {
    const sup = await test.signIn("supervisor");
    const made = (await callTrpc(test.url, "admin.users.create", "mutation", { username: "leaver", name: "Leaver", role: "dispatcher", password: "leaver-password" }, sup)).body.result.data.json;
    const cookie = await signIn(test.url, "leaver", "leaver-password");
    expect((await callTrpc(test.url, "outages.active", "query", undefined, cookie)).status).toBe(200);
    const live = await connectLive(test.url, cookie);
    const off = await callTrpc(test.url, "admin.users.update", "mutation", { id: made.id, disabled: true }, sup);
    // Their open screens are cut off at once, not at the next periodic check.
    await expect.poll(() => live.socket.connected, { timeout: 5000 }).toBe(false);
    live.close();
    expect(off.body.result.data.json).toMatchObject({ disabled: true });
    expect((await callTrpc(test.url, "outages.active", "query", undefined, cookie)).status).toBe(401);
    // The right password of a disabled account is answered like a wrong one.
    const again = await postSignIn(test.url, "leaver", "leaver-password");
    const wrong = await postSignIn(test.url, "leaver", "not-the-password");
    expect(again.status).toBe(401);
    expect(await again.json()).toEqual(await wrong.json());
    expect((await audit("user.update")).some((r) => r.subject === made.id && r.details.disabled?.to === true)).toBe(true);
  });

  it("changes a role with immediate effect, and never leaves the control room without a supervisor", async () => {
    const sup = await test.signIn("supervisor");
    const made = (await callTrpc(test.url, "admin.users.create", "mutation", { username: "promoted", name: "P", role: "viewer", password: "promoted-password" }, sup)).body.result.data.json;
    const cookie = await signIn(test.url, "promoted", "promoted-password");
    expect((await callTrpc(test.url, "storm.deactivate", "mutation", { deactivation_reason: "test" }, cookie)).status).toBe(403);
    await callTrpc(test.url, "admin.users.update", "mutation", { id: made.id, role: "supervisor" }, sup);
    expect((await callTrpc(test.url, "admin.users.list", "query", undefined, cookie)).status).toBe(200);
    // A supervisor cannot demote or disable themself.
    const self = await callTrpc(test.url, "admin.users.update", "mutation", { id: made.id, role: "viewer" }, cookie);
    expect(self.status).toBe(403);
  });

  it("lets a supervisor create and revoke API keys from the app: shown once, hashed, refused once revoked", async () => {
    const sup = await test.signIn("supervisor");
    const made = (await callTrpc(test.url, "admin.keys.create", "mutation", { name: "Test SCADA", scope: "scada" }, sup)).body.result.data.json;
    expect(made.key).toMatch(/^oms_scada_/);
    const list = await callTrpc(test.url, "admin.keys.list", "query", undefined, sup);
    expect(JSON.stringify(list.body)).not.toContain(made.key);
    const post = () => fetch(`${test.url}/api/ingest/scada`, { method: "POST", headers: { authorization: `Bearer ${made.key}`, "content-type": "application/json" }, body: "[]" });
    expect((await post()).status).not.toBe(401);
    await callTrpc(test.url, "admin.keys.revoke", "mutation", { id: made.id }, sup);
    expect((await post()).status).toBe(401);
    const [supervisor] = await test.rows<{ id: string }>(sql`SELECT id FROM auth_users WHERE username = ${TEST_USERS.supervisor}`);
    expect((await audit("api_key.revoke")).find((r) => r.subject === made.id)).toMatchObject({ actor_type: "user", actor_id: supervisor.id });
  });

  it("records storm mode and rule changes with the person who made them", async () => {
    const sup = await test.signIn("supervisor");
    const on = await callTrpc(test.url, "storm.activate", "mutation", { activation_reason: "Storm front over Amman" }, sup);
    expect(on.status).toBe(200);
    const [row] = await test.rows<{ activated_by: string }>(sql`SELECT activated_by FROM oms_storm_mode_config ORDER BY id DESC LIMIT 1`);
    expect(row.activated_by).toBe(TEST_USERS.supervisor);
    const rules = (await callTrpc(test.url, "rules.list", "query", undefined, sup)).body.result.data.json as Array<{ id: number; rule_name: string }>;
    const standard = rules.find((r) => r.rule_name === "Standard")!;
    const changed = await callTrpc(test.url, "rules.update", "mutation", { id: standard.id, spatial_radius_meters: 1200, parameters: { verificationMinutes: 7 } }, sup);
    expect(changed.body.result.data.json).toMatchObject({ spatial_radius_meters: 1200, updated_by: TEST_USERS.supervisor });
    const [entry] = (await audit("rule.update")).slice(-1);
    expect(entry.details).toMatchObject({ rule: "Standard", after: { radius: 1200, parameters: { verificationMinutes: 7 } } });
    await callTrpc(test.url, "storm.deactivate", "mutation", { deactivation_reason: "passed" }, sup);
  });
});

describe(`who may see and change crews' work on ${runtimeName}`, () => {
  let test: TestServer;
  beforeAll(async () => {
    test = await startTestServer(network);
  });
  afterAll(async () => {
    await test?.stop();
  });

  it("lets a crew see and move on only its own assignments, over tRPC, REST and Socket.IO", async () => {
    // Two outages with a crew each: the crew user's crew, and another crew.
    const [ownCrew, otherCrew] = [network.crews[0].crewId, network.crews[1].crewId];
    const outage = async (i: number) => (await test.post("/api/oms/events/create", {
      event_type: "outage", source_type: "scada", source_event_id: `AUTH-${i}`, timestamp: new Date().toISOString(),
      metadata: { feeder_id: network.feeders[i].feederId },
    })).body.outage_event_id as string;
    const [o1, o2] = [await outage(0), await outage(1)];
    const dispatch = async (o: string, crew: string) => (await test.post("/api/oms/crew/dispatch", { outage_event_id: o, crew_data: { crew_id: crew } })).body.assignment_id as number;

    const crewCookie = await test.signIn("crew");
    const live = await connectLive(test.url, crewCookie);
    try {
      const mine = await dispatch(o1, ownCrew);
      const theirs = await dispatch(o2, otherCrew);

      const seen = (await callTrpc(test.url, "crew.myAssignments", "query", undefined, crewCookie)).body.result.data.json;
      expect(seen.crew.code).toBe(ownCrew);
      expect(seen.assignments.map((a: { id: number }) => a.id)).toEqual([mine]);

      const refusedTrpc = await callTrpc(test.url, "crew.updateAssignment", "mutation", { assignment_id: theirs, status: "en_route" }, crewCookie);
      expect(refusedTrpc.status).toBe(403);
      const refusedRest = await fetch(`${test.url}/api/oms/crew/assignments/${theirs}`, {
        method: "POST", headers: { cookie: crewCookie, origin: test.url, "content-type": "application/json" }, body: JSON.stringify({ status: "en_route" }),
      });
      expect(refusedRest.status).toBe(403);
      const ok = await callTrpc(test.url, "crew.updateAssignment", "mutation", { assignment_id: mine, status: "en_route" }, crewCookie);
      expect(ok.body.result.data.json).toMatchObject({ assignment_id: mine, status: "en_route" });
      const [other] = await test.rows<{ status: string }>(sql`SELECT status FROM oms_crew_assignments WHERE id = ${theirs}`);
      expect(other.status).toBe("assigned");

      // The crew's socket hears its own crew, never another's, and no outage traffic.
      const [own] = await test.rows<{ id: number }>(sql`SELECT id FROM oms_crews WHERE crew_id = ${ownCrew}`);
      await expect.poll(() => live.pushed.filter((c) => c.topic === "crew:updated" && c.payload.crewId === own.id).length, { timeout: 5000 }).toBeGreaterThan(0);
      expect(live.pushed.every((c) => c.topic === "storm:changed" || (c.topic === "crew:updated" && c.payload.crewId === own.id))).toBe(true);
    } finally {
      live.close();
    }
  });

  it("refuses a Socket.IO connection without a session, or from another origin's page", async () => {
    await expect(connectLive(test.url, "oms.session_token=forged")).rejects.toThrow(/unauthorized/);
    const cookie = await test.signIn("viewer");
    const { io } = await import("socket.io-client");
    const socket = io(test.url, { transports: ["polling"], forceNew: true, reconnection: false, extraHeaders: { cookie, origin: "https://evil.example" } });
    try {
      await expect(new Promise((resolve, reject) => { socket.once("system:hello", resolve); socket.once("connect_error", reject); })).rejects.toThrow();
    } finally {
      socket.close();
    }
    // The same cookie from this site's own origin connects.
    const ok = io(test.url, { transports: ["polling"], forceNew: true, reconnection: false, extraHeaders: { cookie, origin: test.url } });
    try {
      await expect(new Promise((resolve, reject) => { ok.once("system:hello", resolve); ok.once("connect_error", reject); })).resolves.toBeDefined();
    } finally {
      ok.close();
    }
  });
});

describe(`sign-in limits and the first supervisor on ${runtimeName}`, () => {
  it("limits sign-in attempts per address, wrong or right, and creates the first supervisor from the environment once", async () => {
    const database = await createTestDb();
    await loadNetwork(database.db, network);
    const env = { PORT: "0", HOST: "127.0.0.1", SIGNIN_ATTEMPTS_PER_MINUTE: "3", OMS_ADMIN_USERNAME: "chief", OMS_ADMIN_PASSWORD: "chief-password-1" };
    const logs: string[] = [];
    const server = await startServer({ ...loadConfig(env), seedOnEmpty: false }, { pages: false, database, closeDatabase: false, log: (m) => logs.push(m) });
    try {
      expect(logs.join("\n")).toMatch(/Created the supervisor chief/);
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await postSignIn(server.url, "chief", "wrong-password")).status);
      statuses.push((await postSignIn(server.url, "chief", "chief-password-1")).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
    } finally {
      await server.stop();
    }
    // A second start with the same variables leaves the user alone (the password there only opens the door once).
    await database.db.execute(sql`DELETE FROM auth_rate_limits`);
    const again = await startServer({ ...loadConfig({ ...env, OMS_ADMIN_PASSWORD: "another-password-2" }), seedOnEmpty: false }, { pages: false, database, log: () => {} });
    try {
      expect((await postSignIn(again.url, "chief", "chief-password-1")).status).toBe(200);
      const rows = await queryRows<{ role: string }>(database.db, sql`SELECT role FROM auth_users WHERE username = 'chief'`);
      expect(rows).toEqual([{ role: "supervisor" }]);
    } finally {
      await again.stop();
    }
  });
});
