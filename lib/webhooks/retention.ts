import { setTimeout as sleep } from "node:timers/promises";

import type { PoolClient } from "pg";

import { enginePool } from "@/db";
import { describeError } from "@/lib/errors";
import { log } from "@/lib/log";

import {
  ensurePartitions,
  PARTITIONED_TABLES,
  partitionName,
  utcDay,
  type PartitionedTable,
} from "./partitions";
import { unblockStrandedRows } from "./queue-vacuum";
import { expireRollups } from "./rollups";
import { withTryLock } from "./sql";

// Retention: what each account's period (accounts.retention_days) lets go, and nothing unfinished.
//
// - A day whose rows have all expired (expires_on before today, UTC) leaves as its partitions: each is
//   detached CONCURRENTLY (the parent is locked in SHARE UPDATE EXCLUSIVE mode only, which no insert,
//   update or query conflicts with) and then dropped on its own. No DELETE.
// - Unless a delivery of that day is still unfinished (it has a queue row: waiting for a Start,
//   retrying): then its finished deliveries and their attempts are deleted in small batches, and the
//   partitions go once the last unfinished one has (its messages' partition goes at once).
// - An account whose period was shortened has rows written under the longer one that outlive the new
//   period: until the last of them has expired by itself, those older than the period are deleted in
//   small batches, through its integrations' and chats' indexes.
// - Closed chats leave once their account's period has passed since they closed (in small batches;
//   chats with unfinished deliveries stay), provider message ids with their messages, and the index of
//   Failed and Skipped deliveries (unsuccessful_deliveries) with its deliveries' days; the chart's
//   rollups once older than its longest window, and the tallies of campaigns that no longer exist.
//
// Lock order: the workers lock a delivery's queue row, then the delivery. Retention never locks a queue
// row and only deletes deliveries that have none (finished ones: no worker touches them again), so the
// two never wait for each other in a cycle. Resend and Replay only take deliveries that have not
// expired and are within the account's period, so they never requeue what retention is deleting.

/** Rows per DELETE: each batch is its own short statement, holding its row locks for milliseconds. */
export const RETENTION_BATCH = 1000;
/** The longest pause between two batches. */
const PACE_MAX_MS = 200;

// One maintenance at a time across every process (web servers, workers, cron): a session-level
// advisory lock on the connection that runs it (DETACH … CONCURRENTLY cannot run inside a transaction).
const RETENTION_LOCK = 72_410_003;

export interface RetentionStats {
  /** False when another process was running it. */
  ran: boolean;
  partitionsMade: number;
  /** Expired days whose partitions were dropped (YYYY-MM-DD). */
  daysDropped: string[];
  /** Rows deleted in batches, by table. */
  deleted: {
    deliveries: number;
    attempts: number;
    messages: number;
    chats: number;
    providerIds: number;
    unsuccessful: number;
    rollups: number;
  };
  /** Whether it stopped at maxMs with work left (the next run goes on). */
  unfinished: boolean;
}

interface Options {
  now?: Date;
  /** Stop starting new batches after this long (Default: 20 s). */
  maxMs?: number;
  batch?: number;
  /** Pause before each batch for this many times the previous one's duration (Default: 1; see inTime). */
  pace?: number;
}

/** Runs the retention once: partitions ahead, expired days, shortened periods, closed chats. */
export async function runRetention({
  now = new Date(),
  maxMs = 20_000,
  batch = RETENTION_BATCH,
  pace = 1,
}: Options = {}): Promise<RetentionStats> {
  const stats: RetentionStats = {
    ran: false,
    partitionsMade: 0,
    daysDropped: [],
    deleted: {
      deliveries: 0,
      attempts: 0,
      messages: 0,
      chats: 0,
      providerIds: 0,
      unsuccessful: 0,
      rollups: 0,
    },
    unfinished: false,
  };
  const client = await enginePool().connect();
  try {
    return await withTryLock(client, RETENTION_LOCK, stats, async () => {
      stats.ran = true;
      const deadline = Date.now() + maxMs;
      // Asked before each batch: false once past the deadline. Otherwise it first pauses `pace` times as
      // long as the work since it was last asked (a batch) took, up to PACE_MAX_MS: batches of a few to a
      // few hundred milliseconds then leave the hot path beside them about half the time (at 10 M
      // deliveries, a day's batches back to back made a concurrent ingest → claim → complete loop's p99
      // 1.5–1.6× slower).
      let asked = Date.now();
      const inTime = async () => {
        if (Date.now() >= deadline) {
          stats.unfinished = true;
          return false;
        }
        const worked = Date.now() - asked;
        if (pace > 0 && worked > 0) await sleep(Math.min(worked * pace, PACE_MAX_MS));
        asked = Date.now();
        return true;
      };
      stats.partitionsMade = await ensurePartitions(client, now);
      const today = utcDay(now);
      for (const day of await expiredDays(client, today)) {
        if (!(await inTime())) break;
        if (await expireDay(client, day, batch, stats, inTime)) stats.daysDropped.push(day);
      }
      if (await inTime()) await catchUpShortenedPeriods(client, now, batch, stats, inTime);
      if (await inTime()) await expireChats(client, now, batch, stats, inTime);
      stats.deleted.providerIds += await expireSideRows(client, "inbound_message_ids", today, batch, inTime);
      stats.deleted.unsuccessful += await expireSideRows(
        client,
        "unsuccessful_deliveries",
        today,
        batch,
        inTime,
      );
      stats.deleted.rollups += await expireRollups(client, now, batch, inTime);
      const stranded = await unblockStrandedRows(client);
      if (stranded > 0)
        log().warn({ rows: stranded }, "queue rows held with nothing before them were let go");
      return stats;
    });
  } finally {
    client.release();
  }
}

