// Shared pieces of the property-based fuzz suite (fast-check): generators of hostile input by class, the
// run settings, a way to call a route handler or an action that turns a throw into the 500 a user would
// get, the properties' checks, and the account's row counts that "a rejected request writes nothing"
// compares. Test code only; used by the Vitest fuzz files and by e2e/fuzz-http.spec.ts.
import { sql } from "drizzle-orm";
import fc from "fast-check";

import { db } from "@/db";

// ------------------------------------------------------------------------------------------------ runs

/**
 * fast-check settings for one property: `runs` cases (scaled by FUZZ_RUNS_SCALE, e.g. 0.2 for a quick
 * look, 5 for a long hunt), the seed from FUZZ_SEED and the replay path from FUZZ_PATH when set (a
 * failure prints both; with `-t "<test name>"` they replay its counterexample), and a time limit so a
 * property whose failure shrinks slowly cannot hold up the suite: past it, the smallest counterexample
 * found so far is reported.
 */
export function fuzzRuns(runs: number, { timeLimitMs = 6_000 } = {}): fc.Parameters<unknown> {
  const scale = Number(process.env.FUZZ_RUNS_SCALE ?? 1);
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
  return {
    numRuns: Math.max(1, Math.round(runs * (Number.isFinite(scale) && scale > 0 ? scale : 1))),
    ...(seed !== undefined && Number.isFinite(seed) ? { seed } : {}),
    ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}),
    interruptAfterTimeLimit: timeLimitMs,
    markInterruptAsFailure: false,
  };
}

// ------------------------------------------------------------------------------------------------ text

const plain = fc.string({ maxLength: 12 });

/** One lone UTF-16 surrogate (half of a pair, alone): JSON carries it as "\ud800"; PostgreSQL refuses it. */
export const loneSurrogate = fc
  .integer({ min: 0xd800, max: 0xdfff })
  .map((code) => String.fromCharCode(code));

/** Text with a NUL (U+0000) inside: PostgreSQL's text and jsonb refuse it. */
export const withNul = fc
  .tuple(plain, fc.constantFrom("\u0000", "\u0000\u0000"), plain)
  .map((parts) => parts.join(""));

/** Text with a lone surrogate inside (a high one alone, a low one alone, or a pair in the wrong order). */
export const withLoneSurrogate = fc
  .tuple(plain, fc.oneof(loneSurrogate, fc.constant("\udc00\ud800")), plain)
  .map((parts) => parts.join(""));

/** Text that cannot be stored as it is: a NUL or a lone surrogate somewhere in it. */
export const unstorableText = fc.oneof(withNul, withLoneSurrogate);

/** A URL whose path or query carries a NUL or a lone surrogate (URL parsers percent-encode them). */
export const unstorableUrl = fc
  .tuple(
    fc.constantFrom("https://example.com/", "https://example.com/a?q=", "http://example.com/img.png#"),
    unstorableText,
  )
  .map(([base, tail]) => base + tail);

/** Strings far over any field's limit. */
export const oversizedText = fc.constantFrom(5_000, 70_000, 1_100_000).map((n) => "x".repeat(n));

// ------------------------------------------------------------------------------------------------ shapes

/** `{"__proto__": …}` as JSON.parse makes it (an own property; an object literal would set the prototype). */
export const protoObject = fc
  .constantFrom(
    '{"__proto__":{"polluted":"yes"}}',
    '{"constructor":{"prototype":{"polluted":"yes"}}}',
    '{"__proto__":[],"toString":"x","valueOf":1,"hasOwnProperty":null}',
  )
  .map((json) => JSON.parse(json) as Record<string, unknown>);

/** Deeply nested arrays and objects. */
export const deepNesting = fc
  .constantFrom(64, 512)
  .chain((depth) =>
    fc.constantFrom<unknown>(
      JSON.parse("[".repeat(depth) + "]".repeat(depth)),
      JSON.parse('{"a":'.repeat(depth) + "1" + "}".repeat(depth)),
    ),
  );

