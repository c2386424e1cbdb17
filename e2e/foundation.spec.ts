import { randomUUID } from "node:crypto";

import { expect, test } from "@playwright/test";

import { DEMO_LOGIN } from "@/db/seed";

import { expectAccessible, signIn, signInAsNewAccount, snap, withMailbox } from "./helpers";

const mailbox = withMailbox();

test("sign up (the email's link creates the account), sign out, sign in again", async ({ page }) => {
  const email = `new-${randomUUID().slice(0, 8)}@example.test`;
  await page.goto("/");
  await expect(page).toHaveURL(/\/login/);
  await page.getByRole("link", { name: "Create an account" }).click();
  await expect(page.getByRole("heading", { name: "Create an account" })).toBeVisible();

  // Empty form: every field says what it needs.
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Enter your name")).toBeVisible();
  await expect(page.getByText("Use at least 8 characters")).toBeVisible();
  await expectAccessible(page);
  await snap(page, "signup-errors");

  await page.getByLabel("Your name").fill("Ada Lovelace");
  await page.getByLabel("Account name").fill("Analytical Engines");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("difference engine");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("status")).toContainText(`We sent an email to ${email}`);
  await expectAccessible(page);
  await snap(page, "signup-email-sent");

  const { link } = await mailbox.linkTo(email, "/signup/confirm?token=");
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "Finish creating your account" })).toBeVisible();
  await expect(page.getByText(email)).toBeVisible();
  await page.getByLabel("Password").fill("not what I chose");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("This is not the password you chose when you signed up")).toBeVisible();
  await expectAccessible(page);
  await snap(page, "signup-confirm");
  await page.getByLabel("Password").fill("difference engine");
  await page.getByRole("button", { name: "Create account" }).click();

  await expect(page.getByRole("heading", { name: "Integrations", level: 1 })).toBeVisible();
  await expect(page.getByText("Analytical Engines")).toBeVisible();
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const item of ["Integrations", "Campaigns", "Chats", "Connections", "Settings"]) {
    await expect(nav.getByRole("link", { name: item })).toBeVisible();
  }
  await expectAccessible(page);
  await snap(page, "integrations-empty");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/connections");
  await expect(page).toHaveURL(/\/login/);

  await signIn(page, email.toUpperCase(), "difference engine");
  await expect(page.getByText("Analytical Engines")).toBeVisible();

  // The link worked once.
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "This link no longer works" })).toBeVisible();
});

test("a wrong password shows a clear message and no stack trace", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill(DEMO_LOGIN.email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Wrong email or password.")).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
  await expect(page.locator("body")).not.toContainText(/Error:|at .*\.js/);
  await expectAccessible(page);
  await snap(page, "login-wrong-password");
});

test("add and remove connections, with validation", async ({ page }) => {
  await signInAsNewAccount(page, "Connections");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Connections" }).click();
  await expect(page.getByText("No connections yet")).toBeVisible();

  const add = page.getByRole("button", { name: "Add connection" });
  await page.getByLabel("Channel").selectOption("WHATSAPP");
  await page.getByLabel("Number or code").fill("72345");
  await add.click();
  await expect(page.getByText("A WhatsApp code is an E.164 number, like +15551234567")).toBeVisible();

  await page.getByLabel("Number or code").fill("+1 555 010 9999");
  await add.click();
  const table = page.getByRole("table", { name: "Connections" });
  await expect(table.getByRole("cell", { name: "+15550109999", exact: true })).toBeVisible();

  await page.getByLabel("Channel").selectOption("SMS");
  await page.getByLabel("Number or code").fill("72345");
  await add.click();
  await expect(table.getByRole("cell", { name: "72345", exact: true })).toBeVisible();

  // The same code again is refused, and what was typed stays in the form.
  await page.getByLabel("Number or code").fill("72345");
  await add.click();
  await expect(page.getByText("SMS 72345 is already one of your connections")).toBeVisible();
  await expect(page.getByLabel("Number or code")).toHaveValue("72345");
  await expectAccessible(page);
  await snap(page, "connections");

  // Removing asks first, and says what goes with the connection.
  await page.getByRole("button", { name: "Remove SMS 72345" }).click();
  const confirm = page.getByRole("alertdialog", { name: "Remove SMS – 72345?" });
  await expect(confirm).toContainText("All of its chats are deleted with it");
  await expectAccessible(page);
  await snap(page, "connection-remove-confirm");
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(table.getByRole("cell", { name: "72345", exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Remove SMS 72345" }).click();
  await confirm.getByRole("button", { name: "Remove" }).click();
  await expect(table.getByRole("cell", { name: "72345", exact: true })).toHaveCount(0);
  await expect(table.getByRole("cell", { name: "+15550109999", exact: true })).toBeVisible();
});

test("the demo account shows its seed", async ({ page }) => {
  await signIn(page, DEMO_LOGIN.email, DEMO_LOGIN.password);
  await expect(page.getByText("Demo ·")).toBeVisible();

  await page.getByRole("link", { name: "Connections" }).click();
  const table = page.getByRole("table", { name: "Connections" });
  await expect(table.getByRole("row")).toHaveCount(5);
  await expect(table.getByText("Campaign: Spring sale keyword")).toBeVisible();
  await snap(page, "demo-connections");

  await page.getByRole("link", { name: "Campaigns" }).click();
  await expect(page.getByRole("row", { name: /Spring sale keyword SALE Keyword Live/ })).toBeVisible();
  await expect(page.getByRole("row", { name: /Support chatbot Chatbot Service Draft/ })).toBeVisible();
  await expectAccessible(page);
  await snap(page, "demo-campaigns");

  for (const path of ["/chats", "/settings"]) {
    await page.goto(path);
    await expectAccessible(page);
    await snap(page, `demo-${path.slice(1)}`);
  }
});
