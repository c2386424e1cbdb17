// The fuzz classes that the framework decides before any route code runs, sent over real HTTP to the
// built app: malformed %-escapes in path segments, Content-Types that are not JSON, bodies of a few MB
// (with and without Content-Length), text that is not JSON, malformed query strings, wrong methods.
// API routes must answer a JSON error (400 for a path that cannot be decoded); pages the not-found page;
// nothing a 5xx. Each test collects every violation, so one run lists them all. The in-process
// properties (every field of every route and action) are in the Vitest fuzz files.
import http from "node:http";

import { expect, test } from "@playwright/test";
import fc from "fast-check";

import { createApiKey } from "@/lib/data/api-keys";
import { createConnection, setConnectionProvider } from "@/lib/data/connections";
import {
  INVALID_ESCAPES,
  isJsonError,
  MALFORMED_PATH_SEGMENTS,
  malformedQuery,
  OUT_OF_RANGE_ISO,
  OVERSIZED_BODY_BYTES,
  paddedJson,
  readAnswer,
  WRONG_CONTENT_TYPES,
  describeAnswer,
  type Answer,
} from "@/lib/testing/fuzz";
import { createTestConnection, createTestIntegration } from "@/lib/testing/integrations";
import { ingestInbound } from "@/lib/webhooks/ingest";

import { signInAsNewAccount, snap } from "./helpers";

const PORT = Number(process.env.E2E_PORT ?? 3211);

interface Send {
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Send the body in chunks without a Content-Length, as a streaming client does. */
  chunked?: boolean;
}

/** One request with the path exactly as given (no URL normalisation), to the app on localhost. */
function send(
  method: string,
  path: string,
  { headers = {}, body, chunked = false }: Send = {},
): Promise<Answer & { cookies: string[] }> {
  return new Promise((resolve, reject) => {
    const payload = typeof body === "string" ? Buffer.from(body) : body;
    const req = http.request(
      {
        host: "localhost",
        port: PORT,
        // A connection of its own: a kept-alive one that the server closes as it goes idle (its keep-alive
        // timeout) would fail the next request with ECONNRESET, which is the race, not the app.
        agent: false,
        method,
        path,
        headers: {
          ...headers,
          ...(payload && !chunked ? { "content-length": String(payload.length) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const headersOut = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === "string") headersOut.set(k, v);
          const cookies = (res.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]!);
          void readAnswer({
            status: res.statusCode ?? 0,
            headers: headersOut,
            text: async () => Buffer.concat(chunks).toString("utf8"),
          }).then((answer) => resolve({ ...answer, cookies }), reject);
        });
      },
    );
    // A server that answers early (413) may close before the whole body is written: that is fine.
    req.on("error", (err: NodeJS.ErrnoException) =>
      err.code === "EPIPE" || err.code === "ECONNRESET"
        ? resolve({
            status: 0,
            contentType: "",
            text: `connection closed: ${err.code}`,
            json: null,
            cookies: [],
          })
        : reject(err),
    );
    if (payload && chunked) {
      for (let i = 0; i < payload.length; i += 64 * 1024) req.write(payload.subarray(i, i + 64 * 1024));
      req.end();
    } else {
      req.end(payload);
    }
  });
}

/** Collects what broke the property, to report every case of a test at once. */
function violations() {
  const list: string[] = [];
  return {
    list,
    check(ok: boolean, what: string, answer: Answer) {
      if (!ok) list.push(`${what} → ${describeAnswer(answer)}`);
    },
  };
}

const json = { "content-type": "application/json" };

