import { and, eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";

import { db } from "@/db";
import { chats, inboundMessageIds, messages } from "@/db/schema";

import { createConnection, setConnectionProvider, type ChannelConnection } from "@/lib/data/connections";
import { env } from "@/lib/env";
import { createTestAccount } from "@/lib/testing/accounts";

import { including } from "./testing/matchers";
import { publicOrigin, publicRequestUrl, unreachableOriginReason } from "./public-url";
import {
  fakeTwilioSid,
  twilioInboundParams,
  twilioStatusCallbackParams,
  twilioWebhookRequest,
} from "./testing/fake-twilio";
import {
  waImage,
  waStatus,
  waText,
  whatsappVerificationRequest,
  whatsappWebhookPayload,
  whatsappWebhookRequest,
} from "./testing/fake-whatsapp";
import { ingestFromProvider } from "./receive";
import type { InboundMessage } from "./types";
import { handleChannelWebhook, MAX_WEBHOOK_BODY_BYTES } from "./webhook";

const ACCOUNT_SID = fakeTwilioSid("AC");
const AUTH_TOKEN = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
const WA = {
  phoneNumberId: "106540352242922",
  accessToken: "EAAJBaccess0123456789abcdef",
  appSecret: "app-secret-0123456789",
  verifyToken: "verify-token-1",
};
const USER = "+14155550100";

// The URL the handler checks, as a request to `path` without proxy headers resolves (AUTH_URL, if set, wins).
const urlFor = (path: string) => publicRequestUrl(new Request(`http://localhost:3000${path}`));

function recorder() {
  const calls: { connection: ChannelConnection; messages: InboundMessage[] }[] = [];
  const ingest = async (connection: ChannelConnection, messages: InboundMessage[]) => {
    calls.push({ connection, messages });
  };
  return { calls, ingest };
}

async function twilioConnection() {
  const { accountId } = await createTestAccount("Hook");
  const sms = await createConnection(accountId, { channel: "SMS", code: "+15557654321" });
  await setConnectionProvider(accountId, sms.id, {
    provider: "TWILIO",
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
  });
  return { accountId, connection: sms, url: urlFor(`/api/channels/twilio/${sms.id}`) };
}

async function whatsappConnection() {
  const { accountId } = await createTestAccount("Hook");
  const wa = await createConnection(accountId, { channel: "WHATSAPP", code: "+15550783881" });
  await setConnectionProvider(accountId, wa.id, { provider: "WHATSAPP_CLOUD", ...WA });
  return { accountId, connection: wa, url: urlFor(`/api/channels/whatsapp/${wa.id}`) };
}

describe("Twilio webhook route handling", () => {
  it("ingests a signed SMS for its connection and answers empty TwiML", async () => {
    const { accountId, connection, url } = await twilioConnection();
    const { calls, ingest } = recorder();
    const params = twilioInboundParams({
      accountSid: ACCOUNT_SID,
      from: USER,
      to: connection.code,
      body: "Hello",
    });
    const response = await handleChannelWebhook(
      "twilio",
      connection.id,
      twilioWebhookRequest(url, params, AUTH_TOKEN),
      ingest,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/xml; charset=utf-8");
    expect(await response.text()).toContain("<Response></Response>");
    expect(calls).toEqual([
      {
        connection: including({
          id: connection.id,
          accountId,
          channel: "SMS",
          code: connection.code,
        }),
        messages: [{ from: USER, text: "Hello", externalId: params.MessageSid }],
      },
    ]);
  });

  it("answers 403 to a bad or missing signature and ingests nothing", async () => {
    const { connection, url } = await twilioConnection();
    const { calls, ingest } = recorder();
    const params = twilioInboundParams({
      accountSid: ACCOUNT_SID,
      from: USER,
      to: connection.code,
      body: "Hello",
    });
    for (const signature of ["bm90IHRoZSBzaWduYXR1cmU=", null]) {
      const response = await handleChannelWebhook(
        "twilio",
        connection.id,
        twilioWebhookRequest(url, params, AUTH_TOKEN, signature),
        ingest,
      );
      expect(response.status).toBe(403);
    }
    expect(calls).toEqual([]);
  });

  it("behind a trusted proxy, checks the URL the proxy was called on (X-Forwarded-Host/Proto)", async () => {
    const { connection } = await twilioConnection();
    const { calls, ingest } = recorder();
    const params = twilioInboundParams({
      accountSid: ACCOUNT_SID,
      from: USER,
      to: connection.code,
      body: "Via proxy",
    });
    const path = `/api/channels/twilio/${connection.id}`;
    const signed = twilioWebhookRequest(`https://sms.example.com${path}`, params, AUTH_TOKEN);
    const headers = new Headers(signed.headers);
    headers.set("x-forwarded-host", "sms.example.com");
    headers.set("x-forwarded-proto", "https");
    const body = await signed.text();
    const internal = () => new Request(`http://127.0.0.1:3000${path}`, { method: "POST", headers, body });
    // Without TRUST_PROXY the forwarded headers are not believed, so the signed URL does not match.
    expect((await handleChannelWebhook("twilio", connection.id, internal(), ingest)).status).toBe(403);
    const settings = env();
    settings.TRUST_PROXY = true;
    try {
      expect((await handleChannelWebhook("twilio", connection.id, internal(), ingest)).status).toBe(200);
    } finally {
      settings.TRUST_PROXY = false;
    }
    expect(calls).toHaveLength(1);
  });

  it("answers 200 to status callbacks without ingesting", async () => {
    const { connection, url } = await twilioConnection();
    const { calls, ingest } = recorder();
    const params = twilioStatusCallbackParams({
      accountSid: ACCOUNT_SID,
      from: connection.code,
      to: USER,
      status: "delivered",
    });
    expect(
      (
        await handleChannelWebhook(
          "twilio",
          connection.id,
          twilioWebhookRequest(url, params, AUTH_TOKEN),
          ingest,
        )
      ).status,
    ).toBe(200);
    expect(calls).toEqual([]);
  });

  it("answers 404 for unknown ids and connections on another provider", async () => {
    const { connection } = await twilioConnection();
    const { accountId } = await createTestAccount("Sim");
    const sim = await createConnection(accountId, { channel: "SMS", code: "+15550001234" });
    const { ingest } = recorder();
    const request = () => twilioWebhookRequest("http://localhost:3000/x", { Body: "x" }, AUTH_TOKEN);
    expect((await handleChannelWebhook("twilio", sim.id, request(), ingest)).status).toBe(404);
    expect((await handleChannelWebhook("whatsapp", connection.id, request(), ingest)).status).toBe(404);
    expect(
      (await handleChannelWebhook("twilio", "00000000-0000-4000-8000-000000000000", request(), ingest))
        .status,
    ).toBe(404);
    expect((await handleChannelWebhook("twilio", "../etc", request(), ingest)).status).toBe(404);
  });

  it("answers 500 when ingestion fails, so the provider can retry", async () => {
    const { connection, url } = await twilioConnection();
    const params = twilioInboundParams({
      accountSid: ACCOUNT_SID,
      from: USER,
      to: connection.code,
      body: "Hello",
    });
    const failing = async () => {
      throw new Error("Failed query: insert into messages … params: +14155550100,Hello");
    };
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    expect(
      (
        await handleChannelWebhook(
          "twilio",
          connection.id,
          twilioWebhookRequest(url, params, AUTH_TOKEN),
          failing,
        )
      ).status,
    ).toBe(500);
    expect(log).toHaveBeenCalledOnce();
    expect(JSON.stringify(log.mock.calls)).not.toMatch(/Failed query|\+14155550100|Hello/);
    log.mockRestore();
  });
});

describe("WhatsApp webhook route handling", () => {
  const business = { phoneNumberId: WA.phoneNumberId, displayPhoneNumber: "15550783881" };

  it("answers the verification handshake with the challenge", async () => {
    const { connection, url } = await whatsappConnection();
    const { calls, ingest } = recorder();
    const ok = await handleChannelWebhook(
      "whatsapp",
      connection.id,
      whatsappVerificationRequest(url, { mode: "subscribe", verifyToken: WA.verifyToken, challenge: "8217" }),
      ingest,
    );
    expect([ok.status, await ok.text()]).toEqual([200, "8217"]);
    const wrong = await handleChannelWebhook(
      "whatsapp",
      connection.id,
      whatsappVerificationRequest(url, { mode: "subscribe", verifyToken: "nope", challenge: "8217" }),
      ingest,
    );
    expect(wrong.status).toBe(403);
    expect(calls).toEqual([]);
  });

  it("ingests every message of a signed webhook in one batch, and ignores statuses", async () => {
    const { connection, url } = await whatsappConnection();
    const { calls, ingest } = recorder();
    const payload = whatsappWebhookPayload(business, {
      messages: [
        waText(USER, "first"),
        waImage(USER, { id: "77", caption: "second", url: "https://lookaside.fbsbx.com/x?mid=77" }),
      ],
    });
    const response = await handleChannelWebhook(
      "whatsapp",
      connection.id,
      whatsappWebhookRequest(url, payload, WA.appSecret),
      ingest,
    );
    expect(response.status).toBe(200);
    expect(calls[0]?.messages.map((m) => m.text ?? m.multimedia?.caption)).toEqual(["first", "second"]);

    const statuses = whatsappWebhookPayload(business, { statuses: [waStatus(USER, "read")] });
    expect(
      (
        await handleChannelWebhook(
          "whatsapp",
          connection.id,
          whatsappWebhookRequest(url, statuses, WA.appSecret),
          ingest,
        )
      ).status,
    ).toBe(200);
    expect(calls).toHaveLength(1);
  });

  it("stores the messages of a webhook Meta delivers again only once", async () => {
    const { accountId, connection, url } = await whatsappConnection();
    const payload = whatsappWebhookPayload(business, {
      messages: [waText(USER, "hello"), waText(USER, "again?")],
    });
    for (let i = 0; i < 2; i++) {
      const response = await handleChannelWebhook(
        "whatsapp",
        connection.id,
        whatsappWebhookRequest(url, payload, WA.appSecret),
        ingestFromProvider,
      );
      expect(response.status).toBe(200);
    }
    const stored = await db()
      .select({ text: messages.text, externalId: inboundMessageIds.externalId })
      .from(messages)
      .innerJoin(chats, eq(chats.id, messages.chatId))
      // An inbound message's provider id is stored once, there.
      .leftJoin(inboundMessageIds, eq(inboundMessageIds.messageId, messages.id))
      .where(and(eq(messages.accountId, accountId), eq(chats.connectionId, connection.id)))
      .orderBy(messages.createdAt);
    expect(stored.map((m) => m.text)).toEqual(["hello", "again?"]);
    expect(stored.every((m) => m.externalId?.startsWith("wamid."))).toBe(true);
  });

  it("answers 200 to signed webhooks of unexpected shapes, keeping the messages that fit", async () => {
    const { accountId, connection, url } = await whatsappConnection();
    const shaped = (value: unknown) => ({
      object: "whatsapp_business_account",
      entry: [{ id: "1", changes: [{ field: "messages", value }] }],
    });
    const metadata = { display_phone_number: "15550783881", phone_number_id: WA.phoneNumberId };
    const good = waText(USER, "still here");
    const odd: unknown[] = [
      { object: "whatsapp_business_account", entry: [{ changes: 7 }] },
      { object: "whatsapp_business_account", entry: 7 },
      { object: "whatsapp_business_account", entry: [null, 1, "x", { changes: [null, 3] }] },
      shaped({ metadata, messages: { from: "14155550100", type: "text" } }),
      shaped({ metadata: 5, messages: [good] }),
      shaped({ metadata, messages: [{ ...good, from: 5 }, { ...good, text: { body: 7 } }, good] }),
      shaped({
        metadata,
        messages: [
          { ...good, from: "not a number" },
          { ...good, type: ["text"] },
        ],
      }),
    ];
    const log = vi.spyOn(console, "warn").mockImplementation(() => {});
    for (const payload of odd) {
      const response = await handleChannelWebhook(
        "whatsapp",
        connection.id,
        whatsappWebhookRequest(url, payload, WA.appSecret),
        ingestFromProvider,
      );
      expect(response.status, JSON.stringify(payload)).toBe(200);
    }
    log.mockRestore();
    const stored = await db()
      .select({ text: messages.text })
      .from(messages)
      .innerJoin(chats, eq(chats.id, messages.chatId))
      .where(and(eq(messages.accountId, accountId), eq(chats.connectionId, connection.id)));
    // Only the well-formed message (sent once: the provider id makes its repeat a duplicate).
    expect(stored.map((m) => m.text)).toEqual(["still here"]);
  });

  it("stores a contact's text with lone surrogates and NULs as well-formed text", async () => {
    const { accountId, connection, url } = await whatsappConnection();
    const message = waText(USER, "\ud800 half \u0000 a heart \udc9c");
    const image = waImage(USER, {
      id: "78",
      caption: "cap\ud800",
      url: "https://lookaside.fbsbx.com/x?mid=78\udfff",
    });
    // JSON.stringify keeps lone surrogates as \u escapes, as a provider's JSON would.
    const payload = whatsappWebhookPayload(business, {
      messages: [message, { ...image, id: "wamid.\ud800" }],
    });
    const response = await handleChannelWebhook(
      "whatsapp",
      connection.id,
      whatsappWebhookRequest(url, payload, WA.appSecret),
      ingestFromProvider,
    );
    expect(response.status).toBe(200);
    const stored = await db()
      .select({
        text: messages.text,
        url: messages.multimediaUrl,
        caption: messages.multimediaCaption,
        externalId: inboundMessageIds.externalId,
      })
      .from(messages)
      .innerJoin(chats, eq(chats.id, messages.chatId))
      .leftJoin(inboundMessageIds, eq(inboundMessageIds.messageId, messages.id))
      .where(and(eq(messages.accountId, accountId), eq(chats.connectionId, connection.id)))
      .orderBy(messages.createdAt);
    expect(stored).toEqual([
      { text: "\ufffd half  a heart \ufffd", url: null, caption: null, externalId: message.id },
      {
        text: null,
        url: "https://lookaside.fbsbx.com/x?mid=78\ufffd",
        caption: "cap\ufffd",
        externalId: "wamid.\ufffd",
      },
    ]);
  });

  it("answers 403 to a tampered or unsigned webhook", async () => {
    const { connection, url } = await whatsappConnection();
    const { calls, ingest } = recorder();
    const payload = whatsappWebhookPayload(business, { messages: [waText(USER, "hi")] });
    for (const signature of ["sha256=" + "0".repeat(64), null]) {
      const response = await handleChannelWebhook(
        "whatsapp",
        connection.id,
        whatsappWebhookRequest(url, payload, WA.appSecret, signature),
        ingest,
      );
      expect(response.status).toBe(403);
    }
    expect(calls).toEqual([]);
  });
});

describe("public origin", () => {
  const proxied = new Headers({
    host: "internal:3000",
    "x-forwarded-host": "a.example.com, b",
    "x-forwarded-proto": "https",
  });
  const none = { configured: "" };

  it("prefers AUTH_URL, then (behind a trusted proxy) forwarded headers, then the request URL, then Host", () => {
    expect(publicOrigin(proxied, undefined, { configured: "https://portal.example.com/api/auth" })).toBe(
      "https://portal.example.com",
    );
    expect(publicOrigin(proxied, "http://localhost:3000/x", { ...none, trustProxy: true })).toBe(
      "https://a.example.com",
    );
    expect(publicOrigin(new Headers({ host: "internal:3000" }), undefined, none)).toBe(
      "http://internal:3000",
    );
    expect(publicOrigin(new Headers(), "http://localhost:3241/a?b", none)).toBe("http://localhost:3241");
  });

  it("ignores X-Forwarded-Host/-Proto unless TRUST_PROXY is on: any client can send them", () => {
    expect(publicOrigin(proxied, "http://localhost:3000/x", { ...none, trustProxy: false })).toBe(
      "http://localhost:3000",
    );
    expect(publicOrigin(proxied, undefined, { ...none, trustProxy: false })).toBe("http://internal:3000");
  });

  it("says why providers cannot reach an origin", () => {
    expect(unreachableOriginReason("http://localhost:3000")).toMatch(/only this machine/);
    expect(unreachableOriginReason("https://127.0.0.1")).toMatch(/only this machine/);
    expect(unreachableOriginReason("http://portal.example.com")).toMatch(/plain http/);
    expect(unreachableOriginReason("https://portal.example.com")).toBeNull();
  });
});

describe("webhook body limit", () => {
  it("answers 413 to a declared body over 1 MB without reading it", async () => {
    const { connection, url } = await twilioConnection();
    const { calls, ingest } = recorder();
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(64 * 1024));
      },
    });
    const request = new Request(url, {
      method: "POST",
      headers: { "content-length": String(2 * MAX_WEBHOOK_BODY_BYTES) },
      body,
      duplex: "half",
    } as RequestInit);
    expect((await handleChannelWebhook("twilio", connection.id, request, ingest)).status).toBe(413);
    expect(pulled).toBeLessThanOrEqual(1);
    expect(calls).toEqual([]);
  });

  it("answers 413 to a streamed body that grows past 1 MB, stopping there", async () => {
    const { connection, url } = await twilioConnection();
    const { ingest } = recorder();
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 64 * 1024;
        controller.enqueue(new Uint8Array(64 * 1024));
      },
    });
    const request = new Request(url, { method: "POST", body, duplex: "half" } as RequestInit);
    expect((await handleChannelWebhook("twilio", connection.id, request, ingest)).status).toBe(413);
    expect(sent).toBeLessThan(MAX_WEBHOOK_BODY_BYTES + 3 * 64 * 1024);
    // A body under the limit is read whole and its signature checked.
    const signed = twilioWebhookRequest(url, { Body: "x".repeat(100_000) }, AUTH_TOKEN);
    expect((await handleChannelWebhook("twilio", connection.id, signed, ingest)).status).toBe(200);
  });
});