/** Anything JSON can carry that is not a string: numbers for strings, arrays for objects, nested junk. */
export const wrongJsonType: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  protoObject,
  deepNesting,
);

/**
 * What a server action can receive besides JSON: React's reply encoding carries Date (an invalid one too),
 * BigInt, Map, Set, undefined, NaN, Infinity and -0.
 */
export const wrongActionType: fc.Arbitrary<unknown> = fc.oneof(
  wrongJsonType,
  fc.constantFrom<unknown>(
    undefined,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    -0,
    BigInt(7),
    new Date(Number.NaN),
    new Date("0000-01-01T00:00:00Z"),
    new Map([["a", 1]]),
    new Set(["a"]),
  ),
);

/** Any JSON value at all, with the hostile ones (prototype keys, deep nesting, unstorable text) mixed in. */
export const junkJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  wrongJsonType,
  unstorableText,
  fc.array(unstorableText, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(unstorableText, wrongJsonType), { maxKeys: 4 }),
);

/** A hostile value for one field: text it cannot store, or a value of the wrong type. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(unstorableText, wrongJsonType);

/**
 * A copy of `base` with the field at `path` ("a.b.0.c") replaced by `value`. Paths that do not exist yet
 * are created, so a generator can also add a field where an object should be.
 */
export function withField<T>(base: T, path: string, value: unknown): T {
  const copy = structuredClone(base) as Record<string, unknown>;
  const keys = path.split(".");
  let node: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== "object" || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1)!] = value;
  return copy as T;
}

/** Pairs of (field path, hostile value) for a record whose fields are `paths`. */
export const corruptedField = (paths: readonly string[], values: fc.Arbitrary<unknown> = hostileValue) =>
  fc.record({ path: fc.constantFrom(...paths), value: values });

/** Text that is not JSON: truncated objects, trailing garbage, JavaScript literals, a BOM, a bare NUL. */
export const invalidJsonText = fc
  .oneof(
    fc.constantFrom(
      "",
      "{",
      '{"from":',
      '{"a":1}}',
      "{'a':1}",
      "NaN",
      "undefined",
      '{"a":NaN}',
      "\ufeff{}",
      "\u0000",
      "[1,]",
      '{"a":1,}',
      '"\\ud800"x',
      "{}{}",
    ),
    fc.string({ maxLength: 20 }).map((s) => `{${s}`),
  )
  .filter(isNotJson);

/** Whether JSON.parse refuses the text (a generated "{" + "}" is valid JSON, and must not count). */
function isNotJson(text: string): boolean {
  try {
    JSON.parse(text);
    return false;
  } catch {
    return true;
  }
}

/** Content types that are not JSON (undefined: no Content-Type header at all). */
export const WRONG_CONTENT_TYPES = [
  undefined,
  "text/plain",
  "text/plain;charset=UTF-8",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=----fuzz",
  "application/xml",
  "application/octet-stream",
  "application/javascript",
  "json",
  "",
] as const;
export const wrongContentType = fc.constantFrom(...WRONG_CONTENT_TYPES);

/** Body sizes ("a few MB") that must be refused before they are read whole. */
export const OVERSIZED_BODY_BYTES = [3 * 1024 * 1024, 5 * 1024 * 1024] as const;

/** A JSON body of about `bytes` bytes: `fields` plus one long unknown field (a parser strips it). */
export const paddedJson = (fields: Record<string, unknown>, bytes: number) =>
  JSON.stringify({ ...fields, padding: "x".repeat(bytes) });

// ------------------------------------------------------------------------------------------------ dates

/**
 * ISO date-times that a lenient parser takes but PostgreSQL's timestamptz cannot hold: year 0000 (which
 * PostgreSQL does not have), and offsets that push year 0001 back to year 0 or 9999 on to year 10000
 * (which JavaScript then writes as "+010000-…", a form PostgreSQL refuses).
 */
