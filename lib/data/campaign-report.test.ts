import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { db } from "@/db";
import { campaignTallies, chats, deliveries, messages } from "@/db/schema";
import { createTestAccount } from "@/lib/testing/accounts";
import { attemptDue } from "@/lib/testing/deliveries";
import {
  createLiveChatbotCampaign,
  createTestConnection,
  createTestIntegration,
} from "@/lib/testing/integrations";
import { closeChat } from "@/lib/webhooks/close";
import { ingestInbound } from "@/lib/webhooks/ingest";
import { requeueDeliveries } from "@/lib/webhooks/replay";
import { foldRollups } from "@/lib/webhooks/rollups";

import { campaignReport } from "./campaigns";
import { sendToChat } from "./messages";

/** The Report as a count over the campaign's rows would give it (what the tallies replace). */
async function countedFromRows(campaignId: string) {
  const count = async (query: Promise<{ n: number }[]>) => (await query)[0]!.n;
  const n = sql<number>`count(*)::int`;
  const ofChats = (status: "OPEN" | "CLOSED") =>
    count(
      db()
        .select({ n })
        .from(chats)
        .where(and(eq(chats.campaignId, campaignId), eq(chats.status, status))),
    );
  const ofMessages = (direction: "IN" | "OUT") =>
    count(
      db()
        .select({ n })
        .from(messages)
        .innerJoin(chats, eq(chats.id, messages.chatId))
        .where(and(eq(chats.campaignId, campaignId), eq(messages.direction, direction))),
    );
  const ofDeliveries = (statuses: string[]) =>
    count(
      db()
        .select({ n })
        .from(deliveries)
        .innerJoin(chats, eq(chats.id, deliveries.chatId))
        .where(
          and(
            eq(chats.campaignId, campaignId),
            sql`${deliveries.status}::text IN (${sql.join(
              statuses.map((s) => sql`${s}`),
              sql`, `,
            )})`,
          ),
        ),
    );
  return {
    messagesIn: await ofMessages("IN"),
    messagesOut: await ofMessages("OUT"),
    chatsOpen: await ofChats("OPEN"),
    chatsClosed: await ofChats("CLOSED"),
    deliveriesWaiting: await ofDeliveries(["PENDING", "DELIVERING", "RETRYING"]),
    deliveriesSucceeded: await ofDeliveries(["SUCCEEDED"]),
    deliveriesFailed: await ofDeliveries(["FAILED"]),
    deliveriesSkipped: await ofDeliveries(["SKIPPED"]),
  };
}

async function liveChatbotCampaign(label: string) {
  const { accountId } = await createTestAccount(label);
  const connection = await createTestConnection(accountId);
  const { integration } = await createTestIntegration(accountId, { url: "https://hooks.example.com/bot" });
  const campaign = await createLiveChatbotCampaign(accountId, integration.id, connection.id);
  return { accountId, connection, campaign };
}

