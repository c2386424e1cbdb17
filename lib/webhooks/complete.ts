import { enginePool } from "@/db";

import { partitionName } from "./partitions";

import type { AttemptRecord } from "./attempt";
import { packAttempt } from "./attempt-log";
import type { EndpointSignal } from "./health";
import { recordAttempt, recordBatch } from "./metrics";

/** The outcome of one attempt, ready to be written (many are written together). */
export interface Completion {
  deliveryId: string;
  accountId: string;
  integrationId: string;
  seq: number;
  /** The delivery's partition (YYYY-MM-DD). */
  expiresOn: string;
  workerId: string;
  /** The attempt number the lease was taken for: a completion for an older lease is ignored. */
  attemptNumber: number;
  status: "SUCCEEDED" | "RETRYING" | "FAILED";
  /** For RETRYING: when to try again. */
  nextAttemptAt: Date | null;
  record: AttemptRecord;
  /** The delivery's payload: its attempts' logs are packed against it (lib/webhooks/attempt-log.ts). */
  payload: unknown;
  /** 410 Gone: stop the integration with this reason. */
  disableReason: string | null;
  /** What the attempt says about the endpoint (lib/webhooks/health.ts). Default: it answered. */
  signal?: EndpointSignal;
  /** The endpoint had a health row when the delivery was claimed (its answer is news). */
  unhealthy?: boolean;
  /** A failed probe of a Failing endpoint: the attempt is recorded but not counted in the retry budget. */
  outsideBudget?: boolean;
}

// A batch of outcomes, written by ONE statement (atomic without a transaction block, one round trip).
// Only the lease holder may complete: if the lease ran out and another worker took the delivery, this
// late result is dropped and only recorded as an attempt — in place of the LEASE_EXPIRED attempt the
// new claim recorded for it, so each attempt number stays one row. A finished delivery leaves the queue;
// a retried one stays with its next time (or keeps waiting, at 'infinity', if its integration was
// stopped meanwhile), and its chat's later events say they go no earlier (their next attempt time; they
// are blocked anyway, and let go at once when it leaves: migration 0015). 410 Gone stops the integration (whose status trigger parks its queue). The
// delivery row is updated in place (unindexed columns). An attempt of a delivery deleted meanwhile is
// not recorded.
//
// One statement per expiry day of the batch, naming that day's partitions: a plan over the partitioned
// tables would carry every day's partition (up to 90-odd, the longest retention), and even when run-time
// pruning skips them each is set up and torn down on every run — measured on 39 days, that was half a
// completion's CPU in PostgreSQL. (A delivery's partition exists while it is queued: retention keeps it.)
const completeSql = (deliveries: string, attempts: string) => `
WITH c AS (
  SELECT x.*, decode(x."requestPacked", 'base64') AS request_packed,
         decode(x."responsePacked", 'base64') AS response_packed
  FROM json_to_recordset($1::json) AS x(
    id uuid, "accountId" uuid, "integrationId" uuid, seq bigint, "workerId" text,
    "attemptNumber" int,
    status text, "nextAttemptAt" timestamptz, "disableReason" text, "startedAt" timestamptz,
    "durationMs" int, "requestPacked" text, "responseStatus" int, "responsePacked" text,
    "errorClass" text, "errorMessage" text, "outsideBudget" boolean)
),
-- Each outcome with the earlier attempt of the same delivery whose request it repeats. Every later step
-- reads one of the statement's row sets and looks rows up by key: joining two of them (CTE scans have no
-- index, and the engine's hash joins are off) would be a nested loop over the batch for each row.
p AS (
  SELECT c.*,
         (SELECT min(a.attempt_number) FROM ${attempts} a
          WHERE a.delivery_id = c.id AND a.attempt_number < c."attemptNumber"
            AND a.request_packed = c.request_packed) AS repeats
  FROM c
),
finished AS (
  DELETE FROM delivery_queue q USING p
  WHERE q.delivery_id = p.id AND q.account_id = p."accountId" AND q.leased_by = p."workerId"
    AND q.attempts = p."attemptNumber" AND p.status <> 'RETRYING'
  RETURNING p.*, q.chat_id, q.integration_id, q.next_attempt_at
),
retried AS (
  UPDATE delivery_queue q
  SET next_attempt_at = CASE WHEN q.next_attempt_at = 'infinity' THEN q.next_attempt_at ELSE p."nextAttemptAt" END,
      lease_expires_at = NULL, leased_by = NULL, status = 'RETRYING',
      attempts_before_window = q.attempts_before_window + CASE WHEN p."outsideBudget" THEN 1 ELSE 0 END
  FROM p
  WHERE q.delivery_id = p.id AND q.account_id = p."accountId" AND q.leased_by = p."workerId"
    AND q.attempts = p."attemptNumber" AND p.status = 'RETRYING'
  RETURNING p.*, q.chat_id, q.integration_id, q.next_attempt_at
),
held AS (
  UPDATE delivery_queue f SET next_attempt_at = r.next_attempt_at
  FROM retried r
  WHERE f.chat_id = r.chat_id AND f.integration_id = r.integration_id AND f.seq > r.seq
    AND f.next_attempt_at < r.next_attempt_at
  RETURNING 1
),
stopped AS (
  UPDATE integrations i SET status = 'INACTIVE', disabled_reason = c."disableReason"
  FROM c
  WHERE i.id = c."integrationId" AND c."disableReason" IS NOT NULL AND i.status = 'ACTIVE'
  RETURNING 1
),
-- The outcomes of the leases still held: each with all it needs from the batch.
ours AS (
  SELECT * FROM finished UNION ALL SELECT * FROM retried
),
replaced AS (
  UPDATE ${attempts} a
  SET started_at = p."startedAt", duration_ms = p."durationMs", request = NULL,
      request_packed = CASE WHEN p.repeats IS NULL THEN p.request_packed END, request_repeats = p.repeats,
      response_status = p."responseStatus", response_packed = p.response_packed,
      error_class = p."errorClass"::attempt_error, error_message = p."errorMessage"
  FROM p
  WHERE p.id NOT IN (SELECT id FROM ours)
    AND a.delivery_id = p.id AND a.attempt_number = p."attemptNumber"
    AND a.error_class = 'LEASE_EXPIRED'
  RETURNING a.delivery_id
),
recorded AS (
  INSERT INTO ${attempts} (delivery_id, account_id, attempt_number, expires_on, started_at, duration_ms,
    request_packed, request_repeats, response_status, response_packed, error_class, error_message)
  SELECT o.id, o."accountId", o."attemptNumber", $2::date, o."startedAt", o."durationMs",
         CASE WHEN o.repeats IS NULL THEN o.request_packed END, o.repeats,
         o."responseStatus", o.response_packed, o."errorClass"::attempt_error, o."errorMessage"
  -- Only the lease holder's: its lease (held by this statement's queue update) is what makes each
  -- attempt number one row, with no unique key to check. A repeated write of the batch, or a late result
  -- nobody recorded a lost attempt for, no longer holds the lease and writes nothing.
  FROM ours o
  WHERE EXISTS (SELECT 1 FROM ${deliveries} d WHERE d.id = o.id)
  RETURNING 1
)
UPDATE ${deliveries} d
SET status = o.status::delivery_status, attempts = o."attemptNumber",
    next_attempt_at = coalesce(o."nextAttemptAt", d.next_attempt_at),
    last_status_code = o."responseStatus", last_error = o."errorMessage", last_latency_ms = o."durationMs",
    completed_at = CASE WHEN o.status IN ('SUCCEEDED', 'FAILED') THEN now() END
FROM ours o
WHERE d.id = o.id`;

