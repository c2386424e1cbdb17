import { expect, test, type Page } from "@playwright/test";

import { createApiKey } from "@/lib/data/api-keys";
import { createReceivingIntegration } from "@/lib/testing/deliveries";
import type { TestReceiver } from "@/lib/testing/receiver";
import type { InboundAccepted } from "@/lib/validation/inbound";

import { expectAccessible, signInAsNewAccount, snap } from "./helpers";

// Events that arrive while an integration is stopped wait for it: the card counts them, and Start ▶
// asks whether to send them in order or skip them (Skipped in the log, and each can be resent).

const receivers: TestReceiver[] = [];
test.afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
});

/** Dialogs are fixed to the viewport: a viewport screenshot shows them as people see them. */
const snapViewport = (page: Page, name: string) => page.screenshot({ path: `e2e/screenshots/${name}.png` });

async function chooseAction(page: Page, alias: string, action: string) {
  await page.getByRole("article", { name: alias }).getByRole("button", { name: "Actions" }).click();
  await page.getByRole("menuitem", { name: action }).click();
}

test("events that arrive while stopped wait, counted on the card; Start ▶ skips or sends them", async ({
  page,
}) => {
  test.setTimeout(90_000);
  const user = await signInAsNewAccount(page, "Waiting");
  const hook = await createReceivingIntegration(user, { alias: "Orders webhook" });
  receivers.push(hook.receiver);
  const { key } = await createApiKey(user.accountId, "sandbox");
  const inbound = async (from: string, text: string) => {
    const res = await page.request.post(`/api/v1/connections/${hook.connection.id}/inbound`, {
      headers: { authorization: `Bearer ${key}` },
      data: { from, text },
    });
    expect(res.status()).toBe(202);
    return (await res.json()) as InboundAccepted;
  };
  const card = page.getByRole("article", { name: "Orders webhook" });

  // Stop: the banner says so.
  await page.goto("/integrations");
  await chooseAction(page, "Orders webhook", "Stop");
  await expect(card.getByText("Inactive")).toBeVisible();
  await expect(
    page
      .getByRole("status")
      .filter({ hasText: "Stopped “Orders webhook”: its events wait until you start it again." }),
  ).toBeVisible();

  // Events while stopped are accepted with a delivery each, and wait.
  const first = await inbound("+15550931001", "Is anyone there?");
  const second = await inbound("+15550931001", "Hello?");
  expect(first.deliveryIds).toHaveLength(1);
  expect(second.deliveryIds).toHaveLength(1);
  await page.reload();
  await expect(card).toContainText("2 events waiting");
  await expectAccessible(page);
  await snap(page, "integrations-card-waiting");

  // Start ▶ asks; skip them.
  await chooseAction(page, "Orders webhook", "Start ▶");
  const ask = page.getByRole("dialog", { name: "Start “Orders webhook”" });
  await expect(ask).toContainText("2 events arrived while it was stopped.");
  await expect(ask.getByLabel(/Send them now/)).toBeChecked();
  await expectAccessible(page);
  await snapViewport(page, "integrations-start-waiting");
  await ask.getByLabel(/Skip them/).check();
  await ask.getByRole("button", { name: "Start ▶" }).click();
  await expect(ask).toBeHidden();
  await expect(card.getByText("Active", { exact: true })).toBeVisible();
  await expect(
    page.getByRole("status").filter({
      hasText:
        "Started “Orders webhook”: its events are delivered from now on. 2 events that waited were skipped (Skipped in its Deliveries log).",
    }),
  ).toBeVisible();
  await expect(card).not.toContainText("waiting");

  // The log lists them as Skipped (a status to filter by); one is resent like a failed one.
  await page.goto(`/integrations/${hook.integrationId}/deliveries?status=SKIPPED`);
  const table = page.getByRole("table", { name: "Deliveries", exact: true });
  await expect(table.getByRole("row")).toHaveCount(3);
  await expect(table.getByRole("row").filter({ hasText: "Skipped" })).toHaveCount(2);
  await expect(page.getByLabel("Status")).toHaveValue("SKIPPED");
  await expectAccessible(page);
  await snap(page, "deliveries-skipped");
  await table
    .getByRole("row")
    .filter({ hasText: "+15550931001" })
    .last()
    .getByRole("button", { name: "View attempts" })
    .click();
  const view = page.getByRole("dialog", { name: "MESSAGE event · +15550931001" });
  await expect(view.getByText("Skipped", { exact: true })).toBeVisible();
  await view.getByRole("button", { name: "Resend" }).click();
  await expect(view.getByText("Succeeded", { exact: true })).toBeVisible();
  await expect(view.getByRole("article", { name: "Attempt 1" })).toContainText("HTTP 200");
  await page.keyboard.press("Escape");
  expect(hook.receiver.requests.map((r) => r.deliveryId)).toEqual(first.deliveryIds);

  // Stopped again, one more waits; this time Start ▶ sends it.
  await page.goto("/integrations");
  await chooseAction(page, "Orders webhook", "Stop");
  await expect(card.getByText("Inactive")).toBeVisible();
  // (The card turns Inactive at once; the banner comes with the server's answer.)
  await expect(page.getByText("Stopped “Orders webhook”")).toBeVisible();
  const third = await inbound("+15550931002", "Still there?");
  await page.reload();
  await expect(card).toContainText("1 event waiting");
  await chooseAction(page, "Orders webhook", "Start ▶");
  await page
    .getByRole("dialog", { name: "Start “Orders webhook”" })
    .getByRole("button", { name: "Start ▶" })
    .click();
  await expect(
    page.getByRole("status").filter({
      hasText:
        "Started “Orders webhook”: its events are delivered from now on. The 1 event that waited is being sent in order.",
    }),
  ).toBeVisible();
  await hook.receiver.waitFor((r) => r.length === 2);
  expect(hook.receiver.requests.map((r) => r.deliveryId)).toEqual([
    ...first.deliveryIds,
    ...third.deliveryIds,
  ]);
});
