import { expect, test, type Locator, type Page } from "@playwright/test";
import { eq } from "drizzle-orm";

import { db } from "@/db";
import { campaignConnections, campaigns, integrationHealth, integrations } from "@/db/schema";
import { decryptSecret } from "@/lib/crypto/secrets";
import { createConnection } from "@/lib/data/connections";
import { createIntegration, startIntegration } from "@/lib/data/integrations";
import { integrationFormValues } from "@/lib/validation/integration";

import { createTestAccount, expectAccessible, signInAsNewAccount, snap as snapPage } from "./helpers";

/** Screenshots from the top of the page, so the sticky preview sits where a person first sees it. */
async function snap(page: Page, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await snapPage(page, name);
}

/** Dialogs are fixed to the viewport: a viewport screenshot shows them as people see them. */
async function snapDialog(page: Page, name: string) {
  await page.screenshot({ path: `e2e/screenshots/${name}.png` });
}

const BLUE = "rgb(37, 99, 235)"; // brand-600: connection icons of an Active integration

async function rowOf(id: string) {
  const [row] = await db().select().from(integrations).where(eq(integrations.id, id));
  return row!;
}

/** A fresh signed-in account with one SMS and one WhatsApp connection. */
async function accountWithConnections(page: Page, label: string) {
  const user = await signInAsNewAccount(page, label);
  await createConnection(user.accountId, { channel: "SMS", code: "+15550100001" });
  await createConnection(user.accountId, { channel: "WHATSAPP", code: "+15550100002" });
  return user;
}

async function openWizard(page: Page) {
  await page.goto("/integrations?tab=add");
  await page.getByRole("radio", { name: /Custom Webhook/ }).check();
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByRole("heading", { name: "New Custom Webhook", level: 1 })).toBeVisible();
}

const tab = (page: Page, name: string) => page.getByRole("tab", { name });
const panel = (page: Page, name: string) => page.getByRole("tabpanel", { name });
const card = (page: Page, alias: string) => page.getByRole("article", { name: alias });
const preview = (page: Page) => page.getByRole("region", { name: "Request preview" });

async function chooseAction(page: Page, alias: string, action: string | RegExp) {
  await card(page, alias).getByRole("button", { name: "Actions" }).click();
  await page.getByRole("menuitem", { name: action }).click();
}

async function expectIcons(cardLocator: Locator, active: boolean, count: number) {
  const icons = cardLocator.getByRole("list", { name: "Connections" }).getByRole("listitem");
  await expect(icons).toHaveCount(count);
  for (const icon of await icons.all()) {
    await expect(icon).toHaveAttribute("data-active", String(active));
    if (active) await expect(icon.locator("svg")).toHaveCSS("color", BLUE);
    else await expect(icon.locator("svg")).not.toHaveCSS("color", BLUE);
  }
}

