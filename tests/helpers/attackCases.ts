/**
 * The attack battery's inputs, generated as a table: every fault in every field of every
 * source's event (and the whole-body faults of every route), the oms REST routes' bodies, the
 * sign-in form. Each case says what it must get: `rejected` (its path named), or only `no5xx`
 * where the schema may legitimately accept the value (a huge voltage is still a number).
 */
export type IngestRoute = "scada" | "kaifa" | "onu" | "call-center";

export interface ItemCase {
  route: IngestRoute;
  name: string;
  /** The bad event, sent between two good ones. */
  bad: unknown;
  /** The path its issue must name, relative to the event. */
  path: string;
  expect: "rejected" | "no5xx";
}

export interface BodyCase {
  route: string;
  name: string;
  body: string | Buffer;
  contentType: string;
  status: number;
  /** Something the answer's message or issues must contain. */
  mentions: string;
}

/**
 * A value nested `n` arrays deep. JSON.stringify and structuredClone recurse and cannot take
 * 10,000 levels themselves, so the value is a marker that toJson writes out as text.
 */
export const deepArray = (n: number): unknown => `\u0001deep:${n}\u0001`;
const deepJson = (n: number) => `${'{"a":'.repeat(n)}1${"}".repeat(n)}`;

/** JSON of a case's value, with deepArray markers written out. */
export const toJson = (value: unknown): string =>
  JSON.stringify(value).replace(/"\\u0001deep:(\d+)\\u0001"/g, (_, n) => "[".repeat(Number(n)) + "]".repeat(Number(n)));

/** Values no field may hold, each with what the answer must say about it. */
export const STORAGE_FAULTS: Array<{ name: string; value: unknown; deep?: boolean }> = [
  { name: "a NUL character", value: "ab\u0000cd" },
  { name: "only a NUL", value: "\u0000" },
  { name: "a lone high surrogate", value: "x\ud800" },
  { name: "a lone low surrogate", value: "\udfffy" },
  { name: "a 1 MB string", value: "m".repeat(1_000_000) },
  { name: "4,001 characters", value: "t".repeat(4001) },
  { name: "10,000 levels of nesting", value: deepArray(10_000), deep: true },
  { name: "33 levels of nesting", value: deepArray(33), deep: true },
];

/** Field names no object may have. */
export const KEY_FAULTS: Array<{ name: string; key: string; shown: string }> = [
  { name: "a field name with a NUL", key: "k\u0000", shown: '["k\\u0000"]' },
  { name: "a field name with a lone surrogate", key: "\ud83dk", shown: '["\\ud83dk"]' },
  { name: "a 300-character field name", key: "f".repeat(300), shown: `["${"f".repeat(40)}…"]` },
];

/** Wrong but storable values: each must be refused by the field's schema (or, where noted, may be accepted). */
const typeFaults = (kind: "id" | "text" | "time" | "number" | "choice"): Array<{ name: string; value: unknown; expect: ItemCase["expect"] }> => {
  const always = [
    { name: "an object", value: { a: 1 }, expect: "rejected" as const },
    { name: "an array", value: [["x"]], expect: "rejected" as const },
  ];
  if (kind === "id") return [...always, { name: "201 characters", value: "i".repeat(201), expect: "rejected" }, { name: "a huge number", value: 1e308, expect: "no5xx" }];
  if (kind === "time") return [...always, { name: "year 0", value: "0000-01-01T00:00:00Z", expect: "rejected" }, { name: "year 9999", value: "9999-12-31T23:59:59Z", expect: "rejected" }, { name: "month 13", value: "2025-13-01T00:00:00Z", expect: "rejected" }, { name: "a number", value: 1e308, expect: "rejected" }];
  if (kind === "number") return [...always, { name: "a string", value: "12", expect: "no5xx" }, { name: "1e308", value: 1e308, expect: "no5xx" }, { name: "-1e308", value: -1e308, expect: "no5xx" }];
  if (kind === "choice") return [...always, { name: "an unknown word", value: "explode", expect: "rejected" }, { name: "true", value: true, expect: "rejected" }];
  return [...always, { name: "true", value: true, expect: "rejected" }];
};

type FieldKind = Parameters<typeof typeFaults>[0];

