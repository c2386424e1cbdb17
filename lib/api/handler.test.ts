import { describe, expect, it, vi } from "vitest";
import { z } from "zod";

import { createApiKey } from "@/lib/data/api-keys";
import { AppError } from "@/lib/errors";
import { createTestAccount } from "@/lib/testing/accounts";

import { apiRoute } from "./handler";

const route = apiRoute(
  { body: z.object({ text: z.string().min(1, "Text is required") }), params: z.object({ id: z.uuid() }) },
  async ({ body, params, caller }) => {
    if (body.text === "conflict") throw new AppError("CONFLICT", "Chat is closed");
    if (body.text === "boom") throw new Error("secret internals");
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
    const headers = { authorization: `Bearer ${busyKey}` };
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
});
