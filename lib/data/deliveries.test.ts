import { describe, expect, it } from "vitest";

import { createTestAccount } from "@/lib/testing/accounts";
import { createTestConnection, createTestIntegration } from "@/lib/testing/integrations";
import { ingestInbound } from "@/lib/webhooks/ingest";

import { deliveryStats, getDelivery, listDeliveries } from "./deliveries";

// No worker: every delivery stays PENDING, which is all these reads need.
describe("delivery log reads", async () => {
  const { accountId } = await createTestAccount("Log");
  const connection = await createTestConnection(accountId);
  const { integration } = await createTestIntegration(accountId, {
    url: "https://hooks.example.com/in",
    connectionIds: [connection.id],
  });
  const first = await ingestInbound({ connectionId: connection.id, from: "+15554440001", text: "a" });
  const second = await ingestInbound({ connectionId: connection.id, from: "+15554440002", text: "b" });
  const third = await ingestInbound({ connectionId: connection.id, from: "+15554440001", text: "c" });
  const other = await createTestAccount("Other");

  it("lists newest first, filters, and pages", async () => {
    const all = await listDeliveries(accountId, { integrationId: integration.id });
    expect(all.deliveries.map((d) => d.id)).toEqual([third, second, first].map((a) => a.deliveryIds[0]));
    expect(all.deliveries[0]).toMatchObject({ event: "MESSAGE", status: "PENDING", contact: "+15554440001" });

    const byContact = await listDeliveries(accountId, {
      integrationId: integration.id,
      contact: "+15554440002",
    });
    expect(byContact.deliveries.map((d) => d.id)).toEqual(second.deliveryIds);
    const byChat = await listDeliveries(accountId, { integrationId: integration.id, chatId: first.chatId });
    expect(byChat.deliveries).toHaveLength(2);
    expect(
      (await listDeliveries(accountId, { integrationId: integration.id, status: "FAILED" })).deliveries,
    ).toEqual([]);

    const page1 = await listDeliveries(accountId, { integrationId: integration.id, limit: 2 });
    expect(page1.deliveries).toHaveLength(2);
    const page2 = await listDeliveries(accountId, {
      integrationId: integration.id,
      limit: 2,
      cursor: page1.nextCursor!,
    });
    expect(page2.deliveries.map((d) => d.id)).toEqual(first.deliveryIds);
    expect(page2.nextCursor).toBeNull();
  });

  it("reads one delivery with its attempts", async () => {
    const d = await getDelivery(accountId, first.deliveryIds[0]!);
    expect(d).toMatchObject({ id: first.deliveryIds[0], payload: { text: "a" }, attempts: [] });
  });

  it("counts per minute for the chart", async () => {
    const [bucket] = await deliveryStats(accountId, integration.id);
    expect(bucket).toMatchObject({ pending: 3, succeeded: 0, failed: 0 });
  });

  it("shows another account nothing", async () => {
    // Every source a page can be read from (the log, a chat, the queue, the Failed index, Succeeded hours)
    // is scoped through the integration's account.
    for (const filter of [
      {},
      { chatId: first.chatId },
      { event: "MESSAGE" as const },
      { status: "PENDING" as const },
      { status: "FAILED" as const },
      { status: "SUCCEEDED" as const },
    ]) {
      expect(
        (await listDeliveries(other.accountId, { integrationId: integration.id, ...filter })).deliveries,
      ).toEqual([]);
      expect(
        (await listDeliveries(accountId, { integrationId: integration.id, ...filter })).deliveries.length,
      ).toBe(filter.status === "FAILED" || filter.status === "SUCCEEDED" ? 0 : filter.chatId ? 2 : 3);
    }
    expect(await getDelivery(other.accountId, first.deliveryIds[0]!)).toBeNull();
    expect(await deliveryStats(other.accountId, integration.id)).toEqual([]);
  });
});
