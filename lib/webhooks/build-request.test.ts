import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";

import type { AuthConfig, FieldRow } from "@/lib/validation/integration-fields";

import { buildRequest, toCurl } from "./build-request";
import { sampleEvent } from "./sample-event";
import { generateSigningSecret, signatureHeader } from "./sign";
import type { WebhookConfig } from "./types";

const secret = generateSigningSecret();
const sign = (id: string, ts: number, body: string) => signatureHeader([secret], id, ts, body);
const vars = sampleEvent({ deliveryId: "d-123", contact: "+15550001111", text: "Hi & bye" });
const ts = 1_780_000_000;

const config = (over: Partial<WebhookConfig> = {}): WebhookConfig => ({
  method: "POST",
  url: "https://hooks.example.com/in",
  params: [],
  headers: [],
  body: [
    { key: "chatId", value: "chatId", type: "VARIABLE" },
    { key: "text", value: "text", type: "VARIABLE" },
  ],
  auth: { type: "NONE" },
  ...over,
});

const build = (over: Partial<WebhookConfig>, authSecret: string | null = null) =>
  buildRequest(config(over), vars, { authSecret, sign }, { timestamp: ts });

describe("buildRequest", () => {
  it("sends Params as Text and Variable values", () => {
    const params: FieldRow[] = [
      { key: "source", value: "portal", type: "TEXT" },
      { key: "from", value: "contact", type: "VARIABLE" },
    ];
    expect(build({ params }).url).toBe("https://hooks.example.com/in?source=portal&from=%2B15550001111");
  });

  it.each<[string, AuthConfig, string, Record<string, string> | null, string | null]>([
    ["No Authentication", { type: "NONE" }, "", null, null],
    [
      "API Key in a header",
      { type: "API_KEY", keyName: "X-Api-Key", placement: "HEADER" },
      "k-1",
      { "x-api-key": "k-1" },
      null,
    ],
    [
      "API Key in the query",
      { type: "API_KEY", keyName: "api_key", placement: "QUERY" },
      "k-2",
      null,
      "api_key=k-2",
    ],
    [
      "Basic",
      { type: "BASIC", username: "ada" },
      "pässword",
      { authorization: `Basic ${Buffer.from("ada:pässword").toString("base64")}` },
      null,
    ],
    ["Bearer Token", { type: "BEARER" }, "tok", { authorization: "Bearer tok" }, null],
  ])("auth: %s", (_name, auth, authSecret, headers, query) => {
    const request = build({ auth }, authSecret);
    if (headers) expect(request.headers).toMatchObject(headers);
    else expect(request.headers.authorization).toBeUndefined();
    if (query) expect(new URL(request.url).search).toBe(`?${query}`);
    else expect(new URL(request.url).search).toBe("");
  });

  it("adds custom headers (Text and Variable) beside the defaults", () => {
    const headers: FieldRow[] = [
      { key: "X-Tenant", value: "acme", type: "TEXT" },
      { key: "X-Chat", value: "chatId", type: "VARIABLE" },
    ];
    const request = build({ headers });
    expect(request.headers).toMatchObject({
      "content-type": "application/json",
      "x-tenant": "acme",
      "x-chat": vars.chatId,
      "webhook-id": "d-123",
      "webhook-timestamp": String(ts),
    });
  });

  it("builds the JSON body from the mapping, nested keys included", () => {
    const body: FieldRow[] = [
      { key: "event", value: "event", type: "VARIABLE" },
      { key: "multimedia.url", value: "multimediaUrl", type: "VARIABLE" },
      { key: "meta.tags[]", value: "vip", type: "TEXT" },
    ];
    expect(JSON.parse(build({ body }).body!)).toEqual({
      event: "MESSAGE",
      multimedia: { url: null },
      meta: { tags: ["vip"] },
    });
  });

  it.each(["GET", "DELETE"] as const)("%s sends body fields in the query and no body", (method) => {
    const request = build({ method, params: [{ key: "p", value: "1", type: "TEXT" }] });
    expect(request.body).toBeNull();
    expect(request.headers["content-type"]).toBeUndefined();
    expect(request.url).toBe(`https://hooks.example.com/in?p=1&chatId=${vars.chatId}&text=Hi+%26+bye`);
  });

  it("signs so that a Standard Webhooks receiver verifies it", () => {
    const request = buildRequest(config(), vars, { authSecret: null, sign });
    const verified = new Webhook(secret).verify(request.body!, {
      "webhook-id": request.headers["webhook-id"]!,
      "webhook-timestamp": request.headers["webhook-timestamp"]!,
      "webhook-signature": request.headers["webhook-signature"]!,
    });
    expect(verified).toEqual({ chatId: vars.chatId, text: "Hi & bye" });
  });

  it("signs with both secrets during a rotation", () => {
    const old = generateSigningSecret();
    const header = signatureHeader([secret, old], "id", ts, "{}");
    expect(header.split(" ")).toHaveLength(2);
    for (const s of [secret, old]) {
      expect(header).toContain(signatureHeader([s], "id", ts, "{}"));
    }
  });

  it("masks every secret in previews", () => {
    const request = buildRequest(
      config({ auth: { type: "API_KEY", keyName: "api_key", placement: "QUERY" } }),
      vars,
      { authSecret: "super-secret-key-value" },
      { mask: true, timestamp: ts },
    );
    expect(request.url).not.toContain("super-secret");
    expect(request.headers["webhook-signature"]).toBe("v1,••••••••");
    const bearer = buildRequest(
      config({ auth: { type: "BEARER" } }),
      vars,
      { authSecret: "tok-abcdefghij" },
      { mask: true },
    );
    expect(bearer.headers.authorization).not.toContain("tok-abcdefghij");
  });

  it("prints a curl command", () => {
    const curl = toCurl(build({}));
    expect(curl).toContain("curl -X POST 'https://hooks.example.com/in'");
    expect(curl).toContain("-H 'content-type: application/json'");
    expect(curl).toContain(`--data '{"chatId":"${vars.chatId}","text":"Hi & bye"}'`);
  });
});
