import { expect, test, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import { eq } from "drizzle-orm";

import { db } from "@/db";
import { integrations } from "@/db/schema";
import { createApiKey } from "@/lib/data/api-keys";
import { createReceivingIntegration } from "@/lib/testing/deliveries";
import type { Reply, TestReceiver } from "@/lib/testing/receiver";
import type { InboundAccepted } from "@/lib/validation/inbound";
import { ingestInbound } from "@/lib/webhooks/ingest";

import { expectAccessible, signInAsNewAccount, snap } from "./helpers";

// Receivers on 127.0.0.1 that verify every signature; the app's in-process worker delivers to them.
const receivers: TestReceiver[] = [];
test.afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
});

const OK: Reply = { status: 200, headers: { "content-type": "application/json" }, body: '{"received":true}' };

/** A signed-in account with an Active integration whose receiver answers `reply.now`. */
async function setUp(page: Page, label: string, alias: string) {
  const user = await signInAsNewAccount(page, label);
  const reply = { now: OK };
  const hook = await createReceivingIntegration(user, { alias, respond: () => reply.now });
  receivers.push(hook.receiver);
  return { user, hook, reply };
}

/** Sets the integration's max attempts on its row (short retry schedules keep the test quick). */
const setMaxAttempts = (id: string, maxAttempts: number) =>
  db().update(integrations).set({ maxAttempts }).where(eq(integrations.id, id));

/** A contact's message through the sandbox inbound route, with an API key, as a provider would post it. */
async function sendInbound(
  request: APIRequestContext,
  key: string,
  connectionId: string,
  from: string,
  text: string,
) {
  const res = await request.post(`/api/v1/connections/${connectionId}/inbound`, {
    headers: { authorization: `Bearer ${key}` },
    data: { from, text },
  });
  expect(res.status()).toBe(202);
  return (await res.json()) as InboundAccepted;
}

const rowsOf = (scope: Locator, contact: string) =>
  scope.getByRole("table", { name: "Deliveries", exact: true }).getByRole("row").filter({ hasText: contact });

/** Dialogs are fixed to the viewport: a viewport screenshot shows them as people see them. */
const snapViewport = (page: Page, name: string) => page.screenshot({ path: `e2e/screenshots/${name}.png` });

