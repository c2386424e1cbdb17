import { and, asc, desc, eq, sql } from "drizzle-orm";

import { db } from "@/db";
import { campaigns, chats, connections, deliveries, integrations, messages } from "@/db/schema";

export interface ChatFilter {
  status?: "OPEN" | "CLOSED";
  integrationId?: string;
  /** Cursor: the `lastMessageAt|id` of the last chat of the previous page. */
  cursor?: string;
  limit?: number;
}

// Cursors carry the timestamp as PostgreSQL prints it, keeping its microseconds (a JS Date would drop them).
const encodeCursor = (at: string, id: string) => Buffer.from(`${at}|${id}`).toString("base64url");
function decodeCursor(cursor: string | undefined): { at: string; id: string } | null {
  if (!cursor) return null;
  const [at, id] = Buffer.from(cursor, "base64url").toString().split("|");
  const valid = at && id && /^[0-9a-f-]{36}$/.test(id) && !Number.isNaN(Date.parse(at));
  return valid ? { at, id } : null;
}

// What every chat listing shows: the chat, its connection, and who it was attributed to.
function selectChats() {
  return db()
    .select({
      id: chats.id,
      contact: chats.contact,
      status: chats.status,
      openedAt: chats.openedAt,
      closedAt: chats.closedAt,
      lastMessageAt: chats.lastMessageAt,
      connectionId: chats.connectionId,
      channel: connections.channel,
      connectionCode: connections.code,
      integrationId: chats.integrationId,
      integrationAlias: integrations.alias,
      campaignId: chats.campaignId,
      campaignName: campaigns.name,
      cursorAt: sql<string>`${chats.lastMessageAt}::text`,
      lastMessage: sql<
        string | null
      >`(select coalesce(${messages.text}, ${messages.multimediaCaption}, ${messages.multimediaUrl})
        from ${messages} where ${messages.chatId} = ${chats.id} order by ${messages.createdAt} desc limit 1)`,
    })
    .from(chats)
    .innerJoin(connections, eq(connections.id, chats.connectionId))
    .leftJoin(integrations, eq(integrations.id, chats.integrationId))
    .leftJoin(campaigns, eq(campaigns.id, chats.campaignId));
}

/** The account's chats, most recent first, each with its connection and last message; cursor-paginated. */
export async function listChats(
  accountId: string,
  { status, integrationId, cursor, limit = 50 }: ChatFilter = {},
) {
  const after = decodeCursor(cursor);
  const rows = await selectChats()
    .where(
      and(
        eq(chats.accountId, accountId),
        status ? eq(chats.status, status) : undefined,
        integrationId ? eq(chats.integrationId, integrationId) : undefined,
        after
          ? sql`(${chats.lastMessageAt}, ${chats.id}) < (${after.at}::timestamptz, ${after.id}::uuid)`
          : undefined,
      ),
    )
    .orderBy(desc(chats.lastMessageAt), desc(chats.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    chats: page,
    nextCursor: rows.length > limit && last ? encodeCursor(last.cursorAt, last.id) : null,
  };
}

export type ChatListItem = Awaited<ReturnType<typeof listChats>>["chats"][number];

/** One chat with its messages in order and, for each event, the status of its delivery. */
export async function getChatThread(accountId: string, chatId: string) {
  const [header] = await selectChats().where(and(eq(chats.accountId, accountId), eq(chats.id, chatId)));
  if (!header) return null;
  const [thread, events] = await Promise.all([
    db()
      .select()
      .from(messages)
      .where(and(eq(messages.accountId, accountId), eq(messages.chatId, chatId)))
      .orderBy(asc(messages.createdAt)),
    db()
      .select({
        id: deliveries.id,
        messageId: deliveries.messageId,
        event: deliveries.event,
        status: deliveries.status,
        attempts: deliveries.attempts,
        lastStatusCode: deliveries.lastStatusCode,
        createdAt: deliveries.createdAt,
      })
      .from(deliveries)
      .where(
        and(eq(deliveries.accountId, accountId), eq(deliveries.chatId, chatId), eq(deliveries.isTest, false)),
      )
      .orderBy(asc(deliveries.seq)),
  ]);
  return { chat: header, messages: thread, deliveries: events };
}

export type ChatThread = NonNullable<Awaited<ReturnType<typeof getChatThread>>>;
