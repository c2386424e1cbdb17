import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { Pool } from "pg";

import { env } from "@/lib/env";

import * as schema from "./schema";

export type Database = NodePgDatabase<typeof schema> & { $client: Pool };
/** A transaction handle; data functions accept either this or the database. */
export type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];
export type Executor = Database | Tx;

// One pool per process, kept on globalThis so dev-mode hot reloads do not leak connections.
const globalForDb = globalThis as unknown as { __db?: Database; __readDb?: Database; __enginePool?: Pool };

function connect(connectionString: string): Database {
  const pool = new Pool({
    connectionString,
    max: env().DATABASE_POOL_SIZE,
    connectionTimeoutMillis: env().DATABASE_CONNECT_TIMEOUT_MS,
    // Pages of at most a few hundred rows: compiling a plan (JIT, which high cost estimates on the
    // partitioned tables set off) takes far longer than running it, and so does starting parallel
    // workers for a walk that stops at the page (measured at 10 M deliveries: 46 → 5 ms).
    options: "-c jit=off -c max_parallel_workers_per_gather=0",
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on("error", () => {});
  return drizzle(pool, { schema });
}

/** The process-wide database client, created on first use (importing this module opens nothing). */
export function db(): Database {
  globalForDb.__db ??= connect(env().DATABASE_URL);
  return globalForDb.__db;
}

/**
 * Where the log reads go — the Deliveries tab, the chats, the v1 lists: a read replica when
 * DATABASE_READ_URL is set (they may then lag the primary by the replica's delay), else db(). Anything
 * read to decide a write, or read back right after one, stays on db().
 */
export function readDb(): Database {
  const url = env().DATABASE_READ_URL;
  if (!url) return db();
  globalForDb.__readDb ??= connect(url);
  return globalForDb.__readDb;
}

// The delivery engine's statements (lib/webhooks) run on their own connections, set up for them:
// they are prepared by name with plans that do not depend on the values (batches arrive as one JSON
// document), so plan them once per connection rather than on every execution; and the queue table's
// statistics are always stale (it empties and fills all the time), so keep the planner from trading
// the claim's walk down the due index for a sort of every due row, which misleads it at every size.
// Nor a sequential scan: a plan made while a table is small (a new day's partition at midnight, an empty
// queue) would keep scanning it once it is large, as the plan is kept; every engine statement finds its
// rows by key. (Those switches work by inflating costs, which would otherwise trigger JIT compilation: off.)
const ENGINE_SETTINGS = [
  "plan_cache_mode=force_generic_plan",
  "jit=off",
  "enable_sort=off",
  "enable_bitmapscan=off",
  "enable_hashjoin=off",
  "enable_seqscan=off",
];

/** The delivery engine's connection pool (raw node-postgres; see ENGINE_SETTINGS). */
export function enginePool(): Pool {
  if (!globalForDb.__enginePool) {
    const pool = new Pool({
      connectionString: env().DATABASE_URL,
      max: env().DATABASE_POOL_SIZE,
      connectionTimeoutMillis: env().DATABASE_CONNECT_TIMEOUT_MS,
      options: ENGINE_SETTINGS.map((s) => `-c ${s}`).join(" "),
      // A connection keeps each statement it prepared, and some are made per day (a completion names its
      // day's partitions): renewed hourly, none holds more than a few.
      maxLifetimeSeconds: 3600,
    });
    pool.on("error", () => {});
    globalForDb.__enginePool = pool;
  }
  return globalForDb.__enginePool;
}

/** Closes the pools (scripts and tests). */
export async function closeDb(): Promise<void> {
  const current = globalForDb.__db;
  const reader = globalForDb.__readDb;
  const engine = globalForDb.__enginePool;
  globalForDb.__db = undefined;
  globalForDb.__readDb = undefined;
  globalForDb.__enginePool = undefined;
  await Promise.all([current?.$client.end(), reader?.$client.end(), engine?.end()]);
}

export { schema };