test("the Deliveries tab shows each delivery live with its attempts; Resend and Replay failed send again", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const { user, hook, reply } = await setUp(page, "Deliveries", "Orders webhook");
  const { key } = await createApiKey(user.accountId, "sandbox");
  const inbound = (from: string, text: string) =>
    sendInbound(page.request, key, hook.connection.id, from, text);

  await inbound("+15550901001", "Where is my order?");
  await page.goto("/integrations");
  await page
    .getByRole("article", { name: "Orders webhook" })
    .getByRole("button", { name: "Details" })
    .click();
  const details = page.getByRole("dialog", { name: "Orders webhook" });
  await details.getByRole("tab", { name: "Deliveries" }).click();

  const delivered = rowsOf(details, "+15550901001");
  await expect(delivered).toContainText("Succeeded");
  await expect(delivered).toContainText("200");
  await expect(delivered).toContainText("MESSAGE");
  const chart = details.getByRole("figure", { name: "Last hour" });
  // (The chart refreshes every 10 s: its first read may have caught the delivery still on its way.)
  await expect(chart).toContainText("1 delivery in the last hour: 1 Succeeded, 0 Retrying, 0 Failed.", {
    timeout: 15_000,
  });
  await expect(
    chart.getByRole("application", { name: "Deliveries per minute over the last hour" }),
  ).toBeVisible();
  await expect(chart.locator(".recharts-bar-rectangle").first()).toBeVisible();
  // The chart's text alternative: every busy minute as a table.
  await chart.getByText("Show as a table").click();
  await expect(chart.getByRole("table", { name: "Deliveries per minute" }).getByRole("row")).toHaveCount(2);
  await page.mouse.move(0, 0);
  await expectAccessible(page);
  await snapViewport(page, "deliveries-tab");

  // The attempt view: the request as sent, secrets masked, beside the response.
  await delivered.getByRole("button", { name: "View attempts" }).click();
  const view = page.getByRole("dialog", { name: "MESSAGE event · +15550901001" });
  const attempt = view.getByRole("article", { name: "Attempt 1" });
  await expect(attempt.getByRole("region", { name: "Request" })).toContainText(
    `POST${hook.receiver.url}/hook`,
  );
  await expect(attempt.getByLabel("Request headers")).toContainText("webhook-signature:");
  await expect(attempt.getByLabel("Request headers")).not.toContainText(hook.secret.slice(6, 20));
  await expect(attempt.getByLabel("Request body")).toContainText('"text": "Where is my order?"');
  const response = attempt.getByRole("region", { name: "Response" });
  await expect(response).toContainText("HTTP 200");
  await expect(response.getByLabel("Response headers")).toContainText("application/json");
  await expect(response.getByLabel("Response body")).toContainText('"received": true');
  await expectAccessible(page);
  await snapViewport(page, "deliveries-attempt");
  await page.keyboard.press("Escape");
  await expect(view).toBeHidden();
  await expect(delivered.getByRole("button", { name: "View attempts" })).toBeFocused();

  // A receiver answering 500: Retrying, then Failed once max attempts (2 here) are spent.
  await setMaxAttempts(hook.integrationId, 2);
  reply.now = { status: 500, body: "Service unavailable" };
  await inbound("+15550901002", "Hello?");
  const failing = rowsOf(details, "+15550901002");
  await expect(failing).toContainText("Retrying");
  await expect(failing).toContainText("next");
  await snapViewport(page, "deliveries-retrying");
  await expect(failing).toContainText("Failed", { timeout: 20_000 });
  await expect(failing).toContainText("500");

  // Resend one delivery.
  reply.now = OK;
  await failing.getByRole("button", { name: "View attempts" }).click();
  const failedView = page.getByRole("dialog", { name: "MESSAGE event · +15550901002" });
  await expect(failedView.getByRole("article", { name: "Attempt 2" })).toContainText("HTTP 500");
  await expect(failedView.getByRole("article", { name: "Attempt 1" })).toContainText("Service unavailable");
  await failedView.getByRole("button", { name: "Resend" }).click();
  await expect(failedView.getByText("Queued again")).toBeVisible();
  await expect(failedView.getByRole("article", { name: "Attempt 3" })).toContainText("HTTP 200");
  await expect(failedView.getByText("Succeeded", { exact: true })).toBeVisible();
  await expectAccessible(page);
  await snapViewport(page, "deliveries-resend");
  await page.keyboard.press("Escape");
  await expect(failing).toContainText("Succeeded");

  // Two failures in one chat (1 attempt: Failed at once), then Replay failed for that chat, in order.
  await setMaxAttempts(hook.integrationId, 1);
  reply.now = { status: 503, body: "down for maintenance" };
  const one = await inbound("+15550901003", "One");
  const two = await inbound("+15550901003", "Two");
  await expect(rowsOf(details, "+15550901003").filter({ hasText: "Failed" })).toHaveCount(2);
  reply.now = OK;
  const before = hook.receiver.requests.length;
  await details.getByRole("button", { name: "Replay failed" }).click();
  const replay = page.getByRole("dialog", { name: "Replay failed" });
  await replay.getByLabel("Of one chat").check();
  await replay.getByLabel("Chat", { exact: true }).selectOption(one.chatId);
  await expect(replay.getByRole("status")).toHaveText("2 failed deliveries will be sent again.");
  await expectAccessible(page);
  await snapViewport(page, "deliveries-replay");
  await replay.getByRole("button", { name: "Replay", exact: true }).click();
  await expect(details.getByText("Replayed 2 failed deliveries: they go out again in order.")).toBeVisible();
  await expect(rowsOf(details, "+15550901003").filter({ hasText: "Succeeded" })).toHaveCount(2);
  expect(hook.receiver.requests.slice(before).map((r) => r.deliveryId)).toEqual([
    ...one.deliveryIds,
    ...two.deliveryIds,
  ]);
  await expect(chart).toContainText("4 deliveries in the last hour: 4 Succeeded, 0 Retrying, 0 Failed.", {
    timeout: 15_000,
  });
  await page.mouse.move(0, 0);
  await snapViewport(page, "deliveries-tab-after-replay");

  // A chat's link in the list shows only that chat.
  await rowsOf(details, "+15550901003")
    .first()
    .getByRole("button", { name: `Show only chat ${one.chatId.slice(0, 8)}` })
    .click();
  await expect(details.getByLabel("Contact or chat")).toHaveValue(one.chatId);
  await expect(details.getByRole("table", { name: "Deliveries", exact: true }).getByRole("row")).toHaveCount(
    3,
  );
});

