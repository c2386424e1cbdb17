import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { db } from "@/db";
import {
  campaignConnections,
  campaigns,
  connections,
  integrationConnections,
  integrations,
} from "@/db/schema";
import { createTestAccount } from "@/lib/testing/accounts";
import { connectionInputSchema } from "@/lib/validation/connection";

import { createConnection, deleteConnection, getConnection, listConnections } from "./connections";

describe("connection codes", () => {
  it.each([
    ["SMS", "+15551234567", "+15551234567"],
    ["SMS", "+1 (555) 123-4567", "+15551234567"],
    ["SMS", "123", "123"],
    ["SMS", "72345678", "72345678"],
    ["WHATSAPP", "+447700900123", "+447700900123"],
  ] as const)("accepts %s %s", (channel, code, normalised) => {
    expect(connectionInputSchema.parse({ channel, code })).toEqual({ channel, code: normalised });
  });

  it.each([
    ["SMS", "12", /short code/],
    ["SMS", "123456789", /short code/],
    ["SMS", "15551234567", /E\.164/],
    ["SMS", "+0551234567", /E\.164/],
    ["WHATSAPP", "72345", /WhatsApp code is an E\.164/],
    ["WHATSAPP", "", /Enter the number/],
    ["FAX", "+15551234567", /SMS or WhatsApp/],
  ])("refuses %s %j", (channel, code, message) => {
    const result = connectionInputSchema.safeParse({ channel, code });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(message);
  });
});

describe("connections data", () => {
  it("adds, lists and removes a connection", async () => {
    const { accountId } = await createTestAccount("Conn");
    const row = await createConnection(accountId, { channel: "WHATSAPP", code: "+1 555 000 1111" });
    expect(row.code).toBe("+15550001111");
    expect((await listConnections(accountId)).map((c) => c.code)).toEqual(["+15550001111"]);
    await deleteConnection(accountId, row.id);
    expect(await listConnections(accountId)).toEqual([]);
  });

  it("refuses a duplicate in the same account, allows it in another", async () => {
    const a = await createTestAccount("DupA");
    const b = await createTestAccount("DupB");
    await createConnection(a.accountId, { channel: "SMS", code: "+15550002222" });
    await expect(
      createConnection(a.accountId, { channel: "SMS", code: "+1-555-000-2222" }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
      fieldErrors: { code: ["SMS +15550002222 is already one of your connections"] },
    });
    // The same number on the other channel is a different connection.
    await expect(
      createConnection(a.accountId, { channel: "WHATSAPP", code: "+15550002222" }),
    ).resolves.toBeTruthy();
    await expect(
      createConnection(b.accountId, { channel: "SMS", code: "+15550002222" }),
    ).resolves.toBeTruthy();
  });

  it("keeps accounts apart: B can neither read nor remove A's connection", async () => {
    const a = await createTestAccount("IsoA");
    const b = await createTestAccount("IsoB");
    const row = await createConnection(a.accountId, { channel: "SMS", code: "55501" });
    expect(await getConnection(b.accountId, row.id)).toBeNull();
    expect(await listConnections(b.accountId)).toEqual([]);
    await expect(deleteConnection(b.accountId, row.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await getConnection(a.accountId, row.id)).not.toBeNull();
  });

  it("refuses to remove a connection a campaign uses, and says which", async () => {
    const { accountId } = await createTestAccount("InUse");
    const conn = await createConnection(accountId, { channel: "SMS", code: "55502" });
    const [campaign] = await db()
      .insert(campaigns)
      .values({ accountId, name: "Promo", type: "KEYWORD", keyword: "GO" })
      .returning();
    await db()
      .insert(campaignConnections)
      .values({ accountId, campaignId: campaign!.id, connectionId: conn.id });
    expect((await listConnections(accountId))[0]?.campaignNames).toEqual(["Promo"]);
    await expect(deleteConnection(accountId, conn.id)).rejects.toThrow(/campaign “Promo”/);
    expect(await getConnection(accountId, conn.id)).not.toBeNull();
  });

  it("does not remove a connection that a campaign is linking at the same moment", async () => {
    const { accountId } = await createTestAccount("Race");
    const conn = await createConnection(accountId, { channel: "SMS", code: "55503" });
    const [campaign] = await db()
      .insert(campaigns)
      .values({ accountId, name: "Racer", type: "KEYWORD", keyword: "GO" })
      .returning();
    let commit!: () => void;
    const committing = new Promise<void>((resolve) => (commit = resolve));
    let linked!: () => void;
    const linkInserted = new Promise<void>((resolve) => (linked = resolve));
    // The link is written (the trigger holds the connection's row lock) but not yet committed.
    const link = db().transaction(async (tx) => {
      await tx
        .insert(campaignConnections)
        .values({ accountId, campaignId: campaign!.id, connectionId: conn.id });
      linked();
      await committing;
    });
    await linkInserted;
    const removal = deleteConnection(accountId, conn.id).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 300));
    commit();
    await link;
    const refusal = await removal;
    expect(refusal).toMatchObject({ code: "CONFLICT" });
    expect((refusal as Error).message).toMatch(/campaign “Racer”/);
    expect(await getConnection(accountId, conn.id)).not.toBeNull();
    expect(
      await db().select().from(campaignConnections).where(eq(campaignConnections.connectionId, conn.id)),
    ).toHaveLength(1);
  });
});

