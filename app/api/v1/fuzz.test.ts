// Property-based fuzzing of every v1 route (app/api/v1/**), called in-process against the real database.
// Properties: never a 5xx; every refusal is JSON `{ error: { code, message } }` with a message; a refused
// request writes no row (the account's messages, chats, deliveries, queue, keys, integrations, campaigns,
// connections and idempotency keys are counted before and after); nothing pollutes Object.prototype.
// Framework-level classes (malformed %-escapes, real HTTP bodies) are in e2e/fuzz-http.spec.ts.
import { randomUUID } from "node:crypto";

import fc from "fast-check";
import { describe, it, vi } from "vitest";

import { createApiKey } from "@/lib/data/api-keys";
import { createTestAccount } from "@/lib/testing/accounts";
import {
  accountRows,
  badChatCursor,
  badId,
  badSeqCursor,
  callRoute,
  chatCursor,
  corruptedField,
  expectApiAnswer,
  expectNoPrototypePollution,
  expectNothingWritten,
  expectRefusal,
  fuzzRuns,
  hostileValue,
  invalidJsonText,
  junkJson,
  malformedQuery,
  OUT_OF_RANGE_CURSOR_TIMES,
  OVERSIZED_BODY_BYTES,
  paddedJson,
  queryValue,
  show,
  withField,
  withLoneSurrogate,
  withNul,
  wrongContentType,
  wrongJsonType,
  type Answer,
} from "@/lib/testing/fuzz";
import { createTestConnection, createTestIntegration } from "@/lib/testing/integrations";

import { POST as inbound } from "./connections/[connectionId]/inbound/route";
import { POST as close } from "./integrations/[integrationId]/chats/[chatId]/close/route";
import { GET as listChats } from "./integrations/[integrationId]/chats/route";
import { GET as listDeliveries } from "./integrations/[integrationId]/deliveries/route";
import { POST as reply } from "./integrations/[integrationId]/messages/route";
import { GET as openapi } from "./openapi.json/route";

// The Try Out tab calls these routes with the portal session instead of a key.
const session = vi.hoisted(() => ({ accountId: "" }));
vi.mock("@/lib/auth", () => ({
  auth: async () => (session.accountId ? { user: { accountId: session.accountId } } : null),
}));

const ORIGIN = "http://localhost:3000";

const owner = await createTestAccount("Fuzz v1");
const accountId = owner.accountId;
// Several keys, so the per-key rate limit (100 in a burst) never answers for the validation under test.
const keys = await Promise.all(
  Array.from({ length: 10 }, async (_, i) => (await createApiKey(accountId, `fuzz ${i}`)).key),
);
let turn = 0;
const nextKey = () => keys[turn++ % keys.length]!;

const connection = await createTestConnection(accountId);
// Active, so an accepted message queues a delivery; no worker runs in this file, so nothing is sent.
const { integration } = await createTestIntegration(accountId, {
  url: "https://receiver.example.com/hook",
  connectionIds: [connection.id],
});

type Body = string | object | undefined;
interface Call {
  method?: string;
  body?: Body;
  /** Default: application/json when there is a body; null sends none. */
  contentType?: string | null;
  headers?: Record<string, string>;
  /** Raw query string, without `?`. */
  query?: string;
  /** Default: the next API key; null sends no Authorization. */
  key?: string | null;
}

function request(path: string, { method = "POST", body, contentType, headers = {}, query, key }: Call) {
  const raw = body === undefined || typeof body === "string" ? body : JSON.stringify(body);
  const type = contentType === undefined ? (raw === undefined ? null : "application/json") : contentType;
  const bearer = key === undefined ? nextKey() : key;
  return new Request(`${ORIGIN}${path}${query ? `?${query}` : ""}`, {
    method,
    headers: {
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...(type !== null ? { "content-type": type } : {}),
      ...headers,
    },
    // A Uint8Array gets no default Content-Type (a string would get text/plain).
    body: raw === undefined ? undefined : new TextEncoder().encode(raw),
  });
}

const { chatId } = (
  await callRoute(
    inbound,
    request(`/api/v1/connections/${connection.id}/inbound`, {
      body: { from: "+15550100000", text: "Hello" },
    }),
    { connectionId: connection.id },
  )
).json as { chatId: string };

