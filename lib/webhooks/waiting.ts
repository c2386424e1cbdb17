import type { Pool, PoolClient } from "pg";

import { enginePool } from "@/db";
import { notFound } from "@/lib/errors";
import type { WaitingChoice } from "@/lib/validation/deliveries";

import { lostAttemptsCte } from "./claim";
import { transaction, WAKE_CHANNEL } from "./sql";

// Deliveries of an integration that is not Active wait in the queue at next_attempt_at = 'infinity'
// (see migration 0006: the status trigger parks them on Stop, and queueing parks new ones while it is
// stopped). A Start then either sends them — releases them, in order per chat — or skips them: each
// becomes Skipped in the log, never silently gone. Both work in chunks along the queue's
// (integration, chat, seq) index, so neither holds the integration's row lock (which inbound messages
// wait for) for long, however many wait.

/** The payload of the wake-up notification that asks workers to release started integrations. */
export const RELEASE_NOTIFICATION = "release";

// Rows per chunk of a release or a skip.
const CHUNK = 5_000;
// Before the first row of an integration in (chat_id, seq) order.
const START: Keyset = { chatId: "00000000-0000-0000-0000-000000000000", seq: -1 };

interface Keyset {
  chatId: string;
  seq: number;
}

interface ChunkResult {
  n: number;
  lastChatId: string | null;
  lastSeq: number | null;
}

const next = (r: ChunkResult): Keyset | null =>
  r.n < CHUNK || r.lastChatId === null ? null : { chatId: r.lastChatId, seq: r.lastSeq! };

// One chunk of a release: the integration must be Active (locked FOR SHARE, so a Stop waits for this
// chunk or this chunk sees the Stop); its waiting rows become due now, a chat's first waiting event
// first and each later one a microsecond after the one before it — so the claims, walking the due
// index, meet every chat's next event before the events queued behind it. Like a Resend, each gets a
// fresh retry window (max attempts and max age count from now, not from before the stop), in both copies.
const RELEASE_SQL = `
WITH started AS (
  SELECT id FROM integrations WHERE id = $1 AND status = 'ACTIVE' FOR SHARE
),
chunk AS (
  SELECT q.delivery_id, q.account_id, q.expires_on, q.chat_id, q.seq, q.attempts
  FROM delivery_queue q
  WHERE q.integration_id = $1 AND (q.chat_id, q.seq) > ($3::uuid, $4::bigint)
    AND q.next_attempt_at = 'infinity' AND EXISTS (SELECT 1 FROM started)
  ORDER BY q.chat_id, q.seq
  LIMIT $2
  FOR NO KEY UPDATE OF q SKIP LOCKED
),
renewed AS (
  UPDATE deliveries d SET window_started_at = now(), attempts_before_window = d.attempts
  FROM chunk c
  WHERE d.id = c.delivery_id AND d.expires_on = c.expires_on
  RETURNING 1
),
-- The queue's copy of the window takes the delivery's count (which the update above leaves as it is),
-- looked up on the delivery's key: joined with the rows \`renewed\` returns, a CTE scan with no index, it
-- was a nested loop over the whole chunk per row (hash joins are off for the engine): 4.6–6.1 s per 5,000.
released AS (
  UPDATE delivery_queue q SET next_attempt_at = now() + r.rank * interval '1 microsecond',
         window_started_at = now(),
         attempts_before_window = coalesce(
           (SELECT d.attempts FROM deliveries d WHERE d.id = r.delivery_id AND d.expires_on = r.expires_on),
           r.attempts)
  FROM (SELECT delivery_id, account_id, expires_on, attempts,
               row_number() OVER (PARTITION BY chat_id ORDER BY seq) - 1 AS rank
        FROM chunk) r
  WHERE q.delivery_id = r.delivery_id AND q.account_id = r.account_id
  RETURNING 1
),
last AS (SELECT chat_id, seq FROM chunk ORDER BY chat_id DESC, seq DESC LIMIT 1)
SELECT (SELECT count(*) FROM released)::int AS n,
       (SELECT chat_id FROM last) AS "lastChatId", (SELECT seq::float8 FROM last) AS "lastSeq",
       CASE WHEN EXISTS (SELECT 1 FROM released) THEN pg_notify('${WAKE_CHANNEL}', '') END AS woken`;

// Done once no row waits: the marker goes (a Stop deletes it too, and a later Start writes a new one).
const RELEASED_SQL = `
DELETE FROM delivery_releases r
WHERE r.integration_id = $1
  AND NOT EXISTS (SELECT 1 FROM delivery_queue q WHERE q.integration_id = $1 AND q.next_attempt_at = 'infinity')`;

/** One chunk of a release, from `from` on (exported for the test that reads its plan). */
export function releaseChunkQuery(integrationId: string, from: Keyset = START) {
  return {
    name: "webhooks.release",
    text: RELEASE_SQL,
    values: [integrationId, CHUNK, from.chatId, from.seq],
  };
}

