import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";

import { db } from "@/db";
import { deliveries, messages } from "@/db/schema";
import { sharedLimiter, windowFor } from "@/lib/api/rate-limit";
import { createApiKey } from "@/lib/data/api-keys";
import { createTestAccount } from "@/lib/testing/accounts";
import { createTestConnection, createTestIntegration } from "@/lib/testing/integrations";

import { POST } from "./route";

const call = (connectionId: string, body: unknown, key?: string) =>
  POST(
    new Request(`http://localhost/api/v1/connections/${connectionId}/inbound`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
    { params: Promise.resolve({ connectionId }) },
  );

describe("POST /api/v1/connections/{connectionId}/inbound", async () => {
  const { accountId } = await createTestAccount("Inbound");
  const { key } = await createApiKey(accountId, "sandbox");
  const connection = await createTestConnection(accountId);
  await createTestIntegration(accountId, {
    url: "https://hooks.example.com/in",
    connectionIds: [connection.id],
  });

  it("accepts a message: 202 with the chat, message and deliveries", async () => {
    const res = await call(
      connection.id,
      {
        from: "+15559990001",
        text: "Hello",
        multimedia: { url: "https://cdn.example.com/x.png", caption: "x" },
      },
      key,
    );
    expect(res.status).toBe(202);
    const body = (await res.json()) as { chatId: string; messageId: string; deliveryIds: string[] };
    expect(body).toEqual({
      chatId: expect.any(String) as unknown,
      messageId: expect.any(String) as unknown,
      deliveryIds: [expect.any(String)] as unknown,
    });
    const [message] = await db().select().from(messages).where(eq(messages.id, body.messageId));
    expect(message).toMatchObject({ accountId, chatId: body.chatId, text: "Hello", multimediaCaption: "x" });
    const [delivery] = await db().select().from(deliveries).where(eq(deliveries.id, body.deliveryIds[0]!));
    expect(delivery).toMatchObject({ event: "MESSAGE", status: "PENDING", accountId });
  });

  it("answers 429 with Retry-After once the key's requests, counted across all servers, pass its limit", async () => {
    const limited = await createApiKey(accountId, "limited");
    // Another web server took the key's whole burst: it shows here through the shared store.
    const elsewhere = sharedLimiter({ name: "api_key", ...windowFor(50, 100) });
    for (let i = 0; i < 100; i++) await elsewhere.take(limited.id);
    const res = await call(connection.id, { from: "+15559990002", text: "one too many" }, limited.key);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await res.json()).toMatchObject({ error: { code: "RATE_LIMITED" } });
    // Other keys are not affected.
    expect((await call(connection.id, { from: "+15559990002", text: "fine" }, key)).status).toBe(202);
  });

  it("stores a message sent again with the same externalId once, answering with the first ids", async () => {
    const message = { from: "+15559990009", text: "Once", externalId: "ext-42" };
    const first = await call(connection.id, message, key);
    const again = await call(connection.id, message, key);
    expect([first.status, again.status]).toEqual([202, 202]);
    const body = (await first.json()) as { chatId: string; messageId: string };
    expect(await again.json()).toEqual(body);
    expect(await db().select().from(messages).where(eq(messages.chatId, body.chatId))).toHaveLength(1);
    expect((await call(connection.id, { ...message, externalId: " " }, key)).status).toBe(400);
  });

  it("accepts multimedia without text", async () => {
    const res = await call(
      connection.id,
      { from: "+15559990002", multimedia: { url: "https://cdn.example.com/y.png" } },
      key,
    );
    expect(res.status).toBe(202);
  });

  it.each<[string, unknown, Record<string, string[]>]>([
    ["no from", { text: "hi" }, { from: ["Enter the contact's number"] }],
    [
      "a bad number",
      { from: "12345", text: "hi" },
      { from: ["Enter the contact's number in E.164 format, like +15551234567"] },
    ],
    [
      "neither text nor multimedia",
      { from: "+15559990003" },
      { text: ["Send a text, a multimedia attachment, or both"] },
    ],
    [
      "blank text",
      { from: "+15559990003", text: "  " },
      { text: ["Send a text, a multimedia attachment, or both"] },
    ],
    [
      "a multimedia URL that is not http(s)",
      { from: "+15559990003", multimedia: { url: "ftp://x/y" } },
      { "multimedia.url": ["Enter the multimedia URL (http:// or https://)"] },
    ],
  ])("answers 400 with field errors for %s", async (_name, body, fieldErrors) => {
    const res = await call(connection.id, body, key);
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: { code: string; fieldErrors: Record<string, string[]> } };
    expect(json.error.code).toBe("INVALID");
    expect(json.error.fieldErrors).toEqual(fieldErrors);
  });

  it("answers 401 without a valid API key", async () => {
    expect((await call(connection.id, { from: "+15559990004", text: "hi" })).status).toBe(401);
    expect((await call(connection.id, { from: "+15559990004", text: "hi" }, "cwk_nope")).status).toBe(401);
  });

  it("answers 404 for an unknown connection, a malformed id and another account's connection", async () => {
    expect(
      (await call("6f1d0a52-1b7e-4c39-9a77-2f3c1f9e8a10", { from: "+15559990005", text: "hi" }, key)).status,
    ).toBe(404);
    expect((await call("not-a-uuid", { from: "+15559990005", text: "hi" }, key)).status).toBe(404);
    const other = await createTestAccount("Other");
    const foreign = await createTestConnection(other.accountId);
    const res = await call(foreign.id, { from: "+15559990005", text: "hi" }, key);
    expect(res.status).toBe(404);
    const stored = await db().select().from(messages).where(eq(messages.accountId, other.accountId));
    expect(stored).toEqual([]);
  });
});

describe("POST /api/v1/connections/{connectionId}/inbound after another bundle ingested first", async () => {
  const { accountId } = await createTestAccount("Inbound bundles");
  const { key } = await createApiKey(accountId, "sandbox");
  const other = await createTestAccount("Inbound bundles (other)");
  const foreign = await createTestConnection(other.accountId);

  it("answers 404 for an unknown or foreign connection, not 500", async () => {
    // The batcher is one per process (on globalThis), created by whichever bundle ingests first — here
    // a second copy of the modules, as the simulator's action bundle would be.
    delete (globalThis as { __ingest?: unknown }).__ingest;
    vi.resetModules();
    const otherBundle = await import("@/lib/webhooks/ingest");
    const connection = await createTestConnection(accountId);
    await otherBundle.ingestInbound({ connectionId: connection.id, from: "+15550001111", text: "first" });
    for (const id of ["00000000-0000-4000-8000-000000000000", foreign.id]) {
      const res = await call(id, { from: "+15550001111", text: "x" }, key);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
    }
  });
});
