import { expect, test } from "@playwright/test";

import { createCampaign, goLive } from "@/lib/data/campaigns";
import { createConnection } from "@/lib/data/connections";
import { createTestIntegration } from "@/lib/testing/integrations";
import { startReceiver } from "@/lib/testing/receiver";
import { generateSigningSecret } from "@/lib/webhooks/sign";

import { expectAccessible, signInAsNewAccount, snap } from "./helpers";

test("simulator → chat → delivery Succeeded → Try Out reply appears in the thread → Close chat → END; Try Out on the closed chat is 409", async ({
  page,
}) => {
  const user = await signInAsNewAccount(page, "Simulator");
  const sms = await createConnection(user.accountId, { channel: "SMS", code: "+15551201001" });
  const secret = generateSigningSecret();
  const receiver = await startReceiver({ secrets: [secret] });
  try {
    await createTestIntegration(user.accountId, {
      alias: "Helpdesk",
      url: `${receiver.url}/hook`,
      signingSecret: secret,
      connectionIds: [sms.id],
    });

    // A contact writes through the simulator: the chat opens and its MESSAGE is delivered.
    await page.getByRole("link", { name: "Chats" }).click();
    await page.getByLabel("Contact number").fill("+15551209999");
    await page.getByLabel("Message").fill("Hi! Is my order shipped?");
    await page.getByRole("button", { name: "Send as contact" }).click();
    const thread = page.getByRole("region", { name: "Chat with +15551209999" });
    await expect(thread.getByText("Hi! Is my order shipped?")).toBeVisible();
    await expect(thread.getByText(/Succeeded · 200/)).toBeVisible({ timeout: 15_000 });
    await receiver.waitFor((r) => r.length === 1);
    expect(receiver.requests[0]!.json).toMatchObject({
      event: "MESSAGE",
      contact: "+15551209999",
      text: "Hi! Is my order shipped?",
    });
    await expectAccessible(page);
    await snap(page, "chats-simulator-delivered");

    // Try Out replies; the reply shows up in the thread without a reload.
    await page.getByRole("link", { name: "Integrations" }).click();
    await page.getByRole("article", { name: "Helpdesk" }).getByRole("button", { name: "Details" }).click();
    const dialog = page.getByRole("dialog", { name: "Helpdesk" });
    await dialog.getByRole("tab", { name: "Try Out" }).click();
    await expect(dialog.getByLabel("Chat", { exact: true })).toContainText("+15551209999");
    await dialog.getByLabel("Text").fill("Yes — it left this morning.");
    await dialog.getByRole("button", { name: "Send request" }).click();
    await expect(dialog.getByRole("region", { name: "Response" })).toContainText("202");
    await page.keyboard.press("Escape");
    await page.getByRole("link", { name: "Chats" }).click();
    await page
      .getByRole("link", { name: /\+15551209999/ })
      .first()
      .click();
    await expect(thread.getByText("Yes — it left this morning.")).toBeVisible();

    // Close chat: END is delivered after the MESSAGE.
    await thread.getByRole("button", { name: "Close chat" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Close chat" }).click();
    await expect(thread.getByText("This chat is closed.")).toBeVisible();
    await receiver.waitFor((r) => r.length === 2, 15_000);
    expect(receiver.requests.map((r) => (r.json as { event: string }).event)).toEqual(["MESSAGE", "END"]);
    await snap(page, "chats-closed");

    // Try Out against the closed chat: 409.
    const chatId = new URL(page.url()).searchParams.get("chat")!;
    await page.getByRole("link", { name: "Integrations" }).click();
    await page.getByRole("article", { name: "Helpdesk" }).getByRole("button", { name: "Details" }).click();
    await dialog.getByRole("tab", { name: "Try Out" }).click();
    await dialog.getByLabel("Chat id").fill(chatId);
    await dialog.getByRole("button", { name: "Send request" }).click();
    await expect(dialog.getByRole("region", { name: "Response" })).toContainText("409");
  } finally {
    await receiver.close();
  }
});

test("a Keyword campaign answers its keyword through the simulator", async ({ page }) => {
  const user = await signInAsNewAccount(page, "Keyword");
  const sms = await createConnection(user.accountId, { channel: "SMS", code: "72777" });
  const campaign = await createCampaign(user.accountId, {
    type: "KEYWORD",
    name: "Winter sale",
    keyword: "WINTER",
    autoReply: "Brrr! Use code SNOW for 10% off.",
    connectionIds: [sms.id],
  });
  await goLive(user.accountId, campaign.id);

  await page.getByRole("link", { name: "Chats" }).click();
  await page.getByRole("combobox", { name: "Connection" }).selectOption({ label: "SMS – 72777" });
  await page.getByLabel("Contact number").fill("+15551208888");
  await page.getByLabel("Message").fill("winter please");
  await page.getByRole("button", { name: "Send as contact" }).click();
  const thread = page.getByRole("region", { name: "Chat with +15551208888" });
  await expect(thread.getByText("Brrr! Use code SNOW for 10% off.")).toBeVisible();
  await expect(thread).toContainText("Campaign “Winter sale”");
  await snap(page, "chats-keyword-auto-reply");

  // The campaign's Report counts it.
  await page.goto(`/campaigns/${campaign.id}`);
  await expect(page.getByText("Messages in").locator("..")).toContainText("1");
  await expect(page.getByText("Messages out").locator("..")).toContainText("1");
});
