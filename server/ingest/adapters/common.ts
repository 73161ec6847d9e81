import { z } from "zod";
import type { ParsedItem, Signal } from "../signal";
import { INPUT_LIMITS, formatPath, inspectJson, inspectText } from "../../inspect";
import type { KaifaEventMap } from "./kaifa";

/** What every adapter is given: the clock is injected so parsing stays pure and testable. */
export interface AdapterContext {
  now: Date;
  kaifaEventMap: KaifaEventMap;
}

/** An issue relative to one event, before the batch position is prefixed. */
export interface FieldIssue {
  path: PropertyKey[];
  message: string;
}

export type ItemOutcome = { ok: true; signals: Signal[] } | { ok: false; issues: FieldIssue[] };

/**
 * Older than this is a device clock that was never set, not a late delivery; it also keeps
 * out the year 0, which JavaScript writes and PostgreSQL refuses.
 */
export const EARLIEST_TIMESTAMP = new Date("1970-01-01T00:00:00Z");

/** Head-end and SCADA clocks drift; beyond this a timestamp is a bug, not skew. */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

/** Events per request: a larger batch is refused whole, so an answer stays a bounded size. */
export const MAX_BATCH_ITEMS = 5000;

/**
 * Turns a request body (one event object, or an array of them) into one ParsedItem per event.
 * Each element is inspected (inspectJson: NUL, lone surrogates, overlong strings, nesting) and
 * then validated on its own, so one bad event does not sink the rest of a batch; whether a
 * partly bad batch is accepted is the HTTP layer's decision, not ours.
 */
export function parseBatch(body: unknown, parseItem: (item: unknown) => ItemOutcome): ParsedItem[] {
  if (Array.isArray(body)) {
    if (body.length === 0) return [bodyIssue(body, "is an empty batch; send an event object or a non-empty array of them")];
    if (body.length > MAX_BATCH_ITEMS) {
      return [bodyIssue(undefined, `is a batch of ${body.length.toLocaleString("en")} events; at most ${MAX_BATCH_ITEMS.toLocaleString("en")} per request`)];
    }
    return body.map((item, index) => parseInspected(item, index, `[${index}]`, parseItem));
  }
  if (isPlainObject(body)) return [parseInspected(body, 0, "", parseItem)];
  return [bodyIssue(body, "must be a JSON object (one event) or an array of objects (a batch)")];
}

/**
 * One event: inspected first, then its schema. An event that fails inspection keeps no raw
 * value: it could not be stored (PostgreSQL refuses NUL and lone surrogates) or even serialised
 * (JSON.stringify recurses); the rejection is recorded from the request's bytes instead.
 */
export function parseInspected(item: unknown, index: number, prefix: string, parseItem: (item: unknown) => ItemOutcome): ParsedItem {
  const faults = inspectJson(item);
  if (faults.length > 0) return { ...toParsedItem({ ok: false, issues: faults }, index, prefix, item), raw: undefined };
  return toParsedItem(parseItem(item), index, prefix, item);
}

export function toParsedItem(outcome: ItemOutcome, index: number, prefix: string, raw: unknown): ParsedItem {
  if (outcome.ok) return { ok: true, index, signals: outcome.signals, raw };
  const issues = outcome.issues.slice(0, INPUT_LIMITS.maxIssues).map((i) => ({ path: formatPath(prefix, i.path), message: i.message }));
  return { ok: false, index, issues, raw };
}

/** A whole-body problem; a body that could not be stored as it is keeps no raw value. */
export function bodyIssue(raw: unknown, message: string): ParsedItem {
  const storable = typeof raw === "string" ? !inspectText(raw) : inspectJson(raw).length === 0;
  return { ok: false, index: 0, issues: [{ path: "(body)", message }], raw: storable ? raw : undefined };
}

export { formatPath };

/** Runs an event schema whose output is the signal; zod issues become field issues in plain words. */
export function runSchema(schema: z.ZodType<Signal>, item: unknown): ItemOutcome {
  // Parsed without the error map first: zod is about a third slower per event with one, and
  // only a bad event needs its words (it is parsed again for them; the schemas are pure).
  const parsed = schema.safeParse(item);
  if (parsed.success) return { ok: true, signals: [parsed.data] };
  const result = schema.safeParse(item, { error: plainWords });
  if (result.success) return { ok: true, signals: [result.data] };
  return { ok: false, issues: result.error.issues.map((i) => ({ path: i.path, message: i.message })) };
}

