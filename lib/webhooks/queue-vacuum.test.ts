import { describe, expect, it } from "vitest";

import { enginePool } from "@/db";
import { createTestAccount } from "@/lib/testing/accounts";
import { attemptDue } from "@/lib/testing/deliveries";
import { createTestConnection, createTestIntegration } from "@/lib/testing/integrations";
import { waitUntil } from "@/lib/testing/wait";

import { ingestInbound } from "./ingest";
import { vacuumQueueIfNeeded } from "./queue-vacuum";

const queueStats = async () =>
  (
    await enginePool().query<{ dead: string; vacuums: string }>(
      `SELECT n_dead_tup AS dead, vacuum_count + autovacuum_count AS vacuums
       FROM pg_stat_user_tables WHERE relid = 'delivery_queue'::regclass`,
    )
  ).rows[0]!;

describe("the queue's own VACUUM (where autovacuum has not cleaned it)", () => {
  it("runs once the dead rows reach the threshold, and leaves it clean", async () => {
    const { accountId } = await createTestAccount("Vacuum");
    const connection = await createTestConnection(accountId);
    await createTestIntegration(accountId, {
      url: "https://hooks.example.com/in",
      connectionIds: [connection.id],
    });
    // Each delivered event leaves dead queue rows (its claim's version and its deletion).
    for (let i = 0; i < 60; i++)
      await ingestInbound({
        connectionId: connection.id,
        from: `+1555870${String(i).padStart(4, "0")}`,
        text: "x",
      });
    await attemptDue(accountId, () => "SUCCEEDED");
    // The server's statistics arrive a moment after the writes.
    await waitUntil(async () => Number((await queueStats()).dead) >= 60, { what: "the dead rows counted" });
    const dead = Number((await queueStats()).dead);

    expect(await vacuumQueueIfNeeded(Number.MAX_SAFE_INTEGER)).toBe(false);
    const before = Number((await queueStats()).vacuums);
    expect(await vacuumQueueIfNeeded(60)).toBe(true);
    // (A worker's sweep in another test file may be vacuuming it at the same moment: this one then skips
    // it, and that one is counted when it ends.)
    await waitUntil(async () => Number((await queueStats()).vacuums) > before, {
      what: "the VACUUM counted",
    });
    expect(Number((await queueStats()).dead)).toBeLessThan(dead);
  });
});
