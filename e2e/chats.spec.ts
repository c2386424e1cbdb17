import { expect, test } from "@playwright/test";

import { db } from "@/db";
import { chats, messages } from "@/db/schema";
import { createConnection } from "@/lib/data/connections";

import { expectAccessible, signInAsNewAccount, snap } from "./helpers";
import { expiresOnFor } from "@/lib/webhooks/partitions";

test("the Chats inbox lists chats, shows a thread and keeps it live", async ({ page }) => {
  const user = await signInAsNewAccount(page, "Inbox");
  const conn = await createConnection(user.accountId, { channel: "WHATSAPP", code: "+15550501001" });
  const [chat] = await db()
    .insert(chats)
    // With its last message's preview, as the app's writers keep it (lib/webhooks/ingest.ts).
    .values({
      accountId: user.accountId,
      connectionId: conn.id,
      contact: "+15550502002",
      lastMessagePreview: "Hello, is my order shipped?",
    })
    .returning();
  await db()
    .insert(messages)
    .values({
      accountId: user.accountId,
      chatId: chat!.id,
      direction: "IN",
      text: "Hello, is my order shipped?",
      expiresOn: expiresOnFor(user.accountId),
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
    .values({
      accountId: user.accountId,
      chatId: chat!.id,
      direction: "OUT",
      text: "Yes, it left today.",
      expiresOn: expiresOnFor(user.accountId),
    });
  await expect(thread.getByText("Yes, it left today.")).toBeVisible({ timeout: 8_000 });
  await expectAccessible(page);
  await snap(page, "chats-thread");

  // The list says which connection each chat came in on.
  await expect(list.getByRole("link", { name: /\+15550502002/ })).toContainText("WhatsApp – +15550501001");

  await page.getByRole("button", { name: "Closed" }).click();
  await expect(page.getByText("No chats here yet.")).toBeVisible();
  await expect(page).toHaveURL(/\/chats\?status=CLOSED&chat=/);
});

test("the inbox keeps its filter while reading chats, pages with Load more, and shows failures", async ({
  page,
}) => {
  const user = await signInAsNewAccount(page, "Paging");
  const conn = await createConnection(user.accountId, { channel: "SMS", code: "+15550511001" });
  // Within the last hour: older open chats are closed by the worker's idle-chat sweep (after a day idle),
  // which may run in the middle of the test (it did: the Open filter then showed none).
  const start = Date.now() - 60 * 60_000;
  const made = await db()
    .insert(chats)
    .values(
      Array.from({ length: 55 }, (_, i) => ({
        accountId: user.accountId,
        connectionId: conn.id,
        contact: `+1555052${String(i).padStart(4, "0")}`,
        status: i % 2 ? ("CLOSED" as const) : ("OPEN" as const),
        lastMessageAt: new Date(start + i * 60_000),
      })),
    )
    .returning();
  const newestOpen = made[54]!;

  await page.goto("/chats");
  const list = page.getByRole("list", { name: "Chats" });
  await expect(list.getByRole("link")).toHaveCount(50);
  await page.getByRole("button", { name: "Load more" }).click();
  await expect(list.getByRole("link")).toHaveCount(55);
  await expect(page.getByRole("button", { name: "Load more" })).toHaveCount(0);

  // Open only, then read a chat: the filter stays, in the page and in the URL.
  await page.getByRole("button", { name: "Open" }).click();
  await expect(page).toHaveURL(/\/chats\?status=OPEN$/);
  await expect(list.getByRole("link")).toHaveCount(28);
  await list.getByRole("link", { name: new RegExp(newestOpen.contact.replace("+", "\\+")) }).click();
  await expect(page.getByRole("region", { name: `Chat with ${newestOpen.contact}` })).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/chats\\?status=OPEN&chat=${newestOpen.id}$`));
  await expect(page.getByRole("button", { name: "Open" })).toHaveAttribute("aria-pressed", "true");
  await expect(list.getByRole("link")).toHaveCount(28);
  await expectAccessible(page);
  await snap(page, "chats-filtered");

  // A bad cursor is an error, not page 1.
  const bad = await page.request.get("/api/portal/chats?cursor=garbage");
  expect(bad.status()).toBe(400);
  expect(await bad.json()).toMatchObject({
    error: { code: "INVALID", fieldErrors: { cursor: [expect.any(String)] } },
  });

  // When the list cannot be loaded, the inbox says so instead of "No chats here yet".
  await page.route(
    (url) => url.pathname === "/api/portal/chats",
    (route) =>
      route.fulfill({ status: 500, json: { error: { code: "INTERNAL", message: "Internal error" } } }),
  );
  await page.getByRole("button", { name: "Closed" }).click();
  await expect(page.getByText("Could not load the chats: Internal error")).toBeVisible({ timeout: 20_000 });
  await expect(page.getByText("No chats here yet.")).toHaveCount(0);
  await snap(page, "chats-load-error");
});
