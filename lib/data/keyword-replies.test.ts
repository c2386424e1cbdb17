import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { db } from "@/db";
import { chats, messages } from "@/db/schema";
import { createTestAccount } from "@/lib/testing/accounts";

import { createCampaign, goLive, pauseCampaign } from "./campaigns";
import { createConnection } from "./connections";
import { receiveMessage } from "./inbound";
import { autoReplyToKeyword, firstWord } from "./keyword-replies";

describe("keyword matching", () => {
  it.each([
    ["SALE", "sale"],
    ["sale now please", "sale"],
    ["  ¡Sale! today", "sale"],
    ["SALESFORCE", "salesforce"],
    ["", null],
    ["!!!", null],
  ])("%j starts with %j", (text, word) => {
    expect(firstWord(text)).toBe(word);
  });
});

describe("keyword auto-replies", () => {
  async function setup() {
    const { accountId } = await createTestAccount("Keyword");
    const sms = await createConnection(accountId, { channel: "SMS", code: "72001" });
    const other = await createConnection(accountId, { channel: "SMS", code: "72002" });
    const campaign = await createCampaign(accountId, {
      type: "KEYWORD",
      name: "Sale",
      keyword: "SALE",
      autoReply: "Show this text for 20% off.",
      connectionIds: [sms.id],
    });
    await goLive(accountId, campaign.id);
    const chat = async (connectionId: string) =>
      (await db().insert(chats).values({ accountId, connectionId, contact: "+15550901001" }).returning())[0]!;
    return { accountId, sms, other, campaign, chat };
  }

  it("answers a Live keyword in any case on its connection and attributes the chat", async () => {
    const { accountId, sms, campaign, chat } = await setup();
    const c = await chat(sms.id);
    const reply = await autoReplyToKeyword(accountId, c, "sale please");
    expect(reply).toMatchObject({
      direction: "OUT",
      text: "Show this text for 20% off.",
      sendStatus: "SENT",
    });
    const [row] = await db().select().from(chats).where(eq(chats.id, c.id));
    expect(row?.campaignId).toBe(campaign.id);
  });

  it("stays quiet for other words, other connections and paused campaigns", async () => {
    const { accountId, sms, other, campaign, chat } = await setup();
    const c = await chat(sms.id);
    expect(await autoReplyToKeyword(accountId, c, "salesforce question")).toBeNull();
    expect(await autoReplyToKeyword(accountId, c, "hello")).toBeNull();
    expect(await autoReplyToKeyword(accountId, await chat(other.id), "SALE")).toBeNull();
    await pauseCampaign(accountId, campaign.id);
    expect(await autoReplyToKeyword(accountId, c, "SALE")).toBeNull();
  });

  it("knows at ingestion whether a Live keyword campaign uses the connection", async () => {
    const { accountId, sms, other, campaign } = await setup();
    const from = "+15550901003";
    expect(await receiveMessage({ accountId, connectionId: sms.id, from, text: "hi" })).toMatchObject({
      liveKeywords: true,
    });
    expect(await receiveMessage({ accountId, connectionId: other.id, from, text: "SALE" })).toMatchObject({
      liveKeywords: false,
    });
    await pauseCampaign(accountId, campaign.id);
    expect(await receiveMessage({ accountId, connectionId: sms.id, from, text: "SALE" })).toMatchObject({
      liveKeywords: false,
    });
  });

  it("answers a provider's repeated webhook of one keyword message once", async () => {
    const { accountId, sms } = await setup();
    const message = {
      accountId,
      connectionId: sms.id,
      from: "+15550901002",
      text: "SALE",
      externalId: "SMkw1",
    };
    const first = await receiveMessage(message);
    const repeat = await receiveMessage(message);
    expect(first.liveKeywords).toBe(true);
    expect(repeat).toMatchObject({ messageId: first.messageId, duplicate: true });
    const outbound = () =>
      db()
        .select()
        .from(messages)
        .where(and(eq(messages.chatId, first.chatId), eq(messages.direction, "OUT")));
    await expect.poll(async () => (await outbound()).length).toBe(1);
    // The auto-reply runs after the answer: give a wrongly repeated one time to appear.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await outbound()).toHaveLength(1);
  });
});
