/**
 * What any JSON input (an ingested event, a REST body, a tRPC input) must be before a schema,
 * the database or a serialiser sees it. PostgreSQL refuses a NUL character in text and in jsonb
 * and a lone UTF-16 surrogate in jsonb; JSON.stringify and structured cloning recurse, so a
 * 10,000-deep value overflows the stack; a megabyte-long string makes an index row too large.
 * Each is a client's mistake, so it is found here and named by its path (a 4xx), never left to
 * fail later as a 500. The walk is iterative for the same reason: it must not recurse itself.
 */
export const INPUT_LIMITS = {
  /** Objects and arrays inside one another; the inspected value itself is level 1. */
  maxDepth: 32,
  /** Any string value (free text: notes, reasons, addresses). */
  maxTextLength: 4000,
  /** Identifiers (event ids, meter numbers, mRIDs, codes): enforced by the schemas, not here. */
  maxIdLength: 200,
  /** Field names. */
  maxKeyLength: 200,
  /** Issues named per inspected value: enough to fix the input, never an answer as large as it. */
  maxIssues: 10,
} as const;

export interface InputIssue {
  path: PropertyKey[];
  message: string;
}

interface PathNode {
  key: PropertyKey;
  parent: PathNode | undefined;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string cannot be stored as sent, or undefined when it can. */
export function stringFault(s: string, maxLength: number): string | undefined {
  const nul = s.indexOf("\u0000");
  if (nul >= 0) return `contains a NUL character (\\u0000) at position ${nul}`;
  const lone = LONE_SURROGATE.exec(s);
  if (lone) {
    const hex = lone[0].charCodeAt(0).toString(16);
    return `contains an unpaired UTF-16 surrogate (\\u${hex}) at position ${lone.index}: not valid Unicode`;
  }
  if (s.length > maxLength) return `is ${s.length.toLocaleString("en")} characters long; at most ${maxLength.toLocaleString("en")} are accepted`;
  return undefined;
}

function pathOf(node: PathNode | undefined): PropertyKey[] {
  const out: PropertyKey[] = [];
  for (let n = node; n; n = n.parent) out.push(n.key);
  return out.reverse();
}

/**
 * The faults of a parsed JSON value (strings, field names, nesting), each with the path to it,
 * at most `maxIssues`; an empty list when the value is fit to validate and store.
 */
export function inspectJson(value: unknown, limits: typeof INPUT_LIMITS = INPUT_LIMITS): InputIssue[] {
  const issues: InputIssue[] = [];
  // A frame is a value to look at, or a field name already found faulty (its value is not visited).
  const stack: Array<{ value: unknown; depth: number; at: PathNode | undefined; keyFault?: string }> = [{ value, depth: 1, at: undefined }];
  while (stack.length > 0 && issues.length < limits.maxIssues) {
    const { value: v, depth, at, keyFault } = stack.pop()!;
    if (keyFault) {
      issues.push({ path: pathOf(at), message: `has a field name that ${keyFault}` });
      continue;
    }
    if (typeof v === "string") {
      const fault = stringFault(v, limits.maxTextLength);
      if (fault) issues.push({ path: pathOf(at), message: fault });
      continue;
    }
    if (typeof v !== "object" || v === null) continue;
    if (depth > limits.maxDepth) {
      issues.push({ path: pathOf(at), message: `is nested too deep: more than ${limits.maxDepth} levels of objects and arrays` });
      continue;
    }
    // Pushed in reverse so that issues come out in document order.
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], depth: depth + 1, at: { key: i, parent: at } });
      continue;
    }
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i];
      const here = { key, parent: at };
      const keyFault = stringFault(key, limits.maxKeyLength);
      stack.push(keyFault ? { value: undefined, depth, at: here, keyFault } : { value: (v as Record<string, unknown>)[key], depth: depth + 1, at: here });
    }
  }
  return issues;
}

/** A field name longer than this is shortened in paths, so an answer never echoes a huge name. */
const SHOWN_KEY_LENGTH = 40;

/**
 * `[3]` + ["payload", "assets", "ns2:mRID"] → `[3].payload.assets["ns2:mRID"]`; the root is
 * "(body)". Odd names are quoted as JSON (a NUL reads `\u0000`), long ones cut to 40 characters.
 */
export function formatPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(String(key)) && String(key).length <= SHOWN_KEY_LENGTH) out += out ? `.${String(key)}` : String(key);
    else {
      const name = String(key);
      out += `[${JSON.stringify(name.length > SHOWN_KEY_LENGTH ? `${name.slice(0, SHOWN_KEY_LENGTH)}…` : name)}]`;
    }
  }
  return out || "(body)";
}

/** The faults of a whole request text (the Kaifa XML): a NUL or a lone surrogate, with its offset. */
export function inspectText(text: string): string | undefined {
  return stringFault(text, Number.POSITIVE_INFINITY);
}
