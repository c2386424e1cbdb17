import { enginePool } from "@/db";
import type { EventType } from "@/db/schema";

import type { EventPayload } from "./event";
import { recordBatch } from "./metrics";
import { paceAllowance, paceWakeAt } from "./pace";
import type { WebhookConfig } from "./types";

/** A delivery a worker holds under lease: everything needed to attempt it and record the outcome. */
export interface ClaimedDelivery {
  id: string;
  accountId: string;
  integrationId: string;
  chatId: string;
  seq: number;
  /** The delivery's partition (YYYY-MM-DD): its attempts go to the same one. */
  expiresOn: string;
  event: EventType;
  payload: EventPayload;
  /** This attempt's number (attempts so far, this one included). */
  attempts: number;
  attemptsBeforeWindow: number;
  windowStartedAt: Date;
  /** The integration's updated_at: its cached configuration is reused while this is unchanged. */
  integrationVersion: Date;
  /** Its endpoint is Failing and this is the one request that tries it (lib/webhooks/health.ts). */
  probe: boolean;
  /** Its endpoint had a health row (a run of failures, a pause) when claimed: its outcome is written there. */
  unhealthy: boolean;
}

// An attempt whose worker stopped (killed, crashed) before recording its outcome, recorded when its
// lease is found expired (the claim taking the delivery again, or a Skip): attempt numbers then have no
// hole and deliveries.attempts always equals the delivery's attempt rows. Its request is unknown (the
// worker built it): the method and URL stand in, as for a request that could not be built. Shared SQL:
// `source` has delivery_id, account_id, expires_on, attempts, leased_at, lease_expires_at, method, url.
export const LEASE_EXPIRED_MESSAGE = "The worker stopped before recording the outcome (its lease expired)";
export function lostAttemptsCte(source: string): string {
  return `
lost AS (
  INSERT INTO delivery_attempts (delivery_id, account_id, attempt_number, expires_on, started_at, duration_ms,
                                 request, error_class, error_message)
  SELECT s.delivery_id, s.account_id, s.attempts, s.expires_on, coalesce(s.leased_at, s.lease_expires_at),
         greatest(0, (extract(epoch FROM s.lease_expires_at - coalesce(s.leased_at, s.lease_expires_at)) * 1000))::int,
         json_build_object('method', s.method, 'url', s.url, 'headers', '{}'::json, 'body', NULL),
         'LEASE_EXPIRED', '${LEASE_EXPIRED_MESSAGE}'
  FROM ${source} s
  -- Its late outcome, had it come first, would have ended the lease (lib/webhooks/complete.ts): no row
  -- of this attempt number exists yet.
  WHERE s.lease_expires_at IS NOT NULL AND s.lease_expires_at <= now() AND s.attempts > 0
  RETURNING 1
)`;
}

// THE claim, in one statement (its own transaction), on the queue. Due: its time has come and it is
// not leased — or its lease ran out (its worker died: that lost attempt is recorded). Per-chat ordering:
// a delivery is only taken when no earlier delivery of its chat (same integration) is still queued —
// one being sent right now is queued too, so a chat never has two events in flight. Deliveries of an
// integration that is not ACTIVE wait (at 'infinity', outside the range walked here), and so do the ones
// held behind their chat's earlier events (blocked: out of the due indexes, see lib/webhooks/enqueue.ts).
// Integrations that already have all the requests in flight this worker allows them ($5) are left out.
// SKIP LOCKED lets any number of workers claim side by side; NO KEY UPDATE, because queueing a chat's next
// event holds its latest queued one FOR KEY SHARE. Taking the lease is an in-place update of unindexed
// columns; the delivery row is not read at all (the queue row carries the event). (Rows are found
// again by their whole key, delivery and account, which the planner knows to be unique: the plan stays
// on primary keys whatever the batch size or the statistics.) The answer always has one row, with how long
// until the next delivery falls due (null: none scheduled), so an idle worker can wake right then; the
// claimed deliveries, if any, fill the rest.
//
// Two orders pick the batch (the `due` CTE); the rest is shared:
// - oldest due first, on the due index: what a worker that keeps up uses (everything due goes anyway);
// - round robin across integrations, when there is more due than a claim takes (see ClaimOptions.order).
//   `heads` walks the fair index (integration, due time) one integration at a time — a loose index scan,
//   one probe per integration with anything queued — for the integrations with something due; each
//   offers its oldest due deliveries, up to an equal share of the batch, and the batch takes every
//   integration's first, then every one's second, and so on. One integration's backlog of 100,000 then
//   delays another's fresh event by a claim, not by the backlog.
// An endpoint that is Failing or paused after a 429 (lib/webhooks/health.ts): its deliveries wait. One
// with a maximum rate (lib/webhooks/pace.ts) is only ever claimed by the round robin, which keeps its pace.
const HELD = `SELECT 1 FROM integration_health x WHERE x.integration_id = $ID
  AND (x.failing_since IS NOT NULL OR x.held_until > now())`;