/** The days before `today` that still have a partition of any of the tables, oldest first. */
async function expiredDays(client: PoolClient, today: string): Promise<string[]> {
  const { rows } = await client.query<{ day: string }>(
    `SELECT DISTINCT to_char(to_date(right(c.relname, 8), 'YYYYMMDD'), 'YYYY-MM-DD') AS day
     FROM pg_inherits i
     JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = ANY(ARRAY['delivery_attempts', 'deliveries', 'messages']::regclass[])
       AND c.relname ~ '_p[0-9]{8}$'
       AND to_date(right(c.relname, 8), 'YYYYMMDD') < $1::date
     ORDER BY day`,
    [today],
  );
  return rows.map((r) => r.day);
}

/**
 * Expires one day: drops its partitions, or — while a delivery of that day is unfinished — deletes its
 * finished deliveries in batches. True when every partition of the day is gone.
 */
async function expireDay(
  client: PoolClient,
  day: string,
  batch: number,
  stats: RetentionStats,
  inTime: () => Promise<boolean>,
): Promise<boolean> {
  const unfinished = await client.query("SELECT 1 FROM delivery_queue WHERE expires_on = $1::date LIMIT 1", [
    day,
  ]);
  if (unfinished.rowCount === 0) {
    for (const table of PARTITIONED_TABLES) await dropPartition(client, table, day);
    return true;
  }
  // Messages are never unfinished: their day goes now. The deliveries wait for their last one.
  await dropPartition(client, "messages", day);
  const deliveries = partitionName("deliveries", day);
  const attempts = partitionName("delivery_attempts", day);
  while (await inTime()) {
    const { rows } = await client.query<{ deliveries: number; attempts: number }>(
      `WITH gone AS (
         DELETE FROM ${deliveries} d
         WHERE d.id = ANY(ARRAY(
           SELECT x.id FROM ${deliveries} x
           WHERE NOT EXISTS (SELECT 1 FROM delivery_queue q WHERE q.delivery_id = x.id)
           LIMIT $1))
         RETURNING d.id
       ),
       attempts AS (
         DELETE FROM ${attempts} a WHERE a.delivery_id = ANY(ARRAY(SELECT id FROM gone)) RETURNING 1
       )
       SELECT (SELECT count(*) FROM gone)::int AS deliveries, (SELECT count(*) FROM attempts)::int AS attempts`,
      [batch],
    );
    stats.deleted.deliveries += rows[0]!.deliveries;
    stats.deleted.attempts += rows[0]!.attempts;
    if (rows[0]!.deliveries < batch) break;
  }
  return false;
}

/**
 * Detaches a partition without blocking the parent's readers and writers, then drops it. A detach that
 * an earlier run left half-done (the process died during it) is finalized first.
 */
