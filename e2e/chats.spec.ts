import { expect, test } from "@playwright/test";

import { db } from "@/db";
import { chats, messages } from "@/db/schema";
import { createConnection } from "@/lib/data/connections";

import { expectAccessible, signInAsNewAccount, snap } from "./helpers";

test("the Chats inbox lists chats, shows a thread and keeps it live", async ({ page }) => {
  const user = await signInAsNewAccount(page, "Inbox");
  const conn = await createConnection(user.accountId, { channel: "WHATSAPP", code: "+15550501001" });
  const [chat] = await db()
    .insert(chats)
    .values({ accountId: user.accountId, connectionId: conn.id, contact: "+15550502002" })
    .returning();
  await db().insert(messages).values({
    accountId: user.accountId,
    chatId: chat!.id,
    direction: "IN",
    text: "Hello, is my order shipped?",
  });

  await page.getByRole("link", { name: "Chats" }).click();
  const list = page.getByRole("list", { name: "Chats" });
  await expect(list.getByRole("link", { name: /\+15550502002/ })).toContainText(
    "Hello, is my order shipped?",
  );
  await list.getByRole("link", { name: /\+15550502002/ }).click();
  const thread = page.getByRole("region", { name: "Chat with +15550502002" });
  await expect(thread.getByText("WhatsApp – +15550501001")).toBeVisible();
  await expect(thread.getByRole("listitem").filter({ hasText: "Hello, is my order shipped?" })).toBeVisible();

  // A reply stored by the API appears without a reload.
  await db()
    .insert(messages)
    .values({ accountId: user.accountId, chatId: chat!.id, direction: "OUT", text: "Yes, it left today." });
  await expect(thread.getByText("Yes, it left today.")).toBeVisible({ timeout: 8_000 });
  await expectAccessible(page);
  await snap(page, "chats-thread");

  await page.getByRole("button", { name: "Closed" }).click();
  await expect(page.getByText("No chats here yet.")).toBeVisible();
});
