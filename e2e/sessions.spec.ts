import { expect, test, type Browser, type Page } from "@playwright/test";

import { listApiKeys } from "@/lib/data/api-keys";

import { createTestAccount, expectAccessible, signIn, snap } from "./helpers";

/** A second browser holding a copy of `page`'s cookies: what someone who copied the cookie has. */
async function copyOfCookie(browser: Browser, page: Page): Promise<Page> {
  const context = await browser.newContext();
  await context.addCookies(await page.context().cookies());
  return context.newPage();
}

test("after Sign out, the old session cookie opens no page, no API route and no server action", async ({
  page,
  browser,
}) => {
  const user = await createTestAccount("Sign out");
  await signIn(page, user.email, user.password);
  const copy = await copyOfCookie(browser, page);
  await copy.goto("/settings");
  await expect(copy.getByRole("heading", { name: "Settings", level: 1 })).toBeVisible();
  expect((await copy.request.get("/api/portal/chats")).status()).toBe(200);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);

  // The copy still shows the Settings page it loaded before; its server action is refused now.
  await copy.getByLabel("Key name").fill("Made with a stolen cookie");
  await copy.getByRole("button", { name: "Create API key" }).click();
  await expect(copy).toHaveURL(/\/login/);
  expect(await listApiKeys(user.accountId)).toEqual([]);

  const api = await copy.request.get("/api/portal/chats");
  expect(api.status()).toBe(401);
  expect(await api.json()).toMatchObject({ error: { code: "UNAUTHORIZED" } });
  await copy.goto("/settings");
  await expect(copy).toHaveURL(/\/login/);
  // The sign-in page does not bounce the refused cookie back into the app either.
  await expect(copy.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await copy.context().close();
});

test("Settings → Security: a password change signs out the other sessions; the owner signs everyone out", async ({
  page,
  browser,
}) => {
  const user = await createTestAccount("Security");
  await signIn(page, user.email, user.password);
  const other = await copyOfCookie(browser, page);
  const laptop = await browser.newPage();
  await signIn(laptop, user.email, user.password);

  await page.goto("/settings");
  const sessions = page.getByRole("table", { name: "Your sessions" });
  await expect(sessions.getByRole("row")).toHaveCount(3); // header, this browser, the laptop
  await expect(sessions.getByText("This browser")).toBeVisible();

  // Field errors first: nothing filled, then passwords that differ, then a wrong current password.
  const change = page.getByRole("button", { name: "Change password" });
  await change.click();
  await expect(page.getByText("Enter your current password")).toBeVisible();
  await page.getByLabel("Current password").fill("not my password");
  await page.getByLabel("New password", { exact: true }).fill("a brand new password");
  await page.getByLabel("Repeat the new password").fill("a brand new passw0rd");
  await change.click();
  await expect(page.getByText("The two passwords differ")).toBeVisible();
  await page.getByLabel("Repeat the new password").fill("a brand new password");
  await change.click();
  await expect(page.getByText("This is not your current password")).toBeVisible();
  await expectAccessible(page);
  await snap(page, "settings-security-errors");

  await page.getByLabel("Current password").fill(user.password);
  await change.click();
  await expect(page.getByText("Password changed. Your other session was signed out.")).toBeVisible();
  await expect(sessions.getByRole("row")).toHaveCount(2);
  await snap(page, "settings-security");

  // This browser (and its copied cookie: the same session) stays signed in; the laptop is signed out.
  await page.reload();
  await expect(page.getByRole("heading", { name: "Settings", level: 1 })).toBeVisible();
  await laptop.goto("/integrations");
  await expect(laptop).toHaveURL(/\/login/);

  // Sign out everywhere: every session of the account ends, this one too.
  await signIn(laptop, user.email, "a brand new password");
  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  const confirm = page.getByRole("alertdialog", { name: "Sign everyone out of Security account?" });
  await expect(confirm).toContainText("you included");
  await snap(page, "settings-sign-out-everywhere");
  await confirm.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(page).toHaveURL(/\/login/);
  for (const p of [page, laptop, other]) {
    await p.goto("/settings");
    await expect(p).toHaveURL(/\/login/);
  }
  await other.context().close();
  await laptop.close();
});