async function dropPartition(client: PoolClient, table: PartitionedTable, day: string): Promise<void> {
  const part = partitionName(table, day);
  const { rows } = await client.query<{ attached: boolean; pending: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = c.oid) AS attached,
            coalesce((SELECT inhdetachpending FROM pg_inherits WHERE inhrelid = c.oid), false) AS pending
     FROM pg_class c WHERE c.relname = $1 AND c.relkind = 'r'`,
    [part],
  );
  if (rows.length === 0) return;
  if (rows[0]!.pending) await client.query(`ALTER TABLE ${table} DETACH PARTITION ${part} FINALIZE`);
  else if (rows[0]!.attached)
    await client.query(`ALTER TABLE ${table} DETACH PARTITION ${part} CONCURRENTLY`);
  await client.query(`DROP TABLE IF EXISTS ${part}`);
}

/**
 * Accounts whose period was shortened: what they wrote under the longer one and is now older than the
 * period is deleted in batches — deliveries through their integrations' index, messages through their
 * chats'. The account's mark goes once the last such row would have expired by itself.
 */
async function catchUpShortenedPeriods(
  client: PoolClient,
  now: Date,
  batch: number,
  stats: RetentionStats,
  inTime: () => Promise<boolean>,
): Promise<void> {
  const { rows: accounts } = await client.query<{ id: string; done: boolean }>(
    `SELECT id, retention_catch_up_until <= $1 AS done FROM accounts WHERE retention_catch_up_until IS NOT NULL`,
    [now],
  );
  for (const account of accounts) {
    if (account.done) {
      await client.query(
        "UPDATE accounts SET retention_catch_up_until = NULL WHERE id = $1 AND retention_catch_up_until <= $2",
        [account.id, now],
      );
      continue;
    }
    // One day of margin past the period, so that a Resend within the period never races this.
    const cutoff = `$2::timestamptz - (SELECT retention_days + 1 FROM accounts WHERE id = $1) * interval '1 day'`;
    while (await inTime()) {
      const { rows } = await client.query<{ deliveries: number; attempts: number }>(
        `WITH old AS (
           SELECT d.id, d.expires_on FROM integrations i
           CROSS JOIN LATERAL (
             SELECT id, expires_on FROM deliveries
             WHERE integration_id = i.id AND created_at < ${cutoff}
               AND NOT EXISTS (SELECT 1 FROM delivery_queue q WHERE q.delivery_id = deliveries.id)
             LIMIT $3) d
           WHERE i.account_id = $1
           LIMIT $3
         ),
         gone AS (
           DELETE FROM deliveries d USING old
           WHERE d.id = old.id AND d.expires_on = old.expires_on
           RETURNING d.id, d.expires_on
         ),
         attempts AS (
           DELETE FROM delivery_attempts a USING gone
           WHERE a.delivery_id = gone.id AND a.expires_on = gone.expires_on
           RETURNING 1
         )
         SELECT (SELECT count(*) FROM gone)::int AS deliveries, (SELECT count(*) FROM attempts)::int AS attempts`,
        [account.id, now, batch],
      );
      stats.deleted.deliveries += rows[0]!.deliveries;
      stats.deleted.attempts += rows[0]!.attempts;
      if (rows[0]!.deliveries < batch) break;
    }
    while (await inTime()) {
      const { rowCount } = await client.query(
        `WITH old AS (
           SELECT m.id, m.expires_on FROM chats c
           CROSS JOIN LATERAL (
             SELECT id, expires_on FROM messages WHERE chat_id = c.id AND created_at < ${cutoff} LIMIT $3) m
           WHERE c.account_id = $1
           LIMIT $3
         )
         DELETE FROM messages m USING old WHERE m.id = old.id AND m.expires_on = old.expires_on`,
        [account.id, now, batch],
      );
      stats.deleted.messages += rowCount ?? 0;
      if ((rowCount ?? 0) < batch) break;
    }
  }
}

/** Closed chats past their account's period (and with nothing unfinished), in batches. */
async function expireChats(
  client: PoolClient,
  now: Date,
  batch: number,
  stats: RetentionStats,
  inTime: () => Promise<boolean>,
): Promise<void> {
  while (await inTime()) {
    const { rowCount } = await client.query(
      `DELETE FROM chats WHERE id = ANY(ARRAY(
         SELECT c.id FROM accounts a
         CROSS JOIN LATERAL (
           SELECT id, integration_id FROM chats
           WHERE account_id = a.id AND status = 'CLOSED'
             AND closed_at < $1::timestamptz - a.retention_days * interval '1 day'
           LIMIT $2) c
         WHERE NOT EXISTS (
           SELECT 1 FROM delivery_queue q WHERE q.integration_id = c.integration_id AND q.chat_id = c.id)
         LIMIT $2))`,
      [now, batch],
    );
    stats.deleted.chats += rowCount ?? 0;
    if ((rowCount ?? 0) < batch) break;
  }
}

/**
 * The rows of a side table kept per day (provider message ids, unsuccessful deliveries) whose day has
 * expired, in batches through its expires_on index.
 */
async function expireSideRows(
  client: PoolClient,
  table: "inbound_message_ids" | "unsuccessful_deliveries",
  today: string,
  batch: number,
  inTime: () => Promise<boolean>,
): Promise<number> {
  let deleted = 0;
  while (await inTime()) {
    // By row address: one statement, no key needed (these rows are never updated, so it does not move).
    // In the index's order, so the planner walks the index (a plain index scan marks the entries of rows
    // it finds deleted, and the next batch skips them; a bitmap scan would read them all again, batch
    // after batch, where autovacuum has not been).
    const { rowCount } = await client.query(
      `DELETE FROM ${table} WHERE ctid = ANY(ARRAY(
         SELECT ctid FROM ${table} WHERE expires_on < $1::date ORDER BY expires_on LIMIT $2))`,
      [today, batch],
    );
    deleted += rowCount ?? 0;
    if ((rowCount ?? 0) < batch) break;
  }
  return deleted;
}

let lastRun = 0;

/**
 * The retention, at most every `everyMs` per process (the workers' periodic sweep and the cron route
 * call this; the advisory lock keeps two processes from running it at once). Never throws.
 */
export async function maybeRunRetention(everyMs = 10 * 60_000): Promise<RetentionStats | null> {
  if (Date.now() - lastRun < everyMs) return null;
  lastRun = Date.now();
  try {
    return await runRetention();
  } catch (err) {
    log().warn({ err: describeError(err) }, "retention run failed");
    return null;
  }
}
