import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { containing, matching } from "./testing/matchers";
import { startFakeServer } from "./testing/fake-server";
import {
  fakeTwilioSid,
  startFakeTwilio,
  twilioError,
  twilioInboundParams,
  twilioStatusCallbackParams,
  twilioWebhookRequest,
  type FakeTwilio,
} from "./testing/fake-twilio";
import {
  createTwilioAdapter,
  parseForm,
  parseTwilioInbound,
  twilioSignature,
  type TwilioConfig,
} from "./twilio";
import type { ChannelAdapter, InboundRequest } from "./types";

const ACCOUNT_SID = fakeTwilioSid("AC");
const AUTH_TOKEN = "d2c0a5f4b6e94c1e8f3a7b2c9d0e1f23";
const WEBHOOK_URL = "https://portal.example.com/api/channels/twilio/7b0c1c8e-2f3a-4c55-9d1e-0a2b3c4d5e6f";
const USER = "+14155550100";
const NUMBER = "+15557654321";

async function inbound(request: Request): Promise<InboundRequest> {
  return { method: request.method, url: request.url, headers: request.headers, body: await request.text() };
}

const adapterFor = (config: Partial<TwilioConfig> = {}): ChannelAdapter =>
  createTwilioAdapter({
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    from: NUMBER,
    apiBaseUrl: "http://127.0.0.1:9",
    ...config,
  });

describe("X-Twilio-Signature", () => {
  it("matches the example in Twilio's security documentation", () => {
    const params = {
      CallSid: ["CA1234567890ABCDE"],
      Caller: ["+12349013030"],
      Digits: ["1234"],
      From: ["+12349013030"],
      To: ["+18005551212"],
    };
    expect(twilioSignature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", params)).toBe(
      "0/KCTR6DLpKmkAf8muzZqo1nDgQ=",
    );
  });

  const params = twilioInboundParams({ accountSid: ACCOUNT_SID, from: USER, to: NUMBER, body: "Hello" });

  it("accepts a request Twilio signed", async () => {
    const result = await adapterFor().receive(
      await inbound(twilioWebhookRequest(WEBHOOK_URL, params, AUTH_TOKEN)),
    );
    expect(result.kind).toBe("messages");
    expect(result.reply).toMatchObject({
      status: 200,
      headers: { "content-type": "text/xml; charset=utf-8" },
    });
    expect(result.reply.body).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
  });

  it("refuses a tampered body, a signature for another URL or token, and a missing header", async () => {
    const good = await inbound(twilioWebhookRequest(WEBHOOK_URL, params, AUTH_TOKEN));
    const cases: InboundRequest[] = [
      { ...good, body: good.body.replace("Body=Hello", "Body=Hellp") },
      { ...good, body: `${good.body}&Extra=1` },
      await inbound(twilioWebhookRequest(WEBHOOK_URL, params, "another-token-of-32-characters!!")),
      await inbound(
        twilioWebhookRequest(
          WEBHOOK_URL,
          params,
          AUTH_TOKEN,
          twilioSignature(AUTH_TOKEN, `${WEBHOOK_URL}x`, parseForm(good.body)),
        ),
      ),
      await inbound(twilioWebhookRequest(WEBHOOK_URL, params, AUTH_TOKEN, "")),
      await inbound(twilioWebhookRequest(WEBHOOK_URL, params, AUTH_TOKEN, null)),
    ];
    for (const request of cases) {
      const result = await adapterFor().receive(request);
      expect(result).toMatchObject({ kind: "rejected", reply: { status: 403 } });
      expect(adapterFor().verifySignature(request)).toBe(false);
    }
    const missing = await adapterFor().receive(cases.at(-1)!);
    expect(missing).toMatchObject({ reason: "X-Twilio-Signature is missing" });
  });

  it("accepts the URL with or without its default port, as Twilio's libraries do", async () => {
    const withPort = WEBHOOK_URL.replace("portal.example.com", "portal.example.com:443");
    const signedWithPort = twilioWebhookRequest(
      WEBHOOK_URL,
      params,
      AUTH_TOKEN,
      twilioSignature(AUTH_TOKEN, withPort, parseForm(new URLSearchParams(params).toString())),
    );
    expect((await adapterFor().receive(await inbound(signedWithPort))).kind).toBe("messages");
  });

  it("checks the configured public URL rather than the one a proxy passed on", async () => {
    const signed = await inbound(twilioWebhookRequest(WEBHOOK_URL, params, AUTH_TOKEN));
    const behindProxy = {
      ...signed,
      url: "http://10.0.0.7:3000/api/channels/twilio/7b0c1c8e-2f3a-4c55-9d1e-0a2b3c4d5e6f",
    };
    expect((await adapterFor().receive(behindProxy)).kind).toBe("rejected");
    expect((await adapterFor({ webhookUrl: WEBHOOK_URL }).receive(behindProxy)).kind).toBe("messages");
  });

  it("answers only POST", async () => {
    const get = { method: "GET", url: WEBHOOK_URL, headers: new Headers(), body: "" };
    expect(await adapterFor().receive(get)).toMatchObject({ kind: "rejected", reply: { status: 405 } });
  });
});

