// Throwaway databases for the volume benchmark, and pointing the app's own pools at one of them.
import { Client } from "pg";

import { closeDb } from "@/db";
import { migrateDatabase } from "@/db/migrate";
import { assertLocalDatabase, createTestDatabase } from "@/db/test-database";
import { env } from "@/lib/env";

export const SERVER_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export interface BenchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

export function databaseUrl(name: string): string {
  const u = new URL(SERVER_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * A new, migrated database on the server of DATABASE_URL (createTestDatabase's). A kept one is renamed
 * cw_scale_<time>: test runs drop cw_test_* databases older than six hours as leftovers of dead runs.
 */
export async function createBenchDatabase(keep = false): Promise<BenchDatabase> {
  const db = await createTestDatabase(SERVER_URL);
  let name = new URL(db.url).pathname.slice(1);
  if (keep) {
    const kept = name.replace(/^cw_test_/, "cw_scale_");
    const admin = new Client({ connectionString: databaseUrl("postgres") });
    await admin.connect();
    await admin.query(`ALTER DATABASE "${name}" RENAME TO "${kept}"`).finally(() => admin.end());
    name = kept;
  }
  const url = databaseUrl(name);
  await migrateDatabase(url);
  return { name, url, drop: () => dropDatabase(name) };
}

export async function dropDatabase(name: string): Promise<void> {
  const admin = new Client({ connectionString: databaseUrl("postgres") });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).finally(() => admin.end());
}

/** An existing database (--reuse): checked to be local and to hold the app's tables. */
export async function existingDatabase(name: string): Promise<BenchDatabase> {
  const url = databaseUrl(name);
  assertLocalDatabase(url);
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await c.query("SELECT 1 FROM deliveries LIMIT 1");
  } finally {
    await c.end();
  }
  return { name, url, drop: async () => {} };
}

/**
 * Points the app's pools (db(), enginePool()) at `url`: closes the current ones; the next use opens new
 * ones there. (env() is read once per process, so its copy of DATABASE_URL is updated too.)
 */
export async function pointAppAt(url: string): Promise<void> {
  await closeDb();
  process.env.DATABASE_URL = url;
  env().DATABASE_URL = url;
}