export const OUT_OF_RANGE_ISO = [
  "0000-01-01T00:00:00Z",
  "0000-01-01T00:00:00.000Z",
  "0000-06-15T12:30:00+02:00",
  "0001-01-01T00:00:00+01:00",
  "0001-01-01T00:30:00+14:00",
  "9999-12-31T23:59:59-14:00",
  "9999-12-31T23:00:00.999999-01:00",
] as const;

/** Date-like strings that are no date at all, or out of every range. */
export const NOT_A_DATE = [
  "-1",
  "0",
  "NaN",
  "Infinity",
  "-Infinity",
  "1e309",
  "99999999999999999999",
  "10000-01-01T00:00:00Z",
  "+010000-01-01T00:00:00Z",
  "-000001-01-01T00:00:00Z",
  "+275760-09-13T00:00:00.001Z",
  "2024-13-01T00:00:00Z",
  "2024-02-30T00:00:00Z",
  "2024-01-01T24:00:01Z",
  "2024-01-01",
  "yesterday",
  "",
] as const;

export const badDate = fc.oneof(
  fc.constantFrom(...OUT_OF_RANGE_ISO),
  fc.constantFrom(...NOT_A_DATE),
  unstorableText,
  wrongJsonType,
);

// ------------------------------------------------------------------------------------------------ cursors

/** The chat listings' cursor (lib/data/chats.ts): base64url of `order|UTC time with µs|chat id`. */
export const chatCursor = (order: string, at: string, id: string) =>
  Buffer.from(`${order}|${at}|${id}`).toString("base64url");

/** Cursor times in the listing's own format whose year PostgreSQL does not have. */
export const OUT_OF_RANGE_CURSOR_TIMES = [
  "0000-01-01T00:00:00.000000Z",
  "0000-12-31T23:59:59.999999Z",
  "0000-02-29T12:00:00.000000Z",
] as const;

/** A cursor the chat listing of `order` never gave out (out-of-range times, wrong parts, garbage). */
export const badChatCursor = (order: "recent" | "opened") =>
  fc.oneof(
    fc
      .tuple(fc.constantFrom(...OUT_OF_RANGE_CURSOR_TIMES), fc.uuid())
      .map(([at, id]) => chatCursor(order, at, id)),
    fc
      .tuple(
        fc.constantFrom(order, order === "recent" ? "opened" : "recent", "", "__proto__"),
        fc.oneof(
          fc.constantFrom(...OUT_OF_RANGE_ISO, ...NOT_A_DATE, "2024-01-01T00:00:00.000000Z"),
          unstorableText,
        ),
        fc.oneof(fc.uuid(), unstorableText, fc.constant("00000000-0000-0000-0000-000000000000")),
      )
      .map(([o, at, id]) => chatCursor(o, at, id)),
    fc.string({ unit: "binary", maxLength: 40 }).map((s) => Buffer.from(s).toString("base64url")),
    fc.constantFrom("-1", "0", "nope", "=", "%FF", "x".repeat(199), "x".repeat(5000)),
    unstorableText,
  );

/** Cursors of the delivery listings (a sequence number): negative, huge, fractional, not a number. */
export const badSeqCursor = fc.oneof(
  fc.constantFrom(
    "-1",
    "0",
    "1.5",
    "1e309",
    "1e18",
    "0x10",
    " 1",
    "１",
    "NaN",
    "Infinity",
    "9223372036854775807",
    "9223372036854775808",
    "99999999999999999999999",
    "999999999999999999",
  ),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
  unstorableText,
);

// ------------------------------------------------------------------------------------------------ ids and URLs

