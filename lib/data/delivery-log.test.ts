import { and, desc, eq, gte } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { db } from "@/db";
import {
  deliveries,
  deliveryHours,
  integrations,
  unsuccessfulDeliveries,
  type DeliveryStatus,
} from "@/db/schema";
import { createTestAccount } from "@/lib/testing/accounts";
import { createTestConnection, createTestIntegration } from "@/lib/testing/integrations";
import { attemptDue } from "@/lib/testing/deliveries";
import { startReceiver } from "@/lib/testing/receiver";
import type { Completion } from "@/lib/webhooks/complete";
import { ingestInbound } from "@/lib/webhooks/ingest";
import { expiresOnFor } from "@/lib/webhooks/partitions";
import { replayFailed, requeueDeliveries } from "@/lib/webhooks/replay";
import { runRetention } from "@/lib/webhooks/retention";
import { sendTestEvent } from "@/lib/webhooks/send-test-event";
import { foldRollups } from "@/lib/webhooks/rollups";

import { listDeliveries, type DeliveryFilter } from "./deliveries";

// The log's filters each read their own index (the queue for unfinished deliveries, unsuccessful_deliveries
// for Failed and Skipped, the chats for a contact, the log index otherwise): each must still give exactly
// the deliveries a user would count by eye, newest first, and page by cursor without a gap or a repeat.

async function setUp() {
  const { accountId } = await createTestAccount("Log filters");
  const connection = await createTestConnection(accountId);
  const { integration, signingSecret } = await createTestIntegration(accountId, {
    url: "https://hooks.example.com/in",
    connectionIds: [connection.id],
  });
  const contacts = ["+15554450001", "+15554450002", "+15554450003"];
  const ids: string[] = [];
  for (let i = 0; i < 12; i++) {
    const sent = await ingestInbound({ connectionId: connection.id, from: contacts[i % 3]!, text: `#${i}` });
    ids.push(sent.deliveryIds[0]!);
  }
  return { accountId, integrationId: integration.id, signingSecret, contacts, ids };
}

