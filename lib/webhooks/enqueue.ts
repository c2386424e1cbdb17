import type { PoolClient } from "pg";

import type { EventType } from "@/db/schema";

import type { EventPayload } from "./event";

export interface NewDeliveryRow {
  id: string;
  accountId: string;
  integrationId: string;
  chatId: string;
  messageId: string | null;
  event: EventType;
  payload: EventPayload;
}

// The delivery rows (the log) and their queue rows, in one statement. Rows go in the given order, so
// `seq` (a chat's delivery order) follows it. A delivery queued behind a chat event that waits for a
// retry becomes due no earlier than that retry: workers then do not keep looking at it while it
// cannot go anyway (the claim's ordering check is what guarantees order; this only saves work). The
// queue's insert trigger wakes the workers.
const INSERT_SQL = `
WITH x AS (
  SELECT * FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (
    id uuid, "accountId" uuid, "integrationId" uuid, "chatId" uuid, "messageId" uuid, event text, payload jsonb))
    WITH ORDINALITY AS x(id, "accountId", "integrationId", "chatId", "messageId", event, payload, n)
),
d AS (
  INSERT INTO deliveries (id, account_id, integration_id, chat_id, message_id, event, payload, next_attempt_at)
  SELECT x.id, x."accountId", x."integrationId", x."chatId", x."messageId", x.event::event_type, x.payload,
         greatest(now(), (
           SELECT max(p.next_attempt_at) FROM delivery_queue p
           WHERE p.chat_id = x."chatId" AND p.integration_id = x."integrationId" AND p.lease_expires_at IS NULL))
  FROM x ORDER BY x.n
  RETURNING id, account_id, integration_id, chat_id, seq, next_attempt_at
)
INSERT INTO delivery_queue (delivery_id, account_id, integration_id, chat_id, seq, next_attempt_at)
SELECT id, account_id, integration_id, chat_id, seq, next_attempt_at FROM d`;

/** Inserts deliveries and queues them (the outbox), inside the caller's transaction. */
export async function insertDeliveries(client: PoolClient, rows: NewDeliveryRow[]): Promise<void> {
  if (rows.length === 0) return;
  await client.query({ name: "webhooks.enqueue", text: INSERT_SQL, values: [JSON.stringify(rows)] });
}