/** Path ids as a route handler receives them (already decoded): nothing a real id looks like. */
export const badId = fc.oneof(
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "%FF",
    "%00",
    "%E0%A4%A",
    "\ud800",
    "\ufffd",
    "..",
    "../../etc/passwd",
    "null",
    "undefined",
    "__proto__",
    "constructor",
    "00000000-0000-0000-0000-000000000000",
    "ffffffff-ffff-ffff-ffff-ffffffffffff",
    "x".repeat(10_000),
  ),
  fc.uuid().map((id) => `${id}\u0000`),
  fc.uuid().map((id) => `${id} `),
  fc.uuid().map((id) => id.slice(0, 35)),
  unstorableText,
  fc.string({ unit: "binary", maxLength: 40 }),
);

/**
 * Path segments as they travel in a URL, decided by the framework before route code runs: invalid
 * %-escapes (a lone %FF byte, a truncated three-byte sequence, a bare %), escapes of a NUL, an overlong
 * NUL, a CESU-encoded surrogate, an encoded slash, an overlong id.
 */
export const MALFORMED_PATH_SEGMENTS = [
  "%FF",
  "%E0%A4%A",
  "%",
  "%zz",
  "%C0%80",
  "%ED%A0%80",
  "%00",
  "%2F",
  "%25FF",
  "x".repeat(2_000),
] as const;

/** Those of MALFORMED_PATH_SEGMENTS that are not valid percent-encoded UTF-8 at all. */
export const INVALID_ESCAPES = ["%FF", "%E0%A4%A", "%", "%zz", "%C0%80", "%ED%A0%80"] as const;

/** Raw query strings (without `?`) that break the usual assumptions of `key=value&…`. */
export const malformedQuery = (keys: readonly string[]) =>
  fc.oneof(
    fc.constantFrom(
      "%",
      "%%",
      "&&&",
      "=",
      "==&=",
      "__proto__[polluted]=1",
      "constructor[prototype][polluted]=1",
      "a=%ED%A0%80",
      "a=%FF",
    ),
    fc
      .tuple(
        fc.constantFrom(...keys),
        fc.constantFrom(
          "%FF",
          "%",
          "%E0%A4%A",
          "%00",
          "%ED%A0%80",
          "%C0%80",
          "-1",
          "0",
          "NaN",
          "Infinity",
          "1e309",
          "0x10",
          "1.5",
          "99999999999999999999",
          "%20",
          "[]",
          "x".repeat(5_000),
        ),
      )
      .map(([key, value]) => `${key}=${value}`),
    fc
      .tuple(fc.constantFrom(...keys), fc.constantFrom("%FF", "%00", ""))
      .map(([key, value]) => `${key}[]=${value}`),
    fc.constantFrom(...keys).map((key) => `${key}=1&${key}=2&${key}=x`),
  );

/** `value` percent-encoded for a query string, keeping NULs and lone surrogates as their escapes. */
export function queryValue(value: unknown): string {
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? "");
  // encodeURIComponent throws on a lone surrogate: send its CESU-8 bytes, as a broken client would.
  return text.replace(/[\s\S]/gu, (ch) => {
    const code = ch.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) {
      return Buffer.from([0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)])
        .toString("hex")
        .replace(/(..)/g, "%$1")
        .toUpperCase();
    }
    return encodeURIComponent(ch);
  });
}

// ------------------------------------------------------------------------------------------------ calling

/** What came back from a route handler or a request, with a throw turned into the 500 Next.js answers. */
export interface Answer {
  status: number;
  contentType: string;
  text: string;
  json: unknown;
  /** The error a handler threw (Next.js answers that with a plain-text 500). */
  thrown?: string;
}

/** Any route handler (its params' type is the route's own; `never` takes them all). */
export type RouteHandler = (
  request: Request,
  context: { params: Promise<never> },
) => Promise<Response> | Response;

/** Calls a route handler as Next.js would; a throw becomes a 500. */
export async function callRoute(
  handler: RouteHandler,
  request: Request,
  params: Record<string, string> = {},
): Promise<Answer> {
  let res: Response;
  try {
    res = await handler(request, { params: Promise.resolve(params) as Promise<never> });
  } catch (err) {
    return {
      status: 500,
      contentType: "text/plain",
      text: "Internal Server Error",
      json: null,
      thrown: errorName(err),
    };
  }
  return readAnswer(res);
}