/** Runs one request and checks the API property; a refusal must leave every row as it was. */
async function probe(
  name: string,
  handler: Parameters<typeof callRoute>[0],
  path: string,
  params: Record<string, string>,
  call: Call,
  expectStatus?: number,
): Promise<Answer> {
  const before = await accountRows(accountId);
  const answer = await callRoute(handler, request(path, call), params);
  const context = `${call.method ?? "POST"} ${name}${call.query ? `?${call.query.slice(0, 200)}` : ""} body=${show(call.body)}`;
  if (expectStatus === undefined) expectApiAnswer(answer, context);
  else expectRefusal(answer, expectStatus, context);
  if (answer.status >= 400) await expectNothingWritten(accountId, before, context);
  expectNoPrototypePollution(context);
  return answer;
}

// ------------------------------------------------------------------------------------------------ POST routes

const POST_ROUTES = [
  {
    name: "/api/v1/connections/{connectionId}/inbound",
    handler: inbound,
    path: (id = connection.id) => `/api/v1/connections/${id}/inbound`,
    params: (id = connection.id) => ({ connectionId: id }),
    // A new externalId each time: a repeated one is answered from the first message without storing.
    valid: () => ({
      from: "+15550101010",
      text: "hello",
      multimedia: { url: "https://cdn.example.com/a.png", caption: "a" },
      externalId: `ext-${randomUUID()}`,
    }),
    fields: ["from", "text", "multimedia", "multimedia.url", "multimedia.caption", "externalId"],
  },
  {
    name: "/api/v1/integrations/{integrationId}/messages",
    handler: reply,
    path: (id = integration.id) => `/api/v1/integrations/${id}/messages`,
    params: (id = integration.id) => ({ integrationId: id }),
    valid: () => ({
      chatId,
      text: "On it",
      multimedia: { url: "https://cdn.example.com/b.png", caption: "b" },
    }),
    fields: ["chatId", "text", "multimedia", "multimedia.url", "multimedia.caption"],
  },
] as const;

for (const route of POST_ROUTES) {
  describe(`POST ${route.name}`, () => {
    const send = (call: Call, expectStatus?: number) =>
      probe(route.name, route.handler, route.path(), route.params(), call, expectStatus);

    it("any JSON body: a 4xx JSON error or an accepted message, never a 5xx; a refusal writes nothing", async () => {
      await fc.assert(
        fc.asyncProperty(junkJson, async (body) => {
          await send({ body: body === undefined ? "null" : JSON.stringify(body) });
        }),
        fuzzRuns(80),
      );
    });

    for (const [klass, values] of [
      ["a NUL byte", withNul],
      ["a lone UTF-16 surrogate", withLoneSurrogate],
      ["a value of the wrong type (number, array, object, null, __proto__, deep nesting)", wrongJsonType],
    ] as const) {
      it(`${klass} in one field of a valid body: never a 5xx, a refusal is JSON and writes nothing`, async () => {
        await fc.assert(
          fc.asyncProperty(corruptedField(route.fields, values), async ({ path, value }) => {
            await send({ body: withField(route.valid(), path, value) });
          }),
          fuzzRuns(60),
        );
      });
    }

    it("text that is not JSON: 400 JSON, nothing written", async () => {
      await fc.assert(
        fc.asyncProperty(invalidJsonText, async (body) => {
          await send({ body }, 400);
        }),
        fuzzRuns(40),
      );
    });

    it("a valid body sent with a Content-Type that is not JSON: 415 JSON, nothing written", async () => {
      await fc.assert(
        fc.asyncProperty(wrongContentType, async (contentType) => {
          await send({ body: JSON.stringify(route.valid()), contentType: contentType ?? null }, 415);
        }),
        fuzzRuns(10),
      );
    });

    it("a body of a few MB (valid fields plus padding): 413 JSON, nothing written", async () => {
      for (const bytes of OVERSIZED_BODY_BYTES) await send({ body: paddedJson(route.valid(), bytes) }, 413);
    });

    it("a malformed id in the path: 404 JSON, nothing written", async () => {
      await fc.assert(
        fc.asyncProperty(badId, async (id) => {
          const answer = await probe(
            route.name,
            route.handler,
            route.path(encodeURIComponent(id.replace(/[\ud800-\udfff]/g, "_"))),
            route.params(id),
            { body: route.valid() },
          );
          if (answer.status !== 404 && answer.status !== 400)
            throw new Error(
              `path id ${show(id)}: expected 404 (or 400), got ${answer.status} ${answer.text.slice(0, 200)}`,
            );
        }),
        fuzzRuns(60),
      );
    });

    it("a malformed query string is ignored or refused as JSON, never a 5xx", async () => {
      await fc.assert(
        fc.asyncProperty(malformedQuery(["from", "text", "cursor", "limit"]), async (query) => {
          await send({ body: route.valid(), query });
        }),
        fuzzRuns(15),
      );
    });

    it("a missing, malformed or unknown API key: 401 JSON, nothing written", async () => {
      const bearers = fc.oneof(
        fc.constantFrom(
          "",
          "Bearer",
          "Bearer ",
          "Basic dXNlcjpwYXNz",
          "Bearer cwk_",
          `Bearer ${"x".repeat(8_000)}`,
        ),
        fc.string({ maxLength: 60 }).map((s) => `Bearer ${s.replace(/[\r\n]/g, "")}`),
        fc
          .string({ unit: "binary-ascii", maxLength: 60 })
          .map((s) => `Bearer cwk_${s.replace(/[\0\r\n]/g, "")}`),
      );
      await fc.assert(
        fc.asyncProperty(bearers, async (authorization) => {
          await send(
            { body: route.valid(), key: null, headers: authorization ? { authorization } : {} },
            401,
          );
        }),
        fuzzRuns(40),
      );
    });

    it("junk Idempotency-Key headers: never a 5xx, a refusal writes nothing", async () => {
      const idempotencyKeys = fc.oneof(
        fc.string({ minLength: 1, maxLength: 40 }).map((s) => s.replace(/[\r\n\0]/g, "_")),
        fc.constantFrom(
          "x".repeat(255),
          "x".repeat(256),
          "x".repeat(8_000),
          "é".repeat(200),
          "%FF",
          "\t key \t",
        ),
      );
      await fc.assert(
        fc.asyncProperty(idempotencyKeys, async (key) => {
          if (!/\S/.test(key)) return;
          await send({ body: route.valid(), headers: { "idempotency-key": key } });
        }),
        fuzzRuns(15),
      );
    });
  });
}

