import type { PoolClient } from "pg";

import { enginePool } from "@/db";

import { withTryLock } from "./sql";

// The rollups: the chart's delivery_minutes (migration 0010) and the campaigns' Reports'
// campaign_tallies (migration 0012). Triggers append a row of changes per statement; this folds them
// into one row per group (integration, minute and latency bucket; campaign), so a read sums a few rows
// however busy the integration or campaign. Run by the workers' sweep and the cron route; one fold at a
// time across processes (an advisory lock), though two would not miscount (each row is deleted, and so
// counted, by one of them).

/** Upper bounds (ms) of latency_bucket()'s buckets 0…11; bucket 12 is 30 s and more. */
export const LATENCY_BUCKET_BOUNDS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000];

/** How far back rollups are kept: the chart's longest window is a day. */
export const ROLLUP_KEEP_MS = 2 * 86_400_000;

const FOLD_LOCK = 72_410_004;

// One batch of groups with appended rows, per rollup: all their rows out, their sums back in as one folded
// row (rows that sum to nothing are not written back; neither are a deleted campaign's).
const FOLD_SQL = {
  deliveryMinutes: `
WITH picked AS (
  SELECT integration_id, minute FROM delivery_minutes WHERE NOT folded GROUP BY 1, 2 LIMIT $1
),
gone AS (
  DELETE FROM delivery_minutes d USING picked p
  WHERE d.integration_id = p.integration_id AND d.minute = p.minute
  RETURNING d.*
),
folded AS (
  INSERT INTO delivery_minutes (account_id, integration_id, minute, latency_bucket, pending, retrying, succeeded,
                                failed, skipped, folded)
  SELECT account_id, integration_id, minute, latency_bucket, sum(pending), sum(retrying), sum(succeeded),
         sum(failed), sum(skipped), true
  FROM gone GROUP BY 1, 2, 3, 4
  HAVING sum(pending) <> 0 OR sum(retrying) <> 0 OR sum(succeeded) <> 0 OR sum(failed) <> 0 OR sum(skipped) <> 0
  RETURNING 1
),
-- The changes not folded before, to the hours' Succeeded counts (only this fold writes them).
hours AS (
  INSERT INTO delivery_hours AS h (account_id, integration_id, hour, succeeded)
  SELECT account_id, integration_id, date_trunc('hour', minute), sum(succeeded) FROM gone WHERE NOT folded
  GROUP BY 1, 2, 3 HAVING sum(succeeded) <> 0
  ON CONFLICT (integration_id, hour, account_id) DO UPDATE SET succeeded = h.succeeded + excluded.succeeded
)
SELECT (SELECT count(*) FROM picked)::int AS groups`,
  campaignTallies: `
WITH picked AS (
  SELECT DISTINCT campaign_id FROM campaign_tallies WHERE NOT folded LIMIT $1
),
gone AS (
  DELETE FROM campaign_tallies t USING picked p WHERE t.campaign_id = p.campaign_id
  RETURNING t.*
),
folded AS (
  INSERT INTO campaign_tallies (account_id, campaign_id, messages_in, messages_out, chats_open, chats_closed,
                                deliveries_waiting, deliveries_succeeded, deliveries_failed, deliveries_skipped, folded)
  SELECT account_id, campaign_id, sum(messages_in), sum(messages_out), sum(chats_open), sum(chats_closed),
         sum(deliveries_waiting), sum(deliveries_succeeded), sum(deliveries_failed), sum(deliveries_skipped), true
  FROM gone WHERE EXISTS (SELECT 1 FROM campaigns c WHERE c.id = gone.campaign_id) GROUP BY 1, 2
  RETURNING 1
)
SELECT (SELECT count(*) FROM picked)::int AS groups`,
};

/** Folds the rollups' appended rows, `batch` groups per statement, for at most `maxMs`. Returns groups folded. */
export async function foldRollups({ batch = 2000, maxMs = 5_000 } = {}): Promise<number> {
  const client = await enginePool().connect();
  try {
    return await withTryLock(client, FOLD_LOCK, 0, async () => {
      const deadline = Date.now() + maxMs;
      let groups = 0;
      for (const sql of Object.values(FOLD_SQL)) {
        for (;;) {
          const { rows } = await client.query<{ groups: number }>(sql, [batch]);
          groups += rows[0]!.groups;
          if (rows[0]!.groups < batch || Date.now() >= deadline) break;
        }
      }
      return groups;
    });
  } finally {
    client.release();
  }
}

/**
 * Deletes what the rollups no longer need: minutes older than the chart can show and the hours of
 * deliveries past their account's period (per integration in batches), and the tallies of campaigns that
 * no longer exist (deleted, or their account was). Returns rows deleted.
 */
export async function expireRollups(
  client: PoolClient,
  now: Date,
  batch: number,
  inTime: () => Promise<boolean>,
) {
  const inBatches = async (text: string, before: Date) => {
    let deleted = 0;
    while (await inTime()) {
      const { rowCount } = await client.query(text, [before, batch]);
      deleted += rowCount ?? 0;
      if ((rowCount ?? 0) < batch) break;
    }
    return deleted;
  };
  const minutes = await inBatches(
    `DELETE FROM delivery_minutes WHERE ctid = ANY(ARRAY(
       SELECT m.ctid FROM integrations i
       CROSS JOIN LATERAL (
         SELECT ctid FROM delivery_minutes WHERE integration_id = i.id AND minute < $1 LIMIT $2) m
       LIMIT $2))`,
    new Date(now.getTime() - ROLLUP_KEEP_MS),
  );
  // An hour's deliveries expire a day or so after the account's period has passed since it.
  const hours = await inBatches(
    `DELETE FROM delivery_hours WHERE ctid = ANY(ARRAY(
       SELECT h.ctid FROM accounts a JOIN integrations i ON i.account_id = a.id
       CROSS JOIN LATERAL (
         SELECT ctid FROM delivery_hours
         WHERE integration_id = i.id AND hour < $1::timestamptz - (a.retention_days + 2) * interval '1 day'
         LIMIT $2) h
       LIMIT $2))`,
    now,
  );
  // One row per campaign once folded: a single statement.
  const { rowCount } = await client.query(
    `DELETE FROM campaign_tallies t WHERE NOT EXISTS (SELECT 1 FROM campaigns c WHERE c.id = t.campaign_id)`,
  );
  return minutes + hours + (rowCount ?? 0);
}

/**
 * The latency at percentile `p` (0–1) of a histogram (counts per latency_bucket), interpolated within
 * its bucket; null without any count. The last bucket has no upper bound: its lower bound stands in.
 */
export function latencyPercentile(counts: number[], p: number): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total <= 0) return null;
  const rank = p * total;
  let below = 0;
  for (let bucket = 0; bucket < counts.length; bucket++) {
    const n = counts[bucket] ?? 0;
    if (n > 0 && below + n >= rank) {
      const low = bucket === 0 ? 0 : LATENCY_BUCKET_BOUNDS_MS[bucket - 1]!;
      const high = LATENCY_BUCKET_BOUNDS_MS[bucket];
      if (high === undefined) return low;
      return Math.round(low + ((rank - below) / n) * (high - low));
    }
    below += n;
  }
  return LATENCY_BUCKET_BOUNDS_MS.at(-1)!;
}
