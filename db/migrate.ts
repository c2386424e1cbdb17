import path from "node:path";

import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import { Client } from "pg";

export const migrationsFolder = path.resolve(import.meta.dirname, "migrations");

// Any fixed number: concurrent starters (web, worker, tests) take turns applying migrations.
const MIGRATION_LOCK = 72_410_001;

/**
 * Applies the committed drizzle-kit migrations (or those of `folder`: tests of a migration stop before
 * it); safe to call from several processes at once.
 */
export async function migrateDatabase(url: string, folder = migrationsFolder): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await migrate(drizzle(client), { migrationsFolder: folder });
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => {});
    await client.end();
  }
}