test("the Custom Webhook journey: create, start, details, edit, stop, delete", async ({ page }) => {
  const user = await accountWithConnections(page, "Journey");

  // The Integrations page of a new account opens on the pane of integration types.
  await page.goto("/integrations");
  await expect(tab(page, "Add integration")).toHaveAttribute("aria-selected", "true");
  await expect(page.getByRole("button", { name: "Next" })).toBeDisabled();
  await expectAccessible(page);
  await snap(page, "integrations-pane");
  await page.getByRole("radio", { name: /Custom Webhook/ }).check();
  await snap(page, "integrations-pane-selected");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page).toHaveURL(/\/integrations\/new$/);
  await expect(page.getByText("No connections chosen.")).toBeVisible();
  await expectAccessible(page);
  await snap(page, "wizard-new");

  // Custom Webhook Information: Alias, Method, URL.
  await page.getByLabel("Alias").fill("Orders webhook");
  await expect(page.getByLabel("Method")).toHaveValue("POST");
  const url = page.getByLabel("URL", { exact: true });
  await url.fill("https://hooks.example.com/in?source=portal");

  // Params: typing the query string filled a Text row; a Variable row rewrites the URL.
  const params = panel(page, "Params");
  await expect(params.getByLabel("Param 1 key")).toHaveValue("source");
  await expect(params.getByLabel("Param 1 value")).toHaveValue("portal");
  await expect(params.getByLabel("Param 1 type")).toHaveValue("TEXT");
  await params.getByRole("button", { name: "Add Field" }).click();
  await params.getByLabel("Param 2 key").fill("from");
  await params.getByLabel("Param 2 type").selectOption("VARIABLE");
  await params.getByLabel("Param 2 value").selectOption("contact");
  await expect(url).toHaveValue("https://hooks.example.com/in?source=portal&from={{contact}}");
  await expectAccessible(page);
  await snap(page, "wizard-params");

  // Auth: API Key in a header.
  await tab(page, "Auth").click();
  const auth = panel(page, "Auth");
  await auth.getByLabel("Type", { exact: true }).selectOption({ label: "API Key" });
  await auth.getByLabel("Key", { exact: true }).fill("X-Api-Key");
  await auth.getByLabel("Value", { exact: true }).fill("sk_live_abcdef123456");
  await expect(auth.getByLabel("Add to")).toHaveValue("HEADER");
  await expect(auth.getByText("A signing secret (whsec_…) is created when you save.")).toBeVisible();
  await expectAccessible(page);
  await snap(page, "wizard-auth-api-key");

  // Headers: read-only defaults and one custom header.
  await tab(page, "Headers").click();
  const headers = panel(page, "Headers");
  await expect(headers.getByRole("row", { name: /Content-Type application\/json/ })).toBeVisible();
  await expect(headers.getByRole("row", { name: /Content-Length/ })).toBeVisible();
  await headers.getByRole("button", { name: "Add Field" }).click();
  await headers.getByLabel("Header 1 key").fill("X-Tenant");
  await headers.getByLabel("Header 1 value").fill("acme");
  await expectAccessible(page);
  await snap(page, "wizard-headers");

  // Body: the spec's predefined fields, one removed, and a nested key.
  await tab(page, "Body").click();
  const body = panel(page, "Body");
  for (const [i, key] of [
    "chatId",
    "contact",
    "event",
    "text",
    "multimedia.url",
    "multimedia.caption",
  ].entries()) {
    await expect(body.getByLabel(`Body field ${i + 1} key`)).toHaveValue(key);
  }
  await body.getByRole("button", { name: "Delete body field 6" }).click();
  await expect(body.getByLabel("Body field 6 key")).toHaveCount(0);
  await body.getByRole("button", { name: "Add Field" }).click();
  await body.getByLabel("Body field 6 key").fill("customer.name");
  await body.getByLabel("Body field 6 value").fill("Ada");
  await expectAccessible(page);
  await snap(page, "wizard-body");

  // Connections: two added from the dropdown.
  const available = page.getByLabel("Available Connections");
  await expect(page.getByRole("button", { name: "Add +" })).toBeDisabled();
  await available.selectOption({ label: "SMS – +15550100001" });
  await page.getByRole("button", { name: "Add +" }).click();
  await available.selectOption({ label: "WhatsApp – +15550100002" });
  await page.getByRole("button", { name: "Add +" }).click();
  const chosen = page.getByRole("table", { name: "Chosen connections" });
  await expect(chosen.getByRole("row")).toHaveCount(3);
  await expect(chosen).toContainText("SMS");
  await expect(chosen).toContainText("+15550100002");
  await expect(page.getByText("No connections chosen.")).toHaveCount(0);

  // The live preview is the request a sample MESSAGE would produce, secrets masked.
  const live = preview(page);
  await expect(live.getByTestId("preview-request-line")).toHaveText(
    "POSThttps://hooks.example.com/in?source=portal&from=%2B15551234567",
  );
  const shownHeaders = live.getByTestId("preview-headers");
  await expect(shownHeaders).toContainText("x-api-key: ••••••••3456");
  await expect(shownHeaders).toContainText("x-tenant: acme");
  await expect(shownHeaders).toContainText("webhook-signature: v1,••••••••");
  await expect(live).not.toContainText("sk_live_abcdef123456");
  const json = JSON.parse((await live.getByTestId("preview-body").textContent())!) as Record<string, unknown>;
  expect(json).toMatchObject({
    contact: "+15551234567",
    event: "MESSAGE",
    multimedia: { url: null },
    customer: { name: "Ada" },
  });
  expect(json).not.toHaveProperty("multimedia.caption");
  await live.getByRole("button", { name: "Copy as curl" }).click();
  await expect(live.getByRole("button", { name: "Copied" })).toBeVisible();
  await expectAccessible(page);
  await snap(page, "wizard-filled");

  // Save: the card shows alias, URL with method, Integration Id and grey connection icons.
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page).toHaveURL(/\/integrations\?saved=/);
  const id = new URL(page.url()).searchParams.get("saved")!;
  await expect(page.getByText("Saved “Orders webhook”.")).toBeVisible();
  const saved = card(page, "Orders webhook");
  await expect(saved).toContainText("POST");
  await expect(saved).toContainText("https://hooks.example.com/in?source=portal&from={{contact}}");
  await expect(saved).toContainText(id);
  await expect(saved.getByText("Inactive")).toBeVisible();
  await expectIcons(saved, false, 2);
  await expectAccessible(page);
  await snap(page, "integrations-card-inactive");

  // Secrets are stored encrypted.
  const stored = await rowOf(id);
  expect(stored.accountId).toBe(user.accountId);
  expect(JSON.stringify(stored)).not.toContain("sk_live_abcdef123456");
  expect(decryptSecret(stored.authSecret!)).toBe("sk_live_abcdef123456");

  // Start ▶: Active, icons blue; the banner says it started (no longer "Saved").
  await chooseAction(page, "Orders webhook", "Start ▶");
  await expect(saved.getByText("Active", { exact: true })).toBeVisible();
  await expect(
    page.getByText("Started “Orders webhook”: its events are delivered from now on."),
  ).toBeVisible();
  await expect(page.getByText("Saved “Orders webhook”.")).toHaveCount(0);
  await expectIcons(saved, true, 2);
  await expect.poll(async () => (await rowOf(id)).status).toBe("ACTIVE");
  await snap(page, "integrations-card-active");

  // Details: Connections Details, API Details, Try Out.
  await saved.getByRole("button", { name: "Details" }).click();
  const dialog = page.getByRole("dialog", { name: "Orders webhook" });
  await expect(tab(page, "Connections Details")).toHaveAttribute("aria-selected", "true");
  const details = dialog.getByRole("table", { name: "Connections Details" });
  await expect(details.getByRole("row", { name: /SMS \+15550100001/ })).toBeVisible();
  await expect(details.getByRole("row", { name: /WhatsApp \+15550100002/ })).toBeVisible();
  await expectAccessible(page);
  await snapDialog(page, "details-connections");
  await tab(page, "API Details").click();
  await expect(dialog).toContainText(`/api/v1/integrations/${id}/messages`);
  await expectAccessible(page);
  await snapDialog(page, "details-api");
  await tab(page, "Try Out").click();
  await expect(dialog).toContainText(`/api/v1/integrations/${id}/messages`);
  await snapDialog(page, "details-try-out");
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(dialog).toHaveCount(0);

  // Edit: every value back, the secret masked and kept unless re-typed.
  await chooseAction(page, "Orders webhook", "Edit");
  await expect(page.getByRole("heading", { name: "Edit Orders webhook", level: 1 })).toBeVisible();
  await expect(page.getByLabel("Alias")).toHaveValue("Orders webhook");
  await expect(url).toHaveValue("https://hooks.example.com/in?source=portal&from={{contact}}");
  await expect(panel(page, "Params").getByLabel("Param 2 value")).toHaveValue("contact");
  await expect(page.getByRole("table", { name: "Chosen connections" }).getByRole("row")).toHaveCount(3);
  await tab(page, "Auth").click();
  await expect(auth.getByLabel("Type", { exact: true })).toHaveValue("API_KEY");
  await expect(auth.getByLabel("Key", { exact: true })).toHaveValue("X-Api-Key");
  await expect(auth.getByLabel("Value", { exact: true })).toHaveValue("");
  await expect(auth.getByText("Stored: ••••••••3456. Leave empty to keep it")).toBeVisible();
  await expect(page.locator("body")).not.toContainText("sk_live_abcdef123456");
  await expect(preview(page).getByTestId("preview-headers")).toContainText("x-api-key: ••••••••3456");

  // The signing secret: masked, revealed on request, rotated with 24 hours of overlap.
  const secret = auth.getByTestId("signing-secret");
  await expect(secret).toHaveText(/^•{8}.{4}$/);
  const maskedBefore = await secret.textContent();
  await auth.getByRole("button", { name: "Reveal" }).click();
  await expect(secret).toHaveText(decryptSecret(stored.signingSecret));
  await expect(auth.getByRole("button", { name: "Copy" })).toBeVisible();
  await auth.getByRole("button", { name: "Rotate" }).click();
  const rotate = page.getByRole("dialog", { name: "Rotate the signing secret?" });
  await expect(rotate).toContainText("keeps signing beside it for 24 hours");
  await expectAccessible(page);
  await snapDialog(page, "wizard-rotate-dialog");
  await rotate.getByRole("button", { name: "Rotate" }).click();
  await expect(rotate).toHaveCount(0);
  await expect(secret).toHaveText(/^•{8}.{4}$/);
  await expect(secret).not.toHaveText(maskedBefore!);
  await expect(auth.getByText(/The previous secret also signs requests until/)).toBeVisible();
  await expectAccessible(page);
  await snap(page, "wizard-edit-auth");
  const rotated = await rowOf(id);
  expect(decryptSecret(rotated.previousSigningSecret!)).toBe(decryptSecret(stored.signingSecret));

  await page.getByLabel("Alias").fill("Orders webhook v2");
  await page.getByRole("button", { name: "Save" }).click();
  const edited = card(page, "Orders webhook v2");
  await expect(edited).toBeVisible();
  await expect(page.getByText("Saved “Orders webhook v2”. Changes apply to the next events.")).toBeVisible();
  await expect(edited.getByText("Active", { exact: true })).toBeVisible();
  expect(decryptSecret((await rowOf(id)).authSecret!)).toBe("sk_live_abcdef123456");

  // Delete is refused while Active: the dialog says to stop it first.
  await chooseAction(page, "Orders webhook v2", "Delete");
  const refused = page.getByRole("dialog", { name: "“Orders webhook v2” cannot be deleted yet" });
  await expect(refused).toContainText("is Active. Stop it first");
  await expect(refused.getByRole("button", { name: "Delete" })).toHaveCount(0);
  await expectAccessible(page);
  await snapDialog(page, "delete-active-refused");
  await refused.getByRole("button", { name: "Close" }).first().click();

  // Stop: Inactive, icons grey again; the banner says it stopped.
  await chooseAction(page, "Orders webhook v2", "Stop");
  await expect(edited.getByText("Inactive")).toBeVisible();
  await expect(
    page.getByText("Stopped “Orders webhook v2”: its events wait until you start it again."),
  ).toBeVisible();
  await expectIcons(edited, false, 2);
  await expect.poll(async () => (await rowOf(id)).status).toBe("INACTIVE");

  // Delete, confirmed.
  await chooseAction(page, "Orders webhook v2", "Delete");
  const confirm = page.getByRole("dialog", { name: "Delete “Orders webhook v2”?" });
  await expect(confirm).toContainText("This cannot be undone");
  await snapDialog(page, "delete-confirm");
  await confirm.getByRole("button", { name: "Delete" }).click();
  await expect(edited).toHaveCount(0);
  await expect(page.getByText("No integrations yet")).toBeVisible();
  expect(await db().select().from(integrations).where(eq(integrations.id, id))).toEqual([]);
});