export async function readAnswer(res: { status: number; headers: Headers; text(): Promise<string> }) {
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return {
    status: res.status,
    contentType: res.headers.get("content-type") ?? "",
    text,
    json,
  } satisfies Answer;
}

const errorName = (err: unknown) =>
  err instanceof Error ? `${err.name}: ${err.message.slice(0, 200)}` : `non-error ${typeof err}`;

/** One line that says what came back, for failure messages. */
export function describeAnswer(answer: Answer): string {
  const body = answer.text.length > 300 ? `${answer.text.slice(0, 300)}…` : answer.text;
  return `${answer.status} ${answer.contentType || "(no content-type)"} ${JSON.stringify(body)}${
    answer.thrown ? ` (threw ${answer.thrown})` : ""
  }`;
}

/** Short text of a generated value for failure messages (long strings and bodies cut). */
export function show(value: unknown): string {
  const seen = JSON.stringify(value, (_k, v: unknown) =>
    typeof v === "bigint"
      ? `${v}n`
      : typeof v === "string" && v.length > 80
        ? `${v.slice(0, 40)}…(${v.length} chars)`
        : v instanceof Map || v instanceof Set
          ? `[${v.constructor.name}]`
          : v,
  );
  return seen === undefined ? String(value) : seen.length > 400 ? `${seen.slice(0, 400)}…` : seen;
}

// ------------------------------------------------------------------------------------------------ properties

