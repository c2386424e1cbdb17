import type { PoolClient } from "pg";

import { db } from "@/db";

import type { AttemptRecord } from "./attempt";
import { recordAttempt } from "./metrics";
import { transaction } from "./sql";

/** The outcome of one attempt, ready to be written (many are written together). */
export interface Completion {
  deliveryId: string;
  accountId: string;
  integrationId: string;
  chatId: string;
  seq: number;
  workerId: string;
  /** The attempt number the lease was taken for: a completion for an older lease is ignored. */
  attemptNumber: number;
  status: "SUCCEEDED" | "RETRYING" | "FAILED";
  /** For RETRYING: when to try again. */
  nextAttemptAt: Date | null;
  record: AttemptRecord;
  /** 410 Gone: stop the integration with this reason. */
  disableReason: string | null;
}

// Only the lease holder may complete: if the lease ran out and another worker took the delivery,
// this (late) result is dropped and only logged as an attempt. A finished delivery leaves the queue; a
// retried one stays with its next time. The delivery row itself is updated in place (unindexed columns).
const UPDATE_SQL = `
WITH c AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS c(
    id uuid, "workerId" text, "attemptNumber" int, status text, "nextAttemptAt" timestamptz,
    "statusCode" int, error text, "latencyMs" int)
),
finished AS (
  DELETE FROM delivery_queue q USING c
  WHERE q.delivery_id = c.id AND q.leased_by = c."workerId" AND q.attempts = c."attemptNumber"
    AND c.status <> 'RETRYING'
  RETURNING q.delivery_id
),
retried AS (
  UPDATE delivery_queue q
  SET next_attempt_at = c."nextAttemptAt", lease_expires_at = NULL, leased_by = NULL
  FROM c
  WHERE q.delivery_id = c.id AND q.leased_by = c."workerId" AND q.attempts = c."attemptNumber"
    AND c.status = 'RETRYING'
  RETURNING q.delivery_id
)
UPDATE deliveries d
SET status = c.status::delivery_status, attempts = c."attemptNumber",
    next_attempt_at = coalesce(c."nextAttemptAt", d.next_attempt_at),
    last_status_code = c."statusCode", last_error = c.error, last_latency_ms = c."latencyMs",
    completed_at = CASE WHEN c.status IN ('SUCCEEDED', 'FAILED') THEN now() END
FROM c
WHERE d.id = c.id
  AND d.id = ANY(ARRAY(SELECT delivery_id FROM finished UNION ALL SELECT delivery_id FROM retried))`;

// A delivery deleted meanwhile (its integration was deleted) takes its attempts with it.
const INSERT_ATTEMPTS_SQL = `
INSERT INTO delivery_attempts (account_id, delivery_id, attempt_number, started_at, duration_ms, request,
  response_status, response_headers, response_body, error_class, error_message)
SELECT a."accountId", a."deliveryId", a."attemptNumber", a."startedAt", a."durationMs", a.request,
       a."responseStatus", a."responseHeaders", a."responseBody", a."errorClass"::attempt_error, a."errorMessage"
FROM json_to_recordset($1::json) AS a(
  "accountId" uuid, "deliveryId" uuid, "attemptNumber" int, "startedAt" timestamptz, "durationMs" int,
  request json, "responseStatus" int, "responseHeaders" json, "responseBody" text, "errorClass" text,
  "errorMessage" text)
WHERE EXISTS (SELECT 1 FROM deliveries d WHERE d.id = a."deliveryId")`;

// A chat's later events cannot go before this retry: make them due no earlier, so claims skip them.
const HOLD_FOLLOWERS_SQL = `
UPDATE delivery_queue f SET next_attempt_at = r."nextAttemptAt"
FROM jsonb_to_recordset($1::jsonb) AS r("chatId" uuid, "integrationId" uuid, seq bigint, "nextAttemptAt" timestamptz)
WHERE f.chat_id = r."chatId" AND f.integration_id = r."integrationId" AND f.seq > r.seq
  AND f.next_attempt_at < r."nextAttemptAt"`;

const DISABLE_SQL = `
UPDATE integrations SET status = 'INACTIVE', disabled_reason = x.reason, updated_at = now()
FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, reason text)
WHERE integrations.id = x.id AND integrations.status = 'ACTIVE'`;

/** Records attempts (delivery_attempts), inside the caller's transaction. */
export async function insertAttempts(client: PoolClient, completions: Completion[]): Promise<void> {
  await client.query({
    name: "webhooks.insert-attempts",
    text: INSERT_ATTEMPTS_SQL,
    values: [
      JSON.stringify(
        completions.map((c) => ({
          accountId: c.accountId,
          deliveryId: c.deliveryId,
          attemptNumber: c.attemptNumber,
          ...c.record,
        })),
      ),
    ],
  });
}

/** Writes a batch of attempt outcomes in one transaction; returns how many were still ours to complete. */
export async function completeDeliveries(completions: Completion[]): Promise<number> {
  const applied = await transaction(async (client) => {
    const { rowCount } = await client.query({
      name: "webhooks.complete",
      text: UPDATE_SQL,
      values: [
        JSON.stringify(
          completions.map((c) => ({
            id: c.deliveryId,
            workerId: c.workerId,
            attemptNumber: c.attemptNumber,
            status: c.status,
            nextAttemptAt: c.nextAttemptAt,
            statusCode: c.record.responseStatus,
            error: c.record.errorMessage,
            latencyMs: c.record.durationMs,
          })),
        ),
      ],
    });
    await insertAttempts(client, completions);
    const retrying = completions.filter((c) => c.status === "RETRYING");
    if (retrying.length > 0) {
      await client.query({
        name: "webhooks.hold-followers",
        text: HOLD_FOLLOWERS_SQL,
        values: [
          JSON.stringify(
            retrying.map((c) => ({
              chatId: c.chatId,
              integrationId: c.integrationId,
              seq: c.seq,
              nextAttemptAt: c.nextAttemptAt,
            })),
          ),
        ],
      });
    }
    const gone = completions.filter((c) => c.disableReason);
    if (gone.length > 0) {
      await client.query(DISABLE_SQL, [
        JSON.stringify(gone.map((c) => ({ id: c.integrationId, reason: c.disableReason }))),
      ]);
    }
    return rowCount ?? 0;
  });
  for (const c of completions) {
    recordAttempt(
      c.status === "SUCCEEDED" ? "succeeded" : c.status === "RETRYING" ? "retrying" : "failed",
      c.record.durationMs,
    );
  }
  return applied;
}

/**
 * Gives deliveries back without an attempt (a worker stopping before it could send them): due now,
 * for any worker to take.
 */
export async function releaseLeases(workerId: string, deliveryIds: string[]): Promise<number> {
  if (deliveryIds.length === 0) return 0;
  const { rowCount } = await db().$client.query(
    `UPDATE delivery_queue SET lease_expires_at = NULL, leased_by = NULL, attempts = attempts - 1
     WHERE delivery_id = ANY($1::uuid[]) AND leased_by = $2`,
    [deliveryIds, workerId],
  );
  return rowCount ?? 0;
}
