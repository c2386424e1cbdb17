import { and, asc, desc, eq, lte, sql, type SQL } from "drizzle-orm";

import { db, readDb, type Database } from "@/db";
import {
  campaignConnections,
  campaigns,
  chats,
  connections,
  deliveries,
  integrationConnections,
  integrations,
  messages,
} from "@/db/schema";
import { getRetentionWindow } from "@/lib/data/accounts";
import { cursorTime, decodeCursor, encodeCursor } from "@/lib/data/cursor";
import type { ChatOrder } from "@/lib/validation/chat";
import { isUuid } from "@/lib/validation/ids";

export interface ChatFilter {
  status?: "OPEN" | "CLOSED";
  integrationId?: string;
  /**
   * "recent": latest message first, as the inbox shows them (Default); "opened": oldest chat first, a
   * stable order for paging through an API (a new message does not move a chat between pages).
   */
  order?: ChatOrder;
  /** The `nextCursor` of the previous page, in the same order. */
  cursor?: string;
  limit?: number;
}

// What every chat listing shows: the chat, its connection, and who it was attributed to.
const chatFields = {
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
  lastMessage: chats.lastMessagePreview,
};

// Lists and threads are log reads (readDb(): a replica when there is one); a chat read back after a
// write (the close route's answer) comes from the primary.
function selectChats<Extra extends Record<string, SQL>>(from: Database, extra: Extra = {} as Extra) {
  return from
    .select({ ...chatFields, ...extra })
    .from(chats)
    .innerJoin(connections, eq(connections.id, chats.connectionId))
    .leftJoin(integrations, eq(integrations.id, chats.integrationId))
    .leftJoin(campaigns, eq(campaigns.id, chats.campaignId));
}

/**
 * The account's chats, each with its connection and last message, cursor-paginated in the given order.
 * Throws AppError INVALID (a 400 in APIs) for a cursor it did not give out.
 */
export async function listChats(
  accountId: string,
  { status, integrationId, order = "recent", cursor, limit = 50 }: ChatFilter = {},
) {
  const after = cursor ? decodeCursor(cursor, order, isUuid) : null;
  const recent = order === "recent";
  const column = recent ? chats.lastMessageAt : chats.openedAt;
  // One page in index order: (account or integration or connection, time, id), from the cursor on.
  const page_ = {
    where: and(
      status ? eq(chats.status, status) : undefined,
      after
        ? sql`(${column}, ${chats.id}) ${sql.raw(recent ? "<" : ">")} (${after.at}::timestamptz, ${after.key}::uuid)`
        : undefined,
    ),
    orderBy: recent ? sql`${column} desc, ${chats.id} desc` : sql`${column}, ${chats.id}`,
    limit: limit + 1,
  };
  // The cursor keeps the timestamp as stored, to the microsecond (a JS Date would drop those).
  const rows = await selectChats(readDb(), { cursorAt: cursorTime(column) })
    .where(
      and(
        eq(chats.accountId, accountId),
        page_.where,
        integrationId ? sql`${chats.id} IN (${servedChatsPage(integrationId, page_)})` : undefined,
      ),
    )
    .orderBy(...(recent ? [desc(column), desc(chats.id)] : [asc(column), asc(chats.id)]))
    .limit(limit + 1);
  const page = rows.slice(0, limit).map(({ cursorAt: _at, ...chat }) => chat);
  const last = rows.length > limit ? rows[limit - 1] : undefined;
  return { chats: page, nextCursor: last ? encodeCursor(order, last.cursorAt, last.id) : null };
}

/**
 * The ids of one page of the chats an integration serves (see servedBy), each way it can serve them
 * read through its own index and cut at the page size: attributed to it (integration_id), on a
 * connection feeding it, of a Chatbot Service campaign linking it (on that campaign's connections).
 */
function servedChatsPage(
  integrationId: string,
  page: { where: SQL | undefined; orderBy: SQL; limit: number },
) {
  const where = page.where ? sql`AND ${page.where}` : sql``;
  const tail = sql`${where} ORDER BY ${page.orderBy} LIMIT ${page.limit}`;
  return sql`
    (SELECT ${chats.id} FROM ${chats} WHERE ${chats.integrationId} = ${integrationId} ${tail})
    UNION
    (SELECT served.id FROM ${integrationConnections} feeding CROSS JOIN LATERAL (
       SELECT ${chats.id} FROM ${chats} WHERE ${chats.connectionId} = feeding.connection_id ${tail}) served
     WHERE feeding.integration_id = ${integrationId})
    UNION
    (SELECT served.id FROM ${campaigns} linking
     JOIN ${campaignConnections} cc ON cc.campaign_id = linking.id
     CROSS JOIN LATERAL (
       SELECT ${chats.id} FROM ${chats}
       WHERE ${chats.connectionId} = cc.connection_id AND ${chats.campaignId} = linking.id ${tail}) served
     WHERE linking.integration_id = ${integrationId})`;
}

export type ChatListItem = Awaited<ReturnType<typeof listChats>>["chats"][number];

/** One chat as listings show it, or null when the account has none with this id. */
export async function getChat(accountId: string, chatId: string, from: Database = db()) {
  const [chat] = await selectChats(from).where(and(eq(chats.accountId, accountId), eq(chats.id, chatId)));
  return chat ?? null;
}

/** One chat with its messages in order and, for each event, the status of its delivery. */
export async function getChatThread(accountId: string, chatId: string) {
  const [header, window] = await Promise.all([
    getChat(accountId, chatId, readDb()),
    getRetentionWindow(accountId),
  ]);
  if (!header || !window) return null;
  const { lastExpiresOn } = window;
  const [thread, events] = await Promise.all([
    readDb()
      .select()
      .from(messages)
      .where(
        and(
          eq(messages.accountId, accountId),
          eq(messages.chatId, chatId),
          lte(messages.expiresOn, lastExpiresOn),
        ),
      )
      .orderBy(asc(messages.createdAt)),
    readDb()
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
        and(
          eq(deliveries.accountId, accountId),
          eq(deliveries.chatId, chatId),
          eq(deliveries.isTest, false),
          lte(deliveries.expiresOn, lastExpiresOn),
        ),
      )
      .orderBy(asc(deliveries.seq)),
  ]);
  return { chat: header, messages: thread, deliveries: events };
}

export type ChatThread = NonNullable<Awaited<ReturnType<typeof getChatThread>>>;

/**
 * SQL condition: the integration serves the chat — it was attributed to it when it opened, its
 * connection feeds the integration, or its Chatbot Service campaign links the integration.
 */
export const servedBy = (integrationId: string) => sql`(
  ${chats.integrationId} = ${integrationId}
  or ${chats.connectionId} in (select ${integrationConnections.connectionId} from ${integrationConnections}
    where ${integrationConnections.integrationId} = ${integrationId})
  or ${chats.campaignId} in (select ${campaigns.id} from ${campaigns} where ${campaigns.integrationId} = ${integrationId})
)`;