test("Basic auth and GET without connections (for a Chatbot Service), then API Key in the query string", async ({
  page,
}) => {
  await accountWithConnections(page, "Basic");
  await openWizard(page);
  await page.getByLabel("Alias").fill("Chatbot relay");
  await page.getByLabel("Method").selectOption("GET");
  await page.getByLabel("URL", { exact: true }).fill("https://bot.example.com/events");

  await tab(page, "Auth").click();
  const auth = panel(page, "Auth");
  await auth.getByLabel("Type", { exact: true }).selectOption({ label: "Basic" });
  await auth.getByLabel("Username").fill("ada");
  await auth.getByLabel("Password").fill("difference-engine");
  const live = preview(page);
  await expect(live.getByTestId("preview-headers")).toContainText(/authorization: Basic .*••••••••/);
  await expect(live).not.toContainText("difference-engine");
  // GET has no body: the Body fields go into the query string.
  await expect(live).toContainText("No body: GET sends the Body fields in the query string.");
  await expect(live.getByTestId("preview-request-line")).toContainText("event=MESSAGE");
  // …and the Headers tab shows no Content-Type or Content-Length for it.
  await tab(page, "Headers").click();
  await expect(panel(page, "Headers").getByRole("row", { name: /Content-/ })).toHaveCount(0);
  await expect(panel(page, "Headers")).toContainText("No custom headers.");
  await expect(
    page.getByText("That is fine when this integration is meant for a Chatbot Service"),
  ).toBeVisible();
  await expectAccessible(page);
  await snap(page, "wizard-basic-get-no-connections");

  await page.getByRole("button", { name: "Save" }).click();
  const saved = card(page, "Chatbot relay");
  await expect(saved).toContainText("GET");
  await expect(saved).toContainText("None: for a Chatbot Service campaign");
  await saved.getByRole("button", { name: "Details" }).click();
  await expect(page.getByRole("dialog")).toContainText(
    "It is Inactive and not linked to any campaign yet: choose Start ▶",
  );
  await page.keyboard.press("Escape");

  // Switching to API Key needs its own value; the Basic password is not reused.
  await chooseAction(page, "Chatbot relay", "Edit");
  await tab(page, "Auth").click();
  await auth.getByLabel("Type", { exact: true }).selectOption({ label: "API Key" });
  await auth.getByLabel("Key", { exact: true }).fill("api_key");
  await auth.getByLabel("Add to").selectOption({ label: "Query string" });
  await page.getByRole("button", { name: "Save" }).click();
  await expect(auth.getByText("Enter the value")).toBeVisible();
  await auth.getByLabel("Value", { exact: true }).fill("qk_123456789");
  await expect(live.getByTestId("preview-request-line")).toContainText("api_key=••••••••6789");
  await snap(page, "wizard-api-key-query");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(card(page, "Chatbot relay")).toBeVisible();

  // Advanced: a maximum delivery rate, checked like every field, shown on the card and kept on Edit.
  await chooseAction(page, "Chatbot relay", "Edit");
  await page.getByText("Advanced", { exact: true }).click();
  const rate = page.getByLabel("Maximum delivery rate (requests per second)");
  await rate.fill("2.5");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Enter a whole number of requests per second")).toBeVisible();
  await rate.fill("5");
  await expectAccessible(page);
  await snap(page, "wizard-advanced-rate");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(card(page, "Chatbot relay")).toContainText("At most 5 requests per second");
  await chooseAction(page, "Chatbot relay", "Edit");
  await expect(page.getByLabel("Maximum delivery rate (requests per second)")).toHaveValue("5");
});