/** The JSON error every API route answers with: `{ error: { code, message } }`, message not empty. */
export function isJsonError(answer: Answer): boolean {
  const error = (answer.json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return (
    answer.contentType.startsWith("application/json") &&
    typeof error?.code === "string" &&
    error.code !== "" &&
    typeof error.message === "string" &&
    error.message.trim() !== ""
  );
}

/**
 * The API property: never a 5xx, and every refusal is a JSON error with a message. `context` names the
 * request in the failure message (fast-check adds the counterexample and its seed).
 */
export function expectApiAnswer(answer: Answer, context: string): void {
  if (answer.status >= 500) throw new Error(`${context}: answered a 5xx: ${describeAnswer(answer)}`);
  if (answer.status >= 400 && !isJsonError(answer))
    throw new Error(
      `${context}: a refusal without a JSON {error:{code,message}} body: ${describeAnswer(answer)}`,
    );
  if (answer.status < 200 || answer.status >= 600)
    throw new Error(`${context}: unexpected status: ${describeAnswer(answer)}`);
}

/** A refusal with this exact status and a JSON error body (415 for a wrong type, 413 for a big body). */
export function expectRefusal(answer: Answer, status: number, context: string): void {
  expectApiAnswer(answer, context);
  if (answer.status !== status)
    throw new Error(`${context}: expected ${status}, got ${describeAnswer(answer)}`);
}

/** What a server action answers: `{ ok: true, data }` or `{ ok: false, error, fieldErrors?, code? }`. */
export type ActionAnswer =
  | { ok: true; data?: unknown }
  | { ok: false; error: string; code?: string; fieldErrors?: Record<string, string[]> };

/** The generic message of an unexpected error in an action (lib/actions.ts): never an answer to bad input. */
export const GENERIC_ACTION_ERROR = /Something went wrong on our side/;

/** Calls an action; a throw is reported as such (Next.js would show the error page). */
export async function callAction(action: () => Promise<unknown>): Promise<ActionAnswer | { thrown: string }> {
  try {
    return (await action()) as ActionAnswer;
  } catch (err) {
    return { thrown: errorName(err) };
  }
}

/** True when `fieldErrors` has a message on `path` itself, on a field inside it, or on the row it is in. */
export function namesField(fieldErrors: Record<string, string[]> | undefined, path: string): boolean {
  if (!fieldErrors) return false;
  // The wizard's fields travel as `values.<field>`; its errors may be keyed either way.
  const p = path.replace(/^values\./, "");
  return Object.entries(fieldErrors).some(([key, messages]) => {
    const k = key.replace(/^values\./, "");
    const related = k === p || k.startsWith(`${p}.`) || p.startsWith(`${k}.`);
    return related && k !== "_root" && messages.some((m) => typeof m === "string" && m.trim() !== "");
  });
}

/**
 * The action property for a hostile value in `field`: either it is refused with a field error on that
 * field (never the generic "Something went wrong on our side"), or — when `mayAccept` — taken as valid.
 */
export function expectFieldRefusal(
  answer: ActionAnswer | { thrown: string },
  field: string,
  context: string,
  { mayAccept = false }: { mayAccept?: boolean } = {},
): void {
  if ("thrown" in answer) throw new Error(`${context}: the action threw ${answer.thrown}`);
  if (answer.ok) {
    if (mayAccept) return;
    throw new Error(`${context}: accepted a value it cannot hold in "${field}"`);
  }
  if (GENERIC_ACTION_ERROR.test(answer.error))
    throw new Error(
      `${context}: answered the generic error instead of a field error on "${field}": ${show(answer)}`,
    );
  if (!namesField(answer.fieldErrors, field))
    throw new Error(`${context}: refused without a field error on "${field}": ${show(answer)}`);
}

/** Any action answer to any input: a result (not a throw), and a refusal is never the generic error. */
export function expectClearActionAnswer(answer: ActionAnswer | { thrown: string }, context: string): void {
  if ("thrown" in answer) throw new Error(`${context}: the action threw ${answer.thrown}`);
  if (!answer.ok && GENERIC_ACTION_ERROR.test(answer.error))
    throw new Error(`${context}: answered the generic error: ${show(answer)}`);
  if (!answer.ok && !answer.error.trim()) throw new Error(`${context}: refused with an empty message`);
}

/** Object.prototype must come out of every request as it went in (no `__proto__` pollution). */
export function expectNoPrototypePollution(context: string): void {
  const probe = {} as Record<string, unknown>;
  if (probe.polluted !== undefined || Object.keys(Object.prototype).length > 0)
    throw new Error(`${context}: Object.prototype was polluted`);
}

// ------------------------------------------------------------------------------------------------ rows

export interface RowCounts {
  messages: number;
  chats: number;
  deliveries: number;
  /** Deliveries waiting to be sent: a replay or resend moves Failed ones back here. */
  queued: number;
  api_keys: number;
  integrations: number;
  campaigns: number;
  connections: number;
  idempotency_keys: number;
}

/** The account's rows in the tables a request could write, in one round trip. */
export async function accountRows(accountId: string): Promise<RowCounts> {
  const count = (table: string) =>
    sql.raw(`(select count(*)::int from ${table} where account_id = `).append(sql`${accountId})`);
  const result = await db().execute<Record<keyof RowCounts, number>>(sql`select
    ${count("messages")} as messages,
    ${count("chats")} as chats,
    ${count("deliveries")} as deliveries,
    ${count("delivery_queue")} as queued,
    ${count("api_keys")} as api_keys,
    ${count("integrations")} as integrations,
    ${count("campaigns")} as campaigns,
    ${count("connections")} as connections,
    ${count("idempotency_keys")} as idempotency_keys`);
  return result.rows[0] as unknown as RowCounts;
}

/** Fails when the account's rows changed between `before` and now. */
export async function expectNothingWritten(accountId: string, before: RowCounts, context: string) {
  const after = await accountRows(accountId);
  const changed = (Object.keys(before) as (keyof RowCounts)[]).filter((k) => before[k] !== after[k]);
  if (changed.length)
    throw new Error(
      `${context}: a refused request wrote rows: ${changed.map((k) => `${k} ${before[k]} → ${after[k]}`).join(", ")}`,
    );
}
