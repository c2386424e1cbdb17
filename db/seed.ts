import { eq } from "drizzle-orm";

import { db } from "@/db";
import { campaignConnections, campaigns, connections, users } from "@/db/schema";
import { createAccountWithOwner } from "@/lib/data/accounts";
import { AppError } from "@/lib/errors";

export const DEMO_LOGIN = { email: "demo@example.com", password: "demo-password" } as const;

/**
 * Seeds the demo account once: owner, 2 SMS and 2 WhatsApp connections, a Live Keyword campaign
 * on one SMS connection and a Draft Chatbot Service campaign without an integration.
 * Returns false when it was already there.
 */
export async function seedDemo(): Promise<boolean> {
  const [existing] = await db().select({ id: users.id }).from(users).where(eq(users.email, DEMO_LOGIN.email));
  if (existing) return false;
  try {
    await insertDemo();
  } catch (err) {
    // Another process seeded it first.
    if (err instanceof AppError && err.code === "CONFLICT") return false;
    throw err;
  }
  return true;
}

async function insertDemo(): Promise<void> {
  await db().transaction(async (tx) => {
    const owner = await createAccountWithOwner(
      { name: "Demo Owner", accountName: "Demo", email: DEMO_LOGIN.email, password: DEMO_LOGIN.password },
      tx,
    );
    const accountId = owner.accountId;
    const rows = await tx
      .insert(connections)
      .values([
        { accountId, channel: "SMS", code: "+15550100001" },
        { accountId, channel: "SMS", code: "72345" },
        { accountId, channel: "WHATSAPP", code: "+15550100002" },
        { accountId, channel: "WHATSAPP", code: "+15550100003" },
      ])
      .returning();
    const [keyword] = await tx
      .insert(campaigns)
      .values({
        accountId,
        name: "Spring sale keyword",
        type: "KEYWORD",
        status: "LIVE",
        keyword: "SALE",
        autoReply: "Thanks! Show this message in store for 20% off.",
      })
      .returning();
    await tx
      .insert(campaignConnections)
      .values({ accountId, campaignId: keyword!.id, connectionId: rows[1]!.id });
    await tx
      .insert(campaigns)
      .values({ accountId, name: "Support chatbot", type: "CHATBOT", status: "DRAFT" });
  });
}
