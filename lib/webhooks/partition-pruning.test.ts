// The hot path addresses a delivery by its partition key, so each row probes one day's partition and
// not every day's index: with a partition per day (tens to a hundred of them), probing them all made a
// claim or a completion cost ~100 index probes per row, growing with the data. A claim reads no
// deliveries partition at all: the queue row carries what the worker needs (migration 0014).
import type { QueryConfig } from "pg";
import { describe, expect, it } from "vitest";

import { enginePool } from "@/db";
import { setRetentionDays } from "@/lib/data/accounts";
import { createTestAccount } from "@/lib/testing/accounts";
import { claimDueFor, completionsFor } from "@/lib/testing/deliveries";
import { createTestConnection, createTestIntegration } from "@/lib/testing/integrations";
import { executedPlanNodes } from "@/lib/testing/plans";

import { claimQuery } from "./claim";
import { completeQueries } from "./complete";
import { ingestInbound } from "./ingest";

/** The partitions of `table` the statement actually read. */
async function partitionsRead(query: QueryConfig, table: string): Promise<Set<string>> {
  const read = (await executedPlanNodes(query)).filter(
    (node) => node["Relation Name"]?.startsWith(`${table}_p`) && (node["Actual Loops"] ?? 0) > 0,
  );
  return new Set(read.map((node) => node["Relation Name"]!));
}

const partitionCount = async (table: string) =>
  Number(
    (
      await enginePool().query<{ n: string }>(
        "SELECT count(*) AS n FROM pg_inherits WHERE inhparent = $1::regclass",
        [table],
      )
    ).rows[0]!.n,
  );

describe("the hot path on partitioned storage", () => {
  it("claims from the queue alone and completes in only the partitions of its deliveries, by name", async () => {
    const { accountId } = await createTestAccount("Pruned");
    const connection = await createTestConnection(accountId);
    await createTestIntegration(accountId, {
      url: "https://hooks.example.com/in",
      connectionIds: [connection.id],
    });
    // Two periods: the events' rows land in two days' partitions, among the many kept ahead.
    await setRetentionDays(accountId, 30);
    await ingestInbound({ connectionId: connection.id, from: "+15550160001", text: "one" });
    await setRetentionDays(accountId, 60);
    await ingestInbound({ connectionId: connection.id, from: "+15550160002", text: "two" });
    expect(await partitionCount("deliveries")).toBeGreaterThan(30);

    const claimRead = await partitionsRead(
      claimQuery({ workerId: "plan", limit: 10, leaseMs: 60_000, accountIds: [accountId] }),
      "deliveries",
    );
    const claim = await claimDueFor(accountId);
    expect(claim.deliveries).toHaveLength(2);
    const days = new Set(claim.deliveries.map((d) => `deliveries_p${d.expiresOn.replaceAll("-", "")}`));
    expect(days.size).toBe(2);
    expect(claimRead).toEqual(new Set());
    // What the worker is handed is the delivery's, as stored in the log.
    const { rows: stored } = await enginePool().query<{ payload: unknown; event: string }>(
      "SELECT payload, event FROM deliveries WHERE id = $1",
      [claim.deliveries[0]!.id],
    );
    expect(claim.deliveries[0]).toMatchObject(stored[0]!);

    // One statement per day, naming that day's partitions: no other day's is in its plan at all.
    const queries = completeQueries(completionsFor(claim.deliveries, () => "SUCCEEDED"));
    expect(queries).toHaveLength(2);
    const inPlans = new Set<string>();
    for (const query of queries)
      for (const node of await executedPlanNodes(query))
        if (node["Relation Name"]?.startsWith("deliveries_p")) inPlans.add(node["Relation Name"]);
    expect(inPlans).toEqual(days);
  });
});
