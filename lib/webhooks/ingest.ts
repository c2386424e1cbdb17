import { randomUUID } from "node:crypto";

import type { Pool } from "pg";

import { enginePool } from "@/db";
import { AppError, isUniqueViolation, notFound } from "@/lib/errors";
import { isContactNumber, normaliseCode } from "@/lib/validation/connection";
import { storableText } from "@/lib/validation/text";

import { enqueueCtes } from "./enqueue";
import { eventPayload } from "./event";
import { GroupCommit } from "./group-commit";
import { withPartitions } from "./partitions";
import { countIngested, recordBatch } from "./metrics";
import { routeConnections } from "./routing";
import { isRetryable } from "./sql";

/** An end user's message arriving on a connection. */
export interface InboundMessage {
  connectionId: string;
  /** The contact's number (E.164). */
  from: string;
  text?: string | null;
  multimedia?: { url: string; caption?: string | null } | null;
  /** When set, the connection must belong to this account (API callers); otherwise 404. */
  accountId?: string;
  /**
   * The channel provider's id of the message. A provider delivers a webhook again when unsure it
   * arrived; a message whose id was already stored is not stored (nor delivered) twice.
   */
  externalId?: string | null;
}

export interface InboundAccepted {
  chatId: string;
  messageId: string;
  /**
   * One per integration the event goes to (none when no integration owns the connection). While the
   * integration is not Active, its delivery waits for its Start.
   */
  deliveryIds: string[];
}

/** What ingestion tells the inbound paths beyond the API's answer. */
export interface Ingested extends InboundAccepted {
  /** True when the message had been received before (same provider id): these are the first time's ids. */
  duplicate?: boolean;
  /** Whether a LIVE Keyword campaign used the connection when the message was stored. */
  liveKeywords: boolean;
}

// Every inbound path ends here. The API and the portal refuse text PostgreSQL cannot hold; what a
// provider relays from a contact is stored as well-formed text instead (see storableText).
const clean = (value: string | null | undefined) => storableText(value) || null;

interface Prepared {
  connectionId: string;
  contact: string;
  text: string | null;
  multimediaUrl: string | null;
  multimediaCaption: string | null;
  accountId?: string;
  externalId: string | null;
  receivedAt: string;
}

/**
 * Accepts an end user's message: finds or opens the chat (one OPEN chat per connection and contact),
 * stores the IN message and, when an integration owns the connection (directly, or through a LIVE
 * Chatbot Service campaign), the MESSAGE delivery (waiting, while the integration is stopped) — in one transaction, shared with the other
 * messages arriving at the same moment (group commit). Once this resolves, the event cannot be lost.
 */
export async function ingestInbound(message: InboundMessage): Promise<Ingested> {
  const contact = normaliseCode(message.from.trim());
  const text = clean(message.text);
  const multimediaUrl = clean(message.multimedia?.url);
  if (!contact) throw new AppError("INVALID", "The contact's number is required", { from: ["Required"] });
  if (!isContactNumber(contact)) {
    const problem = "The contact's number must be in E.164 format (like +15551234567) or a short code";
    throw new AppError("INVALID", problem, { from: [problem] });
  }
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
    externalId: clean(message.externalId),
    receivedAt: new Date().toISOString(),
  });
}

const globalForIngest = globalThis as unknown as { __ingest?: GroupCommit<Prepared, Ingested> };

function ingestBatcher() {
  globalForIngest.__ingest ??= new GroupCommit(writeInbound, {
    maxBatch: 500,
    maxInFlight: 3,
    // A chat's messages are stored (and delivered) in the order they were accepted.
    key: (item) => `${item.connectionId} ${item.contact}`,
  });
  return globalForIngest.__ingest;
}

