import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { db } from "@/db";
import { unsuccessfulDeliveries, type DeliveryStatus } from "@/db/schema";
import { createTestAccount } from "@/lib/testing/accounts";
import { createTestConnection, createTestIntegration } from "@/lib/testing/integrations";
import { attemptDue } from "@/lib/testing/deliveries";
import type { Completion } from "@/lib/webhooks/complete";
import { ingestInbound } from "@/lib/webhooks/ingest";
import { replayFailed, requeueDeliveries } from "@/lib/webhooks/replay";

import { listDeliveries, type DeliveryFilter } from "./deliveries";

// The log's filters each read their own index (the queue for unfinished deliveries, unsuccessful_deliveries
// for Failed and Skipped, the chats for a contact, the log index otherwise): each must still give exactly
// the deliveries a user would count by eye, newest first, and page by cursor without a gap or a repeat.

async function setUp() {
  const { accountId } = await createTestAccount("Log filters");
  const connection = await createTestConnection(accountId);
  const { integration } = await createTestIntegration(accountId, {
    url: "https://hooks.example.com/in",
    connectionIds: [connection.id],
  });
  const contacts = ["+15554450001", "+15554450002", "+15554450003"];
  const ids: string[] = [];
  for (let i = 0; i < 12; i++) {
    const sent = await ingestInbound({ connectionId: connection.id, from: contacts[i % 3]!, text: `#${i}` });
    ids.push(sent.deliveryIds[0]!);
  }
  return { accountId, integrationId: integration.id, contacts, ids };
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
    const now = new Date();
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