test("bad input shows field errors; taken connections are not offered", async ({ page }) => {
  const user = await accountWithConnections(page, "Errors");
  await createIntegration(user.accountId, {
    ...integrationFormValues(),
    alias: "Taken",
    url: "https://a.example.com",
  });
  const keyword = await createConnection(user.accountId, { channel: "SMS", code: "72345" });
  const [campaign] = await db()
    .insert(campaigns)
    .values({ accountId: user.accountId, name: "Spring sale", type: "KEYWORD", keyword: "SALE" })
    .returning();
  await db()
    .insert(campaignConnections)
    .values({ accountId: user.accountId, campaignId: campaign!.id, connectionId: keyword.id });

  await openWizard(page);
  // Nothing typed: alias and URL say what they need, and nothing is lost.
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Enter an alias to identify the Custom Webhook")).toBeVisible();
  await expect(
    page.getByText("Enter the URL of your endpoint, like https://your-domain/your-path", { exact: true }),
  ).toBeVisible();
  // The preview refuses the same URL with the same message.
  await expect(preview(page)).toContainText("No request to show: Enter the URL of your endpoint");
  await expect(page.getByText("Fix the fields marked in red, then save.")).toBeVisible();
  await expectAccessible(page);
  await snap(page, "wizard-errors-empty");

  await page.getByLabel("Alias").fill("taken");
  await page.getByLabel("URL", { exact: true }).fill("ftp://files.example.com/in");
  // (The tests' server allows http://, and the message says so.)
  const urlError = page.getByText("The URL must start with https:// or http://", { exact: true });
  await expect(urlError).toBeVisible();
  await page.getByLabel("URL", { exact: true }).fill("https://hooks.example.com/in");
  await expect(urlError).toHaveCount(0);

  // A bad header name and conflicting body keys: Save opens the first tab with an error.
  await tab(page, "Headers").click();
  const headers = panel(page, "Headers");
  await headers.getByRole("button", { name: "Add Field" }).click();
  await headers.getByLabel("Header 1 key").fill("Bad Header");
  await headers.getByLabel("Header 1 value").fill("x");
  await tab(page, "Body").click();
  const body = panel(page, "Body");
  await body.getByRole("button", { name: "Add Field" }).click();
  await body.getByLabel("Body field 7 key").fill("text.more");
  await expect(preview(page)).toContainText("2 rows with errors are left out until fixed.");
  await tab(page, "Params").click();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(tab(page, "Headers")).toHaveAttribute("aria-selected", "true");
  await expect(headers.getByText(/A header name may only use letters/)).toBeVisible();
  await expect(headers.getByLabel("Header 1 key")).toBeFocused();
  await expect(tab(page, "Body")).toContainText("(has errors)");
  await snap(page, "wizard-errors-headers");
  await tab(page, "Body").click();
  await expect(body.getByText(/"text.more" conflicts with "text"/)).toBeVisible();
  await expectAccessible(page);
  await snap(page, "wizard-errors-body");
  await body.getByRole("button", { name: "Delete body field 7" }).click();
  await tab(page, "Headers").click();
  await headers.getByLabel("Header 1 key").fill("X-Fine");

  // Bearer Token without a token.
  await tab(page, "Auth").click();
  const auth = panel(page, "Auth");
  await auth.getByLabel("Type", { exact: true }).selectOption({ label: "Bearer Token" });
  await page.getByRole("button", { name: "Save" }).click();
  await expect(auth.getByText("Enter the token")).toBeVisible();
  await auth.getByLabel("Token").fill("tok_abcdef123456");
  await expect(preview(page).getByTestId("preview-headers")).toContainText(
    "authorization: Bearer ••••••••3456",
  );

  // The connection a campaign uses is listed, disabled, with the reason.
  const campaignOption = page.getByRole("option", {
    name: "SMS – 72345 (used by the campaign “Spring sale”)",
  });
  await expect(campaignOption).toBeDisabled();
  await expect(
    page.getByText("Not available here: SMS – 72345 (used by the campaign “Spring sale”)."),
  ).toBeVisible();

  // The duplicate alias comes back from the server as a field error; everything typed stays.
  await page.getByRole("button", { name: "Save" }).click();
  await expect(
    page.getByText("You already have an integration called “taken”: choose another alias"),
  ).toBeVisible();
  await expect(page.getByLabel("Alias")).toBeFocused();
  await expect(page.getByLabel("URL", { exact: true })).toHaveValue("https://hooks.example.com/in");
  await expect(auth.getByLabel("Token")).toHaveValue("tok_abcdef123456");
  await expectAccessible(page);
  await snap(page, "wizard-errors-duplicate-alias");

  await page.getByLabel("Alias").fill("Support desk");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(card(page, "Support desk")).toBeVisible();

  // Another integration's connections are not offered either.
  await openWizard(page);
  await page.getByLabel("Available Connections").selectOption({ label: "SMS – +15550100001" });
  await page.getByRole("button", { name: "Add +" }).click();
  await page.getByLabel("Alias").fill("First owner");
  await page.getByLabel("URL", { exact: true }).fill("https://hooks.example.com/first");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(card(page, "First owner")).toBeVisible();
  await openWizard(page);
  await expect(
    page.getByRole("option", { name: "SMS – +15550100001 (used by the Custom Webhook “First owner”)" }),
  ).toBeDisabled();
  await snap(page, "wizard-connections-taken");
});

