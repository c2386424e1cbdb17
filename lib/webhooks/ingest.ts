import { randomUUID } from "node:crypto";

import type { PoolClient } from "pg";

import { AppError, notFound } from "@/lib/errors";
import { normaliseCode } from "@/lib/validation/connection";

import { insertDeliveries, type NewDeliveryRow } from "./enqueue";
import type { EventPayload } from "./event";
import { GroupCommit } from "./group-commit";
import { countIngested } from "./metrics";
import { routeConnections, type ConnectionRoute } from "./routing";
import { transaction } from "./sql";

/** An end user's message arriving on a connection. */
export interface InboundMessage {
  connectionId: string;
  /** The contact's number (E.164). */
  from: string;
  text?: string | null;
  multimedia?: { url: string; caption?: string | null } | null;
  /** When set, the connection must belong to this account (API callers); otherwise 404. */
  accountId?: string;
}

export interface InboundAccepted {
  chatId: string;
  messageId: string;
  /** One per integration the event goes to (none when no ACTIVE integration owns the connection). */
  deliveryIds: string[];
}

// PostgreSQL text and jsonb cannot hold NUL characters; nobody means to send them.
const clean = (value: string | null | undefined) => (value ? value.replaceAll("\u0000", "") : null);

interface Prepared {
  connectionId: string;
  contact: string;
  text: string | null;
  multimediaUrl: string | null;
  multimediaCaption: string | null;
  accountId?: string;
  receivedAt: string;
}

/**
 * Accepts an end user's message: finds or opens the chat (one OPEN chat per connection and contact),
 * stores the IN message and, when an ACTIVE integration owns the connection (directly, or through a
 * LIVE Chatbot Service campaign), the MESSAGE delivery — in one transaction, shared with the other
 * messages arriving at the same moment (group commit). Once this resolves, the event cannot be lost.
 */
export async function ingestInbound(message: InboundMessage): Promise<InboundAccepted> {
  const contact = normaliseCode(message.from.trim());
  const text = clean(message.text);
  const multimediaUrl = clean(message.multimedia?.url);
  if (!contact) throw new AppError("INVALID", "The contact's number is required", { from: ["Required"] });
  if (!text && !multimediaUrl) {
    throw new AppError("INVALID", "Send a text or multimedia", { text: ["Send a text or multimedia"] });
  }
  return ingestBatcher().submit({
    connectionId: message.connectionId,
    contact,
    text,
    multimediaUrl,
    multimediaCaption: clean(message.multimedia?.caption),
    accountId: message.accountId,
    receivedAt: new Date().toISOString(),
  });
}

const globalForIngest = globalThis as unknown as { __ingest?: GroupCommit<Prepared, InboundAccepted> };

function ingestBatcher() {
  globalForIngest.__ingest ??= new GroupCommit(writeInbound, {
    maxBatch: 500,
    maxInFlight: 3,
    // A chat's messages are stored (and delivered) in the order they were accepted.
    key: (item) => chatKey(item.connectionId, item.contact),
  });
  return globalForIngest.__ingest;
}

// Finds or opens each chat and locks it until commit: concurrent transactions adding to one chat take
// turns, so a chat's deliveries commit in `seq` order (a claim never sees a later event without the
// earlier one). Rows go in (connection, contact) order so that batches lock chats in the same order;
// ON CONFLICT settles two messages opening the same chat at once. last_message_at (for the idle
// timeout) is rewritten at most once a minute: a lock alone leaves the row and its indexes untouched.
const UPSERT_CHATS_SQL = `
INSERT INTO chats (account_id, connection_id, contact, integration_id, campaign_id)
SELECT x."accountId", x."connectionId", x.contact, x."integrationId", x."campaignId"
FROM jsonb_to_recordset($1::jsonb) AS x("accountId" uuid, "connectionId" uuid, contact text, "integrationId" uuid, "campaignId" uuid)
ORDER BY x."connectionId", x.contact
ON CONFLICT (connection_id, contact) WHERE status = 'OPEN'
DO UPDATE SET last_message_at = now(),
              integration_id = coalesce(chats.integration_id, excluded.integration_id),
              campaign_id = coalesce(chats.campaign_id, excluded.campaign_id)
WHERE chats.last_message_at < now() - interval '1 minute'
   OR (chats.integration_id IS NULL AND excluded.integration_id IS NOT NULL)
   OR (chats.campaign_id IS NULL AND excluded.campaign_id IS NOT NULL)`;

