import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";

import { createTestAccount } from "@/lib/testing/accounts";
import { linkIn, startFakeSmtp } from "@/lib/testing/smtp";

import { appPort, smtpPort } from "./ports";

export { createTestAccount };

/**
 * Fails on serious or critical accessibility violations of the page as it is now (with `soft`, the test
 * goes on and fails at its end, so one run reports every page).
 */
export async function expectAccessible(page: Page, { soft = false }: { soft?: boolean } = {}): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  (soft ? expect.soft : expect)(
    serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`),
    `accessibility violations on ${page.url()}`,
  ).toEqual([]);
}

/** Saves a full-page screenshot under e2e/screenshots/ for people to look at. */
export async function snap(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `e2e/screenshots/${name}.png`, fullPage: true });
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Integrations", level: 1 })).toBeVisible();
}

/** A fresh account for one test, already signed in. */
export async function signInAsNewAccount(page: Page, label = "E2E") {
  const user = await createTestAccount(label);
  await signIn(page, user.email, user.password);
  return user;
}

/**
 * The inbox of a test file: a fake SMTP server on 127.0.0.1 where the app under test sends its email
 * (playwright.config.ts points SMTP_URL at it). Call at the top of a spec file.
 */
export function withMailbox() {
  let mailbox: Awaited<ReturnType<typeof startFakeSmtp>> | undefined;
  test.beforeAll(async () => {
    mailbox = await startFakeSmtp(smtpPort);
  });
  test.afterAll(async () => {
    await mailbox?.close();
  });
  return {
    /** The next email to `to`, and the first link in it that starts with `prefix` (a path on the app). */
    async linkTo(to: string, prefix: string) {
      const mail = await mailbox!.next(to);
      return { mail, link: linkIn(mail, `${new URL(prefix, `http://localhost:${appPort}`).href}`) };
    },
    next: (to: string) => mailbox!.next(to),
  };
}