describe("Twilio inbound payloads", () => {
  it("reads a text SMS", () => {
    const params = twilioInboundParams({
      accountSid: ACCOUNT_SID,
      from: USER,
      to: NUMBER,
      body: "Is my order ready?",
      messageSid: "SM0123456789abcdef0123456789abcdef",
    });
    expect(parseTwilioInbound(parseForm(new URLSearchParams(params).toString()))).toEqual([
      { from: USER, text: "Is my order ready?", externalId: "SM0123456789abcdef0123456789abcdef" },
    ]);
  });

  it("reads an MMS: one message per media item, the Body as the first one's caption", () => {
    const sid = "MM0123456789abcdef0123456789abcdef";
    const media = [
      {
        url: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${sid}/Media/ME1`,
        contentType: "image/jpeg",
      },
      {
        url: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${sid}/Media/ME2`,
        contentType: "image/png",
      },
    ];
    const params = twilioInboundParams({
      accountSid: ACCOUNT_SID,
      from: USER,
      to: NUMBER,
      body: "Broken on arrival",
      media,
      messageSid: sid,
    });
    expect(parseTwilioInbound(parseForm(new URLSearchParams(params).toString()))).toEqual([
      {
        from: USER,
        multimedia: { url: media[0]!.url, caption: "Broken on arrival", contentType: "image/jpeg" },
        externalId: sid,
      },
      { from: USER, multimedia: { url: media[1]!.url, contentType: "image/png" }, externalId: `${sid}/1` },
    ]);
  });

  it("ignores delivery status callbacks, answering them 200", async () => {
    const params = twilioStatusCallbackParams({
      accountSid: ACCOUNT_SID,
      from: NUMBER,
      to: USER,
      status: "delivered",
    });
    expect(parseTwilioInbound(parseForm(new URLSearchParams(params).toString()))).toEqual([]);
    const result = await adapterFor().receive(
      await inbound(twilioWebhookRequest(WEBHOOK_URL, params, AUTH_TOKEN)),
    );
    expect(result).toMatchObject({ kind: "ignored", reply: { status: 200 } });
  });

  it("ignores an empty SMS", () => {
    const params = twilioInboundParams({ accountSid: ACCOUNT_SID, from: USER, to: NUMBER, body: "  " });
    expect(parseTwilioInbound(parseForm(new URLSearchParams(params).toString()))).toEqual([]);
  });
});