// One statement writes a whole batch (atomic on its own, one round trip): it finds or opens each chat
// and locks it until commit, so concurrent writers to one chat take turns and its deliveries commit in
// `seq` order (a claim never sees a later event without the earlier one); rows go in (connection,
// contact) order so that batches lock chats in the same order, and ON CONFLICT settles two messages
// opening the same chat at once. last_message_at (for the idle timeout) moves at most once a minute,
// so the update leaves every index alone; the chat keeps the batch's latest message as its preview. Then the messages, in arrival order (clock_timestamp()),
// and the MESSAGE deliveries with their queue rows.
const WRITE_SQL = `
WITH x AS (
  SELECT * FROM ROWS FROM (json_to_recordset($1::json) AS (
    "accountId" uuid, "connectionId" uuid, contact text, "integrationId" uuid, "campaignId" uuid,
    "messageId" uuid, "deliveryId" uuid, text text, "multimediaUrl" text, "multimediaCaption" text,
    "externalId" text, payload jsonb, "expiresOn" date))
    WITH ORDINALITY AS x("accountId", "connectionId", contact, "integrationId", "campaignId", "messageId",
                         "deliveryId", text, "multimediaUrl", "multimediaCaption", "externalId", payload,
                         "expiresOn", n)
),
chat AS (
  INSERT INTO chats (account_id, connection_id, contact, integration_id, campaign_id, last_message_preview)
  SELECT DISTINCT ON (x."connectionId", x.contact)
         x."accountId", x."connectionId", x.contact, x."integrationId", x."campaignId",
         message_preview(x.text, x."multimediaCaption", x."multimediaUrl")
  FROM x ORDER BY x."connectionId", x.contact, x.n DESC
  ON CONFLICT (connection_id, contact, account_id) WHERE status = 'OPEN'
  DO UPDATE SET
    last_message_at = CASE WHEN chats.last_message_at < now() - interval '1 minute' THEN now()
                           ELSE chats.last_message_at END,
    last_message_preview = excluded.last_message_preview,
    integration_id = coalesce(chats.integration_id, excluded.integration_id),
    campaign_id = coalesce(chats.campaign_id, excluded.campaign_id)
  RETURNING id, connection_id, contact
),
-- Each message's chat, by key from one object of the batch's chats: joined with those rows (CTE scans have no
-- index, and the engine's hash joins are off) it would be a nested loop over the batch for each message.
chat_ids AS (
  SELECT jsonb_object_agg(chat.connection_id::text || ' ' || chat.contact, chat.id) AS ids FROM chat
),
xc AS (
  SELECT x.*, ((SELECT ids FROM chat_ids) ->> (x."connectionId"::text || ' ' || x.contact))::uuid AS "chatId"
  FROM x
),
message AS (
  -- (An inbound message's provider id is kept once, in inbound_message_ids, which expires with it.)
  INSERT INTO messages (id, account_id, chat_id, direction, text, multimedia_url, multimedia_caption,
                        created_at, expires_on)
  SELECT xc."messageId", xc."accountId", xc."chatId", 'IN', xc.text, xc."multimediaUrl",
         xc."multimediaCaption", clock_timestamp(), xc."expiresOn"
  FROM xc ORDER BY xc.n
  RETURNING 1
),
provider_id AS (
  INSERT INTO inbound_message_ids (external_id, account_id, chat_id, message_id, expires_on)
  SELECT xc."externalId", xc."accountId", xc."chatId", xc."messageId", xc."expiresOn"
  FROM xc WHERE xc."externalId" IS NOT NULL
  RETURNING 1
),
routed AS (
  SELECT xc."deliveryId" AS id, xc."accountId", xc."integrationId", xc."chatId", xc."messageId",
         'MESSAGE' AS event, xc.payload || jsonb_build_object('chatId', xc."chatId") AS payload, xc.n,
         xc."expiresOn"
  FROM xc WHERE xc."deliveryId" IS NOT NULL
),
${enqueueCtes("routed")}
SELECT xc.n::int AS n, xc."chatId" FROM xc`;

/**
 * Writes a batch: reads where each connection routes now and which provider ids were stored before
 * (plain reads), then one statement stores the rest. A message whose connection is unknown (or another
 * account's) gets NOT_FOUND on its own; a repeated one gets the first time's answer, marked duplicate.
 */
