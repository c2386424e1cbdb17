import { expect, test, type Page } from "@playwright/test";

import { createTestAccount, expectAccessible, signInAsNewAccount, snap } from "./helpers";

async function fillSignIn(page: Page, email: string, password: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("every response carries the security headers", async ({ request }) => {
  for (const path of ["/login", "/api/health"]) {
    const response = await request.get(path);
    expect(response.headers()).toMatchObject({
      "x-frame-options": "DENY",
      "content-security-policy": "frame-ancestors 'none'",
      "x-content-type-options": "nosniff",
      "referrer-policy": "strict-origin-when-cross-origin",
    });
  }
});

test("after signing in, the user lands on the page that asked for it", async ({ page }) => {
  const user = await createTestAccount("Callback");
  await page.goto("/campaigns/new");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fcampaigns%2Fnew$/);
  await fillSignIn(page, user.email, user.password);
  await expect(page.getByRole("heading", { name: "New campaign", level: 1 })).toBeVisible();
});

for (const target of [
  "//evil.example.com/x",
  "https://evil.example.com/x",
  "/\\evil.example.com",
  "/\t/evil.example.com",
]) {
  test(`a callbackUrl that leaves the site is ignored: ${JSON.stringify(target)}`, async ({ page }) => {
    const user = await createTestAccount("Redirect");
    await page.goto(`/login?callbackUrl=${encodeURIComponent(target)}`);
    await fillSignIn(page, user.email, user.password);
    await expect(page.getByRole("heading", { name: "Integrations", level: 1 })).toBeVisible();
    expect(new URL(page.url()).pathname).toBe("/integrations");
  });
}

test("too many sign-in attempts for one email are refused with a clear message", async ({ page }) => {
  const user = await createTestAccount("Throttle");
  await page.goto("/login");
  for (let i = 0; i < 10; i++) {
    await fillSignIn(page, user.email, `wrong password ${i}`);
    await expect(page.getByText("Wrong email or password.")).toBeVisible();
  }
  // Even the right password is not checked now: the limit comes before the password hash.
  await fillSignIn(page, user.email, user.password);
  await expect(
    page.getByText(
      /Too many sign-in attempts for this email or from your network\. Try again in \d+ seconds\./,
    ),
  ).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
  await expectAccessible(page);
  await snap(page, "login-throttled");
});

test("an unknown address shows the not-found page", async ({ page }) => {
  await signInAsNewAccount(page, "Lost");
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expectAccessible(page);
  await snap(page, "not-found");
  await page.getByRole("link", { name: "Go to Integrations" }).click();
  await expect(page.getByRole("heading", { name: "Integrations", level: 1 })).toBeVisible();
});
