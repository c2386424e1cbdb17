import { describe, expect, it, vi } from "vitest";
import { z } from "zod";

import { createApiKey } from "@/lib/data/api-keys";
import { createTestAccount } from "@/lib/testing/accounts";

import { apiRoute } from "./handler";

// A signed-in portal user (the browser's session cookie), without a Next.js request around the test.
const session = vi.hoisted(() => ({ accountId: "" }));
vi.mock("@/lib/auth", () => ({ auth: async () => ({ user: { accountId: session.accountId } }) }));

const route = apiRoute(
  { auth: "apiKeyOrSession", body: z.object({ text: z.string() }) },
  async ({ caller, body }) => Response.json({ accountId: caller.accountId, text: body.text }),
);
const read = apiRoute({ auth: "session" }, async ({ caller }) =>
  Response.json({ accountId: caller.accountId }),
);

const call = (handler: typeof route, headers: Record<string, string>, method = "POST") =>
  handler(
    new Request("http://localhost:3000/api/x", {
      method,
      headers,
      body: method === "GET" ? undefined : JSON.stringify({ text: "hi" }),
    }),
    { params: Promise.resolve({}) },
  );

describe("session writes are refused from other sites (CSRF)", async () => {
  const { accountId } = await createTestAccount("Csrf");
  session.accountId = accountId;
  const json = { "content-type": "application/json" };

  it("accepts JSON from the portal's own origin, or from the host it was sent to", async () => {
    expect((await call(route, { ...json, origin: "http://localhost:3000" })).status).toBe(200);
    const proxied = { ...json, host: "portal.example.com", origin: "https://portal.example.com" };
    expect((await call(route, proxied)).status).toBe(200);
  });

  it("refuses another origin, or none, with 403", async () => {
    for (const origin of ["https://evil.example.com", "null", "http://localhost:3000.evil.example.com"]) {
      const res = await call(route, { ...json, origin });
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ error: { code: "FORBIDDEN" } });
    }
    expect((await call(route, json)).status).toBe(403);
  });

  it("refuses what a cross-site form can send (not JSON) with 415", async () => {
    for (const type of [
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
    ]) {
      const res = await call(route, { "content-type": type, origin: "http://localhost:3000" });
      expect(res.status).toBe(415);
    }
    expect(
      (
        await call(route, {
          "content-type": "application/json; charset=utf-8",
          origin: "http://localhost:3000",
        })
      ).status,
    ).toBe(200);
  });

  it("leaves reads, and callers with an API key, alone", async () => {
    expect((await call(read, {}, "GET")).status).toBe(200);
    const { key } = await createApiKey(accountId, "server");
    expect((await call(route, { ...json, authorization: `Bearer ${key}` })).status).toBe(200);
  });
});
