// Property-based fuzzing of every portal route (app/api/portal/**, the portal's live data behind the
// session), called in-process against the real database. Properties: never a 5xx; every refusal is JSON
// `{ error: { code, message } }` with a message; nothing is written; a date or cursor out of range is a
// 400 that names its parameter.
import fc from "fast-check";
import { describe, it, vi } from "vitest";

import { createTestAccount } from "@/lib/testing/accounts";
import {
  accountRows,
  badChatCursor,
  badDate,
  badId,
  badSeqCursor,
  callRoute,
  chatCursor,
  expectApiAnswer,
  expectNothingWritten,
  expectRefusal,
  fuzzRuns,
  hostileValue,
  malformedQuery,
  OUT_OF_RANGE_CURSOR_TIMES,
  OUT_OF_RANGE_ISO,
  queryValue,
  show,
  withNul,
  type Answer,
} from "@/lib/testing/fuzz";
import { createTestConnection, createTestIntegration } from "@/lib/testing/integrations";
import { ingestInbound } from "@/lib/webhooks/ingest";

import { GET as chatThread } from "./chats/[chatId]/route";
import { GET as chatList } from "./chats/route";
import { GET as deliveryDetail } from "./deliveries/[deliveryId]/route";
import { GET as deliveryList } from "./integrations/[integrationId]/deliveries/route";
import { GET as deliveryStats } from "./integrations/[integrationId]/deliveries/stats/route";

// The signed-in portal user, without a Next.js request around the test.
const session = vi.hoisted(() => ({ accountId: "" }));
vi.mock("@/lib/auth", () => ({
  auth: async () => (session.accountId ? { user: { accountId: session.accountId } } : null),
}));

const { accountId } = await createTestAccount("Fuzz portal");
session.accountId = accountId;
const connection = await createTestConnection(accountId);
const { integration } = await createTestIntegration(accountId, {
  url: "https://receiver.example.com/hook",
  connectionIds: [connection.id],
});
// A few chats and deliveries, so listings have pages to walk (no worker runs: they stay Pending).
for (let i = 0; i < 3; i++)
  await ingestInbound({ connectionId: connection.id, from: `+1555010100${i}`, text: `hello ${i}` });

type Route = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

async function get(name: string, handler: Route, path: string, params: Record<string, string>, query = "") {
  const before = await accountRows(accountId);
  const answer = await callRoute(
    handler,
    new Request(`http://localhost:3000${path}${query ? `?${query}` : ""}`),
    params,
  );
  const context = `GET ${name}${query ? `?${query.slice(0, 200)}` : ""} ${show(params)}`;
  expectApiAnswer(answer, context);
  await expectNothingWritten(accountId, before, context);
  return { answer, context };
}

const ROUTES = [
  {
    name: "/api/portal/chats",
    handler: chatList,
    params: {},
    keys: ["status", "order", "cursor", "limit"],
  },
  {
    name: "/api/portal/integrations/{integrationId}/deliveries",
    handler: deliveryList,
    params: { integrationId: integration.id },
    keys: ["status", "event", "chatId", "contact", "from", "to", "includeTests", "cursor", "limit"],
  },
  {
    name: "/api/portal/integrations/{integrationId}/deliveries/stats",
    handler: deliveryStats,
    params: { integrationId: integration.id },
    keys: ["minutes"],
  },
] as const;

for (const route of ROUTES) {
  const path = route.name.replace("{integrationId}", integration.id);
  describe(`GET ${route.name}`, () => {
    it("a malformed query string: 200 or 400 JSON, never a 5xx, nothing written", async () => {
      await fc.assert(
        fc.asyncProperty(malformedQuery(route.keys), async (query) => {
          await get(route.name, route.handler, path, route.params, query);
        }),
        fuzzRuns(50),
      );
    });

    it("hostile values (NUL, lone surrogates, wrong types, bad dates) in each parameter: 200 or 400 JSON", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...route.keys),
          fc.oneof(hostileValue, badDate),
          async (key, value) => {
            await get(route.name, route.handler, path, route.params, `${key}=${queryValue(value)}`);
          },
        ),
        fuzzRuns(80),
      );
    });

    it("without a session: 401 JSON", async () => {
      session.accountId = "";
      try {
        const answer = await callRoute(
          route.handler,
          new Request(`http://localhost:3000${path}`),
          route.params,
        );
        expectRefusal(answer, 401, `GET ${route.name} without a session`);
      } finally {
        session.accountId = accountId;
      }
    });
  });
}

