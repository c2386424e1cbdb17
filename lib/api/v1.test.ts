import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

import { and, count, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";

import { POST as inbound } from "@/app/api/v1/connections/[connectionId]/inbound/route";
import { POST as close } from "@/app/api/v1/integrations/[integrationId]/chats/[chatId]/close/route";
import { GET as listChatsRoute } from "@/app/api/v1/integrations/[integrationId]/chats/route";
import { GET as listDeliveriesRoute } from "@/app/api/v1/integrations/[integrationId]/deliveries/route";
import { POST as reply } from "@/app/api/v1/integrations/[integrationId]/messages/route";
import { db } from "@/db";
import { deliveries, messages } from "@/db/schema";
import { createApiKey } from "@/lib/data/api-keys";
import { createTestAccount } from "@/lib/testing/accounts";
import { createTestConnection, createTestIntegration } from "@/lib/testing/integrations";

import { API_ROUTES, openApiDocument } from "./openapi";

const ORIGIN = "http://localhost";
type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** Calls a route handler as Next.js would. */
async function call(
  handler: Handler,
  params: Record<string, string>,
  {
    key,
    method = "POST",
    body,
    query = "",
    headers = {},
  }: { key?: string; method?: string; body?: unknown; query?: string; headers?: Record<string, string> },
) {
  const request = new Request(`${ORIGIN}/api/v1/x${query}`, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const res = await handler(request, { params: Promise.resolve(params) });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    json: text ? (JSON.parse(text) as Record<string, unknown>) : null,
  };
}

/** An account with an API key, a connection, an Active integration on it (pointing nowhere: it is never sent). */
async function tenant(label: string) {
  const account = await createTestAccount(label);
  const { key } = await createApiKey(account.accountId, "tests");
  const connection = await createTestConnection(account.accountId);
  // Active, so deliveries are queued; no worker sends them here (test workers only serve their own accounts).
  const integration = await createTestIntegration(account.accountId, {
    url: "https://receiver.example.com/hook",
    connectionIds: [connection.id],
  });
  const startChat = async (from = "+15551110000", text = "Hello") => {
    const res = await call(inbound, { connectionId: connection.id }, { key, body: { from, text } });
    expect(res.status).toBe(202);
    return res.json as { chatId: string; messageId: string; deliveryIds: string[] };
  };
  return { ...account, key, connection, integrationId: integration.integration.id, startChat };
}

let a: Awaited<ReturnType<typeof tenant>>;
let b: Awaited<ReturnType<typeof tenant>>;
beforeAll(async () => {
  [a, b] = await Promise.all([tenant("ApiA"), tenant("ApiB")]);
});

describe("POST /api/v1/connections/{connectionId}/inbound", () => {
  it("stores the message and queues a MESSAGE delivery for the Active integration", async () => {
    const accepted = await a.startChat("+15551110001", "Where is my order?");
    expect(accepted.deliveryIds).toHaveLength(1);
    const [row] = await db().select().from(deliveries).where(eq(deliveries.id, accepted.deliveryIds[0]!));
    expect(row).toMatchObject({ event: "MESSAGE", chatId: accepted.chatId, integrationId: a.integrationId });
  });

  it("answers 400 with field errors, 401 without a key, 404 for another account's connection", async () => {
    const bad = await call(
      inbound,
      { connectionId: a.connection.id },
      { key: a.key, body: { from: "12", text: "" } },
    );
    expect(bad.status).toBe(400);
    expect(Object.keys((bad.json!.error as { fieldErrors: object }).fieldErrors)).toEqual(
      expect.arrayContaining(["from"]),
    );
    expect(
      (
        await call(
          inbound as Handler,
          { connectionId: a.connection.id },
          { body: { from: "+15551110002", text: "x" } },
        )
      ).status,
    ).toBe(401);
    expect(
      (
        await call(
          inbound as Handler,
          { connectionId: a.connection.id },
          { key: b.key, body: { from: "+15551110002", text: "x" } },
        )
      ).status,
    ).toBe(404);
  });
});

describe("POST /api/v1/integrations/{integrationId}/messages", () => {
  it("replies into a chat the contact started (202), with no echo delivery", async () => {
    const { chatId } = await a.startChat("+15551110010");
    const res = await call(
      reply,
      { integrationId: a.integrationId },
      { key: a.key, body: { chatId, text: "On it!" } },
    );
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ chatId, direction: "OUT", text: "On it!", status: "SENT" });
    const [{ n }] = (await db()
      .select({ n: count() })
      .from(deliveries)
      .where(eq(deliveries.chatId, chatId))) as [{ n: number }];
    expect(n).toBe(1); // the contact's MESSAGE only
  });

  it("is idempotent per key: the same body replays, another body is 422", async () => {
    const { chatId } = await a.startChat("+15551110011");
    const headers = { "idempotency-key": "order-1042-reply" };
    const first = await call(
      reply,
      { integrationId: a.integrationId },
      { key: a.key, headers, body: { chatId, text: "Once" } },
    );
    const again = await call(
      reply,
      { integrationId: a.integrationId },
      { key: a.key, headers, body: { chatId, text: "Once" } },
    );
    expect(again.json).toEqual(first.json);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const other = await call(
      reply,
      { integrationId: a.integrationId },
      { key: a.key, headers, body: { chatId, text: "Twice" } },
    );
    expect(other.status).toBe(422);
    const sent = await db()
      .select()
      .from(messages)
      .where(and(eq(messages.chatId, chatId), eq(messages.direction, "OUT")));
    expect(sent).toHaveLength(1);
  });

  it("answers 404 for another account's integration or chat, 409 for a closed chat", async () => {
    const { chatId } = await a.startChat("+15551110012");
    expect(
      (
        await call(
          reply as Handler,
          { integrationId: a.integrationId },
          { key: b.key, body: { chatId, text: "x" } },
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await call(
          reply as Handler,
          { integrationId: b.integrationId },
          { key: b.key, body: { chatId, text: "x" } },
        )
      ).status,
    ).toBe(404);
    await call(close, { integrationId: a.integrationId, chatId }, { key: a.key });
    const closed = await call(
      reply,
      { integrationId: a.integrationId },
      { key: a.key, body: { chatId, text: "x" } },
    );
    expect(closed.status).toBe(409);
  });
});

