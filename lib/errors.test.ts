import { describe, expect, it, vi } from "vitest";

import { db } from "@/db";
import { connections } from "@/db/schema";
import { failure } from "@/lib/actions";
import { createTestAccount } from "@/lib/testing/accounts";

import { AppError, describeError, isUniqueViolation, pgConstraint } from "./errors";

// A real Drizzle error from PostgreSQL: its message holds the SQL and every parameter value.
async function duplicateConnectionError() {
  const { accountId } = await createTestAccount("Errors");
  const row = { accountId, channel: "SMS" as const, code: "+15550999111" };
  await db().insert(connections).values(row);
  return db()
    .insert(connections)
    .values(row)
    .then(() => expect.fail("the duplicate was accepted"))
    .catch((e: unknown) => e);
}

describe("describeError", () => {
  it("names the error, its PostgreSQL code and constraint, and none of the values", async () => {
    const err = await duplicateConnectionError();
    expect((err as Error).message).toContain("+15550999111");
    const described = describeError(err);
    expect(described).toMatch(
      /^DrizzleQueryError ← \w+ \[code 23505, constraint connections_account_channel_code_key\]$/,
    );
    expect(described).not.toContain("+15550999111");
    expect(described).not.toMatch(/insert|values/i);
    expect(pgConstraint(err)).toBe("connections_account_channel_code_key");
    expect(isUniqueViolation(err, "connections_account_channel_code_key")).toBe(true);
  });

  it("describes other throwables without their messages", () => {
    expect(describeError(new TypeError("secret text"))).toBe("TypeError");
    expect(describeError("secret text")).toBe("string");
    expect(describeError(null)).toBe("unknown");
    const network = Object.assign(new Error("connect ECONNREFUSED 10.0.0.1:5432"), { code: "ECONNREFUSED" });
    expect(describeError(new Error("wrapped", { cause: network }))).toBe("Error ← Error [code ECONNREFUSED]");
    // Auth.js wraps what authorize threw as `cause: { err }`.
    const authError = Object.assign(new Error("Read more"), {
      name: "CallbackRouteError",
      cause: { err: network },
    });
    expect(describeError(authError)).toBe("CallbackRouteError ← Error [code ECONNREFUSED]");
    expect(pgConstraint(new AppError("INVALID", "x"))).toBeUndefined();
  });

  it("is what a failed server action logs", async () => {
    const err = await duplicateConnectionError();
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const result = failure(err);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/Nothing was saved/);
    expect(log).toHaveBeenCalledOnce();
    expect(JSON.stringify(log.mock.calls)).not.toContain("+15550999111");
    expect(JSON.stringify(log.mock.calls)).toContain("23505");
    log.mockRestore();
  });
});

// Next.js bundles each route and action with its own copy of this module; `vi.resetModules()` gives the
// test a second copy the same way.
describe("errors made by another bundle's copy of a module", () => {
  it("are recognised by instanceof in this copy", async () => {
    vi.resetModules();
    const other = await import("./errors");
    const otherData = await import("@/lib/data/integrations");
    const fromOtherCopy = new other.AppError("NOT_FOUND", "Connection not found");
    expect(other.AppError).not.toBe(AppError);
    expect(fromOtherCopy).toBeInstanceOf(AppError);
    expect(new otherData.LiveCampaignsError("x", ["Spring"])).toBeInstanceOf(AppError);
    expect(failure(fromOtherCopy)).toMatchObject({ ok: false, code: "NOT_FOUND" });
  });

  it("keep subclasses apart: an AppError is not a LiveCampaignsError, nor any other Error class", async () => {
    const { LiveCampaignsError } = await import("@/lib/data/integrations");
    const { BlockedTargetError, DnsError } = await import("@/lib/webhooks/ssrf");
    const plain = new AppError("CONFLICT", "x");
    expect(plain).not.toBeInstanceOf(LiveCampaignsError);
    expect(plain).not.toBeInstanceOf(BlockedTargetError);
    expect(new BlockedTargetError("x")).not.toBeInstanceOf(DnsError);
    expect(new BlockedTargetError("x")).not.toBeInstanceOf(AppError);
    expect(new LiveCampaignsError("x", [])).toMatchObject({ name: "LiveCampaignsError", code: "CONFLICT" });
    expect(new Error("x")).not.toBeInstanceOf(AppError);
    expect({ code: "NOT_FOUND", message: "forged" }).not.toBeInstanceOf(AppError);
  });
});

describe("console.error after keepQueryValuesOutOfConsole", () => {
  it("prints a database error as its description, never its parameter values", async () => {
    const err = await duplicateConnectionError();
    const printed: unknown[][] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void printed.push(args);
    try {
      const { keepQueryValuesOutOfConsole } = await import("@/lib/log");
      keepQueryValuesOutOfConsole();
      console.error("⨯", err);
      console.error(new Error("an ordinary error"));
    } finally {
      console.error = original;
      (globalThis as { __consoleRedacted?: boolean }).__consoleRedacted = false;
    }
    expect(JSON.stringify(printed[0])).not.toContain("+15550999111");
    expect(printed[0]).toEqual([
      "⨯",
      expect.stringMatching(/^\[database error\] DrizzleQueryError ← \w+ \[code 23505/),
    ]);
    expect(printed[1]![0]).toBeInstanceOf(Error);
  });
});
