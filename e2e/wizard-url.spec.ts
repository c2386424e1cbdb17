import { expect, test } from "@playwright/test";

import { expectAccessible, signInAsNewAccount } from "./helpers";

// The wizard's URL box, its field error and the request preview judge a URL by one rule. The tests'
// server allows http:// (WEBHOOK_ALLOW_INSECURE_URLS=true), so the messages offer both schemes.

test("the request preview refuses exactly the URLs the form refuses, with the form's message", async ({
  page,
}) => {
  await signInAsNewAccount(page, "Wizard URL");
  await page.goto("/integrations/new");
  const url = page.getByLabel("URL", { exact: true });
  const preview = page.getByRole("region", { name: "Request preview" });
  const requestLine = preview.getByTestId("preview-request-line");

  // Save once, so the form checks the URL as it is typed from then on.
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Enter an alias to identify the Custom Webhook")).toBeVisible();

  for (const [typed, message] of <[string, string][]>[
    ["ftp://files.example.com/in", "The URL must start with https:// or http://"],
    ["javascript:alert(1)", "The URL must start with https:// or http://"],
    ["not a url", "Enter an absolute URL, like https://your-domain/your-path"],
    ["https://ada:secret@hooks.example.com/in", "Put credentials in the Auth tab, not in the URL"],
  ]) {
    await url.fill(typed);
    await expect(page.getByText(message, { exact: true })).toBeVisible();
    await expect(preview.getByTestId("preview-refused")).toHaveText(`No request to show: ${message}.`);
    await expect(requestLine).toHaveCount(0);
    await expect(preview.getByRole("button", { name: "Copy as curl" })).toBeDisabled();
  }
  await expectAccessible(page);
  await page.screenshot({ path: "e2e/screenshots/wizard-url-refused.png", fullPage: true });

  // What the form accepts, the preview draws.
  for (const typed of ["http://hooks.example.com/in", "https://hooks.example.com/in?source=portal"]) {
    await url.fill(typed);
    await expect(page.getByText(/must start with|absolute URL|Auth tab, not/)).toHaveCount(0);
    await expect(requestLine).toContainText(typed);
    await expect(preview.getByRole("button", { name: "Copy as curl" })).toBeEnabled();
  }
});
