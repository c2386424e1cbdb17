import { db } from "@/db";
import type { EventType, HttpMethod } from "@/db/schema";
import type { AuthConfig, FieldRow } from "@/lib/validation/integration-fields";

import type { EventPayload } from "./event";

/** A delivery a worker holds under lease: everything needed to attempt it and record the outcome. */
export interface ClaimedDelivery {
  id: string;
  accountId: string;
  integrationId: string;
  chatId: string;
  seq: number;
  event: EventType;
  payload: EventPayload;
  /** This attempt's number (attempts so far, this one included). */
  attempts: number;
  attemptsBeforeWindow: number;
  windowStartedAt: Date;
}

// THE claim, in one statement (its own transaction). A delivery is due when PENDING or RETRYING and its
// time has come, or DELIVERING with an expired lease (its worker died): while leased, next_attempt_at
// holds the lease's end, so one index on next_attempt_at finds all three. Per-chat ordering: a delivery
// is only taken when no earlier delivery of its chat (same integration) is unfinished — an earlier one
// being sent right now is unfinished too, so one chat never has two events in flight. Deliveries of an
// integration that is not ACTIVE wait. SKIP LOCKED lets any number of workers claim side by side.
const CLAIM_SQL = `
WITH due AS (
  SELECT d.id
  FROM deliveries d
  JOIN integrations i ON i.id = d.integration_id AND i.status = 'ACTIVE'
  WHERE d.status IN ('PENDING', 'RETRYING', 'DELIVERING')
    AND d.next_attempt_at <= now()
    AND ($4::uuid[] IS NULL OR d.account_id = ANY($4::uuid[]))
    AND NOT EXISTS (
      SELECT 1 FROM deliveries p
      WHERE p.chat_id = d.chat_id AND p.integration_id = d.integration_id
        AND p.status IN ('PENDING', 'RETRYING', 'DELIVERING') AND p.seq < d.seq)
  ORDER BY d.next_attempt_at
  LIMIT $2
  FOR UPDATE OF d SKIP LOCKED
)
UPDATE deliveries d
SET status = 'DELIVERING', attempts = d.attempts + 1, leased_by = $1,
    lease_expires_at = now() + $3 * interval '1 millisecond',
    next_attempt_at = now() + $3 * interval '1 millisecond'
FROM due
WHERE d.id = due.id
RETURNING d.id, d.account_id AS "accountId", d.integration_id AS "integrationId", d.chat_id AS "chatId",
          d.seq::float8 AS seq, d.event, d.payload, d.attempts,
          d.attempts_before_window AS "attemptsBeforeWindow", d.window_started_at AS "windowStartedAt"`;

/** Takes up to `limit` due deliveries under a lease of `leaseMs` for `workerId`, oldest due first. */
export async function claimDue({
  workerId,
  limit,
  leaseMs,
  accountIds,
}: {
  workerId: string;
  limit: number;
  leaseMs: number;
  accountIds?: string[];
}): Promise<ClaimedDelivery[]> {
  const { rows } = await db().$client.query<ClaimedDelivery>({
    name: "webhooks.claim",
    text: CLAIM_SQL,
    values: [workerId, limit, leaseMs, accountIds ?? null],
  });
  return rows;
}

/** An integration as the worker needs it (secrets still encrypted). */
export interface IntegrationForDelivery {
  id: string;
  accountId: string;
  alias: string;
  method: HttpMethod;
  url: string;
  params: FieldRow[];
  headers: FieldRow[];
  body: FieldRow[];
  auth: AuthConfig;
  authSecret: string | null;
  signingSecret: string;
  previousSigningSecret: string | null;
  previousSigningSecretExpiresAt: Date | null;
  maxAttempts: number;
  maxAgeSeconds: number;
}

const INTEGRATIONS_SQL = `
SELECT id, account_id AS "accountId", alias, method, url, params, headers, body, auth,
       auth_secret AS "authSecret", signing_secret AS "signingSecret",
       previous_signing_secret AS "previousSigningSecret",
       previous_signing_secret_expires_at AS "previousSigningSecretExpiresAt",
       max_attempts AS "maxAttempts", max_age_seconds AS "maxAgeSeconds"
FROM integrations WHERE id = ANY($1::uuid[])`;

/** The current configuration of these integrations (read after each claim, so edits apply at once). */
export async function loadIntegrations(ids: string[]): Promise<Map<string, IntegrationForDelivery>> {
  const { rows } = await db().$client.query<IntegrationForDelivery>({
    name: "webhooks.integrations",
    text: INTEGRATIONS_SQL,
    values: [ids],
  });
  return new Map(rows.map((r) => [r.id, r]));
}
