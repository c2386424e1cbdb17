import { expect, test } from "@playwright/test";

import { expectAccessible, signInAsNewAccount, snap } from "./helpers";

test("create an API key, see it once, revoke it", async ({ page }) => {
  await signInAsNewAccount(page, "Settings");
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByRole("button", { name: "Create API key" }).click();
  await expect(page.getByText("Give the key a name")).toBeVisible();

  await page.getByLabel("Key name").fill("Helpdesk");
  await page.getByRole("button", { name: "Create API key" }).click();
  const key = await page.getByTestId("new-api-key").textContent();
  expect(key).toMatch(/^cwk_/);
  const table = page.getByRole("table", { name: "API keys" });
  await expect(table.getByRole("row", { name: /Helpdesk/ })).toContainText(key!.slice(0, 12));
  await expect(table).not.toContainText(key!);
  await expectAccessible(page);
  await snap(page, "settings-api-keys");

  // The key is shown once: after a reload only its prefix remains.
  await page.reload();
  await expect(page.getByTestId("new-api-key")).toHaveCount(0);

  await page.getByRole("button", { name: "Revoke Helpdesk" }).click();
  await expect(table.getByText("Revoked")).toBeVisible();
});
