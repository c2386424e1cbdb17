import { expect, test, type Locator, type Page } from "@playwright/test";

import { createApiKey } from "@/lib/data/api-keys";
import { createCampaign, goLive } from "@/lib/data/campaigns";
import { createConnection } from "@/lib/data/connections";
import { createIntegration, startIntegration } from "@/lib/data/integrations";
import { createReceivingIntegration } from "@/lib/testing/deliveries";
import type { TestReceiver } from "@/lib/testing/receiver";
import { integrationFormValues } from "@/lib/validation/integration";
import { ingestInbound } from "@/lib/webhooks/ingest";

import { createTestAccount, expectAccessible, signIn } from "./helpers";

// Every page of the portal, at a desktop, a small laptop and a phone width: no horizontal scrolling of
// the document, no serious accessibility violation, and a screenshot of each for people to look at.

const WIDTHS = [1440, 1024, 390] as const;

const receivers: TestReceiver[] = [];
test.afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
});

/** An account with something on every page: connections, two integrations, chats, deliveries, campaigns. */
async function seed() {
  const user = await createTestAccount("Responsive");
  const hook = await createReceivingIntegration(user, { alias: "Order updates to the fulfilment service" });
  receivers.push(hook.receiver);
  const whatsapp = await createConnection(user.accountId, { channel: "WHATSAPP", code: "+15550701002" });
  const sms = await createConnection(user.accountId, { channel: "SMS", code: "72345" });
  await createConnection(user.accountId, { channel: "SMS", code: "+15550701004" });

  // A Custom Webhook without connections, serving a Live Chatbot Service campaign.
  const bot = await createIntegration(user.accountId, {
    ...integrationFormValues(),
    alias: "Support bot relay",
    url: "https://bot.example.com/events/incoming?source=portal",
    params: [{ key: "source", value: "portal", type: "TEXT" }],
    headers: [{ key: "X-Tenant", value: "acme", type: "TEXT" }],
  });
  await startIntegration(user.accountId, bot.id);
  const chatbot = await createCampaign(user.accountId, {
    type: "CHATBOT",
    name: "Support chatbot for every WhatsApp customer",
    connectionIds: [whatsapp.id],
    integrationId: bot.id,
  });
  await goLive(user.accountId, chatbot.id);
  const keyword = await createCampaign(user.accountId, {
    type: "KEYWORD",
    name: "Spring sale",
    connectionIds: [sms.id],
    keyword: "SALE",
    autoReply: "Thanks! Show this message in store for 10% off everything until Sunday.",
  });

  await createApiKey(user.accountId, "Helpdesk integration");

  const first = await ingestInbound({
    connectionId: hook.connection.id,
    from: "+15550709001",
    text: "Hello, where is my order #4411? It was due yesterday and the tracking page says nothing.",
  });
  await ingestInbound({ connectionId: hook.connection.id, from: "+15550709002", text: "Thanks!" });
  await ingestInbound({ connectionId: whatsapp.id, from: "+15550709003", text: "I need help" });
  return {
    user,
    hookId: hook.integrationId,
    hookConnectionId: hook.connection.id,
    chatId: first.chatId,
    keyword,
  };
}

async function expectNoHorizontalOverflow(page: Page, name: string) {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  expect.soft(scrollWidth, `${name}: the document is wider than the window`).toBeLessThanOrEqual(clientWidth);
}

/**
 * The Key / Value / Type rows read well: each select shows its whole choice ("Variable", not
 * "Variabl"), keys and values are typed in one font and size, and no single word (like "Read-only")
 * breaks over two lines in a cramped column.
 */
