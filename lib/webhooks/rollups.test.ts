import { eq, inArray, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { db } from "@/db";
import { campaigns, campaignTallies, deliveries, deliveryHours, deliveryMinutes } from "@/db/schema";
import { deliveryStats } from "@/lib/data/deliveries";
import { createTestAccount } from "@/lib/testing/accounts";
import { attemptDue } from "@/lib/testing/deliveries";
import { createTestConnection, createTestIntegration } from "@/lib/testing/integrations";
import { planNodesRunBy } from "@/lib/testing/plans";

import { ingestInbound } from "./ingest";
import { requeueDeliveries } from "./replay";
import { runRetention } from "./retention";
import { foldRollups, LATENCY_BUCKET_BOUNDS_MS, latencyPercentile, ROLLUP_KEEP_MS } from "./rollups";
import { expiresOnFor } from "./partitions";

/** The chart as the raw rows would give it: per minute, deliveries created by their current status. */
async function countedFromDeliveries(integrationId: string) {
  const rows = await db()
    .select({ status: deliveries.status, n: sql<number>`count(*)::int` })
    .from(deliveries)
    .where(sql`${deliveries.integrationId} = ${integrationId} AND NOT ${deliveries.isTest}`)
    .groupBy(deliveries.status);
  const of = (s: string) => rows.find((r) => r.status === s)?.n ?? 0;
  return {
    succeeded: of("SUCCEEDED"),
    failed: of("FAILED"),
    skipped: of("SKIPPED"),
    retrying: of("RETRYING"),
    pending: of("PENDING"),
  };
}

const totals = (minutes: Awaited<ReturnType<typeof deliveryStats>>) =>
  minutes.reduce(
    (t, m) => ({
      succeeded: t.succeeded + m.succeeded,
      failed: t.failed + m.failed,
      skipped: t.skipped + m.skipped,
      retrying: t.retrying + m.retrying,
      pending: t.pending + m.pending,
    }),
    { succeeded: 0, failed: 0, skipped: 0, retrying: 0, pending: 0 },
  );

describe("the chart's rollups", () => {
  it("count each delivery once, in its current status, through retries, Resend and folding", async () => {
    const { accountId } = await createTestAccount("Rollups");
    const connection = await createTestConnection(accountId);
    const { integration } = await createTestIntegration(accountId, {
      url: "https://hooks.example.com/in",
      connectionIds: [connection.id],
    });
    const ids: string[] = [];
    for (let i = 0; i < 9; i++)
      ids.push(
        (await ingestInbound({ connectionId: connection.id, from: `+1555446000${i % 3}`, text: `#${i}` }))
          .deliveryIds[0]!,
      );
    // A test event (Send test event records one like this) is not charted.
    await db()
      .insert(deliveries)
      .values({
        accountId,
        integrationId: integration.id,
        event: "MESSAGE",
        payload: {},
        isTest: true,
        status: "SUCCEEDED",
        lastLatencyMs: 3,
        expiresOn: expiresOnFor(accountId),
      });
    expect(totals(await deliveryStats(accountId, integration.id))).toEqual(
      await countedFromDeliveries(integration.id),
    );
    expect(totals(await deliveryStats(accountId, integration.id)).pending).toBe(9);

    const outcome = ["SUCCEEDED", "FAILED", "RETRYING"] as const;
    await attemptDue(accountId, (id) => outcome[ids.indexOf(id) % 3]!, { latencyMs: 40 });
    await attemptDue(accountId, (id) => (ids.indexOf(id) % 3 === 2 ? null : "SUCCEEDED"), { latencyMs: 400 });
    const before = await deliveryStats(accountId, integration.id);
    expect(totals(before)).toEqual(await countedFromDeliveries(integration.id));
    expect(totals(before)).toMatchObject({ succeeded: 3, failed: 1, retrying: 1, pending: 4 });
    // 3 at 40 ms (one succeeded, one failed, one retrying) and 2 at 400 ms.
    const latency = before.find((m) => m.p95LatencyMs !== null)!;
    expect(latency.p50LatencyMs).toBeGreaterThanOrEqual(25);
    expect(latency.p50LatencyMs).toBeLessThanOrEqual(50);
    expect(latency.p95LatencyMs).toBeGreaterThanOrEqual(250);
    expect(latency.p95LatencyMs).toBeLessThanOrEqual(500);

    // A Resend takes a finished one back to Pending: it moves, it is not counted twice.
    await requeueDeliveries(accountId, [ids[0]!, ids[1]!]);
    expect(totals(await deliveryStats(accountId, integration.id))).toEqual(
      await countedFromDeliveries(integration.id),
    );

    const appended = await db()
      .select()
      .from(deliveryMinutes)
      .where(eq(deliveryMinutes.integrationId, integration.id));
    expect(appended.length).toBeGreaterThan(3);
    const folded = await deliveryStats(accountId, integration.id);
    await foldRollups();
    expect(await deliveryStats(accountId, integration.id)).toEqual(folded);
    const rows = await db()
      .select()
      .from(deliveryMinutes)
      .where(eq(deliveryMinutes.integrationId, integration.id));
    expect(rows.every((r) => r.folded)).toBe(true);
    // One row per (minute, latency bucket) at most.
    expect(new Set(rows.map((r) => `${r.minute.toISOString()} ${r.latencyBucket}`)).size).toBe(rows.length);

    // Another account reads nothing of it.
    const other = await createTestAccount("Rollups, other");
    expect(await deliveryStats(other.accountId, integration.id)).toEqual([]);

    // Past the chart's longest window, the retention removes them.
    await runRetention({ now: new Date(Date.now() + ROLLUP_KEEP_MS + 120_000) });
    expect(
      await db().select().from(deliveryMinutes).where(eq(deliveryMinutes.integrationId, integration.id)),
    ).toEqual([]);
  });

  it("keep Succeeded hours for the account's period and a campaign's tallies while it exists", async () => {
    const { accountId } = await createTestAccount("Rollup retention");
    const { integration } = await createTestIntegration(accountId, { url: "https://hooks.example.com/in" });
    const hoursAgo = (h: number) => new Date(Math.floor(Date.now() / 3_600_000 - h) * 3_600_000);
    await db()
      .insert(deliveryHours)
      .values([
        { accountId, integrationId: integration.id, hour: hoursAgo(24 * 33), succeeded: 4 }, // past 30 days + 2
        { accountId, integrationId: integration.id, hour: hoursAgo(24 * 29), succeeded: 5 },
      ]);
    const [kept, gone] = await db()
      .insert(campaigns)
      .values([
        { accountId, name: "Kept", type: "CHATBOT" },
        { accountId, name: "Gone", type: "CHATBOT" },
      ])
      .returning();
    await db()
      .insert(campaignTallies)
      .values([kept!, gone!].map((c) => ({ campaignId: c.id, accountId, messagesIn: 1, folded: true })));
    await db().delete(campaigns).where(eq(campaigns.id, gone!.id));

    await runRetention();
    const hours = await db()
      .select()
      .from(deliveryHours)
      .where(eq(deliveryHours.integrationId, integration.id));
    expect(hours.map((h) => h.succeeded)).toEqual([5]);
    const tallies = await db()
      .select({ campaignId: campaignTallies.campaignId })
      .from(campaignTallies)
      .where(inArray(campaignTallies.campaignId, [kept!.id, gone!.id]));
    expect(tallies).toEqual([{ campaignId: kept!.id }]);
  });

  it("bucket latencies as latency_bucket() does in the database", async () => {
    const probes = [0, 4, ...LATENCY_BUCKET_BOUNDS_MS.flatMap((b) => [b - 1, b]), 120_000];
    const { rows } = await db().execute<{ ms: number; bucket: number }>(
      sql`SELECT ms, latency_bucket(ms) AS bucket FROM unnest(${sql.param(probes)}::int[]) AS ms`,
    );
    for (const { ms, bucket } of rows) {
      const expected = LATENCY_BUCKET_BOUNDS_MS.filter((bound) => ms >= bound).length;
      expect(bucket, `${ms} ms`).toBe(expected);
    }
  });

  it("estimate percentiles within the bucket that holds them", () => {
    expect(latencyPercentile([], 0.5)).toBeNull();
    expect(latencyPercentile([0, 0, 0, 10], 0.5)).toBe(38); // half-way through 25–50 ms
    expect(latencyPercentile([10], 0.95)).toBe(5);
    const tail = new Array<number>(13).fill(0);
    tail[12] = 1;
    expect(latencyPercentile(tail, 0.5)).toBe(30_000);
  });
});

describe("the triggers that count a statement's changes", () => {
  it("read each of its row sets once, whatever size of statement they first ran for", async () => {
    const { accountId } = await createTestAccount("Trigger plans");
    const connection = await createTestConnection(accountId);
    const { integration } = await createTestIntegration(accountId, {
      url: "https://hooks.example.com/in",
      connectionIds: [connection.id],
    });
    const { chatId } = await ingestInbound({ connectionId: connection.id, from: "+15554470001", text: "x" });
    const nodes = await planNodesRunBy(async (client) => {
      await client.query(
        `INSERT INTO deliveries (account_id, integration_id, chat_id, event, payload, expires_on)
         SELECT $1, $2, $3, 'MESSAGE', '{}'::jsonb, retention_expires_on($1) FROM generate_series(1, 500)`,
        [accountId, integration.id, chatId],
      );
      // A one-row change first (the plans PL/pgSQL keeps are made for it), then 500 rows at once.
      await client.query(
        `UPDATE deliveries SET status = 'RETRYING'
         WHERE id = (SELECT id FROM deliveries WHERE integration_id = $1 AND status = 'PENDING' LIMIT 1)`,
        [integration.id],
      );
      await client.query("UPDATE deliveries SET status = 'SUCCEEDED' WHERE integration_id = $1", [
        integration.id,
      ]);
    });
    const rowSetReads = nodes.filter((n) => n["Node Type"] === "Named Tuplestore Scan");
    // Old and new rows, in each of the two triggers, for each of the two updates.
    expect(rowSetReads.length).toBeGreaterThanOrEqual(8);
    expect(rowSetReads.filter((n) => (n["Actual Loops"] ?? 0) > 1)).toEqual([]);
  });
});
