import { describe, expect, it } from "vitest";

import {
  authConfigFromForm,
  DEFAULT_BODY_ROWS,
  integrationFormValues,
  integrationSchema,
  type IntegrationFormValues,
} from "./integration";

const valid = (over: Partial<IntegrationFormValues> = {}): IntegrationFormValues => ({
  ...integrationFormValues(),
  alias: "Orders webhook",
  url: "https://hooks.example.com/in?source=portal",
  params: [{ key: "source", value: "portal", type: "TEXT" }],
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

/** `{ "path": "first message" }` of a failed parse, or {} when it passed. */
function errorsOf(values: IntegrationFormValues, options?: Parameters<typeof integrationSchema>[0]) {
  const result = integrationSchema(options).safeParse(values);
  const out: Record<string, string> = {};
  for (const issue of result.error?.issues ?? []) out[issue.path.join(".")] ??= issue.message;
  return out;
}

describe("integration schema", () => {
  it("accepts a complete Custom Webhook and stores the URL without its query", () => {
    const parsed = integrationSchema().parse(
      valid({ auth: auth({ type: "BEARER", secret: "tok" }), connectionIds: [crypto.randomUUID()] }),
    );
    expect(parsed.url).toBe("https://hooks.example.com/in");
    expect(parsed.params).toEqual([{ key: "source", value: "portal", type: "TEXT" }]);
    expect(parsed.auth).toEqual({ type: "BEARER" });
    expect(parsed.authSecret).toBe("tok");
    expect(parsed.body).toEqual(DEFAULT_BODY_ROWS);
  });

  it.each<[string, Partial<IntegrationFormValues>, string, RegExp]>([
    ["empty alias", { alias: "  " }, "alias", /Enter an alias/],
    ["alias over 80 characters", { alias: "x".repeat(81) }, "alias", /At most 80/],
    ["no URL", { url: "" }, "url", /Enter the URL/],
    ["relative URL", { url: "/hooks/in" }, "url", /absolute URL/],
    ["ftp URL", { url: "ftp://example.com/in" }, "url", /must start with https/],
    ["credentials in the URL", { url: "https://ada:pw@example.com/in" }, "url", /Auth tab/],
    ["unknown method", { method: "PATCH" as "POST" }, "method", /POST, GET, PUT or DELETE/],
    [
      "header name with a space",
      { headers: [{ key: "Bad Header", value: "x", type: "TEXT" }] },
      "headers.0.key",
      /header name may only use/,
    ],
    [
      "header overriding Content-Type",
      { headers: [{ key: "content-type", value: "text/plain", type: "TEXT" }] },
      "headers.0.key",
      /set by the platform/,
    ],
    [
      "header overriding the signature",
      { headers: [{ key: "Webhook-Signature", value: "x", type: "TEXT" }] },
      "headers.0.key",
      /set by the platform/,
    ],
    [
      "header the Auth tab sets",
      {
        headers: [{ key: "Authorization", value: "x", type: "TEXT" }],
        auth: auth({ type: "BEARER", secret: "t" }),
      },
      "headers.0.key",
      /set by the Auth tab/,
    ],
    [
      "duplicate header",
      {
        headers: [
          { key: "X-Tenant", value: "a", type: "TEXT" },
          { key: "x-tenant", value: "b", type: "TEXT" },
        ],
      },
      "headers.1.key",
      /already set in another row/,
    ],
    [
      "malformed body key",
      { body: [{ key: "customer..name", value: "x", type: "TEXT" }] },
      "body.0.key",
      /dots for nesting/,
    ],
    [
      "conflicting body keys",
      {
        body: [
          { key: "a", value: "1", type: "TEXT" },
          { key: "a.b", value: "2", type: "TEXT" },
        ],
      },
      "body.1.key",
      /conflicts with "a"/,
    ],
    [
      "a body key added twice",
      { body: [...DEFAULT_BODY_ROWS, { key: "chatId", value: "chatId", type: "VARIABLE" }] },
      `body.${DEFAULT_BODY_ROWS.length}.key`,
      /^"chatId" is a duplicate key/,
    ],
    [
      "unknown variable",
      { params: [{ key: "from", value: "phone", type: "VARIABLE" }], url: "https://example.com/in" },
      "params.0.value",
      /event variables/,
    ],
    [
      "empty param key",
      { params: [{ key: "", value: "x", type: "TEXT" }] },
      "params.0.key",
      /Key is required/,
    ],
    ["API key without a name", { auth: auth({ type: "API_KEY", secret: "k" }) }, "auth.keyName", /key name/],
    [
      "API key header name with a space",
      { auth: auth({ type: "API_KEY", keyName: "X Api", secret: "k" }) },
      "auth.keyName",
      /header name/,
    ],
    [
      "API key in the reserved Host header",
      { auth: auth({ type: "API_KEY", keyName: "Host", secret: "k" }) },
      "auth.keyName",
      /set by the platform/,
    ],
    [
      "API key without a value",
      { auth: auth({ type: "API_KEY", keyName: "X-Key" }) },
      "auth.secret",
      /Enter the value/,
    ],
    ["Basic without username", { auth: auth({ type: "BASIC", secret: "pw" }) }, "auth.username", /username/],
    [
      "Basic username with a colon",
      { auth: auth({ type: "BASIC", username: "a:b", secret: "pw" }) },
      "auth.username",
      /“:”/,
    ],
    [
      "Basic without password",
      { auth: auth({ type: "BASIC", username: "ada" }) },
      "auth.secret",
      /Enter the password/,
    ],
    ["Bearer without token", { auth: auth({ type: "BEARER" }) }, "auth.secret", /Enter the token/],
    [
      "the same connection twice",
      { connectionIds: ["5b0b7a51-7c1e-4c3a-9a7e-6c3a1f7e2b10", "5b0b7a51-7c1e-4c3a-9a7e-6c3a1f7e2b10"] },
      "connectionIds",
      /listed twice/,
    ],
  ])("refuses %s", (_name, over, path, message) => {
    expect(errorsOf(valid(over))[path]).toMatch(message);
  });

  it.each([
    ["1.5", /whole number/],
    ["-3", /whole number/],
    ["fast", /whole number/],
    ["0", /from 1 to 10,000/],
    ["10001", /from 1 to 10,000/],
  ])("refuses a maximum delivery rate of %s", (typed, message) => {
    expect(errorsOf(valid({ maxRatePerSecond: typed })).maxRatePerSecond).toMatch(message);
  });

  it("stores the maximum delivery rate as a number, and empty as unlimited", () => {
    expect(integrationSchema().parse(valid({ maxRatePerSecond: " 40 " })).maxRatePerSecond).toBe(40);
    expect(integrationSchema().parse(valid({ maxRatePerSecond: "" })).maxRatePerSecond).toBeNull();
  });

  it("needs https unless insecure URLs are allowed", () => {
    const values = valid({ url: "http://localhost:4000/in" });
    expect(errorsOf(values).url).toMatch(/Use https/);
    expect(errorsOf(values, { allowInsecureUrls: true })).toEqual({});
    // Where http is allowed, the message about other schemes says so.
    expect(errorsOf(valid({ url: "ftp://example.com/in" }), { allowInsecureUrls: true }).url).toBe(
      "The URL must start with https:// or http://",
    );
  });

  it("keeps a stored secret on Edit only for the same auth type", () => {
    const bearer = valid({ auth: auth({ type: "BEARER" }) });
    expect(errorsOf(bearer, { storedAuthType: "BEARER" })).toEqual({});
    expect(integrationSchema({ storedAuthType: "BEARER" }).parse(bearer).authSecret).toBeUndefined();
    expect(errorsOf(bearer, { storedAuthType: "API_KEY" })["auth.secret"]).toMatch(/Enter the token/);
  });

  it.each<[IntegrationFormValues["auth"], ReturnType<typeof authConfigFromForm>]>([
    [auth({ type: "NONE", keyName: "ignored", secret: "ignored" }), { type: "NONE" }],
    [
      auth({ type: "API_KEY", keyName: " X-Key ", placement: "QUERY" }),
      { type: "API_KEY", keyName: "X-Key", placement: "QUERY" },
    ],
    [auth({ type: "BASIC", username: "ada", keyName: "ignored" }), { type: "BASIC", username: "ada" }],
    [auth({ type: "BEARER", username: "ignored" }), { type: "BEARER" }],
  ])("authConfigFromForm stores only the chosen type's non-secret parts (%#)", (form, stored) => {
    expect(authConfigFromForm(form)).toEqual(stored);
  });

  it("turns a stored integration back into the wizard's values, URL with its params", () => {
    const values = integrationFormValues({
      alias: "Orders",
      method: "PUT",
      url: "https://example.com/in",
      params: [
        { key: "source", value: "portal", type: "TEXT" },
        { key: "from", value: "contact", type: "VARIABLE" },
      ],
      headers: [],
      body: [],
      auth: { type: "API_KEY", keyName: "api_key", placement: "QUERY" },
      connectionIds: [],
      maxRatePerSecond: 25,
    });
    expect(values.url).toBe("https://example.com/in?source=portal&from={{contact}}");
    expect(values.maxRatePerSecond).toBe("25");
    expect(values.auth).toEqual(auth({ type: "API_KEY", keyName: "api_key", placement: "QUERY" }));
  });

  it("starts a new integration with the spec's predefined Body fields and no auth", () => {
    const values = integrationFormValues();
    expect(values.body.map((r) => r.key)).toEqual([
      "chatId",
      "contact",
      "event",
      "text",
      "multimedia.url",
      "multimedia.caption",
    ]);
    expect(values.auth.type).toBe("NONE");
    // A fresh copy each time, so one form's edits never leak into the next.
    expect(values.body).not.toBe(DEFAULT_BODY_ROWS);
  });
});
