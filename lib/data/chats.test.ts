import { describe, expect, it } from "vitest";

import { db } from "@/db";
import { chats, messages } from "@/db/schema";
import { createTestAccount } from "@/lib/testing/accounts";

import { getChatThread, listChats } from "./chats";
import { createConnection } from "./connections";

async function chatWithMessages(
  accountId: string,
  connectionId: string,
  contact: string,
  texts: string[],
  at = new Date(),
) {
  const [chat] = await db()
    .insert(chats)
    .values({ accountId, connectionId, contact, lastMessageAt: at })
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

  it("ignores a malformed cursor", async () => {
    const { accountId } = await createTestAccount("Cursor");
    await expect(listChats(accountId, { cursor: "garbage" })).resolves.toMatchObject({ nextCursor: null });
  });
});