describe("a campaign's Report", () => {
  it("counts messages, chats and deliveries as they change, folded or not, and only for its own account", async () => {
    const { accountId, connection, campaign } = await liveChatbotCampaign("Report");
    // Chats outside the campaign (a direct integration) are not the campaign's.
    const other = await createTestConnection(accountId);
    await createTestIntegration(accountId, { url: "https://hooks.example.com/x", connectionIds: [other.id] });
    await ingestInbound({ connectionId: other.id, from: "+15550300999", text: "not the campaign's" });

    const ids: string[] = [];
    const chatIds = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const accepted = await ingestInbound({
        connectionId: connection.id,
        from: `+1555030000${i % 3}`,
        text: `#${i}`,
      });
      ids.push(...accepted.deliveryIds);
      chatIds.add(accepted.chatId);
    }
    const [first] = await db()
      .select()
      .from(chats)
      .where(eq(chats.id, [...chatIds][0]!));
    await sendToChat(accountId, first!, { text: "Hello from the bot" });
    expect(await campaignReport(accountId, campaign.id)).toEqual(await countedFromRows(campaign.id));
    expect(await campaignReport(accountId, campaign.id)).toMatchObject({
      messagesIn: 6,
      messagesOut: 1,
      chatsOpen: 3,
      deliveriesWaiting: 6,
    });

    // Claims and retries keep deliveries waiting; finishing, closing and Resend move them.
    const outcome = ["SUCCEEDED", "FAILED", "RETRYING"] as const;
    await attemptDue(accountId, (id) => outcome[ids.indexOf(id) % 3] ?? "SUCCEEDED");
    await closeChat(accountId, first!.id);
    expect(await campaignReport(accountId, campaign.id)).toEqual(await countedFromRows(campaign.id));
    await foldRollups();
    const failed = ids.filter((_, i) => i % 3 === 1);
    await requeueDeliveries(accountId, failed);
    const report = await campaignReport(accountId, campaign.id);
    expect(report).toEqual(await countedFromRows(campaign.id));
    expect(report).toMatchObject({
      chatsOpen: 2,
      chatsClosed: 1,
      deliveriesSucceeded: 1,
      deliveriesFailed: 0,
    });

    // Folding leaves one row for the campaign with the same sums.
    await foldRollups();
    const rows = await db().select().from(campaignTallies).where(eq(campaignTallies.campaignId, campaign.id));
    expect(rows).toHaveLength(1);
    expect(await campaignReport(accountId, campaign.id)).toEqual(report);

    // Another account reads zeros.
    const stranger = await createTestAccount("Stranger");
    expect(Object.values(await campaignReport(stranger.accountId, campaign.id)).every((n) => n === 0)).toBe(
      true,
    );
  });

  it("keeps counting what retention has since removed", async () => {
    const { accountId, connection, campaign } = await liveChatbotCampaign("Report kept");
    const accepted = await ingestInbound({ connectionId: connection.id, from: "+15550301000", text: "hi" });
    await attemptDue(accountId, () => "SUCCEEDED");
    await closeChat(accountId, accepted.chatId);
    await attemptDue(accountId, () => "SUCCEEDED");
    const before = await campaignReport(accountId, campaign.id);
    expect(before).toMatchObject({ messagesIn: 1, chatsClosed: 1, deliveriesSucceeded: 2 });
    // What retention does to an expired closed chat: its rows go.
    await db().delete(deliveries).where(eq(deliveries.chatId, accepted.chatId));
    await db().delete(messages).where(eq(messages.chatId, accepted.chatId));
    await db().delete(chats).where(eq(chats.id, accepted.chatId));
    expect(await campaignReport(accountId, campaign.id)).toEqual(before);
  });
});

describe("a chat attributed to a campaign after it opened", () => {
  it("brings what it already holds to the campaign's Report, once", async () => {
    const { accountId, connection, campaign } = await liveChatbotCampaign("Report attributed");
    // A chat of another connection, opened without a campaign, with a message and a delivery.
    const plain = await createTestConnection(accountId);
    await createTestIntegration(accountId, { url: "https://hooks.example.com/p", connectionIds: [plain.id] });
    const accepted = await ingestInbound({ connectionId: plain.id, from: "+15550302000", text: "winter" });
    await attemptDue(accountId, () => "SUCCEEDED");
    await ingestInbound({ connectionId: connection.id, from: "+15550302001", text: "in the campaign" });
    const before = await campaignReport(accountId, campaign.id);
    await db().update(chats).set({ campaignId: campaign.id }).where(eq(chats.id, accepted.chatId));
    const [chat] = await db().select().from(chats).where(eq(chats.id, accepted.chatId));
    await sendToChat(accountId, chat!, { text: "Use code SNOW" });
    const after = await campaignReport(accountId, campaign.id);
    expect(after).toEqual(await countedFromRows(campaign.id));
    expect(after).toMatchObject({
      messagesIn: before.messagesIn + 1,
      messagesOut: before.messagesOut + 1,
      chatsOpen: before.chatsOpen + 1,
      deliveriesSucceeded: before.deliveriesSucceeded + 1,
    });
  });
});
