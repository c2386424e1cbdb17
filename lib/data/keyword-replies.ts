import { and, eq, isNull, sql } from "drizzle-orm";

import { db } from "@/db";
import { campaignConnections, campaigns, chats, type Chat, type Message } from "@/db/schema";

import { sendToChat } from "./messages";

/**
 * The keyword a message starts with: its first word, lower-cased ("Sale!" and "SALE now" → "sale").
 * Matching whole words keeps "SALE" from answering "SALESFORCE".
 */
export function firstWord(text: string | null | undefined): string | null {
  const match = /^[\s"'¡¿]*([\p{L}\p{N}_-]+)/u.exec(text ?? "");
  return match ? match[1]!.toLowerCase() : null;
}

/** The Live Keyword campaign on this connection whose keyword the text starts with, if any. */
export async function findKeywordCampaign(accountId: string, connectionId: string, text: string | null) {
  const word = firstWord(text);
  if (!word) return null;
  const [campaign] = await db()
    .select({ id: campaigns.id, name: campaigns.name, autoReply: campaigns.autoReply })
    .from(campaigns)
    .innerJoin(campaignConnections, eq(campaignConnections.campaignId, campaigns.id))
    .where(
      and(
        eq(campaigns.accountId, accountId),
        eq(campaigns.type, "KEYWORD"),
        eq(campaigns.status, "LIVE"),
        eq(campaignConnections.connectionId, connectionId),
        sql`lower(${campaigns.keyword}) = ${word}`,
      ),
    )
    .limit(1);
  return campaign ?? null;
}

/**
 * Answers a contact's message that starts with a Live keyword on its connection with that campaign's
 * auto-reply, and attributes the chat to the campaign (for its Report) unless another campaign has it.
 * Runs after the message is stored, outside its transaction: sending talks to the channel provider.
 */
export async function autoReplyToKeyword(
  accountId: string,
  chat: Pick<Chat, "id" | "connectionId" | "contact">,
  text: string | null,
): Promise<Message | null> {
  const campaign = await findKeywordCampaign(accountId, chat.connectionId, text);
  if (!campaign?.autoReply) return null;
  await db()
    .update(chats)
    .set({ campaignId: campaign.id })
    .where(and(eq(chats.accountId, accountId), eq(chats.id, chat.id), isNull(chats.campaignId)));
  return sendToChat(accountId, chat, { text: campaign.autoReply });
}
