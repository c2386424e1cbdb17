import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  fakeWamid,
  graphError,
  startFakeWhatsApp,
  waImage,
  waStatus,
  waText,
  whatsappVerificationRequest,
  whatsappWebhookPayload,
  whatsappWebhookRequest,
  type FakeWhatsApp,
} from "./testing/fake-whatsapp";
import { containing, matching } from "./testing/matchers";
import type { ChannelAdapter, InboundRequest } from "./types";
import {
  createWhatsAppCloudAdapter,
  mediaTypeFor,
  parseWhatsAppWebhook,
  whatsappSignature,
  type WhatsAppCloudConfig,
} from "./whatsapp-cloud";

const PHONE_NUMBER_ID = "106540352242922";
const BUSINESS = { phoneNumberId: PHONE_NUMBER_ID, displayPhoneNumber: "15550783881" };
const ACCESS_TOKEN = "EAAJB0000000000000000000000000000000000000000";
const APP_SECRET = "3f9a0c2b7e1d4a5b8c6d9e0f1a2b3c4d";
const VERIFY_TOKEN = "meatyhamhock";
const WEBHOOK_URL = "https://portal.example.com/api/channels/whatsapp/7b0c1c8e-2f3a-4c55-9d1e-0a2b3c4d5e6f";
const USER = "+16505551234";

async function inbound(request: Request): Promise<InboundRequest> {
  return { method: request.method, url: request.url, headers: request.headers, body: await request.text() };
}

const adapterFor = (config: Partial<WhatsAppCloudConfig> = {}): ChannelAdapter =>
  createWhatsAppCloudAdapter({
    phoneNumberId: PHONE_NUMBER_ID,
    accessToken: ACCESS_TOKEN,
    appSecret: APP_SECRET,
    verifyToken: VERIFY_TOKEN,
    apiBaseUrl: "http://127.0.0.1:9",
    apiVersion: "v25.0",
    ...config,
  });

describe("WhatsApp verification handshake", () => {
  it("echoes hub.challenge when the mode is subscribe and the verify token matches", async () => {
    const request = whatsappVerificationRequest(WEBHOOK_URL, {
      mode: "subscribe",
      verifyToken: VERIFY_TOKEN,
      challenge: "1158201444",
    });
    expect(await adapterFor().receive(await inbound(request))).toEqual({
      kind: "handshake",
      reply: { status: 200, headers: { "content-type": "text/plain; charset=utf-8" }, body: "1158201444" },
    });
  });

  it.each([
    ["a wrong verify token", { mode: "subscribe", verifyToken: "guess", challenge: "1" }],
    ["another mode", { mode: "unsubscribe", verifyToken: VERIFY_TOKEN, challenge: "1" }],
    ["no challenge", { mode: "subscribe", verifyToken: VERIFY_TOKEN }],
    ["no parameters", {}],
  ])("answers 403 to %s", async (_, query) => {
    const result = await adapterFor().receive(await inbound(whatsappVerificationRequest(WEBHOOK_URL, query)));
    expect(result).toMatchObject({ kind: "rejected", reply: { status: 403 } });
    expect(result.reply.body).not.toContain("1");
  });
});