async function expectRowsReadable(table: Locator, name: string) {
  const problems = await table.evaluate((element) => {
    const found: string[] = [];
    const canvas = document.createElement("canvas").getContext("2d")!;
    for (const select of Array.from(element.querySelectorAll("select"))) {
      const style = getComputedStyle(select);
      canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const text = select.selectedOptions[0]?.text ?? "";
      const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20; // the arrow
      if (canvas.measureText(text).width > room) found.push(`"${text}" is cut off in ${select.ariaLabel}`);
    }
    for (const row of Array.from(element.querySelectorAll("tbody tr"))) {
      const inputs = Array.from(row.querySelectorAll("input"));
      const fonts = new Set(
        inputs.map((i) => `${getComputedStyle(i).fontSize} ${getComputedStyle(i).fontFamily}`),
      );
      if (fonts.size > 1) found.push(`key and value differ in font: ${[...fonts].join(" / ")}`);
    }
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const word = node.textContent?.trim() ?? "";
      const parent = node.parentElement!;
      // Visually hidden text (1 px wide, for screen readers) wraps by design.
      if (!word || /\s/.test(word) || parent.getBoundingClientRect().width <= 1) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const lines = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)));
      if (lines.size > 1) found.push(`"${word}" breaks over ${lines.size} lines`);
    }
    return found;
  });
  expect.soft(problems, `${name}: rows that do not read well`).toEqual([]);
}