/** Every page of a filter, one row per page: ids newest first. */
async function allPages(accountId: string, filter: DeliveryFilter): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await listDeliveries(accountId, { ...filter, limit: 2, cursor });
    seen.push(...page.deliveries.map((d) => d.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return seen;
}

describe("the delivery log's filters at any depth", () => {
  it("give each status exactly its deliveries, Delivering included, and page without gaps", async () => {
    const { accountId, integrationId, ids } = await setUp();
    // Per chat one event at a time: 3 chats, so each round claims the oldest unfinished event of each.
    const want: Record<string, DeliveryStatus> = {};
    const plan: Record<number, Completion["status"]> = { 0: "SUCCEEDED", 1: "FAILED", 2: "RETRYING" };
    const first = await attemptDue(accountId, (id) => plan[ids.indexOf(id)]!);
    expect(first.sort()).toEqual(ids.slice(0, 3).sort());
    want[ids[0]!] = "SUCCEEDED";
    want[ids[1]!] = "FAILED";
    want[ids[2]!] = "RETRYING";
    // Round two: chat 0 and chat 1 go on (chat 2 waits for its retry); #4 stays leased (Delivering).
    const second = await attemptDue(accountId, (id) => (ids.indexOf(id) === 3 ? "FAILED" : null));
    expect(second.sort()).toEqual([ids[3]!, ids[4]!].sort());
    want[ids[3]!] = "FAILED";
    want[ids[4]!] = "DELIVERING";
    for (const id of ids) want[id] ??= "PENDING";

    const newestFirst = [...ids].reverse();
    for (const status of ["PENDING", "RETRYING", "DELIVERING", "SUCCEEDED", "FAILED", "SKIPPED"] as const) {
      const expected = newestFirst.filter((id) => want[id] === status);
      expect(await allPages(accountId, { integrationId, status }), status).toEqual(expected);
    }
    expect(await allPages(accountId, { integrationId })).toEqual(newestFirst);
    // The rows carry the status shown.
    const shown = (await listDeliveries(accountId, { integrationId, limit: 200 })).deliveries;
    expect(Object.fromEntries(shown.map((d) => [d.id, d.status]))).toEqual(want);

    // Failed ones are indexed apart; Replay failed finds them there, and they leave that index.
    const failedIndex = await db()
      .select({ id: unsuccessfulDeliveries.deliveryId, status: unsuccessfulDeliveries.status })
      .from(unsuccessfulDeliveries)
      .where(eq(unsuccessfulDeliveries.integrationId, integrationId));
    expect(failedIndex.map((r) => r.id).sort()).toEqual([ids[1]!, ids[3]!].sort());
    expect((await replayFailed(accountId, { integrationId })).sort()).toEqual([ids[1]!, ids[3]!].sort());
    expect(await allPages(accountId, { integrationId, status: "FAILED" })).toEqual([]);
    expect(
      await db()
        .select()
        .from(unsuccessfulDeliveries)
        .where(eq(unsuccessfulDeliveries.integrationId, integrationId)),
    ).toEqual([]);
    expect(await allPages(accountId, { integrationId, status: "PENDING" })).toEqual(
      newestFirst.filter((id) => want[id] === "PENDING" || id === ids[1] || id === ids[3]),
    );
    // A Resend of a succeeded one makes it Pending again, out of the Succeeded filter.
    expect(await requeueDeliveries(accountId, [ids[0]!])).toEqual([ids[0]!]);
    expect(await allPages(accountId, { integrationId, status: "SUCCEEDED" })).toEqual([]);
  });

  it("finds a contact's deliveries through their chats, with any other filter, and pages them", async () => {
    const { accountId, integrationId, contacts, ids } = await setUp();
    const ofFirst = [...ids].reverse().filter((_, i) => (11 - i) % 3 === 0);
    expect(await allPages(accountId, { integrationId, contact: contacts[0]! })).toEqual(ofFirst);
    expect(await allPages(accountId, { integrationId, contact: "+15554459999" })).toEqual([]);
    expect(await allPages(accountId, { integrationId, contact: contacts[0]!, status: "PENDING" })).toEqual(
      ofFirst,
    );
    expect(await allPages(accountId, { integrationId, contact: contacts[0]!, event: "END" })).toEqual([]);
    // Another account's contact of the same number shows nothing here.
    const other = await createTestAccount("Log filters, other");
    expect(await allPages(other.accountId, { integrationId, contact: contacts[0]! })).toEqual([]);
  });

  it("keeps a time range and its pages together", async () => {
    const { accountId, integrationId, ids } = await setUp();
    // A moment ahead: the last event may have been created in this very millisecond, and created_at has
    // microseconds where a Date has none (so `to: new Date()` would leave it out, rightly).
    const now = new Date(Date.now() + 1_000);
    expect(
      await allPages(accountId, { integrationId, from: new Date(now.getTime() - 60_000), to: now }),
    ).toEqual([...ids].reverse());
    expect(await allPages(accountId, { integrationId, to: new Date(now.getTime() - 60_000) })).toEqual([]);
  });

  it("refuses a cursor it did not give out", async () => {
    const { accountId, integrationId } = await setUp();
    for (const cursor of ["42", Buffer.from("recent|2026-01-01T00:00:00.000000Z|1").toString("base64url")])
      await expect(listDeliveries(accountId, { integrationId, cursor })).rejects.toMatchObject({
        code: "INVALID",
      });
  });
});

describe("the Succeeded filter", () => {
  it("skips the hours the rollups say have none, and still finds every one: recent, moved to hours, tests", async () => {
    const { accountId, integrationId, signingSecret } = await setUp();
    const [chat] = await db()
      .select({ id: deliveries.chatId })
      .from(deliveries)
      .where(eq(deliveries.integrationId, integrationId))
      .limit(1);
    const now = Date.now();
    const at = (hoursAgo: number, minute = 0) => new Date(now - hoursAgo * 3_600_000 + minute * 60_000);
    const rows: Omit<typeof deliveries.$inferInsert, "expiresOn">[] = [];
    const add = (
      createdAt: Date,
      status: DeliveryStatus,
      event: "MESSAGE" | "END" = "MESSAGE",
      isTest = false,
    ) =>
      rows.push({
        accountId,
        integrationId,
        chatId: isTest ? null : chat!.id,
        event,
        payload: {},
        status,
        isTest,
        createdAt,
      });
    for (let m = 0; m < 10; m++) add(at(120, m * 5), "SUCCEEDED", m % 4 === 0 ? "END" : "MESSAGE"); // 5 days ago
    for (let m = 0; m < 8; m++) add(at(72, m), m < 3 ? "SUCCEEDED" : "FAILED"); // 3 days ago
    for (let m = 0; m < 120; m++) add(at(1, m / 2), "PENDING"); // the last hour: a receiver down
    add(at(2.5), "SUCCEEDED", "END");
    await db()
      .insert(deliveries)
      .values(rows.map((r) => ({ ...r, expiresOn: expiresOnFor(accountId) })));
    // A test event (Send test event, to a receiver here), alone among the unfinished ones of this hour.
    const receiver = await startReceiver({ secrets: [signingSecret] });
    try {
      await db()
        .update(integrations)
        .set({ url: `${receiver.url}/hook` })
        .where(eq(integrations.id, integrationId));
      expect((await sendTestEvent(accountId, integrationId)).status).toBe("SUCCEEDED");
    } finally {
      await receiver.close();
    }

    const expected = async (filter: { event?: "END"; includeTests?: boolean; from?: Date }) =>
      (
        await db()
          .select({ id: deliveries.id })
          .from(deliveries)
          .where(
            and(
              eq(deliveries.integrationId, integrationId),
              eq(deliveries.status, "SUCCEEDED"),
              filter.event ? eq(deliveries.event, filter.event) : undefined,
              filter.includeTests === false ? eq(deliveries.isTest, false) : undefined,
              filter.from ? gte(deliveries.createdAt, filter.from) : undefined,
            ),
          )
          .orderBy(desc(deliveries.createdAt), desc(deliveries.seq))
      ).map((r) => r.id);
    const check = async () => {
      for (const filter of [{}, { event: "END" as const }, { includeTests: false }, { from: at(73) }])
        expect(
          await allPages(accountId, { integrationId, status: "SUCCEEDED", ...filter }),
          JSON.stringify(filter),
        ).toEqual(await expected(filter));
    };
    expect((await expected({})).length).toBe(15);
    await check();
    // The fold adds the changes to the hours (the filter read them unfolded above); retention then drops
    // the minutes older than the chart shows, and the filter still finds them all.
    await foldRollups();
    const hours = await db()
      .select()
      .from(deliveryHours)
      .where(eq(deliveryHours.integrationId, integrationId));
    expect(hours.reduce((n, h) => n + h.succeeded, 0)).toBe(15);
    await check();
    await runRetention();
    await check();
    // A Resend of an old one takes it out of the filter (the minute it was created in counts it again).
    const oldest = (await expected({})).at(-1)!;
    await requeueDeliveries(accountId, [oldest]);
    await check();
    await foldRollups();
    await check();
    expect(await allPages(accountId, { integrationId, status: "SUCCEEDED" })).not.toContain(oldest);
  });
});
