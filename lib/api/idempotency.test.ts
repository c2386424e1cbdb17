import { describe, expect, it } from "vitest";

import { createHash } from "node:crypto";

import { eq } from "drizzle-orm";

import { db } from "@/db";
import { idempotencyKeys } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { createTestAccount } from "@/lib/testing/accounts";

import { withIdempotency } from "./idempotency";

const hashOf = (body: unknown) => createHash("sha256").update(JSON.stringify(body)).digest("hex");

describe("withIdempotency", () => {
  it("returns the first answer for a repeat with the same body, and runs the handler once", async () => {
    const { accountId } = await createTestAccount("Idem");
    let runs = 0;
    const handler = async () => ({ status: 202, body: { n: ++runs } });
    const first = await withIdempotency(accountId, "POST /x", "k1", { text: "hi" }, handler);
    const again = await withIdempotency(accountId, "POST /x", "k1", { text: "hi" }, handler);
    expect(first).toEqual({ status: 202, body: { n: 1 }, replayed: false });
    expect(again).toEqual({ status: 202, body: { n: 1 }, replayed: true });
    expect(runs).toBe(1);
  });

  it("refuses the same key with another body (422), and keys are per account", async () => {
    const a = await createTestAccount("IdemA");
    const b = await createTestAccount("IdemB");
    await withIdempotency(a.accountId, "POST /x", "k", { text: "one" }, async () => ({
      status: 202,
      body: {},
    }));
    await expect(
      withIdempotency(a.accountId, "POST /x", "k", { text: "two" }, async () => ({ status: 202, body: {} })),
    ).rejects.toMatchObject({ code: "UNPROCESSABLE" });
    const other = await withIdempotency(b.accountId, "POST /x", "k", { text: "two" }, async () => ({
      status: 202,
      body: { b: true },
    }));
    expect(other.replayed).toBe(false);
  });

  it("treats the same key on another route as another request, and ignores key order in bodies", async () => {
    const { accountId } = await createTestAccount("IdemRoute");
    let runs = 0;
    const handler = async () => ({ status: 202, body: { n: ++runs } });
    await withIdempotency(accountId, "POST /chats/1/close", "k", { a: 1, b: 2 }, handler);
    const other = await withIdempotency(accountId, "POST /chats/2/close", "k", { a: 1, b: 2 }, handler);
    expect(other).toEqual({ status: 202, body: { n: 2 }, replayed: false });
    const reordered = await withIdempotency(accountId, "POST /chats/1/close", "k", { b: 2, a: 1 }, handler);
    expect(reordered).toEqual({ status: 202, body: { n: 1 }, replayed: true });
  });

  it("lets a retry take over a claim whose request died", async () => {
    const { accountId } = await createTestAccount("IdemDead");
    await db()
      .insert(idempotencyKeys)
      .values({
        accountId,
        key: "POST /x k",
        requestHash: "x",
        responseStatus: 0,
        responseBody: {},
        createdAt: new Date(Date.now() - 120_000),
      });
    // The dead claim's body hash differs: a takeover only happens for the same request.
    await expect(
      withIdempotency(accountId, "POST /x", "k", {}, async () => ({ status: 202, body: {} })),
    ).rejects.toMatchObject({
      code: "UNPROCESSABLE",
    });
    await db()
      .update(idempotencyKeys)
      .set({ requestHash: hashOf({}) })
      .where(eq(idempotencyKeys.accountId, accountId));
    const result = await withIdempotency(accountId, "POST /x", "k", {}, async () => ({
      status: 202,
      body: { ok: true },
    }));
    expect(result).toEqual({ status: 202, body: { ok: true }, replayed: false });
  });

  it("does not remember failures, so the caller can retry", async () => {
    const { accountId } = await createTestAccount("IdemFail");
    await expect(
      withIdempotency(accountId, "POST /x", "k", {}, async () => {
        throw new AppError("CONFLICT", "closed");
      }),
    ).rejects.toBeInstanceOf(AppError);
    const retried = await withIdempotency(accountId, "POST /x", "k", {}, async () => ({
      status: 202,
      body: { ok: 1 },
    }));
    expect(retried).toEqual({ status: 202, body: { ok: 1 }, replayed: false });
  });

  it("lets exactly one of two concurrent requests run", async () => {
    const { accountId } = await createTestAccount("IdemRace");
    let runs = 0;
    const slow = async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 100));
      return { status: 202, body: {} };
    };
    const results = await Promise.allSettled([
      withIdempotency(accountId, "POST /x", "race", {}, slow),
      withIdempotency(accountId, "POST /x", "race", {}, slow),
    ]);
    expect(runs).toBe(1);
    expect(results.filter((r) => r.status === "rejected")).toHaveLength(1);
  });
});