/** An attempt's record as the completion takes it: the request and response packed (base64 in the JSON). */
function attemptColumns({ record, deliveryId, payload }: Completion) {
  const { requestPacked, responsePacked } = packAttempt(record, { deliveryId, payload });
  return {
    startedAt: record.startedAt,
    durationMs: record.durationMs,
    requestPacked: requestPacked.toString("base64"),
    responseStatus: record.responseStatus,
    responsePacked: responsePacked?.toString("base64") ?? null,
    errorClass: record.errorClass,
    errorMessage: record.errorMessage,
  };
}

// The statement of each expiry day, made once per day this process completes deliveries of.
const completeSqlByDay = new Map<string, string>();
function completeSqlFor(day: string): string {
  let text = completeSqlByDay.get(day);
  if (!text) {
    // (It becomes part of the statement's text: a date as PostgreSQL writes one, nothing else.)
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`not an expiry day: ${day}`);
    text = completeSql(partitionName("deliveries", day), partitionName("delivery_attempts", day));
    completeSqlByDay.set(day, text);
  }
  return text;
}

/** The completion's statements for a batch, one per expiry day (exported for the tests that read their plans). */
export function completeQueries(completions: Completion[]) {
  const byDay = new Map<string, Completion[]>();
  for (const c of completions) {
    const ofDay = byDay.get(c.expiresOn);
    if (ofDay) ofDay.push(c);
    else byDay.set(c.expiresOn, [c]);
  }
  return [...byDay].map(([day, ofDay]) => ({
    name: `webhooks.complete.${day}`,
    text: completeSqlFor(day),
    values: [
      JSON.stringify(
        ofDay.map((c) => ({
          ...attemptColumns(c),
          id: c.deliveryId,
          accountId: c.accountId,
          integrationId: c.integrationId,
          seq: c.seq,
          workerId: c.workerId,
          attemptNumber: c.attemptNumber,
          status: c.status,
          nextAttemptAt: c.nextAttemptAt,
          disableReason: c.disableReason,
          outsideBudget: c.outsideBudget ?? false,
        })),
      ),
      day,
    ],
  }));
}

/** Writes a batch of attempt outcomes; returns how many were still ours to complete. */
export async function completeDeliveries(completions: Completion[]): Promise<number> {
  const started = performance.now();
  // One day after another: a 410's Stop parks the integration's whole queue, which two statements at once
  // could each hold part of.
  let rowCount = 0;
  for (const query of completeQueries(completions))
    rowCount += (await enginePool().query(query)).rowCount ?? 0;
  recordBatch("complete", completions.length, (performance.now() - started) / 1000);
  for (const c of completions) {
    recordAttempt(
      c.status === "SUCCEEDED" ? "succeeded" : c.status === "RETRYING" ? "retrying" : "failed",
      c.record.durationMs,
    );
  }
  return rowCount;
}

/**
 * Gives deliveries back without an attempt (a worker stopping before it could send them): due now,
 * for any worker to take.
 */
export async function releaseLeases(workerId: string, deliveryIds: string[]): Promise<number> {
  if (deliveryIds.length === 0) return 0;
  const { rowCount } = await enginePool().query(
    `UPDATE delivery_queue SET lease_expires_at = NULL, leased_by = NULL, attempts = attempts - 1
     WHERE delivery_id = ANY($1::uuid[]) AND leased_by = $2`,
    [deliveryIds, workerId],
  );
  return rowCount ?? 0;
}
