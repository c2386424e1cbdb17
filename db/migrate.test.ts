import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { migrateDatabase } from "./migrate";
import { createTestDatabase } from "./test-database";

describe("migrations", () => {
  let fresh: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    fresh = await createTestDatabase(process.env.DATABASE_URL!);
  });
  afterAll(async () => {
    await fresh.drop();
  });

  it("apply to an empty database, twice without harm, from concurrent callers", async () => {
    await Promise.all([migrateDatabase(fresh.url), migrateDatabase(fresh.url)]);
    await migrateDatabase(fresh.url);
    const client = new Client({ connectionString: fresh.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
      );
      expect(rows.map((r) => r.table_name)).toEqual([
        "accounts",
        "api_keys",
        "campaign_connections",
        "campaigns",
        "chats",
        "connections",
        "deliveries",
        "delivery_attempts",
        "delivery_queue",
        "delivery_releases",
        "idempotency_keys",
        "integration_connections",
        "integrations",
        "messages",
        "password_resets",
        "pending_signups",
        "sessions",
        "users",
      ]);
      const triggers = await client.query<{ tgname: string }>(
        "SELECT tgname FROM pg_trigger WHERE tgname LIKE '%connections_use' ORDER BY 1",
      );
      expect(triggers.rows.map((r) => r.tgname)).toEqual([
        "campaign_connections_use",
        "integration_connections_use",
      ]);
    } finally {
      await client.end();
    }
  });
});