describe("X-Hub-Signature-256", () => {
  const payload = whatsappWebhookPayload(BUSINESS, {
    messages: [waText(USER, "Does it come in another color?")],
  });

  it("is sha256= and the hex HMAC-SHA256 of the raw body with the app secret", () => {
    // Computed independently: printf '{"a":1}' | openssl dgst -sha256 -hmac secret
    expect(whatsappSignature("secret", '{"a":1}')).toBe(
      "sha256=aa9e2e3575f5d7098b6caccd790888c36d5fdb63342a73bada2d6a51747a8494",
    );
  });

  it("accepts a request Meta signed (hex in either case)", async () => {
    const request = await inbound(whatsappWebhookRequest(WEBHOOK_URL, payload, APP_SECRET));
    expect(adapterFor().verifySignature(request)).toBe(true);
    const upper = new Headers(request.headers);
    upper.set(
      "x-hub-signature-256",
      `sha256=${request.headers.get("x-hub-signature-256")!.slice(7).toUpperCase()}`,
    );
    expect(adapterFor().verifySignature({ ...request, headers: upper })).toBe(true);
    expect((await adapterFor().receive(request)).kind).toBe("messages");
  });

  it("refuses a tampered body, another app's secret, and a missing or malformed header", async () => {
    const good = await inbound(whatsappWebhookRequest(WEBHOOK_URL, payload, APP_SECRET));
    const cases: InboundRequest[] = [
      { ...good, body: good.body.replace("another color", "another colour") },
      // Same JSON, different bytes: signatures are over the raw body.
      { ...good, body: JSON.stringify(JSON.parse(good.body), null, 1) },
      await inbound(whatsappWebhookRequest(WEBHOOK_URL, payload, "0000000000000000000000000000000000")),
      await inbound(
        whatsappWebhookRequest(
          WEBHOOK_URL,
          payload,
          APP_SECRET,
          whatsappSignature(APP_SECRET, good.body).slice(7),
        ),
      ),
      await inbound(whatsappWebhookRequest(WEBHOOK_URL, payload, APP_SECRET, "sha1=abc")),
      await inbound(whatsappWebhookRequest(WEBHOOK_URL, payload, APP_SECRET, null)),
    ];
    for (const request of cases) {
      expect(await adapterFor().receive(request)).toMatchObject({ kind: "rejected", reply: { status: 403 } });
    }
  });

  it("answers 400 to a signed body that is not JSON", async () => {
    const request = await inbound(whatsappWebhookRequest(WEBHOOK_URL, "not json", APP_SECRET));
    expect(await adapterFor().receive(request)).toMatchObject({ kind: "rejected", reply: { status: 400 } });
  });
});

const messagesOf = (payload: unknown, phoneNumberId: string) =>
  parseWhatsAppWebhook(payload, phoneNumberId).messages;

describe("WhatsApp inbound payloads", () => {
  it("reads text messages, E.164 senders and wamids", () => {
    const id = fakeWamid();
    expect(
      messagesOf(whatsappWebhookPayload(BUSINESS, { messages: [waText(USER, "Hi", id)] }), PHONE_NUMBER_ID),
    ).toEqual([{ from: USER, text: "Hi", externalId: id }]);
  });

  it("reads an image with its caption and URL", () => {
    const image = waImage(USER, {
      id: "1479537139650973",
      caption: "The best succulent ever?",
      url: "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1479537139650973",
    });
    expect(messagesOf(whatsappWebhookPayload(BUSINESS, { messages: [image] }), PHONE_NUMBER_ID)).toEqual([
      {
        from: USER,
        externalId: image.id,
        multimedia: { url: image.image.url, caption: "The best succulent ever?", contentType: "image/jpeg" },
      },
    ]);
  });

  it("keeps every message of a batched webhook, in order, across entries", () => {
    const first = whatsappWebhookPayload(BUSINESS, {
      messages: [waText(USER, "one"), waText("+447700900123", "two")],
    });
    const second = whatsappWebhookPayload(BUSINESS, { messages: [waText(USER, "three")] });
    const payload = { ...first, entry: [...first.entry, ...second.entry] };
    expect(messagesOf(payload, PHONE_NUMBER_ID).map((m) => [m.from, m.text])).toEqual([
      [USER, "one"],
      ["+447700900123", "two"],
      [USER, "three"],
    ]);
  });

  it("reads button and list replies as text", () => {
    const messages = [
      {
        from: "16505551234",
        id: fakeWamid(),
        timestamp: "1",
        type: "button",
        button: { text: "Yes", payload: "YES" },
      },
      {
        from: "16505551234",
        id: fakeWamid(),
        timestamp: "1",
        type: "interactive",
        interactive: { type: "list_reply", list_reply: { id: "a", title: "Shipping" } },
      },
    ];
    expect(
      messagesOf(whatsappWebhookPayload(BUSINESS, { messages }), PHONE_NUMBER_ID).map((m) => m.text),
    ).toEqual(["Yes", "Shipping"]);
  });

  it("ignores statuses, other phone numbers, other fields and reactions", async () => {
    const statuses = whatsappWebhookPayload(BUSINESS, {
      statuses: [waStatus(USER, "delivered"), waStatus(USER, "read")],
    });
    const otherNumber = whatsappWebhookPayload(
      { ...BUSINESS, phoneNumberId: "999999999999" },
      { messages: [waText(USER, "hi")] },
    );
    const reaction = whatsappWebhookPayload(BUSINESS, {
      messages: [
        {
          from: "16505551234",
          id: fakeWamid(),
          timestamp: "1",
          type: "reaction",
          reaction: { message_id: "wamid.x", emoji: "👍" },
        },
      ],
    });
    const otherField = {
      object: "whatsapp_business_account",
      entry: [{ id: "1", changes: [{ field: "account_update", value: {} }] }],
    };
    for (const payload of [
      statuses,
      otherNumber,
      reaction,
      otherField,
      { object: "page", entry: [] },
      null,
      [],
    ]) {
      expect(messagesOf(payload, PHONE_NUMBER_ID)).toEqual([]);
    }
    const result = await adapterFor().receive(
      await inbound(whatsappWebhookRequest(WEBHOOK_URL, statuses, APP_SECRET)),
    );
    expect(result).toMatchObject({ kind: "ignored", reply: { status: 200 } });
  });
});

