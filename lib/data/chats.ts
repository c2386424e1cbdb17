import { and, asc, desc, eq, sql, type AnyColumn, type SQL } from "drizzle-orm";

import { db } from "@/db";
import {
  campaigns,
  chats,
  connections,
  deliveries,
  integrationConnections,
  integrations,
  messages,
} from "@/db/schema";
import { AppError } from "@/lib/errors";
import type { ChatOrder } from "@/lib/validation/chat";
import { isUuid } from "@/lib/validation/ids";
import { isStorableInstant } from "@/lib/validation/time";

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

// The timestamp in a cursor: UTC with microseconds, whatever the session's DateStyle or TimeZone.
const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const asCursorTime = (column: AnyColumn) =>
  sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const encodeCursor = (order: ChatOrder, at: string, id: string) =>
  Buffer.from(`${order}|${at}|${id}`).toString("base64url");

function decodeCursor(cursor: string, order: ChatOrder): { at: string; id: string } {
  const [cursorOrder, at, id, ...rest] = Buffer.from(cursor, "base64url").toString().split("|");
  const realTime = (t: string) =>
    isStorableInstant(new Date(t)) && new Date(t).toISOString().slice(0, 19) === t.slice(0, 19);
  if (cursorOrder !== order || !at || !CURSOR_TIME.test(at) || !realTime(at) || !isUuid(id) || rest.length) {
    const message = "This cursor is not one this listing gave out: start again without it";
    throw new AppError("INVALID", message, { cursor: [message] });
  }
  return { at, id };
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
  lastMessage: sql<
    string | null
  >`(select coalesce(${messages.text}, ${messages.multimediaCaption}, ${messages.multimediaUrl})
    from ${messages} where ${messages.chatId} = ${chats.id} order by ${messages.createdAt} desc limit 1)`,
};

function selectChats<Extra extends Record<string, SQL>>(extra: Extra = {} as Extra) {
  return db()
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
  const after = cursor ? decodeCursor(cursor, order) : null;
  const recent = order === "recent";
  const column = recent ? chats.lastMessageAt : chats.openedAt;
  // The cursor keeps the timestamp as stored, to the microsecond (a JS Date would drop those).
  const rows = await selectChats({ cursorAt: asCursorTime(column) })
    .where(
      and(
        eq(chats.accountId, accountId),
        status ? eq(chats.status, status) : undefined,
        integrationId ? servedBy(integrationId) : undefined,
        after && recent
          ? sql`(${column}, ${chats.id}) < (${after.at}::timestamptz, ${after.id}::uuid)`
          : undefined,
        after && !recent
          ? sql`(${column}, ${chats.id}) > (${after.at}::timestamptz, ${after.id}::uuid)`
          : undefined,
      ),
    )
    .orderBy(...(recent ? [desc(column), desc(chats.id)] : [asc(column), asc(chats.id)]))
    .limit(limit + 1);
  const page = rows.slice(0, limit).map(({ cursorAt: _at, ...chat }) => chat);
  const last = rows.length > limit ? rows[limit - 1] : undefined;
  return { chats: page, nextCursor: last ? encodeCursor(order, last.cursorAt, last.id) : null };
}

export type ChatListItem = Awaited<ReturnType<typeof listChats>>["chats"][number];

/** One chat as listings show it, or null when the account has none with this id. */
export async function getChat(accountId: string, chatId: string) {
  const [chat] = await selectChats().where(and(eq(chats.accountId, accountId), eq(chats.id, chatId)));
  return chat ?? null;
}

/** One chat with its messages in order and, for each event, the status of its delivery. */
export async function getChatThread(accountId: string, chatId: string) {
  const header = await getChat(accountId, chatId);
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
