import http from "node:http";

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
  const throttled = page.getByText(
    /Too many sign-in attempts for this email or from your network\. Try again in \d+ seconds\./,
  );
  // One attempt, to its answer (the sign-in form's server action).
  const attempt = async (password: string) => {
    const answered = page.waitForResponse(
      (r) => r.request().method() === "POST" && r.url().includes("/login"),
    );
    await fillSignIn(page, user.email, password);
    await answered;
  };
  // 10 a minute per email: wrong passwords until refused (a slow machine may get a refill on the way).
  await attempt("wrong password");
  await expect(page.getByText("Wrong email or password.")).toBeVisible();
  let wrong = 1;
  while (wrong < 20 && !(await throttled.isVisible())) await attempt(`wrong password ${wrong++}`);
  expect(wrong).toBeGreaterThan(10);
  // Even the right password is not checked now: the limit comes before the password hash.
  await attempt(user.password);
  await expect(throttled).toBeVisible();
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

// One sign-in attempt posted to Auth.js from 127.0.0.2 (a loopback address no other test uses, so this
// test's per-address bucket is its own) with a made-up X-Forwarded-For; "credentials" or "rate_limited".
async function attemptFrom127002(baseURL: string, csrf: { token: string; cookie: string }, i: number) {
  const url = new URL("/api/auth/callback/credentials", baseURL);
  const body = new URLSearchParams({
    csrfToken: csrf.token,
    email: `rotating-${i}@example.test`,
    password: "not the password",
  }).toString();
  const location = await new Promise<string>((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: "POST",
        localAddress: "127.0.0.2",
        family: 4,
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          cookie: csrf.cookie,
          "x-forwarded-for": `198.51.100.${i % 250}, 203.0.113.${i % 250}`,
        },
      },
      (res) => {
        res.resume();
        resolve(res.headers.location ?? "");
      },
    );
    req.on("error", reject);
    req.end(body);
  });
  return new URL(location).searchParams.get("code");
}

test("rotating X-Forwarded-For does not get around the per-address sign-in limit", async ({ baseURL }) => {
  const csrfResponse = await new Promise<{ token: string; cookie: string }>((resolve, reject) => {
    http
      .get(new URL("/api/auth/csrf", baseURL), { localAddress: "127.0.0.2", family: 4 }, (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () =>
          resolve({
            token: (JSON.parse(text) as { csrfToken: string }).csrfToken,
            cookie: (res.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]).join("; "),
          }),
        );
      })
      .on("error", reject);
  });
  const codes: (string | null)[] = [];
  for (let i = 0; i < 40; i++) codes.push(await attemptFrom127002(baseURL!, csrfResponse, i));
  // 30 a minute per address (a token or two refill while the 40 run), each email tried once.
  const firstRefused = codes.indexOf("rate_limited");
  expect(firstRefused).toBeGreaterThanOrEqual(30);
  expect(firstRefused).toBeLessThanOrEqual(33);
  expect(codes.slice(0, 30)).toEqual(Array(30).fill("credentials"));
});