describe("POST /api/v1/integrations/{integrationId}/chats/{chatId}/close", () => {
  it("closes the chat and queues END; closing again is 409; another account gets 404", async () => {
    const { chatId } = await a.startChat("+15551110020");
    expect(
      (await call(close as Handler, { integrationId: b.integrationId, chatId }, { key: b.key })).status,
    ).toBe(404);
    const res = await call(close, { integrationId: a.integrationId, chatId }, { key: a.key });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: chatId, status: "CLOSED" });
    const events = await db()
      .select({ event: deliveries.event })
      .from(deliveries)
      .where(eq(deliveries.chatId, chatId))
      .orderBy(deliveries.seq);
    expect(events.map((e) => e.event)).toEqual(["MESSAGE", "END"]);
    expect(
      (await call(close as Handler, { integrationId: a.integrationId, chatId }, { key: a.key })).status,
    ).toBe(409);
  });
});

describe("GET chats and deliveries", () => {
  it("lists the integration's open chats in stable pages", async () => {
    for (let i = 0; i < 3; i++) await a.startChat(`+1555111003${i}`);
    const first = await call(
      listChatsRoute,
      { integrationId: a.integrationId },
      { key: a.key, method: "GET", query: "?status=OPEN&limit=2" },
    );
    expect(first.status).toBe(200);
    const page = first.json as { chats: { id: string; status: string }[]; nextCursor: string };
    expect(page.chats).toHaveLength(2);
    expect(page.chats.every((c) => c.status === "OPEN")).toBe(true);
    const next = await call(
      listChatsRoute,
      { integrationId: a.integrationId },
      { key: a.key, method: "GET", query: `?status=OPEN&limit=2&cursor=${page.nextCursor}` },
    );
    expect((next.json as { chats: { id: string }[] }).chats.map((c) => c.id)).not.toContain(
      page.chats[0]!.id,
    );
    expect(
      (
        await call(
          listChatsRoute as Handler,
          { integrationId: a.integrationId },
          { key: a.key, method: "GET", query: "?cursor=nope" },
        )
      ).status,
    ).toBe(400);
    expect(
      (
        await call(
          listChatsRoute as Handler,
          { integrationId: a.integrationId },
          { key: b.key, method: "GET" },
        )
      ).status,
    ).toBe(404);
  });

  it("lists deliveries newest first, filtered, and only the caller's", async () => {
    const { deliveryIds } = await a.startChat("+15551110040");
    const res = await call(
      listDeliveriesRoute,
      { integrationId: a.integrationId },
      { key: a.key, method: "GET", query: "?event=MESSAGE&limit=1" },
    );
    expect(res.status).toBe(200);
    expect((res.json as { deliveries: { id: string; status: string }[] }).deliveries[0]).toMatchObject({
      id: deliveryIds[0],
      status: "PENDING",
    });
    expect(
      (
        await call(
          listDeliveriesRoute as Handler,
          { integrationId: a.integrationId },
          { key: b.key, method: "GET" },
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await call(
          listDeliveriesRoute as Handler,
          { integrationId: a.integrationId },
          { key: a.key, method: "GET", query: "?status=LOST" },
        )
      ).status,
    ).toBe(400);
  });
});

describe("the OpenAPI document matches the routes", () => {
  const apiDir = path.resolve("app/api/v1");
  const routeFiles = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? routeFiles(full) : name === "route.ts" ? [full] : [];
    });
  const toPath = (file: string) =>
    "/api/v1/" + path.relative(apiDir, path.dirname(file)).replace(/\[(\w+)\]/g, "{$1}");

  it("documents every route file and method, and nothing else", () => {
    const implemented = routeFiles(apiDir)
      .filter((f) => !f.includes("openapi.json"))
      .flatMap((file) => {
        const source = readFileSync(file, "utf8");
        return ["GET", "POST", "PUT", "DELETE"]
          .filter((m) => new RegExp(`export (const|async function|function) ${m}\\b`).test(source))
          .map((m) => `${m.toLowerCase()} ${toPath(file)}`);
      })
      .sort();
    const documented = API_ROUTES.map((r) => `${r.method} ${r.path}`).sort();
    expect(documented).toEqual(implemented);
    expect(Object.keys(openApiDocument(ORIGIN).paths ?? {}).sort()).toEqual(
      [...new Set(documented.map((d) => d.split(" ")[1]!))].sort(),
    );
  });
});
