import { expect, test, type Page } from "@playwright/test";

import { createConnection } from "@/lib/data/connections";

import { expectAccessible, signInAsNewAccount, snap } from "./helpers";

const card = (page: Page, alias: string) => page.getByRole("article", { name: alias });

async function chooseAction(page: Page, alias: string, action: string | RegExp) {
  await card(page, alias).getByRole("button", { name: "Actions" }).click();
  await page.getByRole("menuitem", { name: action }).click();
}

test("the spec's Chatbot Service story: link, go Live, Campaigns dialog, Stop refused, pause, stop, delete", async ({
  page,
}) => {
  const user = await signInAsNewAccount(page, "Chatbot");
  await createConnection(user.accountId, { channel: "WHATSAPP", code: "+15550601001" });

  // A Custom Webhook without connections, for a Chatbot Service campaign.
  await page.goto("/integrations?tab=add");
  await page.getByRole("radio", { name: /Custom Webhook/ }).check();
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByLabel("Alias").fill("Bot relay");
  await page.getByLabel("URL", { exact: true }).fill("https://bot.example.com/events");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(card(page, "Bot relay")).toContainText("None: for a Chatbot Service campaign");
  await chooseAction(page, "Bot relay", "Start ▶");
  await expect(card(page, "Bot relay").getByText("Active", { exact: true })).toBeVisible();
  // The card turns Active at once; the banner comes with the server's answer (then the campaign form offers it).
  await expect(page.getByText("Started “Bot relay”")).toBeVisible();
  await expect(card(page, "Bot relay").getByRole("button", { name: "Campaigns" })).toHaveCount(0);

  // A Chatbot Service campaign selecting it, then Live.
  await page.goto("/campaigns/new");
  await page.getByLabel(/Chatbot Service/).check();
  await page.getByLabel("Name").fill("Support bot");
  await page.getByLabel("WhatsApp – +15550601001").check();
  await page.getByLabel("Custom Webhook integration").selectOption({ label: "Bot relay" });
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("heading", { name: "Support bot" })).toBeVisible();
  await page.getByRole("button", { name: "Go Live" }).click();
  await expect(page.getByText("Live", { exact: true })).toBeVisible();
  const campaignId = (await page
    .getByText(/^[0-9a-f-]{36}$/)
    .first()
    .textContent())!;

  // The card shows the Campaigns icon; its dialog lists Id, Name, Integration Date.
  await page.getByRole("link", { name: "Integrations" }).click();
  const relay = card(page, "Bot relay");
  await expect(relay).toContainText("Serves a Live Chatbot Service campaign");
  await relay.getByRole("button", { name: "Campaigns" }).click();
  const dialog = page.getByRole("dialog", { name: "Custom Webhook" });
  const table = dialog.getByRole("table", { name: "Linked campaigns" });
  for (const header of ["Campaign Id", "Campaign Name", "Integration Date"]) {
    await expect(table.getByRole("columnheader", { name: header })).toBeVisible();
  }
  await expect(table.getByRole("row", { name: new RegExp(`${campaignId} Support bot`) })).toBeVisible();
  await expectAccessible(page);
  await page.screenshot({ path: "e2e/screenshots/integration-campaigns-dialog.png" });
  await page.keyboard.press("Escape");

  // Stop is refused while the campaign is Live: the dialog says so and lists it.
  await chooseAction(page, "Bot relay", "Stop");
  const invalid = page.getByRole("dialog", { name: "Invalid action" });
  await expect(invalid.getByRole("list", { name: "Campaigns to pause" })).toContainText("Support bot");
  await expectAccessible(page);
  await page.screenshot({ path: "e2e/screenshots/integration-stop-refused.png" });
  await invalid.getByRole("button", { name: "OK" }).click();
  await expect(relay.getByText("Active", { exact: true })).toBeVisible();

  // The removal procedure: Report → Pause → Confirm, then Stop, then Delete.
  await page.getByRole("link", { name: "Campaigns" }).click();
  await page.getByRole("link", { name: "Report of Support bot" }).click();
  await page.getByRole("button", { name: "Pause" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Confirm" }).click();
  await expect(page.getByText("Paused", { exact: true })).toBeVisible();

  await page.getByRole("link", { name: "Integrations" }).click();
  await expect(relay.getByRole("button", { name: "Campaigns" })).toHaveCount(0);
  await chooseAction(page, "Bot relay", "Stop");
  await expect(relay.getByText("Inactive", { exact: true })).toBeVisible();
  await chooseAction(page, "Bot relay", "Delete");
  await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
  await expect(relay).toHaveCount(0);
  await snap(page, "integrations-after-removal");

  // The paused campaign lost its link and says what it needs.
  await page.goto("/campaigns");
  await expect(page.getByRole("row", { name: /Support bot Chatbot Service Paused/ })).toBeVisible();
});
