import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { db } from "@/db";
import { apiKeys } from "@/db/schema";
import { createTestAccount } from "@/lib/testing/accounts";

import { authenticateApiKey, createApiKey, listApiKeys, revokeApiKey } from "./api-keys";

describe("API keys", () => {
  it("shows the key once, stores only its hash, and authenticates it", async () => {
    const { accountId } = await createTestAccount("Keys");
    const created = await createApiKey(accountId, "Helpdesk");
    expect(created.key).toMatch(/^cwk_[A-Za-z0-9_-]{43}$/);
    const [row] = await db().select().from(apiKeys).where(eq(apiKeys.id, created.id));
    expect(JSON.stringify(row)).not.toContain(created.key);
    expect(row?.prefix).toBe(created.key.slice(0, 12));
    expect(await authenticateApiKey(created.key)).toEqual({ accountId, keyId: created.id });
    expect(await authenticateApiKey(created.key + "x")).toBeNull();
    expect(await authenticateApiKey("Bearer nonsense")).toBeNull();
  });

  it("a revoked key stops working; revoking is scoped to the account", async () => {
    const a = await createTestAccount("KeysA");
    const b = await createTestAccount("KeysB");
    const created = await createApiKey(a.accountId, "CRM");
    await expect(revokeApiKey(b.accountId, created.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await authenticateApiKey(created.key)).not.toBeNull();
    expect(await listApiKeys(b.accountId)).toEqual([]);
    await revokeApiKey(a.accountId, created.id);
    expect(await authenticateApiKey(created.key)).toBeNull();
    expect((await listApiKeys(a.accountId))[0]?.revokedAt).toBeInstanceOf(Date);
  });
});
