import { describe, expect, it } from "vitest";

import { AppError } from "@/lib/errors";
import { createTestAccount } from "@/lib/testing/accounts";

import { withIdempotency } from "./idempotency";

describe("withIdempotency", () => {
  it("returns the first answer for a repeat with the same body, and runs the handler once", async () => {
    const { accountId } = await createTestAccount("Idem");
    let runs = 0;
    const handler = async () => ({ status: 202, body: { n: ++runs } });
    const first = await withIdempotency(accountId, "k1", { text: "hi" }, handler);
    const again = await withIdempotency(accountId, "k1", { text: "hi" }, handler);
    expect(first).toEqual({ status: 202, body: { n: 1 }, replayed: false });
    expect(again).toEqual({ status: 202, body: { n: 1 }, replayed: true });
    expect(runs).toBe(1);
  });

  it("refuses the same key with another body (422), and keys are per account", async () => {
    const a = await createTestAccount("IdemA");
    const b = await createTestAccount("IdemB");
    await withIdempotency(a.accountId, "k", { text: "one" }, async () => ({ status: 202, body: {} }));
    await expect(
      withIdempotency(a.accountId, "k", { text: "two" }, async () => ({ status: 202, body: {} })),
    ).rejects.toMatchObject({ code: "UNPROCESSABLE" });
    const other = await withIdempotency(b.accountId, "k", { text: "two" }, async () => ({
      status: 202,
      body: { b: true },
    }));
    expect(other.replayed).toBe(false);
  });

  it("does not remember failures, so the caller can retry", async () => {
    const { accountId } = await createTestAccount("IdemFail");
    await expect(
      withIdempotency(accountId, "k", {}, async () => {
        throw new AppError("CONFLICT", "closed");
      }),
    ).rejects.toBeInstanceOf(AppError);
    const retried = await withIdempotency(accountId, "k", {}, async () => ({ status: 202, body: { ok: 1 } }));
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
      withIdempotency(accountId, "race", {}, slow),
      withIdempotency(accountId, "race", {}, slow),
    ]);
    expect(runs).toBe(1);
    expect(results.filter((r) => r.status === "rejected")).toHaveLength(1);
  });
});
