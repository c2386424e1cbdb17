import { closeDb } from "@/db";
import { migrateDatabase } from "@/db/migrate";
import { createTestDatabase } from "@/db/test-database";

/**
 * Gives this test file a database of its own (freshly migrated), for tests that act database-wide —
 * the retention drops whole days of every account — while other files run beside it. Call it at the
 * top of the file, before anything opens a connection; the returned function closes and drops it.
 */
export async function ownTestDatabase(): Promise<() => Promise<void>> {
  const database = await createTestDatabase(process.env.DATABASE_URL!);
  await migrateDatabase(database.url);
  process.env.DATABASE_URL = database.url;
  return async () => {
    await closeDb();
    await database.drop();
  };
}
