// The reproductions of issue #10's input defects, through the real route handlers and server actions:
// each answered 500 (or the generic "Something went wrong") before, and must now be a 4xx naming the
// field, with nothing written.
import { eq, sql } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";

import { db } from "@/db";
import { apiKeys, campaigns, integrations, messages } from "@/db/schema";
import { createApiKey } from "@/lib/data/api-keys";
import { createTestAccount } from "@/lib/testing/accounts";
import { createTestConnection, createTestIntegration } from "@/lib/testing/integrations";
import { integrationFormValues } from "@/lib/validation/integration";

import { replayFailedAction } from "@/app/(app)/integrations/[id]/deliveries/actions";
import { saveIntegrationAction } from "@/app/(app)/integrations/actions";
import { createCampaignAction } from "@/app/(app)/campaigns/actions";
import { sendAsContactAction } from "@/app/(app)/chats/actions";
import { createApiKeyAction } from "@/app/(app)/settings/actions";
import { GET as portalChats } from "@/app/api/portal/chats/route";
import { GET as portalDeliveries } from "@/app/api/portal/integrations/[integrationId]/deliveries/route";
import { POST as inbound } from "@/app/api/v1/connections/[connectionId]/inbound/route";
import { GET as v1Chats } from "@/app/api/v1/integrations/[integrationId]/chats/route";
import { GET as v1Deliveries } from "@/app/api/v1/integrations/[integrationId]/deliveries/route";

// The signed-in user, for portal routes (auth) and server actions (requireSession).
const session = vi.hoisted(() => ({ user: { id: "", accountId: "", email: "", name: "" } }));
vi.mock("@/lib/auth", () => ({
  auth: async () => ({ user: session.user }),
  requireSession: async () => ({ ...session.user, userId: session.user.id }),
}));

const owner = await createTestAccount("Hostile");
session.user = owner;
const { key } = await createApiKey(owner.accountId, "hostile");
const connection = await createTestConnection(owner.accountId);
const hook = await createTestIntegration(owner.accountId, {
  url: "https://hooks.example.com/in",
  connectionIds: [connection.id],
});
const integrationId = hook.integration.id;

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
async function send(handler: Handler, path: string, params: Record<string, string>, init: RequestInit = {}) {
  const res = await handler(
    new Request(`http://localhost:3000${path}`, {
      ...init,
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...init.headers },
    }),
    { params: Promise.resolve(params) },
  );
  const body = (await res.json()) as { error?: { code: string; message: string; fieldErrors?: object } };
  return { status: res.status, body };
}

const count = async (table: typeof messages | typeof apiKeys | typeof campaigns | typeof integrations) =>
  (
    await db()
      .select({ n: sql<number>`count(*)::int` })
      .from(table)
      .where(eq(table.accountId, owner.accountId))
  )[0]!.n;

const cursor = (text: string) => Buffer.from(text).toString("base64url");

describe("lone surrogates and NULs in the sandbox inbound route", () => {
  it.each([
    [{ from: "+15550101010", text: "\ud800 x" }, "text"],
    [{ from: "+15550101010", text: "a\u0000b" }, "text"],
    [{ from: "+15550101010", multimedia: { url: "https://cdn.example.com/\udc00.png" } }, "multimedia.url"],
    [
      { from: "+15550101010", multimedia: { url: "https://cdn.example.com/x.png", caption: "\ud83d" } },
      "multimedia.caption",
    ],
    [{ from: "+15550101010", text: "x", externalId: "ext-\udfff" }, "externalId"],
  ])("%j → 400 on %s, nothing stored", async (body, field) => {
    const before = await count(messages);
    const res = await send(
      inbound,
      `/api/v1/connections/${connection.id}/inbound`,
      { connectionId: connection.id },
      {
        method: "POST",
        body: JSON.stringify(body),
      },
    );
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "INVALID", fieldErrors: { [field]: [expect.any(String)] } });
    expect(await count(messages)).toBe(before);
  });
});