/** A 400 whose JSON error names the parameter: what a date or cursor out of range must get. */
function expectParamError(result: { answer: Answer; context: string }, param: string) {
  expectRefusal(result.answer, 400, result.context);
  const fieldErrors = (result.answer.json as { error?: { fieldErrors?: Record<string, unknown> } }).error
    ?.fieldErrors;
  if (!fieldErrors || !Object.keys(fieldErrors).some((k) => k === param || k.startsWith(`${param}.`)))
    throw new Error(`${result.context}: 400 without a field error on "${param}": ${result.answer.text}`);
}

describe("GET /api/portal/chats: cursors", () => {
  it("a cursor it never gave out, in either order: 400 JSON (or a page), never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .constantFrom("recent", "opened")
          .chain((order) => fc.tuple(fc.constant(order), badChatCursor(order))),
        async ([order, cursor]) => {
          await get(
            "/api/portal/chats",
            chatList,
            "/api/portal/chats",
            {},
            `order=${order}&cursor=${queryValue(cursor)}`,
          );
        },
      ),
      fuzzRuns(60),
    );
  });

  it("a well-formed cursor whose time is year 0000: 400 with a cursor error", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("recent", "opened"),
        fc.constantFrom(...OUT_OF_RANGE_CURSOR_TIMES),
        fc.uuid(),
        async (order, at, id) => {
          const result = await get(
            "/api/portal/chats",
            chatList,
            "/api/portal/chats",
            {},
            `order=${order}&cursor=${chatCursor(order, at, id)}`,
          );
          expectParamError(result, "cursor");
        },
      ),
      fuzzRuns(8),
    );
  });
});

describe("GET /api/portal/integrations/{integrationId}/deliveries: dates, contact, cursor", () => {
  const name = "/api/portal/integrations/{integrationId}/deliveries";
  const path = `/api/portal/integrations/${integration.id}/deliveries`;
  const params = { integrationId: integration.id };

  it("from= / to= out of PostgreSQL's range (year 0000, year 10000): 400 naming the parameter", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("from", "to"),
        fc.constantFrom(...OUT_OF_RANGE_ISO),
        async (key, date) => {
          expectParamError(await get(name, deliveryList, path, params, `${key}=${queryValue(date)}`), key);
        },
      ),
      fuzzRuns(14),
    );
  });

  it("a contact with a NUL (the issue's contact=%5C%00%5C): 200 or 400 JSON, never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constant("\\\u0000\\"), withNul), async (contact) => {
        await get(name, deliveryList, path, params, `contact=${queryValue(contact)}`);
      }),
      fuzzRuns(10),
    );
  });

  it("a cursor it never gave out (negative, huge, fractional, not a number): 200 or 400 JSON", async () => {
    await fc.assert(
      fc.asyncProperty(badSeqCursor, async (cursor) => {
        await get(name, deliveryList, path, params, `cursor=${queryValue(cursor)}`);
      }),
      fuzzRuns(50),
    );
  });
});

describe("malformed or unknown ids in portal paths", () => {
  const BY_ID = [
    { name: "/api/portal/chats/{chatId}", handler: chatThread, param: "chatId" },
    { name: "/api/portal/deliveries/{deliveryId}", handler: deliveryDetail, param: "deliveryId" },
    {
      name: "/api/portal/integrations/{integrationId}/deliveries",
      handler: deliveryList,
      param: "integrationId",
    },
    {
      name: "/api/portal/integrations/{integrationId}/deliveries/stats",
      handler: deliveryStats,
      param: "integrationId",
    },
  ] as const;

  it("answer 404 JSON, never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...BY_ID), fc.oneof(badId, fc.uuid()), async (route, id) => {
        const { answer, context } = await get(route.name, route.handler, "/api/portal/x", {
          [route.param]: id,
        });
        if (answer.status !== 404 && answer.status !== 400)
          throw new Error(
            `${context}: expected 404 (or 400), got ${answer.status} ${answer.text.slice(0, 200)}`,
          );
      }),
      fuzzRuns(80),
    );
  });
});
