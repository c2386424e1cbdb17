// Releasing what waited for a Start is one statement per chunk of up to 5,000 rows. The engine's sessions
// turn hash joins off, so any join of two of the statement's own row sets (CTE scans have no index) is a
// nested loop: quadratic in the chunk. Once, the queue's update joined the deliveries' update that way and
// a chunk of 5,000 took 1.6-6 s; with each row looked up on its key it takes ~0.25 s.
import { eq } from "drizzle-orm";
import { expect, it } from "vitest";

import { db, enginePool } from "@/db";
import { deliveries, deliveryQueue, integrations } from "@/db/schema";
import { createTestAccount } from "@/lib/testing/accounts";
import { createTestConnection, createTestIntegration } from "@/lib/testing/integrations";
import { executedPlanNodes } from "@/lib/testing/plans";

import { ingestInbound } from "./ingest";
import { releaseChunkQuery, releaseWaiting } from "./waiting";

it("a release chunk reads each of its row sets once, and gives what waited a fresh window and its count", async () => {
  const { accountId } = await createTestAccount("Release plan");
  const connection = await createTestConnection(accountId);
  const { integration } = await createTestIntegration(accountId, {
    url: "https://hooks.example.com/in",
    connectionIds: [connection.id],
    status: "INACTIVE",
  });
  for (let chat = 0; chat < 10; chat++)
    for (let n = 0; n < 3; n++)
      await ingestInbound({
        connectionId: connection.id,
        from: `+1555017${String(chat).padStart(4, "0")}`,
        text: `${n}`,
      });
  // Counts from before the stop: what the released rows' retry windows start from.
  await enginePool().query("UPDATE deliveries SET attempts = 2 WHERE integration_id = $1", [integration.id]);
  await db().update(integrations).set({ status: "ACTIVE" }).where(eq(integrations.id, integration.id));

  const nodes = await executedPlanNodes(releaseChunkQuery(integration.id));
  const cteScans = nodes.filter((n) => n["Node Type"] === "CTE Scan");
  expect(cteScans.length).toBeGreaterThan(3);
  expect(cteScans.filter((n) => (n["Actual Loops"] ?? 0) > 1)).toEqual([]);

  expect(await releaseWaiting(integration.id)).toBe(30);
  const queued = await db()
    .select({ next: deliveryQueue.nextAttemptAt, before: deliveryQueue.attemptsBeforeWindow })
    .from(deliveryQueue)
    .where(eq(deliveryQueue.integrationId, integration.id));
  expect(queued).toHaveLength(30);
  for (const row of queued) {
    expect(row.next.getTime()).toBeLessThan(Date.now() + 1_000);
    expect(row.before).toBe(2);
  }
  const stored = await db()
    .select({ before: deliveries.attemptsBeforeWindow })
    .from(deliveries)
    .where(eq(deliveries.integrationId, integration.id));
  expect(stored.map((d) => d.before)).toEqual(Array.from({ length: 30 }, () => 2));
});