const OLDEST_DUE_FIRST = `
due AS (
  SELECT c.delivery_id, c.account_id, c.expires_on, c.attempts, c.leased_at, c.lease_expires_at, i.method, i.url
  FROM delivery_queue c
  JOIN integrations i ON i.id = c.integration_id AND i.status = 'ACTIVE' AND i.max_rate_per_second IS NULL
  WHERE c.next_attempt_at <= now() AND NOT c.blocked
    AND (c.lease_expires_at IS NULL OR c.lease_expires_at <= now())
    AND ($4::uuid[] IS NULL OR c.account_id = ANY($4::uuid[]))
    AND NOT (c.integration_id = ANY($5::uuid[]))
    AND NOT EXISTS (
      SELECT 1 FROM delivery_queue p
      WHERE p.integration_id = c.integration_id AND p.chat_id = c.chat_id AND p.seq < c.seq)
    AND NOT EXISTS (${HELD.replace("$ID", "c.integration_id")})
  ORDER BY c.next_attempt_at
  LIMIT $2
  FOR NO KEY UPDATE OF c SKIP LOCKED
),
-- Probes of Failing endpoints are the round robin's.
probes AS (SELECT NULL::uuid AS integration_id WHERE false)`;

// (The chat check is "first of its chat still queued", a one-probe subplan per row: written as NOT EXISTS
// here the planner read the integration's whole chat index once per row.)
const ROUND_ROBIN = `
heads AS (
  (SELECT integration_id, next_attempt_at FROM delivery_queue
   WHERE NOT blocked ORDER BY integration_id, next_attempt_at LIMIT 1)
  UNION ALL
  SELECT n.integration_id, n.next_attempt_at
  FROM heads h CROSS JOIN LATERAL (
    SELECT integration_id, next_attempt_at FROM delivery_queue
    WHERE NOT blocked AND integration_id > h.integration_id
    ORDER BY integration_id, next_attempt_at LIMIT 1) n
),
ready AS (
  SELECT h.integration_id, i.max_rate_per_second AS rate FROM heads h
  JOIN integrations i ON i.id = h.integration_id AND i.status = 'ACTIVE'
  WHERE h.next_attempt_at <= now()
    AND ($4::uuid[] IS NULL OR i.account_id = ANY($4::uuid[]))
    AND NOT (h.integration_id = ANY($5::uuid[]))
),
-- Failing endpoints whose next probe is due: one delivery each, and one worker (the row lock; the
-- lease-long hold set below keeps the others away until the probe's outcome sets the next time).
probes AS (
  SELECT x.integration_id FROM integration_health x
  WHERE x.integration_id IN (SELECT integration_id FROM ready) AND x.failing_since IS NOT NULL
    AND coalesce(x.held_until, '-infinity') <= now()
  FOR UPDATE OF x SKIP LOCKED
),
-- Paced endpoints with something left in their bucket, this claim's alone (another worker's claim that
-- holds one takes from it meanwhile).
paced AS (
  SELECT p.integration_id, ${paceAllowance("p", "r.rate")} AS allowance
  FROM delivery_pace p JOIN ready r ON r.integration_id = p.integration_id
  WHERE ${paceAllowance("p", "r.rate")} >= 1
  FOR UPDATE OF p SKIP LOCKED
),
due_integrations AS (
  SELECT r.integration_id, false AS probe FROM ready r
  WHERE NOT EXISTS (${HELD.replace("$ID", "r.integration_id")})
    AND (r.rate IS NULL OR r.integration_id IN (SELECT integration_id FROM paced))
  UNION ALL
  SELECT integration_id, true FROM probes
),
share AS (SELECT greatest(1, ceil($2::float8 / greatest(1, count(*))))::int AS n FROM due_integrations),
offered AS (
  SELECT o.delivery_id, o.account_id, o.next_attempt_at,
         row_number() OVER (PARTITION BY o.integration_id ORDER BY o.next_attempt_at) AS turn
  FROM due_integrations d CROSS JOIN LATERAL (
    SELECT c.delivery_id, c.account_id, c.integration_id, c.next_attempt_at FROM delivery_queue c
    WHERE c.integration_id = d.integration_id AND NOT c.blocked AND c.next_attempt_at <= now()
      AND (c.lease_expires_at IS NULL OR c.lease_expires_at <= now())
      AND c.seq = (SELECT min(p.seq) FROM delivery_queue p
                   WHERE p.integration_id = c.integration_id AND p.chat_id = c.chat_id)
    ORDER BY c.next_attempt_at
    -- No more than the worker may start for it now ($6/$7; any other integration: $8), nor than its pace allows.
    LIMIT CASE WHEN d.probe THEN 1 ELSE least((SELECT n FROM share), coalesce(
      (SELECT r.room FROM unnest($6::uuid[], $7::int[]) AS r(id, room) WHERE r.id = d.integration_id), $8),
      (SELECT a.allowance FROM paced a WHERE a.integration_id = d.integration_id)) END) o
),
-- Each offered row is found again by its whole key and locked there (a lateral lookup: the batch leads, so
-- the plan never walks an integration's queue to match it).
due AS (
  SELECT c.delivery_id, c.account_id, c.expires_on, c.attempts, c.leased_at, c.lease_expires_at, i.method, i.url
  FROM (SELECT delivery_id, account_id FROM offered ORDER BY turn, next_attempt_at LIMIT $2) o
  CROSS JOIN LATERAL (
    SELECT q.delivery_id, q.account_id, q.expires_on, q.attempts, q.leased_at, q.lease_expires_at, q.integration_id
    FROM delivery_queue q
    WHERE q.delivery_id = o.delivery_id AND q.account_id = o.account_id
      -- Again under the lock: another worker may have leased it since this statement's snapshot.
      AND (q.lease_expires_at IS NULL OR q.lease_expires_at <= now()) AND NOT q.blocked
    FOR NO KEY UPDATE SKIP LOCKED) c
  JOIN integrations i ON i.id = c.integration_id AND i.status = 'ACTIVE'
)`;

