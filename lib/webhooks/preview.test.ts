import { describe, expect, it } from "vitest";

import { integrationFormValues, type IntegrationFormValues } from "@/lib/validation/integration";

import { previewRequest } from "./preview";

const ts = 1_780_000_000;
const values = (over: Partial<IntegrationFormValues> = {}): IntegrationFormValues => ({
  ...integrationFormValues(),
  alias: "Orders",
  url: "https://hooks.example.com/in?source=portal&from={{contact}}",
  params: [
    { key: "source", value: "portal", type: "TEXT" },
    { key: "from", value: "contact", type: "VARIABLE" },
  ],
  ...over,
});
const auth = (over: Partial<IntegrationFormValues["auth"]>): IntegrationFormValues["auth"] => ({
  type: "NONE",
  keyName: "",
  placement: "HEADER",
  username: "",
  secret: "",
  ...over,
});

function preview(over: Partial<IntegrationFormValues> = {}, integrationId: string | null = null) {
  const result = previewRequest(values(over), {
    integrationId,
    connection: { channel: "WHATSAPP", code: "+15550100002" },
    timestamp: ts,
  });
  if (!result.ok) throw new Error(result.message);
  return result;
}

describe("the wizard's live preview", () => {
  it("shows method, final URL with params, headers and the mapped JSON body of a sample MESSAGE", () => {
    const { request, curl, skippedRows } = preview(
      { body: [...integrationFormValues().body, { key: "customer.tags[]", value: "vip", type: "TEXT" }] },
      "7d0c6c8e-8d1e-4c36-9d0e-2f1d0c7b9a11",
    );
    expect(request.method).toBe("POST");
    expect(request.url).toBe("https://hooks.example.com/in?source=portal&from=%2B15551234567");
    expect(request.headers).toMatchObject({
      "content-type": "application/json",
      "webhook-id": "msg_preview",
      "webhook-timestamp": String(ts),
      "webhook-signature": "v1,••••••••",
    });
    expect(JSON.parse(request.body!)).toMatchObject({
      contact: "+15551234567",
      event: "MESSAGE",
      multimedia: { url: null, caption: null },
      customer: { tags: ["vip"] },
    });
    expect(curl).toMatch(/^curl -X POST 'https:\/\/hooks\.example\.com\/in\?source=portal/);
    expect(skippedRows).toBe(0);
  });

  it.each<[string, IntegrationFormValues["auth"], (r: ReturnType<typeof preview>["request"]) => void]>([
    [
      "API Key header",
      auth({ type: "API_KEY", keyName: "X-Api-Key", secret: "sk_live_123456789" }),
      (r) => expect(r.headers["x-api-key"]).toBe("••••••••6789"),
    ],
    [
      "API Key query",
      auth({ type: "API_KEY", keyName: "key", placement: "QUERY", secret: "sk_live_123456789" }),
      (r) => expect(new URL(r.url).searchParams.get("key")).toBe("••••••••6789"),
    ],
    [
      "Basic",
      auth({ type: "BASIC", username: "ada", secret: "pw" }),
      (r) => expect(r.headers.authorization).toMatch(/^Basic [^=]*••••/),
    ],
    [
      "Bearer Token kept from before (empty field)",
      auth({ type: "BEARER" }),
      (r) => expect(r.headers.authorization).toBe("Bearer ••••••••"),
    ],
  ])("masks the %s secret", (_name, a, check) => {
    const { request, curl } = preview({ auth: a });
    check(request);
    expect(curl).not.toContain("sk_live_123456789");
  });

  it("on Edit, previews the stored secret (already masked) while the secret field is empty", () => {
    const result = previewRequest(values({ auth: auth({ type: "BEARER" }) }), {
      integrationId: null,
      timestamp: ts,
      storedSecret: "••••••••ab56",
    });
    expect(result.ok && result.request.headers.authorization).toBe("Bearer ••••••••ab56");
  });

  it("uses the alias, id and first connection as the sample event's values", () => {
    const { request } = preview(
      {
        body: [
          { key: "who", value: "alias", type: "VARIABLE" },
          { key: "id", value: "integrationId", type: "VARIABLE" },
          { key: "via", value: "channel", type: "VARIABLE" },
          { key: "to", value: "connectionCode", type: "VARIABLE" },
        ],
      },
      "7d0c6c8e-8d1e-4c36-9d0e-2f1d0c7b9a11",
    );
    expect(JSON.parse(request.body!)).toEqual({
      who: "Orders",
      id: "7d0c6c8e-8d1e-4c36-9d0e-2f1d0c7b9a11",
      via: "WHATSAPP",
      to: "+15550100002",
    });
  });

  it("sends GET body fields in the query string and has no body", () => {
    const { request } = preview({ method: "GET", body: [{ key: "text", value: "text", type: "VARIABLE" }] });
    expect(request.body).toBeNull();
    expect(new URL(request.url).searchParams.get("text")).toBe("Hi! Where is my order #1042?");
  });

  it("leaves out half-typed and invalid rows, and says how many", () => {
    const { request, skippedRows } = preview({
      params: [{ key: "", value: "x", type: "TEXT" }],
      url: "https://hooks.example.com/in",
      headers: [
        { key: "X-Ok", value: "1", type: "TEXT" },
        { key: "Bad Header", value: "2", type: "TEXT" },
        { key: "", value: "3", type: "TEXT" },
      ],
      body: [
        { key: "a", value: "1", type: "TEXT" },
        { key: "a.b", value: "2", type: "TEXT" },
      ],
    });
    expect(request.url).toBe("https://hooks.example.com/in");
    expect(request.headers["x-ok"]).toBe("1");
    expect(Object.keys(request.headers)).not.toContain("bad header");
    expect(JSON.parse(request.body!)).toEqual({ a: "1" });
    expect(skippedRows).toBe(2);
  });

  it("shows the form's message for a URL the form refuses, instead of a request", () => {
    expect(previewRequest(values({ url: "not a url" }), { integrationId: null, timestamp: ts })).toEqual({
      ok: false,
      message: "Enter an absolute URL, like https://your-domain/your-path",
    });
    expect(
      previewRequest(values({ url: "ftp://example.com/in" }), { integrationId: null, timestamp: ts }),
    ).toEqual({
      ok: false,
      message: "The URL must start with https://",
    });
  });
});