/** Each source's event fields (path into the good event) and what kind of value each is. */
export const FIELDS: Record<IngestRoute, Array<[path: (string | number)[], kind: FieldKind]>> = {
  scada: [[["eventType"], "choice"], [["substationId"], "id"], [["feederId"], "id"], [["timestamp"], "time"], [["reason"], "text"], [["voltage"], "number"], [["severity"], "choice"], [["coordinates", "lat"], "number"]],
  kaifa: [[["timestamp"], "time"], [["payload", "event_id"], "id"], [["payload", "severity"], "text"], [["payload", "reason"], "text"], [["payload", "assets", "ns2:mRID"], "id"], [["payload", "usage_point", "mrid"], "id"], [["location", "lng"], "number"]],
  onu: [[["eventId"], "id"], [["type"], "choice"], [["onuId"], "number"], [["onuSerial"], "id"], [["timestamp"], "time"], [["associatedMeters", 0], "id"], [["alarmData", "category"], "text"]],
  "call-center": [[["ticketId"], "id"], [["timestamp"], "time"], [["customer", "phone"], "id"], [["customer", "meterNumber"], "id"], [["customer", "address"], "text"], [["customer", "location", "lat"], "number"], [["notes"], "text"]],
};

/** An object inside each source's event. */
const NESTED: Record<IngestRoute, string> = { scada: "coordinates", kaifa: "payload", onu: "alarmData", "call-center": "customer" };

/** The path as formatPath writes it. */
export const pathText = (path: (string | number)[]) =>
  path.map((k, i) => (typeof k === "number" ? `[${k}]` : /^[A-Za-z_$][\w$]*$/.test(k) ? `${i ? "." : ""}${k}` : `[${JSON.stringify(k)}]`)).join("");