describe("POST /api/v1/integrations/{integrationId}/messages with the portal session (Try Out)", () => {
  it("a write without JSON or from another origin: 403/415 JSON, nothing written", async () => {
    const origins = fc.constantFrom(
      undefined,
      "null",
      "https://evil.example",
      "http://localhost:3000.evil.example",
      "not a url",
      "http://localhost:3001",
    );
    await fc.assert(
      fc.asyncProperty(
        origins,
        fc.oneof(wrongContentType, fc.constant("application/json")),
        async (origin, contentType) => {
          if (contentType === "application/json" && origin === undefined) return;
          session.accountId = accountId;
          try {
            const answer = await probe(
              "/api/v1/integrations/{integrationId}/messages (session)",
              reply,
              `/api/v1/integrations/${integration.id}/messages`,
              { integrationId: integration.id },
              {
                key: null,
                body: JSON.stringify({ chatId, text: "from the browser" }),
                contentType: contentType ?? null,
                headers: origin ? { origin } : {},
              },
            );
            if (answer.status !== 403 && answer.status !== 415)
              throw new Error(
                `origin ${show(origin)}, type ${show(contentType)}: expected 403 or 415, got ${answer.status}`,
              );
          } finally {
            session.accountId = "";
          }
        },
      ),
      fuzzRuns(15),
    );
  });
});

// ------------------------------------------------------------------------------------------------ close

describe("POST /api/v1/integrations/{integrationId}/chats/{chatId}/close", () => {
  const name = "/api/v1/integrations/{integrationId}/chats/{chatId}/close";
  const path = (i: string, c: string) => `/api/v1/integrations/${i}/chats/${c}/close`;

  it("malformed or unknown ids in the path: 404 JSON, nothing written", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          badId.map((id) => ({ integrationId: id, chatId })),
          badId.map((id) => ({ integrationId: integration.id, chatId: id })),
          fc.uuid().map((id) => ({ integrationId: integration.id, chatId: id })),
        ),
        async (params) => {
          const answer = await probe(name, close, path("x", "y"), params, {});
          if (answer.status !== 404 && answer.status !== 400)
            throw new Error(
              `${show(params)}: expected 404 (or 400), got ${answer.status} ${answer.text.slice(0, 200)}`,
            );
        },
      ),
      fuzzRuns(60),
    );
  });

  it("a body, a content type or a query it does not expect: never a 5xx, a refusal writes nothing", async () => {
    // An unknown chat, so an accepted request would not close the one chat the other properties use.
    const params = { integrationId: integration.id, chatId: "00000000-0000-4000-8000-000000000000" };
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          junkJson.map((b) => JSON.stringify(b) ?? "null"),
          invalidJsonText,
        ),
        fc.oneof(wrongContentType, fc.constant("application/json")),
        malformedQuery(["limit", "cursor"]),
        async (body, contentType, query) => {
          await probe(name, close, path(params.integrationId, params.chatId), params, {
            body,
            contentType: contentType ?? null,
            query,
          });
        },
      ),
      fuzzRuns(40),
    );
  });

  it("a body of a few MB: refused or ignored, never a 5xx", async () => {
    const params = { integrationId: integration.id, chatId: "00000000-0000-4000-8000-000000000000" };
    for (const bytes of OVERSIZED_BODY_BYTES)
      await probe(name, close, path(params.integrationId, params.chatId), params, {
        body: paddedJson({}, bytes),
      });
  });
});