test("the Deliveries page keeps its filters in the URL, pages with Load more, and sends a test event", async ({
  page,
}) => {
  test.setTimeout(90_000);
  const { hook, reply } = await setUp(page, "Delivery page", "Support desk");
  // 54 accepted, and one contact refused for good (422: Failed at once).
  reply.now = OK;
  for (let i = 0; i < 54; i++) {
    await ingestInbound({
      connectionId: hook.connection.id,
      from: `+1555091${String(i).padStart(4, "0")}`,
      text: `m${i}`,
    });
  }
  await hook.receiver.waitFor((r) => r.length === 54, 20_000);
  reply.now = {
    status: 422,
    body: '{"error":"unknown contact"}',
    headers: { "content-type": "application/json" },
  };
  await ingestInbound({ connectionId: hook.connection.id, from: "+15550919999", text: "who am I?" });
  await hook.receiver.waitFor((r) => r.length === 55);

  // From the card's Actions menu.
  await page.goto("/integrations");
  await page.getByRole("article", { name: "Support desk" }).getByRole("button", { name: "Actions" }).click();
  await page.getByRole("menuitem", { name: "Deliveries" }).click();
  await expect(page.getByRole("heading", { name: "Deliveries · Support desk", level: 1 })).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/integrations/${hook.integrationId}/deliveries$`));
  const table = page.getByRole("table", { name: "Deliveries", exact: true });
  await expect(table.getByRole("row")).toHaveCount(51); // the header and 50
  await page.getByRole("button", { name: "Load more" }).click();
  await expect(table.getByRole("row")).toHaveCount(56);
  await expect(page.getByRole("button", { name: "Load more" })).toHaveCount(0);
  await expectAccessible(page);
  await snap(page, "deliveries-page");

  // Filters go into the URL and survive a reload.
  await page.getByLabel("Status").selectOption("FAILED");
  await expect(page).toHaveURL(/\?status=FAILED$/);
  await expect(table.getByRole("row")).toHaveCount(2);
  await expect(table).toContainText("+15550919999");
  await expect(table).toContainText("422");
  await page.reload();
  await expect(page.getByLabel("Status")).toHaveValue("FAILED");
  await expect(table.getByRole("row")).toHaveCount(2);
  await page.getByLabel("Status").selectOption("");
  await page.getByLabel("Contact or chat").fill("+15550910007");
  await expect(page).toHaveURL(/contact=%2B15550910007/);
  await expect(table.getByRole("row")).toHaveCount(2);
  await page.getByLabel("Time").selectOption("1h");
  await expect(page).toHaveURL(/range=1h/);
  await expect(table.getByRole("row")).toHaveCount(2);
  await page.getByLabel("Event", { exact: true }).selectOption("END");
  await expect(page.getByText("No deliveries match these filters.")).toBeVisible();
  await snap(page, "deliveries-page-filtered");
  await page.getByRole("button", { name: "Clear filters" }).click();
  await expect(page).toHaveURL(new RegExp(`/deliveries$`));
  await expect(table.getByRole("row")).toHaveCount(51);

  // Send test event from the log: the response comes back at once, and the test joins the list.
  reply.now = { status: 202, headers: { "x-request-id": "abc-123" }, body: "accepted" };
  await page.getByRole("button", { name: "Send test event" }).click();
  const result = page.getByRole("dialog", { name: "Test event" });
  await expect(result.getByRole("status")).toContainText("Your endpoint answered HTTP 202");
  await expect(result.getByLabel("Response headers")).toContainText("x-request-id:abc-123");
  await expect(result.getByLabel("Response body")).toContainText("accepted");
  await expectAccessible(page);
  await snapViewport(page, "deliveries-test-event");
  await result.getByRole("button", { name: "Close" }).first().click();
  await expect(table.getByRole("row").nth(1)).toContainText("Test");
});

test("Send test event in the wizard: saved first, then it shows the response or the error", async ({
  page,
}) => {
  const { hook, reply } = await setUp(page, "Wizard test", "Billing hook");

  await page.goto("/integrations/new");
  const preview = page.getByRole("region", { name: "Request preview" });
  await expect(preview.getByRole("button", { name: "Send test event" })).toBeDisabled();
  await expect(preview).toContainText("Save the integration first");
  await expectAccessible(page);
  await snap(page, "wizard-test-event-unsaved");

  await page.goto(`/integrations/${hook.integrationId}/edit`);
  reply.now = { status: 200, headers: { "content-type": "application/json" }, body: '{"ok":1}' };
  await preview.getByRole("button", { name: "Send test event" }).click();
  const result = page.getByRole("dialog", { name: "Test event" });
  await expect(result.getByRole("status")).toContainText("Succeeded");
  await expect(result.getByRole("status")).toContainText("Your endpoint answered HTTP 200 in");
  await expect(result.getByLabel("Response body")).toContainText('"ok": 1');
  await expect(result.getByLabel("Request body")).toContainText('"contact": "+15551234567"');
  await expectAccessible(page);
  await snapViewport(page, "wizard-test-event");

  // An endpoint that cannot be reached: the error, in words.
  await hook.receiver.close();
  await result.getByRole("button", { name: "Send again" }).click();
  await expect(result.getByRole("status")).toContainText("Failed");
  await expect(result.getByRole("status")).toContainText("Could not connect");
  await snapViewport(page, "wizard-test-event-error");
  await result.getByRole("button", { name: "Close" }).first().click();

  // Unsaved edits are not part of the test: the wizard says so.
  await page.getByLabel("Alias").fill("Billing hook v2");
  await expect(preview).toContainText(
    "A test event uses the saved configuration: save to test your changes.",
  );
  await expectAccessible(page);
  await snap(page, "wizard-test-event-unsaved-edits");
});