// The chats just opened or locked above.
const OPEN_CHATS_SQL = `
SELECT c.id, c.connection_id AS "connectionId", c.contact
FROM chats c
JOIN jsonb_to_recordset($1::jsonb) AS x("connectionId" uuid, contact text)
  ON c.connection_id = x."connectionId" AND c.contact = x.contact
WHERE c.status = 'OPEN'`;

// clock_timestamp() keeps messages of one batch in arrival order.
const INSERT_MESSAGES_SQL = `
INSERT INTO messages (id, account_id, chat_id, direction, text, multimedia_url, multimedia_caption, created_at)
SELECT x.id, x."accountId", x."chatId", 'IN', x.text, x."multimediaUrl", x."multimediaCaption", clock_timestamp()
FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (
  id uuid, "accountId" uuid, "chatId" uuid, text text, "multimediaUrl" text, "multimediaCaption" text))
  WITH ORDINALITY AS x(id, "accountId", "chatId", text, "multimediaUrl", "multimediaCaption", n)
ORDER BY x.n`;

const chatKey = (connectionId: string, contact: string) => `${connectionId} ${contact}`;

async function writeInbound(items: Prepared[]): Promise<(InboundAccepted | Error)[]> {
  const results = await transaction(async (client) => {
    const routes = await routeConnections(client, [...new Set(items.map((i) => i.connectionId))]);
    const out: (InboundAccepted | Error)[] = [];
    const accepted: { index: number; item: Prepared; route: ConnectionRoute }[] = [];
    items.forEach((item, index) => {
      const route = routes.get(item.connectionId);
      if (!route || (item.accountId !== undefined && route.accountId !== item.accountId)) {
        out[index] = notFound("Connection");
      } else {
        accepted.push({ index, item, route });
      }
    });
    if (accepted.length === 0) return out;

    const chats = await openChats(client, accepted);
    const messages = [];
    const deliveries: NewDeliveryRow[] = [];
    for (const { index, item, route } of accepted) {
      const chatId = chats.get(chatKey(item.connectionId, item.contact))!;
      const messageId = randomUUID();
      messages.push({
        id: messageId,
        accountId: route.accountId,
        chatId,
        text: item.text,
        multimediaUrl: item.multimediaUrl,
        multimediaCaption: item.multimediaCaption,
      });
      const deliveryIds: string[] = [];
      if (route.integrationId) {
        const payload: EventPayload = {
          chatId,
          contact: item.contact,
          event: "MESSAGE",
          text: item.text,
          multimediaUrl: item.multimediaUrl,
          multimediaCaption: item.multimediaCaption,
          channel: route.channel,
          connectionCode: route.code,
          integrationId: route.integrationId,
          alias: route.alias,
          timestamp: item.receivedAt,
        };
        const id = randomUUID();
        deliveryIds.push(id);
        deliveries.push({
          id,
          accountId: route.accountId,
          integrationId: route.integrationId,
          chatId,
          messageId,
          event: "MESSAGE",
          payload,
        });
      }
      out[index] = { chatId, messageId, deliveryIds };
    }
    await client.query({
      name: "webhooks.insert-messages",
      text: INSERT_MESSAGES_SQL,
      values: [JSON.stringify(messages)],
    });
    await insertDeliveries(client, deliveries);
    return out;
  });
  countIngested("MESSAGE", results.filter((r) => !(r instanceof Error)).length);
  return results;
}

async function openChats(
  client: PoolClient,
  accepted: { item: Prepared; route: ConnectionRoute }[],
): Promise<Map<string, string>> {
  const rows = new Map<string, object>();
  for (const { item, route } of accepted) {
    rows.set(chatKey(item.connectionId, item.contact), {
      accountId: route.accountId,
      connectionId: item.connectionId,
      contact: item.contact,
      integrationId: route.integrationId,
      campaignId: route.campaignId,
    });
  }
  const json = JSON.stringify([...rows.values()]);
  await client.query({ name: "webhooks.open-chats", text: UPSERT_CHATS_SQL, values: [json] });
  const { rows: chats } = await client.query<{ id: string; connectionId: string; contact: string }>({
    name: "webhooks.find-chats",
    text: OPEN_CHATS_SQL,
    values: [json],
  });
  return new Map(chats.map((c) => [chatKey(c.connectionId, c.contact), c.id]));
}
