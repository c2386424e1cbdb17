import { expect, test } from "@playwright/test";

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