describe("NULs and out-of-range dates in queries and cursors", () => {
  it("the portal's delivery log: a NUL in the contact filter, a year-0000 from/to", async () => {
    const path = `/api/portal/integrations/${integrationId}/deliveries`;
    for (const [query, field] of [
      ["contact=%5C%00%5C", "contact"],
      ["from=0000-01-01T00:00:00Z", "from"],
      ["to=0000-12-31T23:59:59.999Z", "to"],
    ] as const) {
      const res = await send(portalDeliveries, `${path}?${query}`, { integrationId });
      expect(res.status, query).toBe(400);
      expect(res.body.error?.fieldErrors, query).toHaveProperty(field);
    }
  });

  it("the v1 and portal chat cursors with a year-0000 timestamp", async () => {
    const id = "6f1d0a52-1b7e-4c39-9a77-2f3c1f9e8a10";
    const v1 = await send(
      v1Chats,
      `/api/v1/integrations/${integrationId}/chats?cursor=${cursor(`opened|0000-01-01T00:00:00.000000Z|${id}`)}`,
      { integrationId },
    );
    expect(v1.status).toBe(400);
    expect(v1.body.error?.fieldErrors).toHaveProperty("cursor");
    const portal = await send(
      portalChats,
      `/api/portal/chats?cursor=${cursor(`recent|0000-01-01T00:00:00.000000Z|${id}`)}`,
      {},
    );
    expect(portal.status).toBe(400);
  });

  it("the v1 deliveries listing with a NUL or a surrogate in a filter", async () => {
    for (const query of ["chatId=%00", "status=%ED%A0%80", "cursor=1%00"]) {
      const res = await send(v1Deliveries, `/api/v1/integrations/${integrationId}/deliveries?${query}`, {
        integrationId,
      });
      expect(res.status, query).toBe(400);
      expect(res.body.error?.message).toBeTruthy();
    }
  });

  it("Replay failed with a year-0000 start is a field error", async () => {
    const result = await replayFailedAction({ integrationId, from: "0000-01-01T00:00:00Z" });
    expect(result).toMatchObject({ ok: false, fieldErrors: { from: [expect.stringContaining("1970")] } });
  });
});

describe("NULs and lone surrogates in server actions are field errors", () => {
  it("an API key's name", async () => {
    const before = await count(apiKeys);
    expect(await createApiKeyAction({ name: "ci\u0000" })).toMatchObject({
      ok: false,
      fieldErrors: { name: [expect.any(String)] },
    });
    expect(await count(apiKeys)).toBe(before);
  });

  it("the wizard's alias, URL and header values, named as the form names them", async () => {
    const before = await count(integrations);
    const values = {
      ...integrationFormValues(),
      alias: "Hook\u0000",
      url: "https://hooks.example.com/\ud800",
      headers: [{ key: "X-Team", value: "a\u0000b", type: "TEXT" as const }],
    };
    const result = await saveIntegrationAction({ id: null, values });
    expect(result).toMatchObject({ ok: false });
    expect(Object.keys((result as { fieldErrors: object }).fieldErrors).sort()).toEqual([
      "alias",
      "headers.0.value",
      "url",
    ]);
    expect(await count(integrations)).toBe(before);
  });

  it("a campaign's name and auto-reply", async () => {
    const before = await count(campaigns);
    const other = await createTestConnection(owner.accountId);
    const result = await createCampaignAction({
      type: "KEYWORD",
      name: "Sale\u0000",
      connectionIds: [other.id],
      keyword: "SALE",
      autoReply: "Thanks \udfff",
    });
    expect(result).toMatchObject({
      ok: false,
      fieldErrors: { name: [expect.any(String)], autoReply: [expect.any(String)] },
    });
    expect(await count(campaigns)).toBe(before);
  });

  it("the simulator's message", async () => {
    const before = await count(messages);
    const result = await sendAsContactAction({
      connectionId: connection.id,
      from: "+15550101011",
      text: "\ud800 x",
      imageUrl: "",
      caption: "",
    });
    expect(result).toMatchObject({ ok: false, fieldErrors: { text: [expect.any(String)] } });
    expect(await count(messages)).toBe(before);
  });
});