// What the round robin took from paced endpoints empties their buckets by as much (`ready` has the rate).
const PACING = `,
pacing AS (
  UPDATE delivery_pace p
  SET next_at = greatest(p.next_at, now()) + t.taken / r.rate::float8 * interval '1 second'
  FROM (SELECT integration_id, count(*) AS taken FROM leased GROUP BY integration_id) t
  JOIN ready r ON r.integration_id = t.integration_id
  WHERE p.integration_id = t.integration_id AND r.rate IS NOT NULL
  RETURNING 1
)`;

// Whether some endpoint that is held (Failing, paused) or paced has deliveries due: only the round robin
// steps over those cheaply, so the worker keeps to it while this is so.
const dueAt = (id: string) => `EXISTS (SELECT 1 FROM delivery_queue q
      WHERE q.integration_id = ${id} AND NOT q.blocked AND q.next_attempt_at <= now())`;
const ANY_HELD = `EXISTS (SELECT 1 FROM integration_health x
      WHERE (x.failing_since IS NOT NULL OR x.held_until > now()) AND ${dueAt("x.integration_id")})
    OR EXISTS (SELECT 1 FROM delivery_pace p WHERE ${dueAt("p.integration_id")})`;

const claimSql = (due: string, tail = "") => `
WITH RECURSIVE ${due},
leased AS (
  UPDATE delivery_queue q
  SET lease_expires_at = now() + $3 * interval '1 millisecond', leased_at = now(), leased_by = $1,
      attempts = q.attempts + 1
  FROM due WHERE q.delivery_id = due.delivery_id AND q.account_id = due.account_id
  RETURNING q.delivery_id, q.expires_on, q.attempts, q.account_id, q.integration_id, q.chat_id, q.seq, q.event,
            q.payload, q.window_started_at, q.attempts_before_window
),
${lostAttemptsCte("due")},
probing AS (
  UPDATE integration_health x SET held_until = now() + $3 * interval '1 millisecond'
  WHERE x.integration_id IN (SELECT integration_id FROM probes)
    AND x.integration_id IN (SELECT integration_id FROM leased)
  RETURNING 1
)${tail}
SELECT l.delivery_id AS id, l.account_id AS "accountId", l.integration_id AS "integrationId",
       l.chat_id AS "chatId", l.seq::float8 AS seq, l.expires_on::text AS "expiresOn", l.event, l.payload,
       l.attempts, l.attempts_before_window AS "attemptsBeforeWindow", l.window_started_at AS "windowStartedAt",
       (SELECT i.updated_at FROM integrations i WHERE i.id = l.integration_id) AS "integrationVersion",
       l.integration_id IN (SELECT integration_id FROM probes) AS probe,
       EXISTS (SELECT 1 FROM integration_health x WHERE x.integration_id = l.integration_id) AS unhealthy,
       n."nextDueInMs", n."anyHeld"
FROM (
  -- The next delivery to fall due, or the next paced bucket to have refilled enough to claim from.
  SELECT (extract(epoch FROM least(
    (SELECT min(f.next_attempt_at) FROM delivery_queue f
     WHERE f.next_attempt_at > now() AND f.next_attempt_at < 'infinity' AND NOT f.blocked),
    (SELECT min(${paceWakeAt("p", "i.max_rate_per_second")}) FROM delivery_pace p
     JOIN integrations i ON i.id = p.integration_id
     WHERE ${paceWakeAt("p", "i.max_rate_per_second")} > now())) - now()) * 1000)::float8 AS "nextDueInMs",
    ${ANY_HELD} AS "anyHeld"
) n
-- Everything comes from the queue row: the claim never reads the deliveries table (see migration 0014).
LEFT JOIN leased l ON true`;

