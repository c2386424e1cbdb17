import { describe, expect, it } from "vitest";

import { enginePool } from "@/db";
import { createTestAccount } from "@/lib/testing/accounts";

import { compactSettledPartitions, SETTLED_DAYS_AHEAD } from "./compaction";
import { ensurePartitions, partitionName, utcDay } from "./partitions";

const indexBytes = async (partition: string) =>
  Number(
    (await enginePool().query<{ n: string }>("SELECT pg_indexes_size($1::regclass) AS n", [partition]))
      .rows[0]!.n,
  );

/** Messages written in random key order (random ids and chats), as traffic writes them. */
async function fill(accountId: string, day: string, rows: number) {
  await enginePool().query(
    `INSERT INTO messages (id, account_id, chat_id, direction, text, created_at, expires_on)
     SELECT gen_random_uuid(), $1, gen_random_uuid(), 'IN', 'hello ' || g, now(), $2::date
     FROM generate_series(1, $3) g`,
    [accountId, day, rows],
  );
}

describe("index compaction of settled partitions", () => {
  it("rebuilds a settled partition's indexes packed, once, and leaves unsettled ones alone", async () => {
    const { accountId } = await createTestAccount("Compaction");
    const now = new Date();
    await ensurePartitions(enginePool(), now);
    const settledDay = utcDay(now, 3);
    const openDay = utcDay(now, SETTLED_DAYS_AHEAD + 2);
    const settled = partitionName("messages", settledDay);
    const open = partitionName("messages", openDay);
    // A database an earlier run already compacted: this run's rebuild is the one under test.
    await enginePool().query("DELETE FROM compacted_partitions WHERE partition = ANY($1)", [[settled, open]]);
    await fill(accountId, settledDay, 40_000);
    await fill(accountId, openDay, 40_000);
    const before = { settled: await indexBytes(settled), open: await indexBytes(open) };

    // Writers go on while it runs: each insert into the partition being rebuilt must not wait for it.
    const writer = await enginePool().connect();
    let writes = 0;
    let stop = false;
    const writing = (async () => {
      await writer.query("SET lock_timeout = '2s'");
      while (!stop) {
        await writer.query(
          `INSERT INTO messages (account_id, chat_id, direction, text, expires_on)
           VALUES ($1, gen_random_uuid(), 'IN', 'during', $2::date)`,
          [accountId, settledDay],
        );
        writes++;
      }
    })();
    let stats;
    try {
      stats = await compactSettledPartitions({ now });
    } finally {
      stop = true;
      await writing;
      writer.release();
    }
    expect(writes).toBeGreaterThan(0);

    expect(stats.ran).toBe(true);
    expect(stats.compacted).toContain(settled);
    expect(stats.compacted).not.toContain(open);
    const after = { settled: await indexBytes(settled), open: await indexBytes(open) };
    // Random-order B-trees are about two-thirds full; rebuilt, they are 90 % full.
    expect(after.settled).toBeLessThan(before.settled * 0.85);
    expect(after.open).toBeGreaterThanOrEqual(before.open);
    // Every index is valid and still finds every row (including those written during the rebuild).
    const { rows: invalid } = await enginePool().query(
      `SELECT 1 FROM pg_index WHERE indrelid = $1::regclass AND NOT indisvalid`,
      [settled],
    );
    expect(invalid).toHaveLength(0);
    const { rows: counted } = await enginePool().query<{ n: number }>(
      `SELECT count(*)::int AS n FROM messages WHERE account_id = $1 AND expires_on = $2::date`,
      [accountId, settledDay],
    );
    expect(counted[0]!.n).toBe(40_000 + writes);

    // Once: the next run has nothing left to do there.
    const again = await compactSettledPartitions({ now });
    expect(again.compacted).not.toContain(settled);
  });
});
