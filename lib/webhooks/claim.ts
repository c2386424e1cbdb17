import { enginePool } from "@/db";
import type { EventType } from "@/db/schema";

import type { EventPayload } from "./event";
import { recordBatch } from "./metrics";
import type { WebhookConfig } from "./types";

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
  /** The integration's updated_at: its cached configuration is reused while this is unchanged. */
  integrationVersion: Date;
}

// THE claim, in one statement (its own transaction), on the queue. Due: its time has come and it is
// not leased — or its lease ran out (its worker died). Per-chat ordering: a delivery is only taken when
// no earlier delivery of its chat (same integration) is still queued — one being sent right now is
// queued too, so a chat never has two events in flight. Deliveries of an integration that is not
// ACTIVE wait. SKIP LOCKED lets any number of workers claim side by side. Taking the lease is an
// in-place update of unindexed columns; the delivery row is only read. (`= ANY(ARRAY(...))` keeps the
// plan on primary keys, whatever the batch size.)
const CLAIM_SQL = `
WITH leased AS (
  UPDATE delivery_queue q
  SET lease_expires_at = now() + $3 * interval '1 millisecond', leased_by = $1, attempts = q.attempts + 1
  WHERE q.delivery_id = ANY(ARRAY(
    SELECT c.delivery_id
    FROM delivery_queue c
    JOIN integrations i ON i.id = c.integration_id AND i.status = 'ACTIVE'
    WHERE c.next_attempt_at <= now()
      AND (c.lease_expires_at IS NULL OR c.lease_expires_at <= now())
      AND ($4::uuid[] IS NULL OR c.account_id = ANY($4::uuid[]))
      AND NOT (c.integration_id = ANY($5::uuid[]))
      AND NOT EXISTS (
        SELECT 1 FROM delivery_queue p
        WHERE p.chat_id = c.chat_id AND p.integration_id = c.integration_id AND p.seq < c.seq)
    ORDER BY c.next_attempt_at
    LIMIT $2
    FOR UPDATE OF c SKIP LOCKED))
  RETURNING q.delivery_id, q.attempts
)
SELECT d.id, d.account_id AS "accountId", d.integration_id AS "integrationId", d.chat_id AS "chatId",
       d.seq::float8 AS seq, d.event, d.payload,
       (SELECT l.attempts FROM leased l WHERE l.delivery_id = d.id) AS attempts,
       d.attempts_before_window AS "attemptsBeforeWindow", d.window_started_at AS "windowStartedAt",
       (SELECT i.updated_at FROM integrations i WHERE i.id = d.integration_id) AS "integrationVersion"
FROM deliveries d
WHERE d.id = ANY(ARRAY(SELECT delivery_id FROM leased))`;

/** Takes up to `limit` due deliveries under a lease of `leaseMs` for `workerId`, oldest due first. */
export async function claimDue({
  workerId,
  limit,
  leaseMs,
  accountIds,
  skipIntegrationIds = [],
}: {
  workerId: string;
  limit: number;
  leaseMs: number;
  accountIds?: string[];
  /** Integrations that already have all the requests in flight they may have. */
  skipIntegrationIds?: string[];
}): Promise<ClaimedDelivery[]> {
  const started = performance.now();
  const { rows } = await enginePool().query<ClaimedDelivery>({
    name: "webhooks.claim",
    text: CLAIM_SQL,
    values: [workerId, limit, leaseMs, accountIds ?? null, skipIntegrationIds],
  });
  recordBatch("claim", rows.length, (performance.now() - started) / 1000);
  return rows;
}

/** An integration as the worker needs it (secrets still encrypted). */
export interface IntegrationForDelivery extends WebhookConfig {
  id: string;
  accountId: string;
  alias: string;
  authSecret: string | null;
  signingSecret: string;
  previousSigningSecret: string | null;
  previousSigningSecretExpiresAt: Date | null;
  maxAttempts: number;
  maxAgeSeconds: number;
  updatedAt: Date;
}

const INTEGRATIONS_SQL = `
SELECT id, account_id AS "accountId", alias, method, url, params, headers, body, auth,
       auth_secret AS "authSecret", signing_secret AS "signingSecret",
       previous_signing_secret AS "previousSigningSecret",
       previous_signing_secret_expires_at AS "previousSigningSecretExpiresAt",
       max_attempts AS "maxAttempts", max_age_seconds AS "maxAgeSeconds", updated_at AS "updatedAt"
FROM integrations WHERE id = ANY($1::uuid[])`;

/** The current configuration of these integrations. */
export async function loadIntegrations(ids: string[]): Promise<Map<string, IntegrationForDelivery>> {
  const { rows } = await enginePool().query<IntegrationForDelivery>({
    name: "webhooks.integrations",
    text: INTEGRATIONS_SQL,
    values: [ids],
  });
  return new Map(rows.map((r) => [r.id, r]));
}
