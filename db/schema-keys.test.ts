// The tables that grow with traffic can be distributed by account (Citus) without a change to the data
// model: each has account_id, and every primary key and unique index of it — on the table and on each of
// its partitions — includes account_id (Citus refuses a distributed table's key without its distribution
// column).
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { db } from "@/db";
import { ACCOUNT_KEYED_TABLES } from "@/db/schema";

interface UniqueKey {
  table: string;
  index: string;
  columns: string[];
}

async function uniqueKeysOf(tables: readonly string[]): Promise<UniqueKey[]> {
  // Each table's own unique indexes and those of its partitions (which inherit them).
  const { rows } = await db().execute<{ table: string; index: string; columns: string[] }>(sql`
    WITH RECURSIVE tables AS (
      SELECT c.oid, c.relname AS parent FROM pg_class c WHERE c.relname IN ${[...tables]}
      UNION ALL
      SELECT i.inhrelid, t.parent FROM pg_inherits i JOIN tables t ON t.oid = i.inhparent
    )
    SELECT t.parent AS table, x.indexrelid::regclass::text AS index,
           array(SELECT a.attname::text FROM unnest(x.indkey::int2[]) AS k(n)
                 JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.n) AS columns
    FROM tables t JOIN pg_index x ON x.indrelid = t.oid
    WHERE x.indisunique
    ORDER BY 1, 2`);
  return rows;
}

describe("keys ready for distribution by account", () => {
  it("every table that grows with traffic has account_id", async () => {
    const { rows } = await db().execute<{ table: string }>(sql`
      SELECT table_name AS table FROM information_schema.columns
      WHERE table_schema = 'public' AND column_name = 'account_id' AND is_nullable = 'NO'
        AND table_name IN ${[...ACCOUNT_KEYED_TABLES]}`);
    expect(rows.map((r) => r.table).sort()).toEqual([...ACCOUNT_KEYED_TABLES].sort());
  });

  it("every primary key and unique index of them, partitions included, includes account_id", async () => {
    const keys = await uniqueKeysOf(ACCOUNT_KEYED_TABLES);
    // The rule is checked on something: the keys of the partitioned tables' parents and partitions.
    expect(keys.filter((k) => k.table === "deliveries").length).toBeGreaterThan(10);
    expect(new Set(keys.map((k) => k.table))).toEqual(
      // (The rollups and tallies have no unique key: rows are appended, then folded. Nor have attempts:
      // each is written under its delivery's lease, see lib/webhooks/complete.ts.)
      new Set(
        ACCOUNT_KEYED_TABLES.filter(
          (t) => !["delivery_minutes", "campaign_tallies", "delivery_attempts"].includes(t),
        ),
      ),
    );
    expect(keys.filter((k) => !k.columns.includes("account_id"))).toEqual([]);
  });

  it("finds a key without account_id (the check can fail)", async () => {
    const keys = await uniqueKeysOf(["integrations"]);
    expect(keys.some((k) => !k.columns.includes("account_id"))).toBe(true);
  });
});
