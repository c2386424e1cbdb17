import { sql, type SQL } from "drizzle-orm";
import type { Pool, PoolClient } from "pg";

import { enginePool } from "@/db";
import { RETENTION_DAYS } from "@/lib/validation/retention";

// The tables that grow with traffic — messages, deliveries, delivery_attempts — are partitioned by the
// day their rows expire (`expires_on`, one partition per UTC day; migration 0008). A row's day is fixed
// when it is written: the UTC day + its account's retention period + 1, so it is kept at least its
// period and at most a day more. An attempt takes its delivery's day, and a message's delivery the
// message's. Expiring a day is dropping its partitions (lib/webhooks/retention.ts).

/** The partitioned tables, children first (the order they are dropped in). */
export const PARTITIONED_TABLES = ["delivery_attempts", "deliveries", "messages"] as const;
export type PartitionedTable = (typeof PARTITIONED_TABLES)[number];

/**
 * Days of partitions made ahead of need beyond the longest period any account has now (and a day):
 * slack for the maintenance to be late. Not every day up to the longest allowed period: each partition
 * costs every statement on the table planning or locking time. A longer period makes its days at once
 * (setRetentionDays), and an insert that meets a missing day makes them (withPartitions).
 */
export const PARTITIONS_SLACK_DAYS = 7;
/** The expiry day of a row the account writes now, as a value for an insert (drizzle). */
export const expiresOnFor = (accountId: string): SQL<string> =>
  sql<string>`retention_expires_on(${accountId}::uuid)`;

/** The UTC day of `now` shifted by `days`, as YYYY-MM-DD. */
export function utcDay(now: Date, days = 0): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + days));
  return d.toISOString().slice(0, 10);
}

/** The partition of `table` that holds the rows expiring on `day` (YYYY-MM-DD). */
export const partitionName = (table: PartitionedTable, day: string) => `${table}_p${day.replaceAll("-", "")}`;

/**
 * Makes the day partitions from today to the longest period in force (+ 1 + PARTITIONS_SLACK_DAYS)
 * that are missing (none, normally: a catalog check per day). Returns how many it made.
 */
export async function ensurePartitions(client: Pool | PoolClient = enginePool(), now = new Date()) {
  const { rows } = await client.query<{ made: number }>(
    `SELECT ensure_expiry_partitions($1::date,
       $1::date + (SELECT coalesce(max(retention_days), $2::int) FROM accounts) + 1 + $3::int) AS made`,
    [utcDay(now), RETENTION_DAYS.default, PARTITIONS_SLACK_DAYS],
  );
  return rows[0]!.made;
}

// 23514 with this message: an insert met a day that has no partition yet (the maintenance has not run
// for more than the week of slack).
const isMissingPartition = (err: unknown) => {
  const e = err as { code?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } };
  const pg = typeof e.code === "string" ? e : e.cause;
  return pg?.code === "23514" && typeof pg.message === "string" && pg.message.includes("no partition");
};

/**
 * Runs `write`; if it met a day without a partition, makes the partitions and runs it once more (it was
 * rolled back whole). What a writer of the partitioned tables wraps its statement in.
 */
export async function withPartitions<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (!isMissingPartition(err)) throw err;
    await ensurePartitions();
    return write();
  }
}
