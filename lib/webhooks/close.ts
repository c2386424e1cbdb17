import { randomUUID } from "node:crypto";

import type { PoolClient } from "pg";

import { AppError, notFound } from "@/lib/errors";

import { insertDeliveries, type NewDeliveryRow } from "./enqueue";
import { eventPayload } from "./event";
import { countIngested } from "./metrics";
import { routeConnections } from "./routing";
import { transaction } from "./sql";

export interface ChatClosed {
  chatId: string;
  /** The END deliveries (none when no integration owns the chat's connection; waiting while it is stopped). */
  deliveryIds: string[];
}

interface ClosedRow {
  id: string;
  accountId: string;
  connectionId: string;
  contact: string;
}

/** Stores the END event of chats just closed in this transaction: one delivery per routed chat. */
async function enqueueEnd(client: PoolClient, closed: ClosedRow[]): Promise<ChatClosed[]> {
  const routes = await routeConnections(client, [...new Set(closed.map((c) => c.connectionId))]);
  const now = new Date().toISOString();
  const deliveries: NewDeliveryRow[] = [];
  const out = closed.map((chat): ChatClosed => {
    const route = routes.get(chat.connectionId);
    if (!route?.integrationId) return { chatId: chat.id, deliveryIds: [] };
    const id = randomUUID();
    deliveries.push({
      id,
      accountId: chat.accountId,
      integrationId: route.integrationId,
      chatId: chat.id,
      messageId: null,
      event: "END",
      payload: eventPayload(
        { ...route, integrationId: route.integrationId },
        { event: "END", chatId: chat.id, contact: chat.contact, timestamp: now },
      ),
    });
    return { chatId: chat.id, deliveryIds: [id] };
  });
  await insertDeliveries(client, deliveries);
  countIngested("END", closed.length);
  return out;
}

const RETURNING = `RETURNING chats.id, chats.account_id AS "accountId", chats.connection_id AS "connectionId", chats.contact`;

/**
 * Closes an OPEN chat of the account and stores its END delivery in the same transaction.
 * Unknown (or another account's) chat → NOT_FOUND; an already closed chat → CONFLICT.
 */
export async function closeChat(accountId: string, chatId: string): Promise<ChatClosed> {
  return transaction(async (client) => {
    const { rows } = await client.query<ClosedRow>(
      `UPDATE chats SET status = 'CLOSED', closed_at = now()
       WHERE id = $1 AND account_id = $2 AND status = 'OPEN' ${RETURNING}`,
      [chatId, accountId],
    );
    if (rows.length === 0) {
      const { rowCount } = await client.query("SELECT 1 FROM chats WHERE id = $1 AND account_id = $2", [
        chatId,
        accountId,
      ]);
      throw rowCount ? new AppError("CONFLICT", "This chat is already closed") : notFound("Chat");
    }
    const [closed] = await enqueueEnd(client, rows);
    return closed!;
  });
}

/**
 * Closes chats idle for longer than `idleMs` (their END events go out like any other), at most
 * `limit` per call. Chats locked by a concurrent message are skipped: they are not idle.
 */
export async function closeIdleChats({
  idleMs,
  limit = 500,
  accountIds,
}: {
  idleMs: number;
  limit?: number;
  /** Only these accounts' chats (tests scope their workers this way). */
  accountIds?: string[];
}): Promise<ChatClosed[]> {
  return transaction(async (client) => {
    const { rows } = await client.query<ClosedRow>(
      `WITH idle AS (
         SELECT id FROM chats
         WHERE status = 'OPEN' AND last_message_at < now() - $1 * interval '1 millisecond'
           AND ($3::uuid[] IS NULL OR account_id = ANY($3::uuid[]))
         ORDER BY last_message_at
         LIMIT $2
         FOR UPDATE SKIP LOCKED)
       UPDATE chats SET status = 'CLOSED', closed_at = now() FROM idle WHERE chats.id = idle.id ${RETURNING}`,
      [idleMs, limit, accountIds ?? null],
    );
    return rows.length ? enqueueEnd(client, rows) : [];
  });
}
