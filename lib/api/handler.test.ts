import { sql } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";

import { db } from "@/db";
import { createApiKey } from "@/lib/data/api-keys";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { createTestAccount } from "@/lib/testing/accounts";

import { apiRoute } from "./handler";

const route = apiRoute(
  {
    body: z.object({ text: z.string().min(1, "Text is required"), tags: z.array(z.string()).optional() }),
    params: z.object({ id: z.uuid() }),
  },
  async ({ body, params, caller }) => {
    if (body.text === "conflict") throw new AppError("CONFLICT", "Chat is closed");
    if (body.text === "boom") throw new Error("secret internals");
    // A value PostgreSQL refuses (22008 datetime overflow), as a query with an unchecked date would.
    if (body.text === "year 0") await db().execute(sql`select '0000-01-01'::timestamptz`);
    return Response.json({ id: params.id, text: body.text, accountId: caller.accountId }, { status: 202 });
  },
);

const id = "6f1d0a52-1b7e-4c39-9a77-2f3c1f9e8a10";
const call = (init: RequestInit, routeId = id) =>
  route(new Request("http://localhost/api/x", { method: "POST", ...init }), {
    params: Promise.resolve({ id: routeId }),
  });

describe("apiRoute", async () => {
  const { accountId } = await createTestAccount("Api");
  const { key } = await createApiKey(accountId, "test");
  const auth = { authorization: `Bearer ${key}`, "content-type": "application/json" };

  it("answers 401 without a valid key", async () => {
    const res = await call({ body: "{}" });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe("Bearer");
    expect((await call({ headers: { authorization: "Bearer cwk_wrong" }, body: "{}" })).status).toBe(401);
  });

  it("passes parsed input and the caller's account to the handler", async () => {
    const res = await call({ headers: auth, body: JSON.stringify({ text: "hi" }) });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ id, text: "hi", accountId });
  });

  it("answers 400 with field errors for bad bodies and for non-JSON", async () => {
    const res = await call({ headers: auth, body: JSON.stringify({ text: "" }) });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: {
        code: "INVALID",
        message: "The body has invalid fields",
        fieldErrors: { text: ["Text is required"] },
      },
    });
    const notJson = await call({ headers: auth, body: "{oops" });
    expect(notJson.status).toBe(400);
  });

  it("answers 404 for a malformed id in the path", async () => {
    expect((await call({ headers: auth, body: JSON.stringify({ text: "hi" }) }, "not-a-uuid")).status).toBe(
      404,
    );
  });

  it("limits each key to its rate, answering 429 with Retry-After", async () => {
    const { key: busyKey } = await createApiKey(accountId, "busy");
    const headers = { authorization: `Bearer ${busyKey}`, "content-type": "application/json" };
    const responses = await Promise.all(
      Array.from({ length: 160 }, () => call({ headers, body: JSON.stringify({ text: "hi" }) })),
    );
    const limited = responses.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(responses.filter((r) => r.status === 202).length).toBeGreaterThanOrEqual(100);
    expect(Number(limited[0]!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // Another key of the same account is not affected.
    expect((await call({ headers: auth, body: JSON.stringify({ text: "hi" }) })).status).toBe(202);
  });

  it("counts nothing against a key with API_RATE_LIMIT_PER_SECOND=0 (a gateway limits instead)", async () => {
    const settings = env();
    const rate = settings.API_RATE_LIMIT_PER_SECOND;
    settings.API_RATE_LIMIT_PER_SECOND = 0;
    try {
      const { key: freeKey } = await createApiKey(accountId, "free");
      const headers = { authorization: `Bearer ${freeKey}`, "content-type": "application/json" };
      const responses = await Promise.all(
        Array.from({ length: 160 }, () => call({ headers, body: JSON.stringify({ text: "hi" }) })),
      );
      expect(responses.filter((r) => r.status === 202)).toHaveLength(160);
    } finally {
      settings.API_RATE_LIMIT_PER_SECOND = rate;
    }
  });

  it("maps domain errors and hides unexpected ones", async () => {
    const conflict = await call({ headers: auth, body: JSON.stringify({ text: "conflict" }) });
    expect(conflict.status).toBe(409);
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const boom = await call({ headers: auth, body: JSON.stringify({ text: "boom" }) });
    expect(boom.status).toBe(500);
    expect(await boom.text()).not.toContain("secret internals");
    // The log names the error, never its message (Drizzle's carries the SQL and its values).
    expect(log).toHaveBeenCalledWith("[api] unexpected error", "POST", "/api/x", "Error");
    log.mockRestore();
  });

  it("answers 415 to a body that is not sent as JSON, whatever it holds", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", ""]) {
      const res = await call({
        headers: { authorization: auth.authorization, ...(type ? { "content-type": type } : {}) },
        body: JSON.stringify({ text: "hi" }),
      });
      expect(res.status, type).toBe(415);
      expect(await res.json()).toMatchObject({ error: { code: "UNSUPPORTED_MEDIA_TYPE" } });
    }
    const charset = await call({
      headers: { ...auth, "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify({ text: "hi" }),
    });
    expect(charset.status).toBe(202);
  });

  it("answers 413 to a body over 64 KB, declared or streamed, without reading it all", async () => {
    const big = JSON.stringify({ text: "x".repeat(5 * 1024 * 1024) });
    const declared = await call({ headers: auth, body: big });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new TextEncoder().encode(pulled === 1 ? '{"text":"' : "x".repeat(16 * 1024)));
      },
    });
    const streamed = await call({ headers: auth, body: stream, duplex: "half" } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(pulled).toBeLessThan(10);
  });

  it("answers 400 naming the field for text PostgreSQL cannot store: lone surrogates, NUL", async () => {
    for (const [body, field] of [
      ['{"text":"\\ud800 x"}', "text"],
      ['{"text":"a\\u0000b"}', "text"],
      ['{"text":"ok","tags":["fine","\\udfff"]}', "tags.1"],
      ['{"text":"ok","\\u0000":"x"}', ""],
    ] as const) {
      const res = await call({ headers: auth, body });
      expect(res.status, body).toBe(400);
      const json = (await res.json()) as { error: { code: string; fieldErrors: Record<string, string[]> } };
      expect(json.error.code).toBe("INVALID");
      expect(Object.keys(json.error.fieldErrors)).toEqual([field]);
    }
  });

  it("answers 400, not 500, when PostgreSQL refuses a value that got past the schemas", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const res = await call({ headers: auth, body: JSON.stringify({ text: "year 0" }) });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "INVALID" } });
    expect(warn).toHaveBeenCalledOnce();
    warn.mockRestore();
  });
});
