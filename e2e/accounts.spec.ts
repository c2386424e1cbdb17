import { randomUUID } from "node:crypto";

import { expect, test, type Page } from "@playwright/test";

import { createTestAccount, expectAccessible, signIn, snap, withMailbox } from "./helpers";

const mailbox = withMailbox();

async function fillSignUp(page: Page, email: string, password = "a long password") {
  await page.goto("/signup");
  await page.getByLabel("Your name").fill("Grace");
  await page.getByLabel("Account name").fill("Compilers");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
}

/** What the page says after a sign-up or a reset request, with the address taken out. */
async function answerWithout(page: Page, email: string) {
  const status = page.getByRole("status").filter({ hasText: "Check your email" });
  await expect(status).toBeVisible();
  return (await status.innerText()).replace(email, "<email>");
}

test("sign-up answers a taken address as it answers a new one; the owner's email leads to a reset", async ({
  page,
  browser,
}) => {
  const user = await createTestAccount("Taken");
  const elsewhere = await browser.newPage();
  await signIn(elsewhere, user.email, user.password);

  const fresh = `fresh-${randomUUID().slice(0, 8)}@example.test`;
  await fillSignUp(page, fresh);
  const forNew = await answerWithout(page, fresh);
  await fillSignUp(page, user.email);
  expect(await answerWithout(page, user.email)).toBe(forNew);
  expect(forNew).not.toMatch(/already|exists/i);

  // Only the owner of the address learns that it has an account.
  const { mail, link } = await mailbox.linkTo(user.email, "/forgot-password");
  expect(mail.subject).toBe("You already have a Custom Webhook account");
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "Forgot your password?" })).toBeVisible();
  await page.getByRole("button", { name: "Send the link" }).click();
  await expect(page.getByText("Enter a valid email address")).toBeVisible();
  await page.getByLabel("Email").fill(user.email);
  await page.getByRole("button", { name: "Send the link" }).click();
  await expect(page.getByRole("status")).toContainText(`We sent an email to ${user.email}`);
  await expectAccessible(page);
  await snap(page, "forgot-password-sent");

  const reset = await mailbox.linkTo(user.email, "/reset-password?token=");
  await page.goto(reset.link);
  await expect(page.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
  await page.getByLabel("New password", { exact: true }).fill("my new password");
  await page.getByLabel("Repeat the new password").fill("my new passw0rd");
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.getByText("The two passwords differ")).toBeVisible();
  await expectAccessible(page);
  await snap(page, "reset-password");
  await page.getByLabel("Repeat the new password").fill("my new password");
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.getByRole("heading", { name: "Integrations", level: 1 })).toBeVisible();

  // The reset ended every other session; the old password is gone, the new one works.
  await elsewhere.goto("/settings");
  await expect(elsewhere).toHaveURL(/\/login/);
  await elsewhere.getByLabel("Email").fill(user.email);
  await elsewhere.getByLabel("Password").fill(user.password);
  await elsewhere.getByRole("button", { name: "Sign in" }).click();
  await expect(elsewhere.getByText("Wrong email or password.")).toBeVisible();
  await signIn(elsewhere, user.email, "my new password");
  await elsewhere.close();

  // A reset link works once.
  await page.goto(reset.link);
  await expect(page.getByRole("heading", { name: "This link no longer works" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Ask for a new link" })).toHaveAttribute(
    "href",
    "/forgot-password",
  );
});

test("a mistyped address: Start again keeps the form, and the link goes to the corrected address", async ({
  page,
}) => {
  const right = `right-${randomUUID().slice(0, 8)}@example.test`;
  const typo = right.replace("example.test", "exmaple.test");
  await fillSignUp(page, typo, "typed carefully");
  await expect(page.getByRole("status")).toContainText(typo);
  await page.getByRole("button", { name: "Start again" }).click();
  await expect(page.getByLabel("Your name")).toHaveValue("Grace");
  await page.getByLabel("Email").fill(right);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("status")).toContainText(right);

  const { link } = await mailbox.linkTo(right, "/signup/confirm?token=");
  await page.goto(link);
  await page.getByLabel("Password").fill("typed carefully");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Integrations", level: 1 })).toBeVisible();
  await expect(page.getByText("Compilers ·")).toBeVisible();
});

test("a link that names nothing says so and where to go", async ({ page }) => {
  for (const [path, again] of [
    ["/signup/confirm?token=" + "x".repeat(43), "Sign up again"],
    ["/signup/confirm", "Sign up again"],
    ["/reset-password?token=not-a-token", "Ask for a new link"],
  ] as const) {
    await page.goto(path);
    await expect(page.getByRole("heading", { name: "This link no longer works" })).toBeVisible();
    await expect(page.getByRole("link", { name: again })).toBeVisible();
  }
  await expectAccessible(page);
  await snap(page, "expired-link");
  await page.goto("/login");
  await page.getByRole("link", { name: "Forgot password?" }).click();
  await expect(page.getByRole("heading", { name: "Forgot your password?" })).toBeVisible();
});
