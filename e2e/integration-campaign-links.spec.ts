import { expect, test, type Page } from "@playwright/test";

import { createCampaign, getCampaign, goLive, pauseCampaign } from "@/lib/data/campaigns";
import { createConnection } from "@/lib/data/connections";
import { createIntegration, startIntegration, stopIntegration } from "@/lib/data/integrations";
import { integrationFormValues } from "@/lib/validation/integration";

import { expectAccessible, signInAsNewAccount } from "./helpers";

// An integration without connections serves Chatbot Service campaigns: its Details say what it does
// now and what to do next, and deleting it names the campaigns it unlinks, then confirms the deletion.

const card = (page: Page, alias: string) => page.getByRole("article", { name: alias });

async function openConnectionsDetails(page: Page, alias: string) {
  await page.goto("/integrations");
  await card(page, alias).getByRole("button", { name: "Details" }).click();
  const dialog = page.getByRole("dialog", { name: alias });
  await expect(dialog.getByRole("tab", { name: "Connections Details" })).toHaveAttribute(
    "aria-selected",
    "true",
  );
  return dialog.getByTestId("chatbot-use");
}

test("Details of a Chatbot Service integration follow its state: Inactive, Active and free, Active and serving a Live campaign", async ({
  page,
}) => {
  const user = await signInAsNewAccount(page, "Chatbot details");
  const whatsapp = await createConnection(user.accountId, { channel: "WHATSAPP", code: "+15550801001" });
  const { id } = await createIntegration(user.accountId, {
    ...integrationFormValues(),
    alias: "Bot relay",
    url: "https://bot.example.com/events",
  });

  let details = await openConnectionsDetails(page, "Bot relay");
  await expect(details).toContainText("It is Inactive and not linked to any campaign yet: choose Start ▶");
  await page.screenshot({ path: "e2e/screenshots/details-chatbot-inactive.png" });

  await startIntegration(user.accountId, id);
  details = await openConnectionsDetails(page, "Bot relay");
  await expect(details).toContainText("It is Active and not linked to any campaign yet");
  await expect(details).not.toContainText("Start ▶");

  const campaign = await createCampaign(user.accountId, {
    type: "CHATBOT",
    name: "Support bot",
    connectionIds: [whatsapp.id],
    integrationId: id,
  });
  await goLive(user.accountId, campaign.id);
  details = await openConnectionsDetails(page, "Bot relay");
  await expect(details).toContainText("Active, serving the Live campaign");
  await expect(details.getByRole("list", { name: "Live campaigns" })).toContainText("Support bot (Live)");
  // Nothing there tells to link it again or to wait until it is Active.
  await expect(details).not.toContainText(/once it is Active|not linked|Start ▶/);
  await expectAccessible(page);
  await page.screenshot({ path: "e2e/screenshots/details-chatbot-serving.png" });

  // Paused, the campaign is still linked: its chats come back once it is Live again.
  await pauseCampaign(user.accountId, campaign.id);
  details = await openConnectionsDetails(page, "Bot relay");
  await expect(details.getByRole("list", { name: "Campaigns not Live" })).toContainText(
    "Support bot (Paused)",
  );
  await expect(details).toContainText("Their chats come here once they go Live");
});

test("Delete names the campaigns it unlinks, and confirms the deletion to screen readers", async ({
  page,
}) => {
  const user = await signInAsNewAccount(page, "Delete linked");
  const whatsapp = await createConnection(user.accountId, { channel: "WHATSAPP", code: "+15550802001" });
  const { id } = await createIntegration(user.accountId, {
    ...integrationFormValues(),
    alias: "Bot relay",
    url: "https://bot.example.com/events",
  });
  await startIntegration(user.accountId, id);
  const campaign = await createCampaign(user.accountId, {
    type: "CHATBOT",
    name: "Support bot",
    connectionIds: [whatsapp.id],
    integrationId: id,
  });
  await goLive(user.accountId, campaign.id);
  await pauseCampaign(user.accountId, campaign.id);
  await stopIntegration(user.accountId, id);

  await page.goto("/integrations");
  await card(page, "Bot relay").getByRole("button", { name: "Actions" }).click();
  await page.getByRole("menuitem", { name: "Delete" }).click();
  const confirm = page.getByRole("dialog", { name: "Delete “Bot relay”?" });
  await expect(confirm.getByRole("list", { name: "Campaigns to be unlinked" })).toContainText(
    "Support bot (Paused)",
  );
  await expect(confirm).toContainText(
    "This campaign will be unlinked and needs another Custom Webhook before going Live again",
  );
  await expectAccessible(page);
  await page.screenshot({ path: "e2e/screenshots/integration-delete-unlinks.png" });

  await confirm.getByRole("button", { name: "Delete" }).click();
  await expect(card(page, "Bot relay")).toHaveCount(0);
  const status = page.getByRole("status").filter({ hasText: "Deleted “Bot relay”." });
  await expect(status).toContainText("The campaign “Support bot” was unlinked");
  // The card's menu is gone: focus lands on the confirmation, which a screen reader reads out.
  await expect(status).toBeFocused();
  await expectAccessible(page);
  await page.screenshot({ path: "e2e/screenshots/integration-deleted-notice.png" });
  expect(await getCampaign(user.accountId, campaign.id)).toMatchObject({
    status: "PAUSED",
    integrationId: null,
  });

  // Deleting one that no campaign uses says just that.
  await createIntegration(user.accountId, {
    ...integrationFormValues(),
    alias: "Spare hook",
    url: "https://spare.example.com/events",
  });
  await page.reload();
  await card(page, "Spare hook").getByRole("button", { name: "Actions" }).click();
  await page.getByRole("menuitem", { name: "Delete" }).click();
  const spare = page.getByRole("dialog", { name: "Delete “Spare hook”?" });
  await expect(spare.getByRole("button", { name: "Delete" })).toBeEnabled();
  await expect(spare.getByRole("list", { name: "Campaigns to be unlinked" })).toHaveCount(0);
  await spare.getByRole("button", { name: "Delete" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Deleted “Spare hook”." })).not.toContainText(
    "unlinked",
  );
});