describe("connection rules in the database", () => {
  async function setup() {
    const { accountId } = await createTestAccount("Rules");
    const conn = await createConnection(accountId, { channel: "SMS", code: "+15550003333" });
    const [integration] = await db()
      .insert(integrations)
      .values({ accountId, alias: "Hook", url: "https://example.com/hook", signingSecret: "x" })
      .returning();
    const [campaign] = await db()
      .insert(campaigns)
      .values({ accountId, name: "Bot", type: "CHATBOT" })
      .returning();
    return { accountId, conn, integration: integration!, campaign: campaign! };
  }

  it("a connection feeds at most one integration", async () => {
    const { accountId, conn, integration } = await setup();
    const [other] = await db()
      .insert(integrations)
      .values({ accountId, alias: "Other", url: "https://example.com/2", signingSecret: "x" })
      .returning();
    await db()
      .insert(integrationConnections)
      .values({ accountId, integrationId: integration.id, connectionId: conn.id });
    await expect(
      db()
        .insert(integrationConnections)
        .values({ accountId, integrationId: other!.id, connectionId: conn.id }),
    ).rejects.toMatchObject({ cause: { code: "23505" } });
  });

  it("an integration and a campaign cannot share a connection, either way round", async () => {
    const { accountId, conn, integration, campaign } = await setup();
    await db()
      .insert(campaignConnections)
      .values({ accountId, campaignId: campaign.id, connectionId: conn.id });
    await expect(
      db()
        .insert(integrationConnections)
        .values({ accountId, integrationId: integration.id, connectionId: conn.id }),
    ).rejects.toMatchObject({ cause: { constraint: "connection_used_by_campaign" } });

    await db().delete(campaignConnections).where(eq(campaignConnections.connectionId, conn.id));
    await db()
      .insert(integrationConnections)
      .values({ accountId, integrationId: integration.id, connectionId: conn.id });
    await expect(
      db().insert(campaignConnections).values({ accountId, campaignId: campaign.id, connectionId: conn.id }),
    ).rejects.toMatchObject({ cause: { constraint: "connection_used_by_integration" } });
  });

  it("refuses linking another account's connection", async () => {
    const mine = await setup();
    const theirs = await createTestAccount("Theirs");
    const [foreign] = await db()
      .insert(connections)
      .values({ accountId: theirs.accountId, channel: "SMS", code: "55599" })
      .returning();
    await expect(
      db()
        .insert(integrationConnections)
        .values({ accountId: mine.accountId, integrationId: mine.integration.id, connectionId: foreign!.id }),
    ).rejects.toMatchObject({ cause: { constraint: "connection_same_account" } });
  });
});