function withValue(event: Record<string, unknown>, path: (string | number)[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(event);
  let at: any = copy;
  for (const key of path.slice(0, -1)) at = at[key];
  at[path.at(-1)!] = value;
  return copy;
}

/** Every item case of one source, built on its good event (a fresh id each time it is called). */
export function itemCases(route: IngestRoute, good: () => Record<string, unknown>): ItemCase[] {
  const cases: ItemCase[] = [];
  for (const [path, kind] of FIELDS[route]) {
    const field = pathText(path);
    for (const f of STORAGE_FAULTS) {
      // Too deep is named where level 33 starts: the field's value sits at level path.length + 1.
      const where = f.deep ? field + "[0]".repeat(32 - path.length) : field;
      cases.push({ route, name: `${field}: ${f.name}`, bad: withValue(good(), path, f.value), path: where, expect: "rejected" });
    }
    for (const f of typeFaults(kind)) cases.push({ route, name: `${field}: ${f.name}`, bad: withValue(good(), path, f.value), path: field, expect: f.expect });
  }
  // Field names, at the top and inside a nested object.
  for (const at of [[], [NESTED[route]]]) {
    for (const k of KEY_FAULTS) {
      const event = good();
      const target: any = at.length ? event[at[0] as string] : event;
      target[k.key] = "v";
      cases.push({ route, name: `${pathText(at) || "(event)"}: ${k.name}`, bad: event, path: `${pathText(at)}${k.shown}`, expect: "rejected" });
    }
  }
  return cases;
}

/** Whole bodies every JSON ingestion route must refuse with a 4xx naming the body. */
export function bodyCases(route: IngestRoute): BodyCase[] {
  const json = "application/json";
  const c = (name: string, body: string | Buffer, status: number, mentions: string, contentType = json): BodyCase => ({ route, name, body, contentType, status, mentions });
  return [
    c("a string", '"an event"', 400, "(body)"),
    c("a number", "42", 400, "must be a JSON object"),
    c("null", "null", 400, "must be a JSON object"),
    c("true", "true", 400, "must be a JSON object"),
    c("an empty batch", "[]", 400, "empty batch"),
    c("a string holding a NUL", '"\\u0000"', 400, "(body)"),
    c("10,000 nested arrays", "[".repeat(10_000) + "]".repeat(10_000), 400, "nested too deep"),
    c("10,000 nested objects", deepJson(10_000), 400, "nested too deep"),
    c("a batch of 5,001 events", JSON.stringify(Array.from({ length: 5001 }, () => ({}))), 400, "at most 5,000"),
    c("malformed JSON", '{"eventId": ', 400, "not valid JSON"),
    c("a raw NUL byte in a string", Buffer.from('{"eventId":"a\u0000b"}'), 400, "not valid JSON"),
    c("invalid UTF-8", Buffer.concat([Buffer.from('{"eventId":"'), Buffer.from([0xff, 0xfe, 0xc0]), Buffer.from('"}')]), 400, "is required"),
    c("plain text", "hello", 415, "Content-Type", "text/plain"),
  ];
}

const xmlEvent = (mrid: string, extra = "") =>
  `<EndDeviceEvent><mRID>${mrid}</mRID><createdDateTime>${new Date(Date.now() - 60_000).toISOString()}</createdDateTime><reason>Tamper alarm</reason><Assets><mRID>NO-SUCH-ASSET</mRID></Assets>${extra}</EndDeviceEvent>`;
export const xmlMessage = (...events: string[]) =>
  `<?xml version="1.0"?><EventMessage><Header><Verb>created</Verb></Header><Payload><EndDeviceEvents>${events.join("")}</EndDeviceEvents></Payload></EventMessage>`;

/** The Kaifa XML route: whole-message faults (400) and one bad EndDeviceEvent among good ones (207). */
export function xmlCases(id: () => string): { whole: BodyCase[]; items: Array<{ name: string; body: string; path: string }> } {
  const x = "text/xml";
  const c = (name: string, body: string, mentions: string): BodyCase => ({ route: "kaifa", name: `XML ${name}`, body, contentType: x, status: 400, mentions });
  const bomb = `<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">${Array.from({ length: 9 }, (_, i) => `<!ENTITY ${"b".repeat(i + 1)} "${`&${i ? "b".repeat(i) : "a"};`.repeat(10)}">`).join("")}]><EventMessage><Payload><EndDeviceEvents><EndDeviceEvent><mRID>&bbbbbbbbb;</mRID></EndDeviceEvent></EndDeviceEvents></Payload></EventMessage>`;
  return {
    whole: [
      c("with a NUL character", xmlMessage(xmlEvent(id(), "<severity>lo\u0000w</severity>")), "NUL character"),
      c("nested 10,000 deep", `<EventMessage>${"<a>".repeat(10_000)}${"</a>".repeat(10_000)}</EventMessage>`, "(body)"),
      c("malformed", "<EventMessage><Payload>", "not well-formed"),
      c("without an EventMessage", "<Other/>", "no EventMessage"),
      c("without events", xmlMessage(), "EndDeviceEvent"),
      c("whitespace only", "   ", "(body)"),
      c("an entity expansion bomb", bomb, "EndDeviceEvent[0]"),
    ],
    items: [
      { name: "an overlong mRID", body: xmlMessage(xmlEvent(id()), xmlEvent("E".repeat(201)), xmlEvent(id())), path: "EndDeviceEvent[1].mRID" },
      { name: "a 1 MB reason", body: xmlMessage(xmlEvent(id()), xmlEvent(id(), `<severity>${"s".repeat(1_000_000)}</severity>`), xmlEvent(id())), path: "EndDeviceEvent[1].severity" },
      { name: "no time", body: xmlMessage(xmlEvent(id()), xmlEvent(id()).replace(/<createdDateTime>.*<\/createdDateTime>/, ""), xmlEvent(id())), path: "EndDeviceEvent[1].createdDateTime" },
      { name: "a time in year 9999", body: xmlMessage(xmlEvent(id()), xmlEvent(id()).replace(/<createdDateTime>.*<\/createdDateTime>/, "<createdDateTime>9999-01-01T00:00:00Z</createdDateTime>"), xmlEvent(id())), path: "EndDeviceEvent[1].createdDateTime" },
    ],
  };
}

/** A request to a JSON route that is not ingestion: its answer must be a 4xx naming `mentions`. */
export interface JsonCase {
  name: string;
  method: "GET" | "POST";
  path: string;
  body?: string;
  contentType?: string;
  /** 400 unless said otherwise; sign-in may also answer 401 (no such user) — never a 5xx. */
  status: number[];
  mentions?: string;
}

/** Faults of a JSON body as a whole, given the field they go into. */
function bodyFaults(field: string): Array<{ name: string; body: string; mentions: string }> {
  const put = (value: unknown) => toJson({ [field]: value });
  return [
    ...STORAGE_FAULTS.filter((f) => f.name !== "33 levels of nesting").map((f) => ({ name: `${field}: ${f.name}`, body: put(f.value), mentions: field })),
    ...KEY_FAULTS.map((k) => ({ name: k.name, body: JSON.stringify({ [field]: "x", [k.key]: 1 }), mentions: "has a field name that" })),
  ];
}

/** The oms REST routes: each refuses bad bodies with a 400 naming the field (before its schema or permission-free work). */
export const OMS_POSTS: Array<[path: string, field: string]> = [
  ["/api/oms/events/correlate", "source_event_id"], ["/api/oms/events/create", "source_event_id"], ["/api/oms/events/validate", "outage_event_id"],
  ["/api/oms/events/score", "outage_event_id"], ["/api/oms/events/cluster", "clustering_parameters"], ["/api/oms/storm-mode/activate", "reason"],
  ["/api/oms/storm-mode/deactivate", "deactivation_reason"], ["/api/oms/events/restore", "outage_event_id"], ["/api/oms/events/etr", "outage_event_id"],
  ["/api/oms/crew/dispatch", "crew_id"], ["/api/oms/notifications/send", "outage_event_id"], ["/api/oms/crew/assignments/1", "status"],
];

export function omsCases(): JsonCase[] {
  const cases: JsonCase[] = [];
  for (const [path, field] of OMS_POSTS) {
    for (const f of bodyFaults(field)) cases.push({ name: `${path} ${f.name}`, method: "POST", path, body: f.body, status: [400], mentions: f.mentions });
    for (const [name, body] of [["a string body", '"x"'], ["an array body", "[1]"], ["malformed JSON", "{"]]) {
      cases.push({ name: `${path} ${name}`, method: "POST", path, body, status: [400], mentions: "(body)" });
    }
  }
  cases.push(
    { name: "a NUL in a query", method: "GET", path: "/api/oms/crew/suggest?outage_event_id=%00", status: [400], mentions: "query.outage_event_id" },
    { name: "a repeated query parameter", method: "GET", path: "/api/oms/crew/suggest?outage_event_id=a&outage_event_id=b", status: [400], mentions: "outage_event_id" },
    { name: "a 5,000-character query", method: "GET", path: `/api/oms/crew/suggest?outage_event_id=${"q".repeat(5000)}`, status: [400], mentions: "query.outage_event_id" },
    { name: "a NUL in a path parameter", method: "POST", path: "/api/oms/crew/assignments/%00", body: '{"status":"en_route"}', status: [400], mentions: "params.id" },
  );
  return cases;
}

/** Sign-in: whatever is posted, a 4xx that says what is wrong (401 for a well-formed unknown user), never a 5xx. */
export function signInCases(): JsonCase[] {
  const path = "/api/auth/sign-in/username";
  const json = (name: string, body: unknown, status = [400], mentions?: string): JsonCase =>
    ({ name, method: "POST", path, body: typeof body === "string" ? body : JSON.stringify(body), status, mentions });
  const cases: JsonCase[] = [];
  for (const field of ["username", "password"]) {
    const other = field === "username" ? { password: "whatever-password" } : { username: "dispatcher1" };
    for (const f of STORAGE_FAULTS.filter((x) => x.name !== "a 1 MB string" && x.name !== "33 levels of nesting")) {
      const body = toJson({ ...other, [field]: f.value });
      // 10,000 levels take 20 KB: more than sign-in reads at all.
      cases.push(body.length > 16 * 1024 ? json(`${field}: ${f.name}`, body, [413], "16 KB") : json(`${field}: ${f.name}`, body, [400], field));
    }
    for (const [name, value] of [["a number", 12345], ["an object", { a: 1 }], ["an array", ["x"]], ["null", null], ["empty", ""], ["4,000 characters", "p".repeat(4000)]] as const) {
      cases.push(json(`${field}: ${name}`, { ...other, [field]: value }, [400, 401, 422]));
    }
  }
  cases.push(
    json("a 1 MB username", { username: "u".repeat(1_000_000), password: "x" }, [413], "16 KB"),
    ...KEY_FAULTS.map((k) => json(k.name, { username: "dispatcher1", password: "x", [k.key]: 1 }, [400], "has a field name that")),
    json("a string body", '"dispatcher1"', [400]), json("an array body", "[]", [400]), json("null", "null", [400]),
    json("malformed JSON", '{"username":', [400], "not valid JSON"), json("an empty object", {}, [400]),
    { name: "a NUL in a form", method: "POST", path, body: "username=dispatcher1%00&password=x", contentType: "application/x-www-form-urlencoded", status: [400], mentions: "username" },
    { name: "a NUL in the email sign-in", method: "POST", path: "/api/auth/sign-in/email", body: JSON.stringify({ email: "a\u0000@example.com", password: "x" }), status: [400], mentions: "email" },
    { name: "a lone surrogate in the email sign-in", method: "POST", path: "/api/auth/sign-in/email", body: JSON.stringify({ email: "\udc00@example.com", password: "x" }), status: [400], mentions: "email" },
  );
  return cases;
}
