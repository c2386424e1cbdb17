import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { Pool } from "pg";

import { env } from "@/lib/env";

import * as schema from "./schema";

export type Database = NodePgDatabase<typeof schema> & { $client: Pool };
/** A transaction handle; data functions accept either this or the database. */
export type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];
export type Executor = Database | Tx;

// One pool per process, kept on globalThis so dev-mode hot reloads do not leak connections.
const globalForDb = globalThis as unknown as { __db?: Database };

/** The process-wide database client, created on first use (importing this module opens nothing). */
export function db(): Database {
  if (!globalForDb.__db) {
    const pool = new Pool({ connectionString: env().DATABASE_URL, max: env().DATABASE_POOL_SIZE });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    pool.on("error", () => {});
    globalForDb.__db = drizzle(pool, { schema });
  }
  return globalForDb.__db;
}

/** Closes the pool (scripts and tests). */
export async function closeDb(): Promise<void> {
  const current = globalForDb.__db;
  globalForDb.__db = undefined;
  await current?.$client.end();
}

export { schema };
