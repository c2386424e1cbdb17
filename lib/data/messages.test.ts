import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { db } from "@/db";
import { campaigns, chats, deliveries, integrationConnections, integrations, messages } from "@/db/schema";
import { createTestAccount } from "@/lib/testing/accounts";

import { createConnection, setConnectionProvider } from "./connections";
import { sendReply } from "./messages";

async function setup(label = "Reply") {
  const { accountId } = await createTestAccount(label);
  const sms = await createConnection(accountId, { channel: "SMS", code: "+15550701001" });
  const other = await createConnection(accountId, { channel: "SMS", code: "+15550701002" });
  const [integration] = await db()
    .insert(integrations)
    .values({ accountId, alias: "Hook", url: "https://example.com/h", signingSecret: "x", status: "ACTIVE" })
    .returning();
  await db()
    .insert(integrationConnections)
    .values({ accountId, integrationId: integration!.id, connectionId: sms.id });
  const openChat = async (connectionId: string, values: Partial<typeof chats.$inferInsert> = {}) => {
    const [chat] = await db()
      .insert(chats)
      .values({ accountId, connectionId, contact: "+15550709999", ...values })
      .returning();
    return chat!;
  };
  return { accountId, sms, other, integration: integration!, openChat };
}

describe("replies through the API", () => {
  it("stores the reply, sends it through the channel, and never creates a delivery (no echo)", async () => {
    const { accountId, sms, integration, openChat } = await setup();
    const chat = await openChat(sms.id);
    const sent = await sendReply(accountId, integration.id, { chatId: chat.id, text: "On its way!" });
    expect(sent).toMatchObject({
      direction: "OUT",
      text: "On its way!",
      sendStatus: "SENT",
      chatId: chat.id,
    });
    expect(sent.externalId).toMatch(/^SIM/);
    expect(await db().select().from(deliveries).where(eq(deliveries.chatId, chat.id))).toEqual([]);
  });

  it("answers 404 for chats the integration does not serve and for other accounts", async () => {
    const { accountId, other, integration, openChat } = await setup();
    const elsewhere = await openChat(other.id);
    await expect(
      sendReply(accountId, integration.id, { chatId: elsewhere.id, text: "x" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    const stranger = await createTestAccount("Stranger");
    await expect(
      sendReply(stranger.accountId, integration.id, { chatId: elsewhere.id, text: "x" }),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("serves chats of a Chatbot Service campaign linked to the integration", async () => {
    const { accountId, other, integration, openChat } = await setup();
    const [campaign] = await db()
      .insert(campaigns)
      .values({ accountId, name: "Bot", type: "CHATBOT", status: "LIVE", integrationId: integration.id })
      .returning();
    const chat = await openChat(other.id, { campaignId: campaign!.id });
    await expect(
      sendReply(accountId, integration.id, { chatId: chat.id, text: "Hi from the bot" }),
    ).resolves.toMatchObject({
      sendStatus: "SENT",
    });
  });

  it("answers 409 for a closed chat or an integration that is not Active", async () => {
    const { accountId, sms, integration, openChat } = await setup();
    const closed = await openChat(sms.id, { status: "CLOSED", closedAt: new Date() });
    const closedReply = sendReply(accountId, integration.id, { chatId: closed.id, text: "x" });
    await expect(closedReply).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(closedReply).rejects.toThrow(/closed/);
    const open = await openChat(sms.id, { contact: "+15550708888" });
    await db().update(integrations).set({ status: "INACTIVE" }).where(eq(integrations.id, integration.id));
    const inactiveReply = sendReply(accountId, integration.id, { chatId: open.id, text: "x" });
    await expect(inactiveReply).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(inactiveReply).rejects.toThrow(/not Active/);
  });

  it("records a failed send instead of losing the reply", async () => {
    const { accountId, sms, integration, openChat } = await setup();
    await setConnectionProvider(
      accountId,
      sms.id,
      { provider: "TWILIO", accountSid: `AC${"0".repeat(32)}`, authToken: "a".repeat(32) },
      // Nothing listens on port 9: the provider cannot be reached.
      { apiBaseUrl: "http://127.0.0.1:9" },
    );
    const chat = await openChat(sms.id);
    const sent = await sendReply(accountId, integration.id, { chatId: chat.id, text: "Hello?" });
    expect(sent.sendStatus).toBe("FAILED");
    expect(sent.sendError).toBeTruthy();
    const [stored] = await db().select().from(messages).where(eq(messages.id, sent.id));
    expect(stored?.text).toBe("Hello?");
  });
});
