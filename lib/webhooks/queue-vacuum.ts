import type { Pool, PoolClient } from "pg";

import { enginePool } from "@/db";

// The queue is rewritten all the time (every claim, retry and completion leaves a dead row version), and
// the claims walk its due index from the front, where the dead entries gather: left to grow, they are
// what a claim spends its time on (at 10 M deliveries, with ~960 k dead rows, a claim read ~2,000 pages
// before its first row). Autovacuum keeps it clean (migration 0003 tunes it for this table). Where it is
// off or falls behind, the workers' sweep vacuums the queue itself once this many dead rows are counted —
// a few times autovacuum's own threshold, so with autovacuum working this never runs.
export const QUEUE_VACUUM_DEAD_ROWS = 20_000;
/** At most one such VACUUM a minute per process (if the dead rows cannot go — a long transaction holds
 *  them — running it again at once would only read the table again). */
const QUEUE_VACUUM_EVERY_MS = 60_000;
let lastVacuum = 0;

/**
 * VACUUMs delivery_queue when its dead rows reach `minDead` (the server's statistics say how many);
 * skipped while another VACUUM holds it. Returns whether it ran.
 */
export async function vacuumQueueIfNeeded(minDead = QUEUE_VACUUM_DEAD_ROWS): Promise<boolean> {
  const pool = enginePool();
  const { rows } = await pool.query<{ dead: string }>(
    "SELECT n_dead_tup AS dead FROM pg_stat_user_tables WHERE relid = 'delivery_queue'::regclass",
  );
  if (Number(rows[0]?.dead ?? 0) < minDead || Date.now() - lastVacuum < QUEUE_VACUUM_EVERY_MS) return false;
  lastVacuum = Date.now();
  // Outside any transaction block (VACUUM cannot run in one). It locks the table against schema changes
  // and other VACUUMs only, never against the workers' reads and writes — as long as it does not give
  // the empty pages at its end back to the system, which would take the table's exclusive lock.
  await pool.query("VACUUM (SKIP_LOCKED, TRUNCATE false) delivery_queue");
  return true;
}

/**
 * Lets go any queue row held (blocked) although no earlier event of its chat is queued any more. The
 * queue's delete trigger lets each chat's next row go as the one before it leaves (migration 0015), so
 * this should find none: it is the safety net that keeps a flaw there from stopping a chat for good, and
 * says so in the log when it finds one. One statement over the held rows (the retention runs it).
 */
export async function unblockStrandedRows(client: Pool | PoolClient = enginePool()): Promise<number> {
  const { rowCount } = await client.query(
    `UPDATE delivery_queue f SET blocked = false
     WHERE f.blocked AND NOT EXISTS (
       SELECT 1 FROM delivery_queue p
       WHERE p.integration_id = f.integration_id AND p.chat_id = f.chat_id AND p.seq < f.seq)`,
  );
  return rowCount ?? 0;
}