async function writeInbound(items: Prepared[], retried = false): Promise<(Ingested | Error)[]> {
  const pool = enginePool();
  const [routes, received] = await Promise.all([
    routeConnections(pool, [...new Set(items.map((i) => i.connectionId))]),
    receivedBefore(pool, items),
  ]);
  const out: (Ingested | Error)[] = [];
  const rows: object[] = [];
  const written: { index: number; messageId: string; deliveryId: string | null; liveKeywords: boolean }[] =
    [];
  // A provider id repeated within the batch: the later ones get the first one's answer.
  const firstInBatch = new Map<string, number>();
  const repeats: { index: number; of: number }[] = [];
  items.forEach((item, index) => {
    const route = routes.get(item.connectionId);
    if (!route || (item.accountId !== undefined && route.accountId !== item.accountId)) {
      out[index] = notFound("Connection");
      return;
    }
    if (item.externalId !== null) {
      const key = externalKey(route.accountId, item.externalId);
      const before = received.get(key);
      if (before) {
        out[index] = { ...before, duplicate: true, liveKeywords: route.liveKeywords };
        return;
      }
      const of = firstInBatch.get(key);
      if (of !== undefined) {
        repeats.push({ index, of });
        return;
      }
      firstInBatch.set(key, index);
    }
    const messageId = randomUUID();
    const integrationId = route.integrationId;
    const deliveryId = integrationId ? randomUUID() : null;
    written.push({ index, messageId, deliveryId, liveKeywords: route.liveKeywords });
    rows.push({
      accountId: route.accountId,
      connectionId: item.connectionId,
      contact: item.contact,
      integrationId,
      campaignId: route.campaignId,
      messageId,
      deliveryId,
      text: item.text,
      multimediaUrl: item.multimediaUrl,
      multimediaCaption: item.multimediaCaption,
      externalId: item.externalId,
      expiresOn: route.expiresOn,
      payload: integrationId
        ? eventPayload(
            { ...route, integrationId },
            { ...item, event: "MESSAGE", chatId: null, timestamp: item.receivedAt },
          )
        : null,
    });
  });
  if (rows.length > 0) {
    const started = performance.now();
    let chats: { n: number; chatId: string }[];
    try {
      ({ rows: chats } = await withPartitions(() =>
        pool.query<{ n: number; chatId: string }>({
          name: "webhooks.ingest",
          text: WRITE_SQL,
          values: [JSON.stringify(rows)],
        }),
      ));
    } catch (err) {
      // Another process stored the same provider id meanwhile (it committed first): read it this time.
      // A deadlock (with a Delete of the integration, say) rolled the statement back whole: run it again.
      if (!retried && (isUniqueViolation(err, EXTERNAL_ID_KEY) || isRetryable(err)))
        return writeInbound(items, true);
      throw err;
    }
    recordBatch("ingest", rows.length, (performance.now() - started) / 1000);
    for (const { n, chatId } of chats) {
      const { index, messageId, deliveryId, liveKeywords } = written[n - 1]!;
      out[index] = { chatId, messageId, deliveryIds: deliveryId ? [deliveryId] : [], liveKeywords };
    }
  }
  for (const { index, of } of repeats) {
    const first = out[of]!;
    out[index] = first instanceof Error ? first : { ...first, duplicate: true };
  }
  countIngested("MESSAGE", written.length);
  return out;
}

const EXTERNAL_ID_KEY = "inbound_message_ids_key";

const externalKey = (accountId: string, externalId: string) => `${accountId} ${externalId}`;

/**
 * The messages already stored under the provider ids of `items`, by account and provider id. Their
 * deliveries are found through the chat (deliveries_chat_idx; message_id has no index of its own), in a
 * second query only when there are any: read in the first, the deliveries' every day partition would be
 * set up on every batch for a lookup that almost never finds anything.
 */
async function receivedBefore(pool: Pool, items: Prepared[]): Promise<Map<string, InboundAccepted>> {
  const externalIds = [...new Set(items.flatMap((i) => (i.externalId === null ? [] : [i.externalId])))];
  const found = new Map<string, InboundAccepted>();
  if (externalIds.length === 0) return found;
  const { rows: stored } = await pool.query<{
    accountId: string;
    externalId: string;
    chatId: string;
    messageId: string;
    expiresOn: string;
  }>({
    name: "webhooks.ingest.received-before",
    text: `SELECT i.account_id AS "accountId", i.external_id AS "externalId", i.chat_id AS "chatId",
                  i.message_id AS "messageId", i.expires_on::text AS "expiresOn"
           FROM inbound_message_ids i
           -- Through the index on the ids' MD5 (the expression as the index has it).
           WHERE md5(i.external_id)::uuid = ANY(ARRAY(SELECT md5(x)::uuid FROM unnest($1::text[]) x))
             AND i.external_id = ANY($1::text[])`,
    values: [externalIds],
  });
  if (stored.length === 0) return found;
  // (The message's deliveries expire with it: that day's partitions hold them.)
  const { rows: deliveries } = await pool.query<{ messageId: string; id: string }>(
    `SELECT d.message_id AS "messageId", d.id FROM deliveries d
     JOIN unnest($1::uuid[], $2::uuid[]) AS m(chat_id, message_id)
       ON d.chat_id = m.chat_id AND d.message_id = m.message_id
     WHERE d.expires_on = ANY($3::date[])
     ORDER BY d.seq`,
    [
      stored.map((s) => s.chatId),
      stored.map((s) => s.messageId),
      [...new Set(stored.map((s) => s.expiresOn))],
    ],
  );
  const rows = stored.map(({ expiresOn: _, ...s }) => ({
    ...s,
    deliveryIds: deliveries.filter((d) => d.messageId === s.messageId).map((d) => d.id),
  }));
  for (const { accountId, externalId, ...accepted } of rows) {
    found.set(externalKey(accountId, externalId), accepted);
  }
  return found;
}