describe("Twilio Messages API", () => {
  let twilio: FakeTwilio;
  beforeAll(async () => {
    twilio = await startFakeTwilio({ [ACCOUNT_SID]: AUTH_TOKEN });
  });
  afterAll(() => twilio.close());
  const adapter = () => adapterFor({ apiBaseUrl: twilio.url });

  it("sends a text as Twilio documents: POST Messages.json, Basic auth, form fields", async () => {
    const result = await adapter().send({ to: USER, text: "Your order is ready" });
    const request = twilio.requests.at(-1)!;
    expect(request.method).toBe("POST");
    expect(request.path).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
    expect(request.headers.authorization).toBe(
      `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString("base64")}`,
    );
    expect(request.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(request.form).toEqual({ To: [USER], From: [NUMBER], Body: ["Your order is ready"] });
    const created = twilio.created.at(-1)!;
    expect(created).toMatchObject({ status: "queued", direction: "outbound-api", to: USER, from: NUMBER });
    expect(result).toEqual({ ok: true, externalId: created.sid });
    expect(created.sid).toMatch(/^SM[0-9a-f]{32}$/);
  });

  it("sends media with MediaUrl and the caption as Body", async () => {
    const result = await adapter().send({
      to: USER,
      multimedia: { url: "https://cdn.example.com/receipt.png", caption: "Your receipt" },
    });
    expect(twilio.requests.at(-1)!.form).toEqual({
      To: [USER],
      From: [NUMBER],
      Body: ["Your receipt"],
      MediaUrl: ["https://cdn.example.com/receipt.png"],
    });
    expect(result).toMatchObject({ ok: true, externalId: matching(/^MM/) });
  });

  it("classifies Twilio's 4xx errors as permanent, keeping its code and message", async () => {
    expect(await adapter().send({ to: "12345", text: "x" })).toEqual({
      ok: false,
      error: {
        reason: "HTTP_STATUS",
        retryable: false,
        status: 400,
        providerCode: "21211",
        message: "Twilio answered 400 (error 21211): Invalid 'To' Phone Number: 12345",
      },
    });
    const wrongToken = await adapterFor({
      apiBaseUrl: twilio.url,
      authToken: "wrong-token-0000000000000000",
    }).send({ to: USER, text: "x" });
    expect(wrongToken).toMatchObject({
      ok: false,
      error: { retryable: false, status: 401, providerCode: "20003" },
    });
    expect(JSON.stringify(wrongToken)).not.toContain("wrong-token");
  });

  it("classifies 429 and 5xx as retryable, with Retry-After", async () => {
    twilio.respondNext(
      { ...twilioError(429, 20429, "Too Many Requests"), headers: { "retry-after": "7" } },
      twilioError(503, 20503, "Service Unavailable"),
      { status: 502, body: "<html>Bad Gateway</html>" },
    );
    expect(await adapter().send({ to: USER, text: "x" })).toMatchObject({
      ok: false,
      error: { retryable: true, status: 429, providerCode: "20429", retryAfterSeconds: 7 },
    });
    expect(await adapter().send({ to: USER, text: "x" })).toMatchObject({
      ok: false,
      error: { retryable: true, status: 503 },
    });
    expect(await adapter().send({ to: USER, text: "x" })).toMatchObject({
      ok: false,
      error: { retryable: true, status: 502, message: "Twilio answered 502: no error message" },
    });
  });

  it("classifies network failures and timeouts as retryable", async () => {
    twilio.respondNext({ status: 201, hangUp: true });
    expect(await adapter().send({ to: USER, text: "x" })).toMatchObject({
      ok: false,
      error: { reason: "NETWORK", retryable: true },
    });

    twilio.respondNext({ ...twilioError(500, 20500, "late"), delayMs: 500 });
    expect(
      await adapterFor({ apiBaseUrl: twilio.url, timeoutMs: 100 }).send({ to: USER, text: "x" }),
    ).toMatchObject({
      ok: false,
      error: { reason: "TIMEOUT", retryable: true },
    });

    const closed = await startFakeServer(() => ({ status: 200 }));
    await closed.close();
    expect(await adapterFor({ apiBaseUrl: closed.url }).send({ to: USER, text: "x" })).toMatchObject({
      ok: false,
      error: { reason: "NETWORK", retryable: true, message: containing("ECONNREFUSED") },
    });
  });

  it("refuses what cannot be sent without calling Twilio", async () => {
    const before = twilio.requests.length;
    expect(await adapter().send({ to: USER })).toMatchObject({
      ok: false,
      error: { reason: "INVALID", retryable: false },
    });
    expect(await adapter().send({ to: USER, text: "x".repeat(1601) })).toMatchObject({
      ok: false,
      error: { reason: "INVALID" },
    });
    expect(await adapter().send({ to: USER, multimedia: { url: "ftp://example.com/a.png" } })).toMatchObject({
      ok: false,
      error: { reason: "INVALID" },
    });
    expect(twilio.requests.length).toBe(before);
  });
});