const CLAIM_SQL = { oldestDueFirst: claimSql(OLDEST_DUE_FIRST), roundRobin: claimSql(ROUND_ROBIN, PACING) };

/** What a claim brings: the deliveries now leased, and when the next one falls due. */
export interface Claim {
  deliveries: ClaimedDelivery[];
  /** Milliseconds until the earliest delivery not yet due becomes due (any worker's), or null. */
  nextDueInMs: number | null;
  /**
   * Some endpoint that is Failing, paused or paced has deliveries due: the round robin steps over them
   * cheaply, and only the round robin takes a paced endpoint's.
   */
  anyHeld: boolean;
}

export interface ClaimOptions {
  workerId: string;
  limit: number;
  leaseMs: number;
  accountIds?: string[];
  /** Integrations that already have all the requests in flight they may have. */
  skipIntegrationIds?: string[];
  /**
   * Round robin only: how many deliveries each integration may bring at most (the worker's room for it;
   * `rooms.default` for any other), so that a claim does not lease what the worker would give back.
   */
  rooms?: { ids: string[]; rooms: number[]; default: number };
  /**
   * How the batch is picked when more is due than it takes: oldest due first (Default), or round robin
   * across the integrations with something due (fair, and a probe per integration with anything queued).
   */
  order?: "oldestDueFirst" | "roundRobin";
}

/** The claim's statement (exported for the tests that read its plan). */
export function claimQuery({
  workerId,
  limit,
  leaseMs,
  accountIds,
  skipIntegrationIds = [],
  order = "oldestDueFirst",
  rooms = { ids: [], rooms: [], default: limit },
}: ClaimOptions) {
  return {
    name: `webhooks.claim.${order}`,
    text: CLAIM_SQL[order],
    values: [
      workerId,
      limit,
      leaseMs,
      accountIds ?? null,
      skipIntegrationIds,
      ...(order === "roundRobin" ? [rooms.ids, rooms.rooms, rooms.default] : []),
    ],
  };
}

/** Takes up to `limit` due deliveries under a lease of `leaseMs` for `workerId`, oldest due first. */
export async function claimDue(options: ClaimOptions): Promise<Claim> {
  const started = performance.now();
  // One row with nothing but nextDueInMs when nothing was claimed.
  type Row = (ClaimedDelivery | { [K in keyof ClaimedDelivery]: null }) & {
    nextDueInMs: number | null;
    anyHeld: boolean;
  };
  const { rows } = await enginePool().query<Row>(claimQuery(options));
  const deliveries: ClaimedDelivery[] = [];
  for (const { nextDueInMs: _, anyHeld: __, ...row } of rows) if (row.id !== null) deliveries.push(row);
  recordBatch("claim", deliveries.length, (performance.now() - started) / 1000);
  return { deliveries, nextDueInMs: rows[0]?.nextDueInMs ?? null, anyHeld: rows[0]?.anyHeld ?? false };
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
