import { expect, test, type Page } from "@playwright/test";

import { fakeTwilioSid } from "@/lib/channels/testing/fake-twilio";
import { createConnection, getConnectionSettings } from "@/lib/data/connections";

import { createTestAccount, expectAccessible, signInAsNewAccount, snap } from "./helpers";

const AUTH_TOKEN = "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b";
const ACCESS_TOKEN = "EAAGm0PX4ZCpsBAK1234567890abcdef";
const APP_SECRET = "c0ffee00c0ffee00c0ffee00c0ffee00";
const VERIFY_TOKEN = "my-verify-token-42";

async function addConnection(page: Page, channel: "SMS" | "WHATSAPP", code: string) {
  await page.getByLabel("Channel").selectOption(channel);
  await page.getByLabel("Number or code").fill(code);
  await page.getByRole("button", { name: "Add connection" }).click();
  await expect(
    page.getByRole("table", { name: "Connections" }).getByRole("cell", { name: code, exact: true }),
  ).toBeVisible();
}

test("configure a Twilio SMS and a WhatsApp Cloud connection", async ({ page }) => {
  const user = await signInAsNewAccount(page, "Channels");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Connections" }).click();
  await addConnection(page, "SMS", "+15557654321");
  await addConnection(page, "WHATSAPP", "+15550783881");
  const table = page.getByRole("table", { name: "Connections" });
  await expect(table.getByRole("row", { name: /\+15557654321/ })).toContainText("Simulator");

  // ---- Twilio on the SMS connection
  await page.getByRole("link", { name: "Provider of SMS – +15557654321" }).click();
  await expect(page.getByRole("heading", { name: "SMS – +15557654321", level: 1 })).toBeVisible();
  const smsId = page.url().split("/").pop()!;
  const providers = page.getByRole("group", { name: "Provider" });
  await expect(providers.getByRole("radio")).toHaveCount(2);
  await expect(providers.getByRole("radio", { name: /Simulator/ })).toBeChecked();
  await expect(providers.getByRole("radio", { name: /WhatsApp Cloud API/ })).toHaveCount(0);
  await expect(page.getByText("The simulator needs no setup")).toBeVisible();

  await providers.getByRole("radio", { name: /Twilio/ }).check();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Enter the Account SID")).toBeVisible();
  await page.getByLabel("Account SID").fill("AB123");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("An Account SID is AC followed by 32 letters")).toBeVisible();

  const accountSid = fakeTwilioSid("AC");
  await page.getByLabel("Account SID").fill(accountSid);
  await page.getByRole("button", { name: "Save" }).click();
  // Nothing is saved yet, so the server asks for the token on its field.
  await expect(page.getByText("Enter the Auth Token")).toBeVisible();

  await page.getByLabel("Auth Token").fill(AUTH_TOKEN);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Saved. Twilio now carries this connection.")).toBeVisible();
  await expect(page.getByLabel("Auth Token")).toHaveValue("");
  await expect(page.getByLabel("Auth Token")).toHaveAttribute("placeholder", "••••••••5c4b");
  await expect(page.getByTestId("inbound-webhook-url")).toHaveText(
    new RegExp(`^http://localhost:\\d+/api/channels/twilio/${smsId}$`),
  );
  // The test server runs on http://localhost, which no provider can call: the page says so.
  await expect(page.getByTestId("unreachable-url-warning")).toContainText(
    "Providers cannot call this URL: it points at localhost",
  );
  expect(await page.content()).not.toContain(AUTH_TOKEN);
  await expectAccessible(page);
  await snap(page, "connection-provider-twilio");

  // After a reload the secret stays masked; saving without retyping it keeps it.
  await page.reload();
  await expect(providers.getByRole("radio", { name: /Twilio/ })).toBeChecked();
  await expect(page.getByLabel("Account SID")).toHaveValue(accountSid);
  expect(await page.content()).not.toContain(AUTH_TOKEN);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Saved. Twilio now carries this connection.")).toBeVisible();
  const stored = await getConnectionSettings(user.accountId, smsId);
  expect(stored?.settings).toEqual({
    provider: "TWILIO",
    accountSid,
    authToken: "••••••••5c4b",
    webhookUrl: null,
  });

  await page.getByRole("link", { name: "Connections" }).first().click();
  await expect(table.getByRole("row", { name: /\+15557654321/ })).toContainText("Twilio");

  // ---- WhatsApp Cloud API on the WhatsApp connection
  await page.getByRole("link", { name: "Provider of WhatsApp – +15550783881" }).click();
  await expect(page.getByRole("heading", { name: "WhatsApp – +15550783881", level: 1 })).toBeVisible();
  const waId = page.url().split("/").pop()!;
  await expect(providers.getByRole("radio", { name: /Twilio/ })).toHaveCount(0);
  await providers.getByRole("radio", { name: /WhatsApp Cloud API/ }).check();
  await page.getByLabel("Phone number ID").fill("106540352242922");
  await page.getByLabel("Access token").fill(ACCESS_TOKEN);
  await page.getByLabel("App secret").fill(APP_SECRET);
  await page.getByLabel("Verify token").fill(VERIFY_TOKEN);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Saved. WhatsApp Cloud API now carries this connection.")).toBeVisible();
  await expect(page.getByTestId("inbound-webhook-url")).toHaveText(
    new RegExp(`/api/channels/whatsapp/${waId}$`),
  );
  await expect(page.getByText("Paste this URL as the Callback URL")).toBeVisible();
  for (const secret of [ACCESS_TOKEN, APP_SECRET, VERIFY_TOKEN]) {
    await expect(page.getByLabel(/^(Access token|App secret|Verify token)$/).first()).toHaveValue("");
    expect(await page.content()).not.toContain(secret);
  }
  await expectAccessible(page);
  await snap(page, "connection-provider-whatsapp");

  // Back to the simulator: the credentials are dropped.
  await providers.getByRole("radio", { name: /Simulator/ }).check();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Saved. Simulator now carries this connection.")).toBeVisible();
  expect((await getConnectionSettings(user.accountId, waId))?.settings).toEqual({ provider: "SIMULATOR" });

  await page.getByRole("link", { name: "Connections" }).first().click();
  await expectAccessible(page);
  await snap(page, "connections-providers");
});

test("another account's connection is not found", async ({ page }) => {
  const owner = await createTestAccount("Owner");
  const theirs = await createConnection(owner.accountId, { channel: "SMS", code: "+15550009999" });
  await signInAsNewAccount(page, "Other");
  expect((await page.goto(`/connections/${theirs.id}`))?.status()).toBe(404);
  await expect(page.getByText("+15550009999")).toHaveCount(0);
  expect((await page.goto("/connections/not-a-uuid"))?.status()).toBe(404);
});