test("Stop refused by the server rolls the card back with the reason; a 410 Gone stop shows on the card", async ({
  page,
}) => {
  const user = await accountWithConnections(page, "Rollback");
  const { id } = await createIntegration(user.accountId, {
    ...integrationFormValues(),
    alias: "Bot hook",
    url: "https://bot.example.com/in",
  });
  await startIntegration(user.accountId, id);
  const { id: goneId } = await createIntegration(user.accountId, {
    ...integrationFormValues(),
    alias: "Gone hook",
    url: "https://gone.example.com/in",
  });
  await db()
    .update(integrations)
    .set({ disabledReason: "the receiver answered 410 Gone" })
    .where(eq(integrations.id, goneId));

  await page.goto("/integrations");
  const bot = card(page, "Bot hook");
  await expect(bot.getByText("Active", { exact: true })).toBeVisible();
  // A campaign goes Live after the page loaded: the card does not know yet, the server does.
  await db().insert(campaigns).values({
    accountId: user.accountId,
    name: "Support bot",
    type: "CHATBOT",
    status: "LIVE",
    integrationId: id,
  });
  await chooseAction(page, "Bot hook", "Stop");
  // The server refuses; the card learns of the campaign and shows the spec's "Invalid action" dialog.
  const refusal = page.getByRole("dialog", { name: "Invalid action" });
  await expect(refusal).toContainText("cannot be stopped while Live campaigns use it");
  await expect(refusal.getByRole("list", { name: "Campaigns to pause" })).toContainText("Support bot");
  await expect(bot.getByText("Active", { exact: true })).toBeVisible();
  await expectAccessible(page);
  await snapDialog(page, "stop-refused");
  await refusal.getByRole("button", { name: "OK" }).click();
  expect((await rowOf(id)).status).toBe("ACTIVE");

  const gone = card(page, "Gone hook");
  await expect(gone).toContainText("Deliveries stopped: the receiver answered 410 Gone");
  await snap(page, "card-410-gone");
  await chooseAction(page, "Gone hook", "Start ▶");
  await expect(gone.getByText("Active", { exact: true })).toBeVisible();
  await expect(gone).not.toContainText("Deliveries stopped");
  await expect.poll(async () => (await rowOf(goneId)).disabledReason).toBeNull();

  // Another account cannot open this account's integration in the wizard.
  const other = await createTestAccount("Other");
  const { id: foreignId } = await createIntegration(other.accountId, {
    ...integrationFormValues(),
    alias: "Not yours",
    url: "https://other.example.com/in",
  });
  const response = await page.goto(`/integrations/${foreignId}/edit`);
  expect(response?.status()).toBe(404);
  await expect(page.getByText("Not yours")).toHaveCount(0);
});