for (const width of WIDTHS) {
  test(`every page works at ${width} px`, async ({ page }) => {
    test.setTimeout(240_000);
    await page.setViewportSize({ width, height: width < 600 ? 844 : 900 });

    /** Checks the page as it is now and saves its screenshot (the viewport only for dialogs). */
    const check = async (name: string, { fullPage = true }: { fullPage?: boolean } = {}) => {
      await page.waitForLoadState("networkidle");
      await expectNoHorizontalOverflow(page, name);
      await expectAccessible(page, { soft: true });
      await page.screenshot({ path: `e2e/screenshots/responsive-${width}-${name}.png`, fullPage });
    };
    const visit = async (path: string, heading: string | RegExp, name: string) => {
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
      await check(name);
    };
    /** The main navigation: a menu button opens it on a phone. */
    const nav = async (): Promise<Locator> => {
      const main = page.getByRole("navigation", { name: "Main" });
      if (width < 1024) {
        const menu = page.getByRole("button", { name: "Menu" });
        await expect(menu).toHaveAttribute("aria-expanded", "false");
        await menu.click();
        await expect(menu).toHaveAttribute("aria-expanded", "true");
      }
      await expect(main.getByRole("link", { name: "Integrations" })).toBeVisible();
      return main;
    };

    const { user, hookId, chatId, keyword } = await seed();

    await page.goto("/login");
    await check("sign-in");
    await page.goto("/signup");
    await check("sign-up");
    await signIn(page, user.email, user.password);
    await check("integrations");

    // The navigation: on a phone it is behind the menu button, and opening it shows every link.
    const main = await nav();
    if (width < 1024) await check("navigation-open", { fullPage: false });
    await main.getByRole("link", { name: "Connections" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Connections" })).toBeVisible();
    if (width < 1024) await expect(main.getByRole("link", { name: "Integrations" })).toBeHidden();
    await check("connections");
    await page.getByRole("button", { name: "Remove SMS 72345" }).click();
    await expect(page.getByRole("alertdialog", { name: "Remove SMS – 72345?" })).toBeVisible();
    await check("connection-remove-confirm", { fullPage: false });
    await page.keyboard.press("Escape");
    await page.getByRole("link", { name: /Provider of SMS – 72345/ }).click();
    await expect(page.getByRole("heading", { level: 1, name: "SMS – 72345" })).toBeVisible();
    await check("connection-provider");

    await visit("/integrations?tab=add", "Integrations", "integration-types");

    // The Details dialog of the integration with connections, each tab.
    await page.goto("/integrations");
    const card = page.getByRole("article", { name: "Order updates to the fulfilment service" });
    await card.getByRole("button", { name: "Details" }).click();
    const details = page.getByRole("dialog", { name: "Order updates to the fulfilment service" });
    for (const tab of ["Connections Details", "API Details", "Try Out", "Deliveries"]) {
      await details.getByRole("tab", { name: tab }).click();
      await expect(details.getByRole("tab", { name: tab })).toHaveAttribute("aria-selected", "true");
      if (tab === "Deliveries")
        await expect(details.getByRole("table", { name: "Deliveries", exact: true })).toBeVisible();
      await check(`details-${tab.toLowerCase().replace(/ /g, "-")}`, { fullPage: false });
    }
    await page.keyboard.press("Escape");

    // The other dialogs of the cards: Campaigns, Stop refused, Delete refused.
    const bot = page.getByRole("article", { name: "Support bot relay" });
    await bot.getByRole("button", { name: "Campaigns" }).click();
    await expect(page.getByRole("table", { name: "Linked campaigns" })).toBeVisible();
    await check("card-campaigns", { fullPage: false });
    await page.keyboard.press("Escape");
    await bot.getByRole("button", { name: "Actions" }).click();
    await page.getByRole("menuitem", { name: "Stop" }).click();
    await expect(page.getByRole("dialog", { name: "Invalid action" })).toBeVisible();
    await check("card-stop-refused", { fullPage: false });
    await page.keyboard.press("Escape");
    await card.getByRole("button", { name: "Actions" }).click();
    await check("card-actions-menu", { fullPage: false });
    await page.getByRole("menuitem", { name: "Delete" }).click();
    await expect(page.getByRole("dialog", { name: /cannot be deleted yet/ })).toBeVisible();
    await check("card-delete-refused", { fullPage: false });
    await page.keyboard.press("Escape");

    // The wizard, new and edit, each tab.
    for (const [path, name] of [
      ["/integrations/new", "wizard-new"],
      [`/integrations/${hookId}/edit`, "wizard-edit"],
    ] as const) {
      await page.goto(path);
      await expect(page.getByLabel("Alias")).toBeVisible();
      if (name === "wizard-new") {
        await page
          .getByLabel("URL", { exact: true })
          .fill("https://hooks.example.com/chat-events?source=portal");
        await page.getByRole("button", { name: "Add Field" }).first().click();
        await page.getByLabel("Param 2 key").fill("from");
        await page.getByLabel("Param 2 type").selectOption("VARIABLE");
        await page.getByLabel("Param 2 value").selectOption("contact");
      }
      for (const tab of ["Params", "Auth", "Headers", "Body"]) {
        await page.getByRole("tab", { name: tab }).click();
        const rows = page.getByRole("tabpanel", { name: tab }).getByRole("table");
        if (tab !== "Auth") await expectRowsReadable(rows, `${name} ${tab}`);
        await check(`${name}-${tab.toLowerCase()}`);
      }
    }
    // Errors on stacked or cramped rows: a duplicate body key and a bad header name.
    await page.getByRole("tab", { name: "Body" }).click();
    await page.getByRole("button", { name: "Add Field" }).click();
    await page.getByLabel("Body field 7 key").fill("chatId");
    await page.getByRole("tab", { name: "Headers" }).click();
    await page.getByRole("button", { name: "Add Field" }).click();
    await page.getByLabel("Header 1 key").fill("Bad Header");
    await page.getByLabel("URL", { exact: true }).fill("");
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByText(/header name may only use/)).toBeVisible();
    await check("wizard-errors-headers");
    await page.getByRole("tab", { name: "Body" }).click();
    await expect(
      page.getByText('"chatId" is a duplicate key: it is already set in another row'),
    ).toBeVisible();
    await check("wizard-errors-body");

    await visit(`/integrations/${hookId}/deliveries`, /Deliveries/, "deliveries");
    await page.getByRole("button", { name: "View attempts" }).first().click();
    await expect(page.getByRole("article", { name: "Attempt 1" })).toBeVisible();
    await check("delivery-attempts", { fullPage: false });
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: "Replay failed" }).click();
    await expect(page.getByRole("dialog", { name: /Replay failed/ })).toBeVisible();
    await check("replay-failed", { fullPage: false });
    await page.keyboard.press("Escape");

    await visit("/chats", "Chats", "chats");
    await visit(`/chats?chat=${chatId}`, "Chats", "chat-open");
    await expect(page.getByRole("region", { name: "Chat with +15550709001" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Send as contact" })).toBeVisible();

    await visit("/campaigns", "Campaigns", "campaigns");
    await visit("/campaigns/new", /campaign/i, "campaign-new");
    await visit(`/campaigns/${keyword.id}`, "Spring sale", "campaign-report");
    await visit(`/campaigns/${keyword.id}/edit`, /Spring sale/, "campaign-edit");
    await visit("/settings", "Settings", "settings");
  });
}
