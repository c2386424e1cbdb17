import { and, eq, getTableColumns, sql } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";

import { db, enginePool } from "@/db";
import { accounts, campaigns, chats, deliveries, deliveryQueue, messages } from "@/db/schema";
import { createTestAccount } from "@/lib/testing/accounts";
import {
  createLiveChatbotCampaign,
  createTestConnection,
  createTestIntegration,
} from "@/lib/testing/integrations";

import { closeChat, closeIdleChats } from "./close";
import { ingestInbound } from "./ingest";
import { getChatThread } from "@/lib/data/chats";
import { deliveryPayload, getDelivery } from "@/lib/data/deliveries";

// No worker runs in this file: deliveries stay PENDING for the assertions.
const { accountId } = await createTestAccount("Ingest");
const URL_ = "https://hooks.example.com/in";

// With the whole payload, as reads put it back together.
const deliveryRows = (chatId: string) =>
  db()
    .select({ ...getTableColumns(deliveries), payload: deliveryPayload, stored: deliveries.payload })
    .from(deliveries)
    .where(eq(deliveries.chatId, chatId))
    .orderBy(deliveries.seq);

describe("ingestInbound", () => {
  it("opens a chat, stores the message and a MESSAGE delivery with the event snapshot", async () => {
    const connection = await createTestConnection(accountId, "WHATSAPP");
    const { integration } = await createTestIntegration(accountId, {
      url: URL_,
      alias: "Orders hook",
      connectionIds: [connection.id],
    });
    const accepted = await ingestInbound({
      connectionId: connection.id,
      from: "+1 555 000 1234",
      text: "Hi",
      multimedia: { url: "https://cdn.example.com/a.jpg", caption: "photo" },
    });
    const [chat] = await db().select().from(chats).where(eq(chats.id, accepted.chatId));
    expect(chat).toMatchObject({ contact: "+15550001234", status: "OPEN", integrationId: integration.id });
    const [message] = await db().select().from(messages).where(eq(messages.id, accepted.messageId));
    expect(message).toMatchObject({ direction: "IN", text: "Hi", multimediaCaption: "photo" });
    const [delivery] = await deliveryRows(accepted.chatId);
    expect(delivery).toMatchObject({
      id: accepted.deliveryIds[0],
      event: "MESSAGE",
      status: "PENDING",
      messageId: accepted.messageId,
      payload: {
        chatId: accepted.chatId,
        contact: "+15550001234",
        event: "MESSAGE",
        text: "Hi",
        multimediaUrl: "https://cdn.example.com/a.jpg",
        multimediaCaption: "photo",
        channel: "WHATSAPP",
        connectionCode: connection.code,
        integrationId: integration.id,
        alias: "Orders hook",
      },
    });
    expect(delivery!.payload).not.toHaveProperty("deliveryId");
    // Stored without what the row and the message repeat.
    expect(delivery!.stored).toEqual({
      contact: "+15550001234",
      channel: "WHATSAPP",
      connectionCode: connection.code,
      alias: "Orders hook",
    });
    // The event's time is when it was stored.
    expect(delivery!.payload.timestamp).toBe(delivery!.createdAt.toISOString());
    // Put back together the same from the queue row (while queued) and from the row and its message.
    const whole = delivery!.payload;
    await db().delete(deliveryQueue).where(eq(deliveryQueue.deliveryId, delivery!.id));
    expect((await deliveryRows(accepted.chatId))[0]!.payload).toEqual(whole);
  });

  it("an unfinished delivery keeps its whole payload when its message is gone", async () => {
    const connection = await createTestConnection(accountId);
    await createTestIntegration(accountId, { url: URL_, connectionIds: [connection.id] });
    const accepted = await ingestInbound({ connectionId: connection.id, from: "+15550001299", text: "kept" });
    await db().delete(messages).where(eq(messages.id, accepted.messageId));
    const shown = await getDelivery(accountId, accepted.deliveryIds[0]!);
    expect(shown!.payload).toMatchObject({ text: "kept", event: "MESSAGE", chatId: accepted.chatId });
  });

  it("keeps one OPEN chat per connection and contact, even when messages race", async () => {
    const connection = await createTestConnection(accountId);
    await createTestIntegration(accountId, { url: URL_, connectionIds: [connection.id] });
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        ingestInbound({ connectionId: connection.id, from: "+15550002000", text: `m${i}` }),
      ),
    );
    expect(new Set(results.map((r) => r.chatId)).size).toBe(1);
    const rows = await deliveryRows(results[0]!.chatId);
    expect(rows).toHaveLength(40);
    // A chat's deliveries follow the order the messages were accepted in.
    expect(rows.map((d) => d.payload.text)).toEqual(results.map((_, i) => `m${i}`));
  });

  it("commits many concurrent messages together (group commit), each with its own answer", async () => {
    const connection = await createTestConnection(accountId);
    await createTestIntegration(accountId, { url: URL_, connectionIds: [connection.id] });
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        ingestInbound({
          connectionId: connection.id,
          from: `+1555100${String(i).padStart(4, "0")}`,
          text: "x",
        }),
      ),
    );
    expect(new Set(results.map((r) => r.chatId)).size).toBe(300);
    expect(results.every((r) => r.deliveryIds.length === 1)).toBe(true);
  });

  it("stores messages without a delivery when no integration owns the connection; a stopped one's wait", async () => {
    const idle = await createTestConnection(accountId);
    const a = await ingestInbound({ connectionId: idle.id, from: "+15550003000", text: "x" });
    expect(a.deliveryIds).toEqual([]);
    const stopped = await createTestConnection(accountId);
    const { integration } = await createTestIntegration(accountId, {
      url: URL_,
      status: "INACTIVE",
      connectionIds: [stopped.id],
    });
    const b = await ingestInbound({ connectionId: stopped.id, from: "+15550003000", text: "x" });
    expect(b.deliveryIds).toHaveLength(1);
    const [queued] = await db()
      .select({ due: sql<string>`${deliveryQueue.nextAttemptAt}::text` })
      .from(deliveryQueue)
      .where(eq(deliveryQueue.deliveryId, b.deliveryIds[0]!));
    expect(queued!.due).toBe("infinity");
    const [chat] = await db().select().from(chats).where(eq(chats.id, b.chatId));
    expect(chat!.integrationId).toBe(integration.id);
  });

  it("routes a LIVE Chatbot Service campaign's connection to its linked integration", async () => {
    const connection = await createTestConnection(accountId);
    const { integration } = await createTestIntegration(accountId, { url: URL_ });
    const campaign = await createLiveChatbotCampaign(accountId, integration.id, connection.id);
    const accepted = await ingestInbound({ connectionId: connection.id, from: "+15550004000", text: "x" });
    expect(accepted.deliveryIds).toHaveLength(1);
    const [chat] = await db().select().from(chats).where(eq(chats.id, accepted.chatId));
    expect(chat).toMatchObject({ campaignId: campaign.id, integrationId: integration.id });

    // Paused campaign: the chat goes on, no deliveries.
    await db().update(campaigns).set({ status: "PAUSED" }).where(eq(campaigns.id, campaign.id));
    const later = await ingestInbound({ connectionId: connection.id, from: "+15550004000", text: "y" });
    expect(later.deliveryIds).toEqual([]);
  });

  it("refuses another account's connection, and unknown ones, as not found", async () => {
    const other = await createTestAccount("Other");
    const foreign = await createTestConnection(other.accountId);
    await expect(
      ingestInbound({ accountId, connectionId: foreign.id, from: "+15550005000", text: "x" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(
      ingestInbound({
        connectionId: "6f1d0a52-1b7e-4c39-9a77-2f3c1f9e8a10",
        from: "+15550005000",
        text: "x",
      }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    const mine = await ingestInbound({
      accountId: other.accountId,
      connectionId: foreign.id,
      from: "+15550005000",
      text: "x",
    });
    expect(mine.chatId).toBeTruthy();
  });

  it("one bad message in a batch does not fail the others", async () => {
    const connection = await createTestConnection(accountId);
    const results = await Promise.allSettled([
      ingestInbound({ connectionId: connection.id, from: "+15550006000", text: "ok" }),
      ingestInbound({
        connectionId: "6f1d0a52-1b7e-4c39-9a77-2f3c1f9e8a10",
        from: "+15550006000",
        text: "x",
      }),
      ingestInbound({ connectionId: connection.id, from: "+15550006001", text: "nul\u0000byte" }),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
  });
});

describe("messages a provider delivers again", () => {
  it("stores a provider's message once: repeats get the first answer and no second delivery", async () => {
    const connection = await createTestConnection(accountId);
    await createTestIntegration(accountId, { url: URL_, connectionIds: [connection.id] });
    const message = { connectionId: connection.id, from: "+15550007000", text: "once", externalId: "SMdup1" };
    const first = await ingestInbound(message);
    // A later retry, then a burst of them landing together (one batch).
    const again = await Promise.all([1, 2, 3, 4].map(() => ingestInbound(message)));
    expect(first.duplicate).toBeUndefined();
    for (const repeat of again) {
      expect(repeat).toEqual({ ...first, duplicate: true });
    }
    expect(await db().select().from(messages).where(eq(messages.chatId, first.chatId))).toHaveLength(1);
    expect(await deliveryRows(first.chatId)).toHaveLength(1);
  });

  it("stores a repeated id once even when every copy arrives in the same batch", async () => {
    const connection = await createTestConnection(accountId);
    const message = {
      connectionId: connection.id,
      from: "+15550007001",
      text: "burst",
      externalId: "SMdup2",
    };
    // Three other messages take every batch slot (maxInFlight 3), so the copies wait and go together.
    const others = [1, 2, 3].map((i) =>
      ingestInbound({ connectionId: connection.id, from: `+1555000710${i}`, text: "busy" }),
    );
    const query = vi.spyOn(enginePool(), "query");
    const [first, ...rest] = await Promise.all([1, 2, 3].map(() => ingestInbound(message)));
    await Promise.all(others);
    // One write carried the id: the repeats were answered from the batch itself, not by the unique
    // index refusing them (which ends the same, at the cost of rewriting the batch item by item).
    const writesWithId = query.mock.calls.filter(([config]) => {
      const { name, values } = config as unknown as { name?: string; values?: unknown[] };
      return name === "webhooks.ingest" && JSON.stringify(values).includes("SMdup2");
    });
    query.mockRestore();
    expect(writesWithId).toHaveLength(1);
    expect(rest).toEqual([
      { ...first, duplicate: true },
      { ...first, duplicate: true },
    ]);
    expect(await db().select().from(messages).where(eq(messages.chatId, first!.chatId))).toHaveLength(1);
  });

  it("keeps provider ids per account, and messages without one are all stored", async () => {
    const other = await createTestAccount("Other provider ids");
    const mine = await createTestConnection(accountId);
    const theirs = await createTestConnection(other.accountId);
    const a = await ingestInbound({
      connectionId: mine.id,
      from: "+15550007002",
      text: "a",
      externalId: "wamid.same",
    });
    const b = await ingestInbound({
      connectionId: theirs.id,
      from: "+15550007002",
      text: "b",
      externalId: "wamid.same",
    });
    expect(b.duplicate).toBeUndefined();
    expect(b.messageId).not.toBe(a.messageId);
    const plain = { connectionId: mine.id, from: "+15550007003", text: "no id" };
    const [x, y] = [await ingestInbound(plain), await ingestInbound(plain)];
    expect(x.messageId).not.toBe(y.messageId);
  });

  it("answers as a repeat when another process stores the same id at the same moment", async () => {
    const connection = await createTestConnection(accountId);
    const chat = await ingestInbound({ connectionId: connection.id, from: "+15550007004", text: "opens" });
    // Another process's transaction holds the id, uncommitted: this one cannot see it yet and waits on
    // the provider ids' primary key, then fails on it when the other commits — and answers with the
    // stored message.
    const client = await enginePool().connect();
    try {
      await client.query("BEGIN");
      const { rows } = await client.query<{ id: string }>(
        `WITH m AS (
           INSERT INTO messages (account_id, chat_id, direction, text, external_id, expires_on)
           VALUES ($1, $2, 'IN', 'from elsewhere', 'SMrace', retention_expires_on($1))
           RETURNING id, account_id, chat_id, external_id, expires_on
         ), provider AS (
           INSERT INTO inbound_message_ids (external_id, account_id, chat_id, message_id, expires_on)
           SELECT external_id, account_id, chat_id, id, expires_on FROM m
         )
         SELECT id FROM m`,
        [accountId, chat.chatId],
      );
      const racing = ingestInbound({
        connectionId: connection.id,
        from: "+15550007004",
        text: "from here",
        externalId: "SMrace",
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      await client.query("COMMIT");
      expect(await racing).toEqual({
        chatId: chat.chatId,
        messageId: rows[0]!.id,
        deliveryIds: [],
        duplicate: true,
        liveKeywords: false,
      });
    } finally {
      client.release();
    }
  });
});

describe("closing chats", () => {
  it("closeChat stores the close and an END delivery; the next message opens a new chat", async () => {
    const connection = await createTestConnection(accountId);
    await createTestIntegration(accountId, { url: URL_, connectionIds: [connection.id] });
    const first = await ingestInbound({ connectionId: connection.id, from: "+15550007000", text: "x" });
    const closed = await closeChat(accountId, first.chatId);
    expect(closed.deliveryIds).toHaveLength(1);
    const rows = await deliveryRows(first.chatId);
    expect(rows.map((d) => d.event)).toEqual(["MESSAGE", "END"]);
    expect(rows[1]!.payload).toMatchObject({ event: "END", text: null, chatId: first.chatId });
    const [chat] = await db().select().from(chats).where(eq(chats.id, first.chatId));
    expect(chat).toMatchObject({ status: "CLOSED", closedAt: expect.any(Date) as unknown });

    await expect(closeChat(accountId, first.chatId)).rejects.toMatchObject({ code: "CONFLICT" });
    const other = await createTestAccount("Other");
    await expect(closeChat(other.accountId, first.chatId)).rejects.toMatchObject({ code: "NOT_FOUND" });

    const next = await ingestInbound({ connectionId: connection.id, from: "+15550007000", text: "again" });
    expect(next.chatId).not.toBe(first.chatId);
  });

  it("closes chats idle past the timeout, with their END events", async () => {
    const account = await createTestAccount("Idle");
    const connection = await createTestConnection(account.accountId);
    await createTestIntegration(account.accountId, { url: URL_, connectionIds: [connection.id] });
    const idle = await ingestInbound({ connectionId: connection.id, from: "+15550008000", text: "x" });
    const fresh = await ingestInbound({ connectionId: connection.id, from: "+15550008001", text: "x" });
    await db()
      .update(chats)
      .set({ lastMessageAt: new Date(Date.now() - 2 * 3_600_000) })
      .where(and(eq(chats.id, idle.chatId), eq(chats.accountId, account.accountId)));
    const closed = await closeIdleChats({ idleMs: 3_600_000, accountIds: [account.accountId] });
    expect(closed.map((c) => c.chatId)).toEqual([idle.chatId]);
    expect((await deliveryRows(idle.chatId)).map((d) => d.event)).toEqual(["MESSAGE", "END"]);
    expect((await deliveryRows(fresh.chatId)).map((d) => d.event)).toEqual(["MESSAGE"]);
  });
});

describe("deleting an account", () => {
  it("takes its chats and queue rows along; what is left of its log is unreachable and expires", async () => {
    const gone = await createTestAccount("Leaving");
    const connection = await createTestConnection(gone.accountId);
    await createTestIntegration(gone.accountId, { url: URL_, connectionIds: [connection.id] });
    const { chatId, deliveryIds } = await ingestInbound({
      connectionId: connection.id,
      from: "+15550008000",
      text: "bye",
    });
    await db().delete(accounts).where(eq(accounts.id, gone.accountId));
    const left = await enginePool().query<{ chats: number; queue: number; integrations: number }>(
      `SELECT (SELECT count(*) FROM chats WHERE account_id = $1)::int AS chats,
              (SELECT count(*) FROM delivery_queue WHERE account_id = $1)::int AS queue,
              (SELECT count(*) FROM integrations WHERE account_id = $1)::int AS integrations`,
      [gone.accountId],
    );
    expect(left.rows[0]).toEqual({ chats: 0, queue: 0, integrations: 0 });
    // Nothing more is sent for it, and no read reaches its log, which leaves with its day's partitions.
    expect(await getChatThread(gone.accountId, chatId)).toBeNull();
    expect(await getDelivery(gone.accountId, deliveryIds[0]!)).toBeNull();
  });
});