test("an endpoint the circuit breaker marked Failing shows it on the card and in Details, with the last error and the next probe", async ({
  page,
}) => {
  const user = await accountWithConnections(page, "Failing");
  const { id } = await createIntegration(user.accountId, {
    ...integrationFormValues(),
    alias: "Flaky hook",
    url: "https://flaky.example.com/in",
  });
  await startIntegration(user.accountId, id);
  // What the workers write after a run of failures (lib/webhooks/health.ts).
  const since = new Date(Date.now() - 5 * 60_000);
  await db()
    .insert(integrationHealth)
    .values({
      integrationId: id,
      failureStreak: 25,
      streakStartedAt: new Date(since.getTime() - 3 * 60_000),
      lastError: "HTTP 503",
      lastFailureAt: since,
      failingSince: since,
      probes: 2,
      heldUntil: new Date(Date.now() + 40_000),
    });

  await page.goto("/integrations");
  const flaky = card(page, "Flaky hook");
  await expect(flaky.getByText("Failing", { exact: true }).first()).toBeVisible();
  const notice = flaky.getByRole("status");
  await expect(notice).toContainText("HTTP 503");
  await expect(notice).toContainText("next probe");
  await expect(notice).toContainText("The first success resumes delivery");
  await expectAccessible(page);
  await snap(page, "card-failing");

  await flaky.getByRole("button", { name: "Details" }).click();
  const details = page.getByRole("dialog", { name: "Flaky hook" });
  await expect(details.getByRole("status")).toContainText("Failing");
  await expect(details.getByRole("status")).toContainText("HTTP 503");
  await expectAccessible(page);
  await snapDialog(page, "details-failing");
  await page.keyboard.press("Escape");

  // It answers again: the workers delete the row, and the card is Active once more.
  await db().delete(integrationHealth).where(eq(integrationHealth.integrationId, id));
  await page.reload();
  await expect(flaky.getByText("Active", { exact: true })).toBeVisible();
  await expect(flaky.getByRole("status")).toHaveCount(0);
});