// ------------------------------------------------------------------------------------------------ GET routes

const GET_ROUTES = [
  {
    name: "/api/v1/integrations/{integrationId}/chats",
    handler: listChats,
    keys: ["status", "cursor", "limit"],
    cursor: badChatCursor("opened"),
  },
  {
    name: "/api/v1/integrations/{integrationId}/deliveries",
    handler: listDeliveries,
    keys: ["status", "event", "chatId", "cursor", "limit"],
    cursor: badSeqCursor,
  },
] as const;

for (const route of GET_ROUTES) {
  describe(`GET ${route.name}`, () => {
    const path = (id = integration.id) => route.name.replace("{integrationId}", id);
    const get = (query: string, params = { integrationId: integration.id }) =>
      probe(route.name, route.handler, path(), params, { method: "GET", query });

    it("a malformed query string: 200 or a 400 JSON error, never a 5xx", async () => {
      await fc.assert(
        fc.asyncProperty(malformedQuery(route.keys), async (query) => {
          await get(query);
        }),
        fuzzRuns(60),
      );
    });

    it("hostile values (NUL, lone surrogates, wrong types) in each parameter: 200 or 400 JSON, never a 5xx", async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...route.keys), hostileValue, async (key, value) => {
          await get(`${key}=${queryValue(value)}`);
        }),
        fuzzRuns(60),
      );
    });

    it("a cursor it never gave out: 400 JSON (or a page), never a 5xx", async () => {
      await fc.assert(
        fc.asyncProperty(route.cursor, async (cursor) => {
          await get(`cursor=${queryValue(cursor)}`);
        }),
        fuzzRuns(60),
      );
    });

    it("a malformed or unknown integration id in the path: 404 JSON", async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(badId, fc.uuid()), async (id) => {
          const answer = await get("", { integrationId: id });
          if (answer.status !== 404 && answer.status !== 400)
            throw new Error(`path id ${show(id)}: expected 404 (or 400), got ${answer.status}`);
        }),
        fuzzRuns(50),
      );
    });
  });
}

describe("GET /api/v1/integrations/{integrationId}/chats: dates out of range in the cursor", () => {
  it("a well-formed cursor whose time is year 0000: 400 JSON with a cursor error", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...OUT_OF_RANGE_CURSOR_TIMES), fc.uuid(), async (at, id) => {
        const answer = await probe(
          "/api/v1/integrations/{integrationId}/chats",
          listChats,
          `/api/v1/integrations/${integration.id}/chats`,
          { integrationId: integration.id },
          { method: "GET", query: `cursor=${chatCursor("opened", at, id)}` },
          400,
        );
        const fieldErrors = (answer.json as { error?: { fieldErrors?: Record<string, unknown> } }).error
          ?.fieldErrors;
        if (!fieldErrors?.cursor)
          throw new Error(`cursor at ${at}: 400 without a cursor field error: ${answer.text}`);
      }),
      fuzzRuns(6),
    );
  });
});

describe("GET /api/v1/openapi.json", () => {
  it("any query string and forwarded headers: the document as JSON, never a 5xx", async () => {
    const forwarded = fc.record(
      {
        "x-forwarded-host": fc.constantFrom("evil.example", "localhost:3000, evil.example", "%FF", "a b", ""),
        "x-forwarded-proto": fc.constantFrom("https", "javascript", "", "http,https"),
        host: fc.constantFrom("localhost:3000", "[::1]:3000", "a..b", "x".repeat(300)),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(malformedQuery(["a", "version"]), forwarded, async (query, headers) => {
        const answer = await callRoute(
          openapi,
          request("/api/v1/openapi.json", { method: "GET", query, headers, key: null }),
        );
        if (answer.status !== 200 || !answer.contentType.startsWith("application/json"))
          throw new Error(
            `GET /api/v1/openapi.json?${query} ${show(headers)}: ${answer.status} ${answer.text.slice(0, 200)}`,
          );
      }),
      fuzzRuns(15),
    );
  });
});
