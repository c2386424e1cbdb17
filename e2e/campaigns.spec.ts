import { expect, test } from "@playwright/test";

import { db } from "@/db";
import { campaigns, integrations } from "@/db/schema";
import { createCampaign, getCampaign } from "@/lib/data/campaigns";
import { createConnection } from "@/lib/data/connections";

import { expectAccessible, signInAsNewAccount, snap } from "./helpers";

test("a Keyword campaign: create with validation, go Live, Pause with Confirm, delete", async ({ page }) => {
  const user = await signInAsNewAccount(page, "Campaigns");
  await createConnection(user.accountId, { channel: "SMS", code: "+15550301001" });
  await createConnection(user.accountId, { channel: "WHATSAPP", code: "+15550301002" });

  await page.getByRole("link", { name: "Campaigns" }).click();
  await expect(page.getByText("No campaigns yet")).toBeVisible();
  await page.getByRole("link", { name: "New campaign" }).click();

  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Give the campaign a name")).toBeVisible();
  await expect(page.getByText("Add at least one connection")).toBeVisible();
  await expect(page.getByText("Enter the keyword contacts will text")).toBeVisible();
  await expectAccessible(page);
  await snap(page, "campaign-new-errors");

  await page.getByLabel("Name").fill("Winter promo");
  await page.getByLabel("SMS – +15550301001").check();
  await page.getByLabel("Keyword", { exact: true }).fill("WINTER");
  await page.getByLabel("Auto-reply", { exact: true }).fill("Brrr! Use code SNOW for 10% off.");
  await page.getByRole("button", { name: "Save" }).click();

  await expect(page.getByRole("heading", { name: "Winter promo" })).toBeVisible();
  await expect(page.getByText("Draft", { exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Go Live" }).click();
  await expect(page.getByText("Live", { exact: true })).toBeVisible();
  await expectAccessible(page);
  await snap(page, "campaign-report-live");

  await page.getByRole("button", { name: "Pause" }).click();
  const dialog = page.getByRole("alertdialog");
  await expect(dialog.getByRole("heading", { name: "Pause this campaign?" })).toBeVisible();
  await expectAccessible(page);
  await snap(page, "campaign-pause-confirm");
  await dialog.getByRole("button", { name: "Confirm" }).click();
  await expect(page.getByText("Paused", { exact: true })).toBeVisible();

  await page.getByRole("link", { name: "← Campaigns" }).click();
  await expect(
    page.getByRole("row", { name: /Winter promo WINTER Keyword Paused SMS – \+15550301001/ }),
  ).toBeVisible();
  await snap(page, "campaigns-list");
  await page.getByRole("link", { name: "Report of Winter promo" }).click();
  await page.getByRole("button", { name: "Delete campaign" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Delete" }).click();
  await expect(page.getByText("No campaigns yet")).toBeVisible();
});

test("a new user with a single connection creates a campaign, then edits it", async ({ page }) => {
  const user = await signInAsNewAccount(page, "OneConn");
  await createConnection(user.accountId, { channel: "SMS", code: "+15550302001" });
  await page.goto("/campaigns/new");
  await page.getByLabel("Name").fill("Solo promo");
  // With one checkbox, a plain registered input gives a string, not a list: the form used to refuse it.
  await page.getByLabel("SMS – +15550302001").check();
  await page.getByLabel("Keyword", { exact: true }).fill("SOLO");
  await page.getByLabel("Auto-reply", { exact: true }).fill("Just for you.");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("heading", { name: "Solo promo" })).toBeVisible();

  // Edit from the Report: the same form, filled in, with the type fixed.
  await page.getByRole("link", { name: "Edit" }).click();
  await expect(page.getByRole("heading", { name: "Edit Solo promo" })).toBeVisible();
  await expect(page.getByLabel("Name")).toHaveValue("Solo promo");
  await expect(page.getByLabel("SMS – +15550302001")).toBeChecked();
  await expect(page.getByRole("radio")).toHaveCount(0);
  await page.getByLabel("SMS – +15550302001").uncheck();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Add at least one connection")).toBeVisible();
  await page.getByLabel("SMS – +15550302001").check();
  await page.getByLabel("Keyword", { exact: true }).fill("SOLO2");
  await expectAccessible(page);
  await snap(page, "campaign-edit");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("heading", { name: "Solo promo" })).toBeVisible();
  await expect(page.getByText("SOLO2", { exact: true })).toBeVisible();

  // Live: Edit is gone, and the edit page says to pause first.
  await page.getByRole("button", { name: "Go Live" }).click();
  await expect(page.getByText("Live", { exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: "Edit" })).toHaveCount(0);
  await expect(page.getByText("Pause the campaign to edit it.")).toBeVisible();
  await page.goto(`${page.url()}/edit`);
  await expect(page.getByRole("heading", { name: "Pause the campaign to edit it" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Save" })).toHaveCount(0);
  await snap(page, "campaign-edit-live");
});

test("the seeded kind of Draft Chatbot Service campaign becomes usable by editing it", async ({ page }) => {
  const user = await signInAsNewAccount(page, "Chatbot");
  const sms = await createConnection(user.accountId, { channel: "SMS", code: "+15550303001" });
  const [hook] = await db()
    .insert(integrations)
    .values({
      accountId: user.accountId,
      alias: "Support desk",
      url: "https://example.com/hook",
      signingSecret: "x",
      status: "ACTIVE",
    })
    .returning();
  const [draft] = await db()
    .insert(campaigns)
    .values({ accountId: user.accountId, name: "Support chatbot", type: "CHATBOT" })
    .returning();

  await page.goto(`/campaigns/${draft!.id}`);
  await page.getByRole("button", { name: "Go Live" }).click();
  await expect(page.getByText("Select a Custom Webhook integration first")).toBeVisible();
  await page.getByRole("link", { name: "Edit" }).click();
  await expect(page.getByText("Type Chatbot Service")).toBeVisible();
  await page.getByLabel("Custom Webhook integration").selectOption({ label: "Support desk" });
  await page.getByLabel("SMS – +15550303001").check();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("heading", { name: "Support chatbot" })).toBeVisible();
  await page.getByRole("button", { name: "Go Live" }).click();
  await expect(page.getByText("Live", { exact: true })).toBeVisible();
  expect((await getCampaign(user.accountId, draft!.id))?.integrationId).toBe(hook!.id);
  expect((await getCampaign(user.accountId, draft!.id))?.connections.map((c) => c.id)).toEqual([sms.id]);
});

test("a one-click action that cannot reach the server says so, and the page stays", async ({ page }) => {
  const user = await signInAsNewAccount(page, "Offline");
  const sms = await createConnection(user.accountId, { channel: "SMS", code: "+15550304001" });
  const campaign = await createCampaign(user.accountId, {
    type: "KEYWORD",
    name: "Offline promo",
    keyword: "OFF",
    autoReply: "ok",
    connectionIds: [sms.id],
  });
  await page.goto(`/campaigns/${campaign.id}`);
  // Server actions are POSTs to the page's URL: drop them as a broken network would.
  await page.route(`**/campaigns/${campaign.id}`, (route) =>
    route.request().method() === "POST" ? route.abort("internetdisconnected") : route.continue(),
  );
  await page.getByRole("button", { name: "Go Live" }).click();
  await expect(
    page.getByText("Could not reach the server. Check your connection and try again."),
  ).toBeVisible();
  await expect(page.getByRole("heading", { name: "Offline promo" })).toBeVisible();
  await snap(page, "campaign-action-offline");
});
