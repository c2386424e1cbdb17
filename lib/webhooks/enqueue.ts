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

/**
 * SQL for the CTEs `target`, `predecessor` and `queued` that put deliveries in the queue, from the relation
 * `source` (columns: id, account_id, integration_id, chat_id, seq, next_attempt_at, attempts, expires_on,
 * event, payload, window_started_at, attempts_before_window: a delivery's row) — shared by everything that
 * queues (new events, END, Resend, Replay). A delivery of an integration that is not Active waits: it is
 * queued at 'infinity' until a Start releases it (lib/webhooks/waiting.ts). The integration is locked
 * FOR SHARE to read its status: a locking read sees the latest committed status, and a Start or Stop
 * (which updates that row, and whose trigger re-times the queue) waits for this statement's transaction,
 * or this one for it — so no row is ever queued by a status that has just changed. The lock is per
 * integration per statement, not per event, taken in id order (two batches never wait for each other
 * in a cycle). The queue's insert trigger wakes the workers.
 *
 * A delivery queued behind an earlier event of its chat is `blocked` (out of the claims' way) only when
 * that event cannot leave the queue before this transaction commits: the latest earlier one is locked FOR
 * KEY SHARE, which a claim's, a retry's or a release's update allows and only a DELETE (a completion, a
 * Skip) waits for (its trigger then lets the next one go, see migration 0015). One whose DELETE holds it
 * now is skipped, never waited for (no lock cycle with a completion): the new rows then go unblocked, and
 * the claim's order check holds them. Later rows of the same chat in this batch are blocked by the
 * batch's first.
 */
export function queueCtes(source: string): string {
  return `
target AS (
  SELECT i.id, i.status FROM integrations i
  WHERE i.id IN (SELECT s.integration_id FROM ${source} s)
  ORDER BY i.id
  FOR SHARE OF i
),
predecessor AS (
  -- After the integration's lock (it reads target): a Start's last Skip, or an integration's deletion,
  -- which hold that row, never wait for this lock while this statement waits for theirs.
  SELECT c.integration_id, c.chat_id, p.seq
  FROM (SELECT integration_id, chat_id, min(seq) AS first FROM ${source}
        WHERE integration_id IN (SELECT id FROM target) GROUP BY 1, 2) c
  CROSS JOIN LATERAL (
    SELECT q.seq FROM delivery_queue q
    WHERE q.integration_id = c.integration_id AND q.chat_id = c.chat_id AND q.seq < c.first
    ORDER BY q.seq DESC LIMIT 1
    FOR KEY SHARE SKIP LOCKED) p
),
-- By integration and chat, as one object (looked up by key: see the payloads of enqueueCtes).
predecessors AS (
  SELECT jsonb_object_agg(integration_id::text || ' ' || chat_id::text, seq) AS by_chat FROM predecessor
),
queued AS (
  INSERT INTO delivery_queue (delivery_id, expires_on, account_id, integration_id, chat_id, seq, attempts,
                              next_attempt_at, event, payload, window_started_at, attempts_before_window, blocked)
  SELECT s.id, s.expires_on, s.account_id, s.integration_id, s.chat_id, s.seq, s.attempts,
         CASE WHEN t.status = 'ACTIVE' THEN s.next_attempt_at ELSE 'infinity' END,
         s.event, s.payload, s.window_started_at, s.attempts_before_window,
         coalesce((SELECT by_chat FROM predecessors) ? (s.integration_id::text || ' ' || s.chat_id::text), false)
           OR row_number() OVER (PARTITION BY s.integration_id, s.chat_id ORDER BY s.seq) > 1
  FROM ${source} s LEFT JOIN target t ON t.id = s.integration_id
  RETURNING 1
)`;
}

/**
 * SQL for the CTEs `delivery`, `target` and `queued` that store deliveries (the log) and queue them (the
 * outbox) from the relation `source` (columns: id, "accountId", "integrationId", "chatId", "messageId",
 * event, payload, n, "expiresOn" — the day the event's rows expire, see lib/webhooks/partitions.ts) —
 * shared by every statement that creates deliveries. Rows go in `n` order, so `seq`
 * (a chat's delivery order) follows it. A delivery queued behind a chat event that waits for a retry
 * is due no earlier than that retry, which its next attempt time says (it is held anyway, see
 * queueCtes). Rows waiting for a Start ('infinity') do not count: they are released by then.
 */
export function enqueueCtes(source: string): string {
  return `
stored AS (
  INSERT INTO deliveries (id, account_id, integration_id, chat_id, message_id, event, payload, expires_on,
                          next_attempt_at)
  SELECT s.id, s."accountId", s."integrationId", s."chatId", s."messageId", s.event::event_type,
         stored_event_payload(s.payload, s."messageId" IS NOT NULL), s."expiresOn",
         greatest(now(), (
           SELECT max(c.next_attempt_at) FROM (
             SELECT p.next_attempt_at FROM delivery_queue p
             WHERE p.integration_id = s."integrationId" AND p.chat_id = s."chatId"
               AND p.lease_expires_at IS NULL AND p.next_attempt_at < 'infinity'
             ORDER BY p.integration_id, p.chat_id, p.seq OFFSET 0) c))
  FROM ${source} s ORDER BY s.n
  RETURNING id, account_id, integration_id, chat_id, seq, next_attempt_at, attempts, expires_on, event,
            window_started_at, attempts_before_window, created_at
),
-- (A chat's queued rows are read above in the chat index's order, which no other index gives without a
-- sort, and the engine's sessions turn sorts off: with real statistics the plan otherwise took the log's
-- index and read all of the integration's queued rows for every event, ~1 s per batch behind a backlog.)
-- The queue row carries the whole payload (the delivery keeps only what it does not repeat); the event's
-- time is when it was stored, as event_payload() reads it back. Each payload is found by key in one object
-- of the batch's: joined with the source (CTE scans have no index, and the engine's hash joins are off) it
-- would be a nested loop over the batch for each delivery.
payloads AS (
  SELECT jsonb_object_agg(s.id::text, s.payload) AS by_id FROM ${source} s
),
delivery AS (
  SELECT d.*, ((SELECT by_id FROM payloads) -> d.id::text) || jsonb_build_object('timestamp', event_timestamp(d.created_at)) AS payload
  FROM stored d
),
${queueCtes("delivery")}`;
}

const INSERT_SQL = `
WITH s AS (
  SELECT x.*, retention_expires_on(x."accountId") AS "expiresOn"
  FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (
    id uuid, "accountId" uuid, "integrationId" uuid, "chatId" uuid, "messageId" uuid, event text, payload jsonb))
    WITH ORDINALITY AS x(id, "accountId", "integrationId", "chatId", "messageId", event, payload, n)
),
${enqueueCtes("s")}
SELECT count(*) FROM queued`;

/** Inserts deliveries and queues them, inside the caller's transaction; they expire by the account's period. */
export async function insertDeliveries(client: PoolClient, rows: NewDeliveryRow[]): Promise<void> {
  if (rows.length === 0) return;
  await client.query({ name: "webhooks.enqueue", text: INSERT_SQL, values: [JSON.stringify(rows)] });
}