/** Fallback messages for zod's generic issues; a schema's own message, where given, wins. */
const plainWords: z.core.$ZodErrorMap = (iss) => {
  if (iss.code === "invalid_type") {
    if (iss.input === undefined || iss.input === null) return "is required";
    return `must be ${iss.expected === "object" || iss.expected === "array" ? "an" : "a"} ${iss.expected}`;
  }
  if (iss.code === "too_small" && iss.origin === "string") return "must not be empty";
  if (iss.code === "too_small" && iss.origin === "number") return `must be at least ${String(iss.minimum)}`;
  if (iss.code === "too_big" && iss.origin === "number") return `must be at most ${String(iss.maximum)}`;
  return undefined;
};

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Drops undefined members so attributes stored as JSON carry only what the source sent. */
export function compact<T extends Record<string, unknown>>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const blankToUndefined = (v: unknown) => (v === null || (typeof v === "string" && v.trim() === "") ? undefined : v);
const numberToString = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? String(v) : v);

/** An identifier (event id, meter number, mRID, device code): at most INPUT_LIMITS.maxIdLength characters. */
export const idString = () => z.string().trim().max(INPUT_LIMITS.maxIdLength, `must be at most ${INPUT_LIMITS.maxIdLength} characters (an identifier)`);

/** Free text; blank or null counts as absent (operators and simulators send "" for "don't know"). */
export const optionalText = z.preprocess(blankToUndefined, z.string().trim().optional());
/** An identifier that some senders emit as a JSON number (mainStationId 82001, a phone, a meter number). */
export const optionalId = z.preprocess((v) => numberToString(blankToUndefined(v)), idString().optional());
export const requiredId = z.preprocess(numberToString, idString().min(1, "must not be empty"));

/** A value as an answer may quote it: JSON, cut short (inspected input is never deep). */
export function shown(value: unknown, max = 60): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

const latitude = z.number().min(-90, "must be between -90 and 90").max(90, "must be between -90 and 90");
const longitude = z.number().min(-180, "must be between -180 and 180").max(180, "must be between -180 and 180");
export const location = z
  .looseObject({ lat: latitude, lng: longitude })
  .nullish()
  .transform((l) => (l ? { lat: l.lat, lng: l.lng } : undefined));

/** A string that must be one of `values` in any case; the output is the canonical spelling. */
export function caseInsensitiveChoice<T extends string>(field: string, values: readonly T[]) {
  const byLower = new Map(values.map((v) => [v.toLowerCase(), v]));
  return z
    .string()
    .trim()
    .transform((s, ctx) => {
      const canonical = byLower.get(s.toLowerCase());
      if (canonical) return canonical;
      ctx.issues.push({ code: "custom", input: s, message: `unknown ${field} ${shown(s)}; expected one of ${values.join(", ")}` });
      return z.NEVER;
    });
}

const OFFSET = /(?:Z|[+-]\d{2}:\d{2})$/i;

/**
 * An ISO 8601 date-time (RFC 3339 style: `2025-09-30T10:00:00Z`, `…+03:00`, any fraction).
 * A timestamp with no offset is taken as UTC: the recorded simulators emit naive UTC times
 * (`2025-09-24T13:51:31.555369`), and reading them as server-local time would shift events
 * by the server's zone. Old timestamps are accepted (late deliveries are normal) back to
 * EARLIEST_TIMESTAMP; ones more than FUTURE_TOLERANCE_MS ahead of `now` are rejected.
 */
export function timestamp(now: Date) {
  return z
    .string({ error: (iss) => (iss.input == null ? "is required" : "must be an ISO 8601 timestamp") })
    .trim()
    .pipe(z.iso.datetime({ offset: true, local: true, error: "must be an ISO 8601 timestamp" }))
    .transform((s, ctx) => {
      const at = new Date(OFFSET.test(s) ? s : `${s}Z`);
      if (Number.isNaN(at.getTime())) {
        ctx.issues.push({ code: "custom", input: s, message: "must be an ISO 8601 timestamp" });
        return z.NEVER;
      }
      if (at.getTime() < EARLIEST_TIMESTAMP.getTime()) {
        ctx.issues.push({ code: "custom", input: s, message: `is before ${EARLIEST_TIMESTAMP.getUTCFullYear()}: a clock that was never set` });
        return z.NEVER;
      }
      if (at.getTime() - now.getTime() > FUTURE_TOLERANCE_MS) {
        ctx.issues.push({ code: "custom", input: s, message: `is in the future (${s}, more than 5 minutes after ${now.toISOString()})` });
        return z.NEVER;
      }
      return at;
    });
}