/** Releases what waits for an Active integration, chunk by chunk; returns how many rows it released. */
export async function releaseWaiting(integrationId: string): Promise<number> {
  const pool = enginePool();
  let released = 0;
  for (let from: Keyset | null = START; from;) {
    const { rows } = await pool.query<ChunkResult>(releaseChunkQuery(integrationId, from));
    released += rows[0]!.n;
    from = next(rows[0]!);
  }
  await pool.query({ name: "webhooks.released", text: RELEASED_SQL, values: [integrationId] });
  return released;
}

/**
 * Releases the waiting deliveries of every integration started since (those with a delivery_releases
 * row) — what workers run when a Start notifies them, and on their poll. Returns the rows released.
 */
export async function releasePending({ accountIds }: { accountIds?: string[] } = {}): Promise<number> {
  const { rows } = await enginePool().query<{ integrationId: string }>({
    name: "webhooks.releases",
    text: `SELECT r.integration_id AS "integrationId" FROM delivery_releases r
           JOIN integrations i ON i.id = r.integration_id
           WHERE $1::uuid[] IS NULL OR i.account_id = ANY($1::uuid[])
           ORDER BY r.created_at LIMIT 100`,
    values: [accountIds ?? null],
  });
  let released = 0;
  for (const { integrationId } of rows) released += await releaseWaiting(integrationId);
  return released;
}

// One chunk of a skip, while the integration is still stopped (locked FOR SHARE: a Start from elsewhere
// waits, or is seen and nothing is skipped). Every queued row that is not in flight becomes Skipped and
// leaves the queue; one whose worker died meanwhile (expired lease) gets its lost attempt recorded.
const SKIP_SQL = `
WITH stopped AS (
  SELECT id, method, url FROM integrations WHERE id = $1 AND status <> 'ACTIVE' FOR SHARE
),
chunk AS (
  SELECT q.delivery_id, q.expires_on, q.account_id, q.attempts, q.leased_at, q.lease_expires_at, q.chat_id,
         q.seq, s.method, s.url
  FROM delivery_queue q CROSS JOIN stopped s
  WHERE q.integration_id = $1 AND (q.chat_id, q.seq) > ($3::uuid, $4::bigint)
    AND (q.lease_expires_at IS NULL OR q.lease_expires_at <= now())
  ORDER BY q.chat_id, q.seq
  LIMIT $2
  FOR UPDATE OF q SKIP LOCKED
),
dequeued AS (
  DELETE FROM delivery_queue q USING chunk c WHERE q.delivery_id = c.delivery_id AND q.account_id = c.account_id
  RETURNING 1
),
${lostAttemptsCte("chunk")},
skipped AS (
  UPDATE deliveries d SET status = 'SKIPPED', attempts = c.attempts, completed_at = now()
  FROM chunk c
  WHERE d.id = c.delivery_id AND d.expires_on = c.expires_on
  RETURNING 1
),
last AS (SELECT chat_id, seq FROM chunk ORDER BY chat_id DESC, seq DESC LIMIT 1)
SELECT (SELECT count(*) FROM skipped)::int AS n,
       (SELECT chat_id FROM last) AS "lastChatId", (SELECT seq::float8 FROM last) AS "lastSeq"`;

async function skipWaiting(client: Pool | PoolClient, integrationId: string): Promise<number> {
  let skipped = 0;
  for (let from: Keyset | null = START; from;) {
    const { rows } = await client.query<ChunkResult>({
      name: "webhooks.skip",
      text: SKIP_SQL,
      values: [integrationId, CHUNK, from.chatId, from.seq],
    });
    skipped += rows[0]!.n;
    from = next(rows[0]!);
  }
  return skipped;
}

/**
 * Start ▶ for the delivery engine: the integration becomes Active (a 410 Gone stop is cleared) and what
 * waited is sent in order (released by the workers, see releasePending) or skipped. Skipping runs in
 * chunks while the integration is still stopped, then once more, for what arrived meanwhile, in the
 * transaction that starts it — under its row lock, so nothing that arrives after the Start is skipped
 * and nothing that arrived before it is sent. Returns how many were skipped.
 */
export async function startDeliveries(
  accountId: string,
  integrationId: string,
  waiting: WaitingChoice,
): Promise<{ skipped: number }> {
  let skipped = 0;
  if (waiting === "skip") skipped += await skipWaiting(enginePool(), integrationId);
  skipped += await transaction(async (client) => {
    const { rows } = await client.query<{ status: string }>(
      "SELECT status FROM integrations WHERE id = $1 AND account_id = $2 FOR UPDATE",
      [integrationId, accountId],
    );
    if (rows.length === 0) throw notFound("Integration");
    if (rows[0]!.status === "ACTIVE") return 0;
    const more = waiting === "skip" ? await skipWaiting(client, integrationId) : 0;
    // The status trigger marks what still waits for release and notifies the workers.
    await client.query("UPDATE integrations SET status = 'ACTIVE', disabled_reason = NULL WHERE id = $1", [
      integrationId,
    ]);
    return more;
  });
  return { skipped };
}
