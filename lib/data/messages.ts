import { and, eq, sql } from "drizzle-orm";

import { db } from "@/db";
import { chats, integrations, messages, type Chat, type Message } from "@/db/schema";
import { AppError, notFound } from "@/lib/errors";
import type { ReplyMessage } from "@/lib/validation/api";
import { expiresOnFor, withPartitions } from "@/lib/webhooks/partitions";

import { servedBy } from "./chats";
import { loadChannelAdapter } from "./connections";

/**
 * Stores an outbound message in a chat and sends it through the chat's channel. OUT messages never
 * create deliveries, so a reply cannot echo back to the webhook that asked for it. The message is
 * stored before the provider is called, so a failed send is recorded (send_status FAILED) not lost.
 */
export async function sendToChat(
  accountId: string,
  chat: Pick<Chat, "id" | "connectionId" | "contact">,
  content: { text?: string; multimedia?: { url: string; caption?: string } },
): Promise<Message> {
  const [stored] = await withPartitions(() =>
    db().transaction(async (tx) => {
      await tx
        .update(chats)
        .set({
          lastMessageAt: new Date(),
          lastMessagePreview: sql`message_preview(${content.text ?? null}, ${content.multimedia?.caption ?? null}, ${content.multimedia?.url ?? null})`,
        })
        .where(and(eq(chats.accountId, accountId), eq(chats.id, chat.id)));
      return tx
        .insert(messages)
        .values({
          accountId,
          chatId: chat.id,
          direction: "OUT",
          text: content.text ?? null,
          multimediaUrl: content.multimedia?.url ?? null,
          multimediaCaption: content.multimedia?.caption ?? null,
          sendStatus: "QUEUED",
          expiresOn: expiresOnFor(accountId),
        })
        .returning();
    }),
  );
  const { adapter } = await loadChannelAdapter(accountId, chat.connectionId);
  const result = await adapter.send({ to: chat.contact, ...content });
  const [sent] = await db()
    .update(messages)
    .set(
      result.ok
        ? { sendStatus: "SENT", externalId: result.externalId }
        : { sendStatus: "FAILED", sendError: result.error.message },
    )
    .where(
      and(
        eq(messages.accountId, accountId),
        eq(messages.id, stored!.id),
        eq(messages.expiresOn, stored!.expiresOn),
      ),
    )
    .returning();
  return sent!;
}

/**
 * The Try Out reply: into an OPEN chat that belongs to one of the integration's connections, or to a
 * Chatbot Service campaign linked to it. 404 for chats or integrations of other accounts or other
 * integrations; 409 when the chat is closed or the integration is not Active.
 */
export async function sendReply(
  accountId: string,
  integrationId: string,
  reply: ReplyMessage,
): Promise<Message> {
  const [integration] = await db()
    .select({ status: integrations.status, alias: integrations.alias })
    .from(integrations)
    .where(and(eq(integrations.accountId, accountId), eq(integrations.id, integrationId)));
  if (!integration) throw notFound("Integration");
  const chat = await getIntegrationChat(accountId, integrationId, reply.chatId);
  if (!chat) throw notFound("Chat");
  if (integration.status !== "ACTIVE") {
    throw new AppError("CONFLICT", `The integration “${integration.alias}” is not Active: Start it to reply`);
  }
  if (chat.status !== "OPEN")
    throw new AppError("CONFLICT", "The chat is closed: a contact must write again to open a new one");
  return sendToChat(accountId, chat, { text: reply.text, multimedia: reply.multimedia });
}

/** A chat of the account that the integration serves (through its connections or a linked campaign), or null. */
export async function getIntegrationChat(accountId: string, integrationId: string, chatId: string) {
  const [chat] = await db()
    .select()
    .from(chats)
    .where(and(eq(chats.accountId, accountId), eq(chats.id, chatId), servedBy(integrationId)));
  return chat ?? null;
}
