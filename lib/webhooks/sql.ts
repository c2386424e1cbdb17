import type { PoolClient } from "pg";

import { enginePool } from "@/db";

import { withPartitions } from "./partitions";

/** The LISTEN/NOTIFY channel that wakes idle delivery workers (see migration 0003). */
export const WAKE_CHANNEL = "webhook_deliveries";

// Deadlock and serialization failure: the transaction did nothing and can simply run again.
const RETRYABLE_SQLSTATE = new Set(["40P01", "40001"]);

/**
 * A deadlock or serialization failure (also wrapped, as Drizzle does): the statement or transaction was
 * rolled back whole; run it again.
 */
export function isRetryable(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | null, depth = 0; e && depth < 5; depth++) {
    if (typeof e.code === "string" && RETRYABLE_SQLSTATE.has(e.code)) return true;
    e = e.cause as typeof e;
  }
  return false;
}

/**
 * Runs `fn` in a transaction on the engine's pool (the engine's hot paths use plain SQL through
 * node-postgres: set-based statements over JSON batches, prepared by name). Retried on deadlock, and
 * once more after making the partitions if it met a day that had none.
 * Single statements need no transaction: they are atomic on their own (`enginePool().query`).
 */
export async function transaction<T>(fn: (client: PoolClient) => Promise<T>, attempts = 3): Promise<T> {
  return withPartitions(() => transactionOnce(fn, attempts));
}

async function transactionOnce<T>(fn: (client: PoolClient) => Promise<T>, attempts: number): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const client = await enginePool().connect();
    let broken = false;
    // A connection killed between two statements emits "error" (unhandled, it would end the process).
    const onError = () => {
      broken = true;
    };
    client.on("error", onError);
    try {
      await client.query("BEGIN");
      const result = await fn(client);
      await client.query("COMMIT");
      return result;
    } catch (err) {
      await client.query("ROLLBACK").catch(() => {
        broken = true;
      });
      if (attempt >= attempts || !isRetryable(err)) throw err;
    } finally {
      // A connection that could not even roll back is discarded rather than reused.
      client.off("error", onError);
      client.release(broken);
    }
  }
}

/**
 * Runs `work` holding the session advisory lock `key` on `client` — one process at a time for the
 * database-wide maintenance — or answers `busy` at once when another session holds it.
 */
export async function withTryLock<T>(
  client: PoolClient,
  key: number,
  busy: T,
  work: () => Promise<T>,
): Promise<T> {
  const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [
    key,
  ]);
  if (!rows[0]!.locked) return busy;
  try {
    return await work();
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [key]);
  }
}
