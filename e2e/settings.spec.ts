import { expect, test } from "@playwright/test";

import { getRetentionDays } from "@/lib/data/accounts";
import { listApiKeys } from "@/lib/data/api-keys";

import { expectAccessible, signInAsNewAccount, snap } from "./helpers";

// Far from the server's zone (UTC), so a time formatted on the server would show.
test.use({ timezoneId: "Asia/Kolkata" });

test("create an API key, see it once, revoke it", async ({ page }) => {
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(m.text());
  });
  const user = await signInAsNewAccount(page, "Settings");
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

  // Times read in the browser's zone, with no hydration mismatch on the way.
  const [saved] = await listApiKeys(user.accountId);
  const inKolkata = new Intl.DateTimeFormat("en-US", {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: "Asia/Kolkata",
  }).format(saved!.createdAt);
  const created = table.getByRole("row", { name: /Helpdesk/ }).locator("time");
  await expect(created).toHaveText(inKolkata);
  await expect(created).toHaveAttribute("datetime", saved!.createdAt.toISOString());
  expect(problems.filter((p) => /hydrat|did not match|#41[89]|#42[35]/i.test(p))).toEqual([]);

  await page.getByRole("button", { name: "Revoke Helpdesk" }).click();
  const confirm = page.getByRole("alertdialog", { name: "Revoke the key “Helpdesk”?" });
  await expect(confirm).toContainText("refused from now on");
  await snap(page, "settings-revoke-confirm");
  await confirm.getByRole("button", { name: "Revoke" }).click();
  await expect(table.getByText("Revoked")).toBeVisible();
});

test("Data retention: a longer period saves at once, a shorter one asks first", async ({ page }) => {
  const user = await signInAsNewAccount(page, "Retention");
  await page.getByRole("link", { name: "Settings" }).click();
  const card = page.getByRole("region", { name: "Data retention" });
  await expect(card).toContainText("kept for 30 days");
  await card.getByLabel("Keep data for").selectOption("60");
  await card.getByRole("button", { name: "Save" }).click();
  await expect(card.getByRole("status")).toHaveText("Saved: data is kept for 60 days.");
  expect(await getRetentionDays(user.accountId)).toBe(60);

  await card.getByLabel("Keep data for").selectOption("7");
  await card.getByRole("button", { name: "Save" }).click();
  const confirm = page.getByRole("alertdialog", { name: "Keep data for 7 days?" });
  await expect(confirm).toContainText("will be removed within the hour");
  await expectAccessible(page);
  await snap(page, "settings-retention-confirm");
  await confirm.getByRole("button", { name: "Remove older data" }).click();
  await expect(card.getByRole("status")).toHaveText("Saved: data is kept for 7 days.");
  expect(await getRetentionDays(user.accountId)).toBe(7);
  await page.reload();
  await expect(page.getByLabel("Keep data for")).toHaveValue("7");
  await snap(page, "settings-retention");
});