test.describe("framework-level fuzz classes over HTTP", () => {
  let key: string;
  let connectionId: string;
  let integrationId: string;
  let chatId: string;
  let twilioId: string;
  let whatsappId: string;
  let cookie: string;

  test.beforeAll(async ({ browser }) => {
    const page = await browser.newPage();
    const user = await signInAsNewAccount(page, "Fuzz HTTP");
    cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    await page.close();
    key = (await createApiKey(user.accountId, "fuzz")).key;
    const connection = await createTestConnection(user.accountId);
    connectionId = connection.id;
    integrationId = (
      await createTestIntegration(user.accountId, {
        url: "https://receiver.example.com/hook",
        status: "INACTIVE",
        connectionIds: [connection.id],
      })
    ).integration.id;
    chatId = (await ingestInbound({ connectionId, from: "+15550109000", text: "hello" })).chatId;
    // Provider connections whose secrets the fuzz never signs with: only the framework's answer counts.
    const sms = await createConnection(user.accountId, { channel: "SMS", code: "+15550109001" });
    await setConnectionProvider(user.accountId, sms.id, {
      provider: "TWILIO",
      accountSid: `AC${"0123456789abcdef".repeat(2)}`,
      authToken: "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
    });
    twilioId = sms.id;
    const wa = await createConnection(user.accountId, { channel: "WHATSAPP", code: "+15550109002" });
    await setConnectionProvider(user.accountId, wa.id, {
      provider: "WHATSAPP_CLOUD",
      phoneNumberId: "106540352242922",
      accessToken: "EAAJBaccess0123456789abcdef",
      appSecret: "app-secret-0123456789",
      verifyToken: "verify-token-1",
    });
    whatsappId = wa.id;
  });

  const bearer = () => ({ authorization: `Bearer ${key}` });
  const session = () => ({ cookie, origin: `http://localhost:${PORT}` });

  /** Every API route with one path segment replaced by `seg`, and how it authenticates. */
  const apiRoutes = (seg: string) => [
    { method: "GET", path: `/api/v1/integrations/${seg}/chats`, headers: bearer() },
    { method: "GET", path: `/api/v1/integrations/${seg}/deliveries`, headers: bearer() },
    {
      method: "POST",
      path: `/api/v1/integrations/${seg}/messages`,
      headers: { ...bearer(), ...json },
      body: `{"chatId":"${chatId}","text":"x"}`,
    },
    { method: "POST", path: `/api/v1/integrations/${integrationId}/chats/${seg}/close`, headers: bearer() },
    { method: "POST", path: `/api/v1/integrations/${seg}/chats/${chatId}/close`, headers: bearer() },
    {
      method: "POST",
      path: `/api/v1/connections/${seg}/inbound`,
      headers: { ...bearer(), ...json },
      body: '{"from":"+15550109999","text":"x"}',
    },
    {
      method: "POST",
      path: `/api/channels/twilio/${seg}`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "Body=x&From=%2B15550109999",
    },
    {
      method: "GET",
      path: `/api/channels/whatsapp/${seg}?hub.mode=subscribe&hub.challenge=1&hub.verify_token=x`,
    },
    { method: "POST", path: `/api/channels/whatsapp/${seg}`, headers: json, body: "{}" },
    { method: "GET", path: `/api/portal/chats/${seg}`, headers: session() },
    { method: "GET", path: `/api/portal/deliveries/${seg}`, headers: session() },
    { method: "GET", path: `/api/portal/integrations/${seg}/deliveries`, headers: session() },
    { method: "GET", path: `/api/portal/integrations/${seg}/deliveries/stats`, headers: session() },
  ];

  test("a path segment with an invalid %-escape: API routes answer 400 with a JSON error", async () => {
    const found = violations();
    for (const seg of INVALID_ESCAPES) {
      for (const route of apiRoutes(seg)) {
        const answer = await send(route.method, route.path, route);
        found.check(answer.status === 400 && isJsonError(answer), `${route.method} ${route.path}`, answer);
      }
    }
    expect(found.list, "every API route answers 400 JSON to a path it cannot decode").toEqual([]);
  });

  test("a path segment that decodes to nothing real (%00, %2F, overlong): a 4xx, JSON on v1 and portal routes", async () => {
    const found = violations();
    for (const seg of MALFORMED_PATH_SEGMENTS.filter(
      (s) => !(INVALID_ESCAPES as readonly string[]).includes(s),
    )) {
      for (const route of apiRoutes(seg)) {
        const answer = await send(route.method, route.path, route);
        const provider = route.path.startsWith("/api/channels/");
        found.check(
          answer.status >= 400 && answer.status < 500 && (provider || isJsonError(answer)),
          `${route.method} ${route.path.slice(0, 120)}`,
          answer,
        );
      }
    }
    expect(found.list, "every API route answers a 4xx (JSON outside the provider webhooks)").toEqual([]);
  });

  test("pages whose path cannot be decoded or names nothing show the not-found page", async ({ browser }) => {
    const found = violations();
    const templates = [
      (s: string) => `/integrations/${s}/edit`,
      (s: string) => `/integrations/${s}/deliveries`,
      (s: string) => `/campaigns/${s}`,
      (s: string) => `/campaigns/${s}/edit`,
      (s: string) => `/connections/${s}`,
      (s: string) => `/${s}`,
      (s: string) => `/settings/${s}`,
    ];
    for (const seg of MALFORMED_PATH_SEGMENTS) {
      for (const template of templates) {
        const path = template(seg);
        const answer = await send("GET", path, { headers: { cookie } });
        found.check(
          answer.status === 404 && answer.text.includes("Page not found"),
          `GET ${path.slice(0, 120)}`,
          answer,
        );
      }
    }
    // And as a person sees it.
    const page = await browser.newPage();
    await page.context().addCookies(
      cookie.split("; ").map((c) => {
        const [name, ...value] = c.split("=");
        return { name: name!, value: value.join("="), domain: "localhost", path: "/" };
      }),
    );
    const response = await page.goto("/integrations/%FF/edit");
    await snap(page, "fuzz-malformed-path");
    found.check(
      response?.status() === 404 &&
        (await page.getByRole("heading", { name: "Page not found" }).count()) === 1,
      "the browser at /integrations/%FF/edit",
      {
        status: response?.status() ?? 0,
        contentType: "",
        text: (await page.textContent("body"))?.slice(0, 200) ?? "",
        json: null,
      },
    );
    await page.close();
    expect(found.list, "every malformed page address shows the not-found page").toEqual([]);
  });

  test("pages with malformed or out-of-range query parameters still render (never a 5xx)", async () => {
    const found = violations();
    const queries = [
      ...OUT_OF_RANGE_ISO.flatMap((d) => [`from=${encodeURIComponent(d)}`, `to=${encodeURIComponent(d)}`]),
      "from=-1",
      "from=10000",
      "to=-271821",
      "from=%FF",
      "contact=%5C%00%5C",
      "contact=%ED%A0%80",
      "chat=%00",
      "status=%FF&event=%",
      "range=%E0%A4%A",
    ];
    const pages = [
      `/integrations/${integrationId}/deliveries`,
      "/chats",
      "/integrations",
      "/login",
      "/campaigns",
    ];
    for (const path of pages) {
      for (const query of [...queries, "status=%FF&chat=%00&tab=%FF&saved=%00&callbackUrl=%FF"]) {
        const answer = await send("GET", `${path}?${query}`, { headers: { cookie } });
        found.check(answer.status > 0 && answer.status < 500, `GET ${path}?${query}`, answer);
      }
    }
    expect(found.list, "no page answers a 5xx to its query string").toEqual([]);
  });

  test("v1 POSTs with an API key and a Content-Type that is not JSON: 415 with a JSON error", async () => {
    const found = violations();
    const posts = [
      { path: `/api/v1/connections/${connectionId}/inbound`, body: '{"from":"+15550109998","text":"typed"}' },
      {
        path: `/api/v1/integrations/${integrationId}/messages`,
        body: `{"chatId":"${chatId}","text":"typed"}`,
      },
    ];
    for (const { path, body } of posts) {
      for (const type of WRONG_CONTENT_TYPES) {
        const answer = await send("POST", path, {
          headers: { ...bearer(), ...(type !== undefined ? { "content-type": type } : {}) },
          body,
        });
        found.check(
          answer.status === 415 && isJsonError(answer),
          `POST ${path} Content-Type: ${String(type)}`,
          answer,
        );
      }
    }
    expect(found.list).toEqual([]);
  });

  test("bodies of a few MB, with and without Content-Length: 413 (JSON on v1), never read whole", async () => {
    const found = violations();
    const targets = [
      {
        path: `/api/v1/connections/${connectionId}/inbound`,
        headers: { ...bearer(), ...json },
        fields: { from: "+15550109997", text: "big" },
        jsonError: true,
      },
      {
        path: `/api/v1/integrations/${integrationId}/messages`,
        headers: { ...bearer(), ...json },
        fields: { chatId, text: "big" },
        jsonError: true,
      },
      {
        path: `/api/channels/twilio/${twilioId}`,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        fields: null,
        jsonError: false,
      },
      { path: `/api/channels/whatsapp/${whatsappId}`, headers: json, fields: {}, jsonError: false },
    ];
    // The smaller size with its Content-Length, the larger streamed without one.
    const [small, large] = OVERSIZED_BODY_BYTES;
    for (const target of targets) {
      for (const [bytes, chunked] of [
        [small, false],
        [large, true],
      ] as const) {
        const body = target.fields ? paddedJson(target.fields, bytes) : `Body=${"x".repeat(bytes)}`;
        const answer = await send("POST", target.path, { headers: target.headers, body, chunked });
        // A server may also close the connection after answering 413 before the body is in.
        found.check(
          (answer.status === 413 && (!target.jsonError || isJsonError(answer))) || answer.status === 0,
          `POST ${target.path} ${bytes} bytes${chunked ? " chunked" : ""}`,
          answer,
        );
      }
    }
    expect(found.list).toEqual([]);
  });

  test("text that is not JSON on v1 POSTs: 400 with a JSON error", async () => {
    const found = violations();
    const bodies = [
      "",
      "{",
      '{"from":',
      "\u0000",
      "\ufeff{}",
      "[1,]",
      "{}{}",
      '{"a":NaN}',
      Buffer.from([0xff, 0xfe, 0x7b]),
    ];
    for (const path of [
      `/api/v1/connections/${connectionId}/inbound`,
      `/api/v1/integrations/${integrationId}/messages`,
    ]) {
      for (const body of bodies) {
        const answer = await send("POST", path, { headers: { ...bearer(), ...json }, body });
        found.check(
          answer.status === 400 && isJsonError(answer),
          `POST ${path} body ${JSON.stringify(body.toString())}`,
          answer,
        );
      }
    }
    expect(found.list).toEqual([]);
  });

  test("malformed query strings on GET API routes: 200 or a 4xx JSON error, never a 5xx", async () => {
    const found = violations();
    const gets = [
      {
        path: `/api/v1/integrations/${integrationId}/chats`,
        headers: bearer(),
        keys: ["status", "cursor", "limit"],
      },
      {
        path: `/api/v1/integrations/${integrationId}/deliveries`,
        headers: bearer(),
        keys: ["status", "event", "chatId", "cursor", "limit"],
      },
      { path: "/api/portal/chats", headers: session(), keys: ["status", "order", "cursor", "limit"] },
      {
        path: `/api/portal/integrations/${integrationId}/deliveries`,
        headers: session(),
        keys: ["status", "event", "chatId", "contact", "from", "to", "includeTests", "cursor", "limit"],
      },
      {
        path: `/api/portal/integrations/${integrationId}/deliveries/stats`,
        headers: session(),
        keys: ["minutes"],
      },
      { path: "/api/v1/openapi.json", headers: {}, keys: ["a"] },
      { path: "/api/health", headers: {}, keys: ["a"] },
    ];
    for (const { path, headers, keys } of gets) {
      for (const query of fc.sample(malformedQuery(keys), { numRuns: 12, seed: 10 })) {
        const answer = await send("GET", `${path}?${query}`, { headers });
        found.check(
          answer.status < 500 && (answer.status < 400 || isJsonError(answer)),
          `GET ${path}?${query.slice(0, 100)}`,
          answer,
        );
      }
    }
    expect(found.list).toEqual([]);
  });

  test("a method a route does not have: 405, never a 5xx", async () => {
    const found = violations();
    const routes = [
      `/api/v1/connections/${connectionId}/inbound`,
      `/api/v1/integrations/${integrationId}/chats`,
      `/api/channels/twilio/${twilioId}`,
      "/api/portal/chats",
      "/api/health",
    ];
    for (const path of routes) {
      for (const method of ["PUT", "PATCH", "DELETE"]) {
        const answer = await send(method, path, { headers: { ...bearer(), ...json }, body: "{}" });
        found.check(answer.status === 405, `${method} ${path}`, answer);
      }
    }
    expect(found.list).toEqual([]);
  });

  test("server-action requests with a junk action id or body, and sign-in with junk credentials: never a 5xx", async () => {
    const found = violations();
    for (const [action, body] of [
      ["0000000000000000000000000000000000000000", "[]"],
      ["%FF", "[]"],
      ["x".repeat(500), '[{"__proto__":{"polluted":1}}]'],
      ["7f5d", "not json"],
    ] as const) {
      const answer = await send("POST", "/integrations", {
        headers: {
          cookie,
          "next-action": action,
          "content-type": "text/plain;charset=UTF-8",
          accept: "text/x-component",
        },
        body,
      });
      found.check(
        answer.status > 0 && answer.status < 500,
        `POST /integrations Next-Action: ${action.slice(0, 40)}`,
        answer,
      );
    }
    // Auth.js checks its CSRF token (cookie and field) before it reads the credentials.
    const csrf = await send("GET", "/api/auth/csrf");
    const token = (csrf.json as { csrfToken?: string } | null)?.csrfToken ?? "";
    for (const email of ["%00", "a%00@example.com", "%ED%A0%80@example.com", "x".repeat(5_000)]) {
      const answer = await send("POST", "/api/auth/callback/credentials", {
        headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrf.cookies.join("; ") },
        body: `csrfToken=${encodeURIComponent(token)}&email=${email}&password=%00`,
      });
      found.check(
        answer.status > 0 && answer.status < 500,
        `POST /api/auth/callback/credentials email=${email.slice(0, 40)}`,
        answer,
      );
    }
    expect(found.list).toEqual([]);
  });
});
