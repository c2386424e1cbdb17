import type { PoolClient } from "pg";

import { enginePool } from "@/db";
import { describeError } from "@/lib/errors";
import { log } from "@/lib/log";
import { RETENTION_DAYS } from "@/lib/validation/retention";

import { PARTITIONED_TABLES, utcDay } from "./partitions";
import { withTryLock } from "./sql";

// Index compaction: the indexes of the day partitions are written in random key order (ids, chats,
// integrations interleaved), and a B-tree filled that way keeps its pages about two-thirds full — a third
// of every index of deliveries, attempts and messages is air (~150 bytes a delivery at 10 M deliveries).
// Once a partition's writes are over, its indexes are rebuilt packed, once: REINDEX TABLE CONCURRENTLY,
// which locks the partition against schema changes only (SHARE UPDATE EXCLUSIVE: inserts, updates,
// deletes and reads go on) and swaps each new index in with a moment's lock.
//
// When a partition is settled: rows go into the partition of the day they expire, which is the day they
// were written plus the account's period plus one (lib/webhooks/partitions.ts), and a delivery's attempts
// follow within its maximum age (a day by default). So an account on the default period has stopped
// writing into the partition of day E by day E - DEFAULT + 1: that is when it is compacted. Accounts on
// a shorter period write into it later (their share of its rows then splits some pages again); accounts
// on a longer one wrote into it earlier.

const COMPACTION_LOCK = 74_210_032;
/** Settled: its day is at most this many days ahead (the default period's writes are then over). */
export const SETTLED_DAYS_AHEAD = RETENTION_DAYS.default - 1;
/** A partition smaller than this is not worth a rebuild (it is looked at again next time). */
export const COMPACT_MIN_BYTES = 1 << 20;

export interface CompactionStats {
  ran: boolean;
  compacted: string[];
  /** Settled partitions left for the next run (the time was up). */
  left: number;
}

/**
 * Rebuilds the indexes of settled partitions not compacted before, oldest day first, until `maxMs` has
 * passed (one partition at a time; a REINDEX that has started finishes). One process at a time.
 */
export async function compactSettledPartitions({
  now = new Date(),
  maxMs = 60_000,
}: { now?: Date; maxMs?: number } = {}): Promise<CompactionStats> {
  const stats: CompactionStats = { ran: false, compacted: [], left: 0 };
  const client = await enginePool().connect();
  try {
    return await withTryLock(client, COMPACTION_LOCK, stats, async () => {
      stats.ran = true;
      await client.query(
        "DELETE FROM compacted_partitions c WHERE to_regclass(quote_ident(c.partition)) IS NULL",
      );
      await dropLeftovers(client);
      const due = await settledPartitions(client, now);
      const deadline = Date.now() + maxMs;
      for (const [i, partition] of due.entries()) {
        if (Date.now() >= deadline) {
          stats.left = due.length - i;
          break;
        }
        await compact(client, partition);
        stats.compacted.push(partition);
      }
      return stats;
    });
  } finally {
    client.release();
  }
}

/** Partitions of the days from tomorrow to SETTLED_DAYS_AHEAD days ahead, not yet compacted, not tiny. */
async function settledPartitions(client: PoolClient, now: Date): Promise<string[]> {
  const { rows } = await client.query<{ partition: string }>(
    `SELECT c.relname AS partition FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = ANY($1::regclass[]) AND c.relname ~ '_p[0-9]{8}$'
       AND to_date(right(c.relname, 8), 'YYYYMMDD') BETWEEN $2::date AND $3::date
       AND NOT EXISTS (SELECT 1 FROM compacted_partitions p WHERE p.partition = c.relname)
       AND pg_relation_size(c.oid) >= $4
     ORDER BY right(c.relname, 8), c.relname`,
    [PARTITIONED_TABLES, utcDay(now, 1), utcDay(now, SETTLED_DAYS_AHEAD), COMPACT_MIN_BYTES],
  );
  return rows.map((r) => r.partition);
}

async function compact(client: PoolClient, partition: string): Promise<void> {
  try {
    // Outside any transaction block (REINDEX CONCURRENTLY cannot run in one).
    await client.query(`REINDEX TABLE CONCURRENTLY ${partition}`);
  } catch (err) {
    await dropLeftovers(client);
    throw err;
  }
  await client.query("INSERT INTO compacted_partitions (partition) VALUES ($1) ON CONFLICT DO NOTHING", [
    partition,
  ]);
}

/**
 * A REINDEX CONCURRENTLY that failed (or whose process died) leaves its half-built copies behind, invalid:
 * never used by a query, but written by every insert. Dropped (before each run and after a failure; the
 * advisory lock means no compaction is building one), and the partition is tried again next time.
 */
async function dropLeftovers(client: PoolClient): Promise<void> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT ic.relname AS name FROM pg_inherits i JOIN pg_index x ON x.indrelid = i.inhrelid
     JOIN pg_class ic ON ic.oid = x.indexrelid
     WHERE i.inhparent = ANY($1::regclass[]) AND NOT x.indisvalid AND ic.relname ~ '_ccnew[0-9]*$'`,
    [PARTITIONED_TABLES],
  );
  for (const { name } of rows) await client.query(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
}

let lastRun = 0;
let running = false;

/**
 * The compaction, at most every `everyMs` per process and one run at a time (the workers' sweep starts it
 * without waiting: a REINDEX CONCURRENTLY waits for older transactions to end, and the sweep's other
 * work must not wait with it). Never throws.
 */
export async function maybeCompactPartitions(everyMs = 10 * 60_000): Promise<CompactionStats | null> {
  if (running || Date.now() - lastRun < everyMs) return null;
  lastRun = Date.now();
  running = true;
  try {
    const stats = await compactSettledPartitions();
    if (stats.compacted.length > 0)
      log().info({ partitions: stats.compacted }, "settled partitions' indexes compacted");
    return stats;
  } catch (err) {
    log().warn({ err: describeError(err) }, "index compaction failed");
    return null;
  } finally {
    running = false;
  }
}