describe("WhatsApp Cloud API (Graph)", () => {
  let graph: FakeWhatsApp;
  beforeAll(async () => {
    graph = await startFakeWhatsApp({ phoneNumberId: PHONE_NUMBER_ID, accessToken: ACCESS_TOKEN });
  });
  afterAll(() => graph.close());
  const adapter = (config: Partial<WhatsAppCloudConfig> = {}) =>
    adapterFor({ apiBaseUrl: graph.url, ...config });

  it("resolves the URL of an image the webhook names by id only", async () => {
    graph.addMedia("2754859441498128", "image/jpeg");
    const image = waImage(USER, { id: "2754859441498128", caption: "This is a caption" });
    const request = await inbound(
      whatsappWebhookRequest(
        WEBHOOK_URL,
        whatsappWebhookPayload(BUSINESS, { messages: [image] }),
        APP_SECRET,
      ),
    );
    const result = await adapter().receive(request);
    expect(graph.requests.at(-1)).toMatchObject({
      method: "GET",
      path: "/v25.0/2754859441498128",
      headers: { authorization: `Bearer ${ACCESS_TOKEN}` },
    });
    expect(result).toMatchObject({
      kind: "messages",
      messages: [
        {
          from: USER,
          externalId: image.id,
          multimedia: { url: `${graph.url}/whatsapp-media/2754859441498128`, caption: "This is a caption" },
        },
      ],
    });
  });

  it("answers 503, so Meta retries, when a media URL cannot be resolved", async () => {
    const image = waImage(USER, { id: "404404404" });
    const request = await inbound(
      whatsappWebhookRequest(
        WEBHOOK_URL,
        whatsappWebhookPayload(BUSINESS, { messages: [image] }),
        APP_SECRET,
      ),
    );
    expect(await adapter().receive(request)).toMatchObject({ kind: "rejected", reply: { status: 503 } });
  });

  it("sends a text as Meta documents: POST /{version}/{phone-number-id}/messages with a Bearer token", async () => {
    const result = await adapter().send({ to: USER, text: "Yes, in blue and green" });
    const request = graph.requests.at(-1)!;
    expect(request).toMatchObject({
      method: "POST",
      path: `/v25.0/${PHONE_NUMBER_ID}/messages`,
      headers: { authorization: `Bearer ${ACCESS_TOKEN}`, "content-type": "application/json" },
    });
    expect(request.json).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: USER,
      type: "text",
      text: { preview_url: false, body: "Yes, in blue and green" },
    });
    expect(result).toEqual({ ok: true, externalId: matching(/^wamid\./) });
  });

  it("sends an image by link with its caption, and documents by their extension", async () => {
    await adapter().send({
      to: USER,
      multimedia: { url: "https://cdn.example.com/aloe.png", caption: "Aloe" },
    });
    expect(graph.requests.at(-1)!.json).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: USER,
      type: "image",
      image: { link: "https://cdn.example.com/aloe.png", caption: "Aloe" },
    });
    await adapter().send({ to: USER, multimedia: { url: "https://cdn.example.com/invoice.pdf" } });
    expect(graph.requests.at(-1)!.json).toMatchObject({
      type: "document",
      document: { link: "https://cdn.example.com/invoice.pdf" },
    });
    expect(mediaTypeFor("https://x.example/clip.mp4?sig=1")).toBe("video");
  });

  it("uses the configured API version", async () => {
    await adapter({ apiVersion: "v23.0" }).send({ to: USER, text: "hi" });
    expect(graph.requests.at(-1)!.path).toBe(`/v23.0/${PHONE_NUMBER_ID}/messages`);
  });

  it("classifies Graph errors: 4xx permanent unless Meta calls them temporary, 5xx retryable", async () => {
    const wrongToken = await adapter({ accessToken: "EAAwrong00000000000000000" }).send({
      to: USER,
      text: "x",
    });
    expect(wrongToken).toMatchObject({
      ok: false,
      error: {
        reason: "HTTP_STATUS",
        retryable: false,
        status: 401,
        providerCode: "190",
        message: "WhatsApp answered 401 (error 190): Invalid OAuth access token - Cannot parse access token",
      },
    });
    expect(JSON.stringify(wrongToken)).not.toContain("EAAwrong");

    graph.respondNext(
      graphError(400, 131026, "Message undeliverable", {
        details: "Receiver is incapable of receiving this message",
      }),
      graphError(400, 130429, "Rate limit hit"),
      graphError(400, 131999, "Something odd", { is_transient: true }),
      { ...graphError(429, 80007, "Rate limit issues"), headers: { "retry-after": "30" } },
      graphError(500, 2, "Service temporarily unavailable", { type: "OAuthException", is_transient: true }),
    );
    expect(await adapter().send({ to: USER, text: "x" })).toMatchObject({
      ok: false,
      error: {
        retryable: false,
        status: 400,
        providerCode: "131026",
        message: containing("(Receiver is incapable of receiving this message)"),
      },
    });
    expect(await adapter().send({ to: USER, text: "x" })).toMatchObject({
      ok: false,
      error: { retryable: true, providerCode: "130429" },
    });
    expect(await adapter().send({ to: USER, text: "x" })).toMatchObject({
      ok: false,
      error: { retryable: true, providerCode: "131999" },
    });
    expect(await adapter().send({ to: USER, text: "x" })).toMatchObject({
      ok: false,
      error: { retryable: true, status: 429, retryAfterSeconds: 30 },
    });
    expect(await adapter().send({ to: USER, text: "x" })).toMatchObject({
      ok: false,
      error: { retryable: true, status: 500 },
    });
  });

  it("reports the fake's own validation like the Graph API does", async () => {
    const wrongNumber = await adapter({ phoneNumberId: "123456789" }).send({ to: USER, text: "x" });
    expect(wrongNumber).toMatchObject({
      ok: false,
      error: { retryable: false, status: 400, providerCode: "100" },
    });
  });

  it("classifies network failures as retryable and refuses empty or overlong messages locally", async () => {
    graph.respondNext({ status: 200, hangUp: true });
    expect(await adapter().send({ to: USER, text: "x" })).toMatchObject({
      ok: false,
      error: { reason: "NETWORK", retryable: true },
    });
    const before = graph.requests.length;
    expect(await adapter().send({ to: USER, text: " " })).toMatchObject({
      ok: false,
      error: { reason: "INVALID" },
    });
    expect(await adapter().send({ to: USER, text: "x".repeat(4097) })).toMatchObject({
      ok: false,
      error: { reason: "INVALID" },
    });
    expect(
      await adapter().send({
        to: USER,
        multimedia: { url: "https://cdn.example.com/a.png", caption: "x".repeat(1025) },
      }),
    ).toMatchObject({
      ok: false,
      error: { reason: "INVALID" },
    });
    expect(graph.requests.length).toBe(before);
  });
});
