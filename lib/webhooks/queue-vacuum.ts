import { enginePool } from "@/db";

// The queue is rewritten all the time (every claim, retry and completion leaves a dead row version), and
// the claims walk its due index from the front, where the dead entries gather: left to grow, they are
// what a claim spends its time on (at 10 M deliveries, with ~960 k dead rows, a claim read ~2,000 pages
// before its first row). Autovacuum keeps it clean (migration 0003 tunes it for this table). Where it is
// off or falls behind, the workers' sweep vacuums the queue itself once this many dead rows are counted —
// a few times autovacuum's own threshold, so with autovacuum working this never runs.
export const QUEUE_VACUUM_DEAD_ROWS = 20_000;

/**
 * VACUUMs delivery_queue when its dead rows reach `minDead` (the server's statistics say how many);
 * skipped while another VACUUM holds it. Returns whether it ran.
 */
export async function vacuumQueueIfNeeded(minDead = QUEUE_VACUUM_DEAD_ROWS): Promise<boolean> {
  const pool = enginePool();
  const { rows } = await pool.query<{ dead: string }>(
    "SELECT n_dead_tup AS dead FROM pg_stat_user_tables WHERE relid = 'delivery_queue'::regclass",
  );
  if (Number(rows[0]?.dead ?? 0) < minDead) return false;
  // Outside any transaction block (VACUUM cannot run in one); it locks the table against schema changes
  // and other VACUUMs only, never against the workers' reads and writes.
  await pool.query("VACUUM (SKIP_LOCKED) delivery_queue");
  return true;
}
