import { expect, test } from "@playwright/test";
import { eq } from "drizzle-orm";

import { db } from "@/db";
import { chats, messages } from "@/db/schema";
import { createApiKey } from "@/lib/data/api-keys";
import { createConnection } from "@/lib/data/connections";
import { createIntegration, startIntegration } from "@/lib/data/integrations";
import { integrationFormValues } from "@/lib/validation/integration";

import { expectAccessible, signInAsNewAccount } from "./helpers";
import { expiresOnFor } from "@/lib/webhooks/partitions";

test("API Details documents the endpoints for this integration; Try Out sends real replies", async ({
  page,
}) => {
  const user = await signInAsNewAccount(page, "TryOut");
  const sms = await createConnection(user.accountId, { channel: "SMS", code: "+15550801001" });
  const { id } = await createIntegration(user.accountId, {
    ...integrationFormValues(),
    alias: "Helpdesk",
    url: "https://helpdesk.example.com/hook",
    connectionIds: [sms.id],
  });
  await startIntegration(user.accountId, id);

  await page.goto("/integrations");
  const card = page.getByRole("article", { name: "Helpdesk" });
  await card.getByRole("button", { name: "Details" }).click();
  const dialog = page.getByRole("dialog", { name: "Helpdesk" });

  // API Details: rendered from the OpenAPI document, with this integration's id in URLs and samples.
  await dialog.getByRole("tab", { name: "API Details" }).click();
  await expect(dialog.getByText("Reply into a chat")).toBeVisible();
  await expect(dialog.getByText(`/api/v1/integrations/${id}/messages`).first()).toBeVisible();
  await expect(dialog.getByRole("table", { name: "Headers of Reply into a chat" })).toContainText(
    "Idempotency-Key",
  );
  await expect(dialog.getByRole("table", { name: "Body of Reply into a chat" })).toContainText("chatId");
  await expect(
    dialog.getByText("The chat is closed: a contact must write again to open a new one").first(),
  ).toBeVisible();
  await dialog.getByRole("tab", { name: "Python" }).first().click();
  await expect(dialog.getByText("import requests").first()).toBeVisible();
  await dialog.getByText("Verifying our webhook signatures").click();
  await expect(
    dialog.getByText('import { Webhook } from "standardwebhooks"', { exact: false }),
  ).toBeVisible();
  await expectAccessible(page);
  await page.screenshot({ path: "e2e/screenshots/details-api.png" });

  // Try Out without any chat says a contact must start one.
  await dialog.getByRole("tab", { name: "Try Out" }).click();
  await expect(dialog.getByText("No open chat yet: a contact must start one first.")).toBeVisible();

  // A contact starts a chat; Try Out replies into it with the session, then with an API key.
  const [chat] = await db()
    .insert(chats)
    .values({ accountId: user.accountId, connectionId: sms.id, contact: "+15550802002", integrationId: id })
    .returning();
  await db()
    .insert(messages)
    .values({
      accountId: user.accountId,
      chatId: chat!.id,
      direction: "IN",
      text: "Hi",
      expiresOn: expiresOnFor(user.accountId),
    });
  await dialog.getByRole("tab", { name: "API Details" }).click();
  await dialog.getByRole("tab", { name: "Try Out" }).click();
  await expect(dialog.getByLabel("Chat", { exact: true })).toContainText("+15550802002");
  await dialog.getByLabel("Text").fill("Thanks, we are on it.");
  await dialog.getByRole("button", { name: "Send request" }).click();
  const response = dialog.getByRole("region", { name: "Response" });
  await expect(response).toContainText("202");
  await expect(response.getByLabel("Response body")).toContainText('"status": "SENT"');
  await expectAccessible(page);
  await page.screenshot({ path: "e2e/screenshots/details-try-out.png" });

  const { key } = await createApiKey(user.accountId, "Try Out");
  await dialog.getByLabel("API key", { exact: true }).check();
  await dialog.getByRole("textbox", { name: "API key" }).fill("cwk_wrong");
  await dialog.getByRole("button", { name: "Send request" }).click();
  await expect(response).toContainText("401");
  await dialog.getByRole("textbox", { name: "API key" }).fill(key);
  await dialog.getByRole("button", { name: "Send request" }).click();
  await expect(response).toContainText("202");

  // A closed chat answers 409.
  await db().update(chats).set({ status: "CLOSED", closedAt: new Date() }).where(eq(chats.id, chat!.id));
  // The tab notices that no chat is open any more: nothing to pick, only the chat id field.
  await expect(dialog.getByLabel("Chat", { exact: true })).toHaveCount(0, { timeout: 10_000 });
  await expect(dialog).toContainText("No open chat yet: a contact must start one first.");
  await dialog.getByLabel("Chat id").fill(chat!.id);
  await dialog.getByRole("button", { name: "Send request" }).click();
  await expect(response).toContainText("409");
  await expect(response.getByLabel("Response body")).toContainText("The chat is closed");
});
