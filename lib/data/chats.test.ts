import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { db } from "@/db";
import { chats, messages } from "@/db/schema";
import { createTestAccount } from "@/lib/testing/accounts";

import { ingestInbound } from "@/lib/webhooks/ingest";
import { expiresOnFor } from "@/lib/webhooks/partitions";

import { getChat, getChatThread, listChats } from "./chats";
import { createConnection } from "./connections";
import { sendToChat } from "./messages";

async function chatWithMessages(
  accountId: string,
  connectionId: string,
  contact: string,
  texts: string[],
  at = new Date(),
) {
  const [chat] = await db()
    .insert(chats)
    // As the writers of messages keep it (lib/webhooks/ingest.ts, sendToChat): the latest one's text.
    .values({ accountId, connectionId, contact, lastMessageAt: at, lastMessagePreview: texts.at(-1) })
    .returning();
  for (const [i, text] of texts.entries()) {
    await db()
      .insert(messages)
      .values({
        accountId,
        chatId: chat!.id,
        direction: i % 2 ? "OUT" : "IN",
        text,
        createdAt: new Date(at.getTime() + i),
        expiresOn: expiresOnFor(accountId),
      });
  }
  return chat!;
}

describe("chats data", () => {
  it("lists chats newest first with their last message, and pages through ties without gaps", async () => {
    const { accountId } = await createTestAccount("Chats");
    const conn = await createConnection(accountId, { channel: "SMS", code: "+15550401001" });
    const same = new Date("2026-01-01T10:00:00.123456Z");
    const made = [];
    for (let i = 0; i < 5; i++)
      made.push(await chatWithMessages(accountId, conn.id, `+1555040200${i}`, ["hi", `bye ${i}`], same));
    const newest = await chatWithMessages(
      accountId,
      conn.id,
      "+15550402009",
      ["latest"],
      new Date("2026-01-02T00:00:00Z"),
    );

    const first = await listChats(accountId, { limit: 2 });
    expect(first.chats[0]).toMatchObject({
      id: newest.id,
      lastMessage: "latest",
      channel: "SMS",
      connectionCode: "+15550401001",
    });
    const seen = [...first.chats.map((c) => c.id)];
    let cursor = first.nextCursor;
    while (cursor) {
      const page = await listChats(accountId, { limit: 2, cursor });
      seen.push(...page.chats.map((c) => c.id));
      cursor = page.nextCursor;
    }
    expect(seen).toHaveLength(6);
    expect(new Set(seen)).toEqual(new Set([newest.id, ...made.map((c) => c.id)]));
    expect((await listChats(accountId, { status: "CLOSED" })).chats).toEqual([]);
  });

  it("returns a thread in order, and nothing of another account's", async () => {
    const a = await createTestAccount("ThreadA");
    const b = await createTestAccount("ThreadB");
    const conn = await createConnection(a.accountId, { channel: "WHATSAPP", code: "+15550401002" });
    const chat = await chatWithMessages(a.accountId, conn.id, "+15550403000", ["one", "two", "three"]);
    const thread = await getChatThread(a.accountId, chat.id);
    expect(thread?.messages.map((m) => [m.direction, m.text])).toEqual([
      ["IN", "one"],
      ["OUT", "two"],
      ["IN", "three"],
    ]);
    expect(await getChatThread(b.accountId, chat.id)).toBeNull();
    expect((await listChats(b.accountId)).chats).toEqual([]);
  });

  it("refuses a cursor it did not give out, or one of another order", async () => {
    const { accountId } = await createTestAccount("Cursor");
    const conn = await createConnection(accountId, { channel: "SMS", code: "+15550401003" });
    for (let i = 0; i < 3; i++) await chatWithMessages(accountId, conn.id, `+1555040400${i}`, ["hi"]);
    const { nextCursor } = await listChats(accountId, { limit: 1 });
    const forged = (text: string) => Buffer.from(text).toString("base64url");
    const id = "6f1d0a52-1b7e-4c39-9a77-2f3c1f9e8a10";
    for (const cursor of [
      "garbage",
      forged(`recent|01/02/2026 10:00:00.123456 UTC|${id}`),
      forged(`recent|2026-02-30T10:00:00.000000Z|${id}`),
      forged(`recent|2026-01-01T10:00:00.000000Z|not-a-uuid`),
    ]) {
      await expect(listChats(accountId, { cursor })).rejects.toMatchObject({
        code: "INVALID",
        fieldErrors: { cursor: [expect.stringMatching(/not one this listing gave out/)] },
      });
    }
    await expect(listChats(accountId, { cursor: nextCursor!, order: "opened" })).rejects.toMatchObject({
      code: "INVALID",
    });
  });

  it("carries the time in UTC to the microsecond, and pages oldest-opened first in a stable order", async () => {
    const { accountId } = await createTestAccount("Opened");
    const conn = await createConnection(accountId, { channel: "SMS", code: "+15550401004" });
    const made = [];
    for (let i = 0; i < 5; i++) {
      const [chat] = await db()
        .insert(chats)
        .values({
          accountId,
          connectionId: conn.id,
          contact: `+1555040500${i}`,
          // Two chats share an opening time, the others differ by a microsecond.
          openedAt: sql`'2026-03-01T08:00:00.000001Z'::timestamptz + ${Math.max(0, i - 1)} * interval '1 microsecond'`,
        })
        .returning();
      made.push(chat!);
    }
    const first = await listChats(accountId, { order: "opened", limit: 2 });
    expect(Buffer.from(first.nextCursor!, "base64url").toString()).toMatch(
      /^opened\|2026-03-01T08:00:00\.00000[12]Z\|[0-9a-f-]{36}$/,
    );
    const seen = first.chats.map((c) => c.id);
    // A new message moves a chat to the top of "recent", but not between "opened" pages.
    await db().update(chats).set({ lastMessageAt: new Date() }).where(eq(chats.id, made[4]!.id));
    let cursor = first.nextCursor;
    while (cursor) {
      const page = await listChats(accountId, { order: "opened", limit: 2, cursor });
      seen.push(...page.chats.map((c) => c.id));
      cursor = page.nextCursor;
    }
    // The two that tie come in id order, then the others by opening time.
    const tied = [made[0]!.id, made[1]!.id].sort();
    expect(seen).toEqual([...tied, made[2]!.id, made[3]!.id, made[4]!.id]);
  });
});

describe("a chat's last message in the inbox", () => {
  it("is the latest one written, inbound (several in one batch) or a reply, without reading messages", async () => {
    const { accountId } = await createTestAccount("Preview");
    const conn = await createConnection(accountId, { channel: "SMS", code: "+15550401101" });
    const from = "+15550402101";
    // Sent together, these are written in one batch: the chat keeps the last of them.
    const sent = await Promise.all(
      ["first", "second", "third"].map((text) => ingestInbound({ connectionId: conn.id, from, text })),
    );
    const inbox = async () => (await listChats(accountId)).chats.find((c) => c.id === sent[0]!.chatId);
    expect((await inbox())?.lastMessage).toBe("third");

    await ingestInbound({
      connectionId: conn.id,
      from,
      multimedia: { url: "https://example.com/cat.png", caption: "a cat" },
    });
    expect((await inbox())?.lastMessage).toBe("a cat");

    const chat = (await getChat(accountId, sent[0]!.chatId))!;
    await sendToChat(accountId, chat, { text: "Thanks!" });
    expect((await inbox())?.lastMessage).toBe("Thanks!");
  });
});
