// Property-based fuzzing of the server actions that take user input (app/(app)/**/actions.ts), called
// in-process as the signed-in owner against the real database. A server action receives whatever a
// client posts (React's reply encoding carries Date, BigInt, Map, Set, NaN… besides JSON), so every field
// gets: text with a NUL or a lone surrogate, values of the wrong type, oversized text, and dates out of
// range. Properties: the answer is `{ ok }` (never a throw); a refusal names the field
// (`{ ok: false, fieldErrors }`), never the generic "Something went wrong on our side"; a refusal writes
// no row. Unstorable text may also be accepted, if it is made storable (a NUL dropped, say).
import { randomUUID } from "node:crypto";

import { eq } from "drizzle-orm";
import type * as NextCache from "next/cache";
import fc from "fast-check";
import { describe, it, vi } from "vitest";

import { db } from "@/db";
import { connections } from "@/db/schema";
import { createCampaign } from "@/lib/data/campaigns";
import { createConnection } from "@/lib/data/connections";
import { createApiKey } from "@/lib/data/api-keys";
import { createIntegration, startIntegration } from "@/lib/data/integrations";
import { createTestAccount } from "@/lib/testing/accounts";
import {
  accountRows,
  badId,
  callAction,
  expectClearActionAnswer,
  expectFieldRefusal,
  expectNoPrototypePollution,
  expectNothingWritten,
  fuzzRuns,
  NOT_A_DATE,
  OUT_OF_RANGE_ISO,
  oversizedText,
  show,
  unstorableText,
  withField,
  withLoneSurrogate,
  withNul,
  wrongActionType,
  type ActionAnswer,
} from "@/lib/testing/fuzz";
import { isUuid } from "@/lib/validation/ids";
import { integrationFormValues } from "@/lib/validation/integration";
import { ingestInbound } from "@/lib/webhooks/ingest";

import {
  createCampaignAction,
  deleteCampaignAction,
  goLiveAction,
  pauseCampaignAction,
  updateCampaignAction,
} from "./campaigns/actions";
import { closeChatAction, sendAsContactAction } from "./chats/actions";
import {
  addConnectionAction,
  removeConnectionAction,
  saveProviderSettingsAction,
} from "./connections/actions";
import {
  replayFailedAction,
  resendDeliveryAction,
  sendTestEventAction,
} from "./integrations/[id]/deliveries/actions";
import {
  deleteIntegrationAction,
  revealSigningSecretAction,
  rotateSigningSecretAction,
  saveIntegrationAction,
  startIntegrationAction,
  stopIntegrationAction,
} from "./integrations/actions";
import { createApiKeyAction, revokeApiKeyAction } from "./settings/actions";

// The signed-in user of every action, without a Next.js request around the test.
const session = vi.hoisted(() => ({ userId: "", accountId: "", email: "", name: "" }));
vi.mock("@/lib/auth", () => ({ auth: async () => null, requireSession: async () => session }));
// Outside a request there is no page cache to revalidate.
vi.mock("next/cache", async (importOriginal) => ({
  ...(await importOriginal<typeof NextCache>()),
  revalidatePath: () => undefined,
  revalidateTag: () => undefined,
}));

const owner = await createTestAccount("Fuzz actions");
Object.assign(session, {
  userId: owner.id,
  accountId: owner.accountId,
  email: owner.email,
  name: owner.name,
});
const accountId = owner.accountId;

// The simulator's connection feeds an Active integration (so a message would queue a delivery; no worker
// runs here); campaigns get a connection of their own, since a connection serves one or the other.
const simConnection = await createConnection(accountId, { channel: "SMS", code: "+15550102000" });
const campaignConnection = await createConnection(accountId, { channel: "SMS", code: "+15550102001" });
const twilioConnection = await createConnection(accountId, { channel: "SMS", code: "+15550102002" });
const whatsappConnection = await createConnection(accountId, { channel: "WHATSAPP", code: "+15550102003" });
const { id: integrationId } = await createIntegration(accountId, {
  ...integrationFormValues(),
  alias: "Fuzz target",
  url: "https://hooks.example.com/in",
  connectionIds: [simConnection.id],
});
// A Chatbot Service campaign links an Active integration without connections.
const { id: botIntegrationId } = await createIntegration(accountId, {
  ...integrationFormValues(),
  alias: "Fuzz bot",
  url: "https://hooks.example.com/bot",
});
await startIntegration(accountId, botIntegrationId);
const { chatId } = await ingestInbound({ connectionId: simConnection.id, from: "+15550102099", text: "hi" });
const campaign = await createCampaign(accountId, {
  type: "KEYWORD",
  name: "Fuzz campaign",
  connectionIds: [campaignConnection.id],
  keyword: "FUZZ",
  autoReply: "Thanks",
});
await createApiKey(accountId, "existing");

type Action = (input: never) => Promise<unknown>;

/**
 * Calls `action` with `input`, whose `field` holds a hostile value, and checks the action properties;
 * `check` may look at more rows than the counts (an update in place).
 */
async function probe(
  name: string,
  action: Action,
  input: unknown,
  field: string,
  { mayAccept, snapshot }: { mayAccept: boolean; snapshot?: () => Promise<unknown> },
) {
  const before = await accountRows(accountId);
  const state = snapshot && JSON.stringify(await snapshot());
  const answer = await callAction(() => action(input as never));
  const context = `${name}(${field} = ${show(fieldValue(input, field))})`;
  expectFieldRefusal(answer, field, context, { mayAccept });
  expectNoPrototypePollution(context);
  if (!(answer as ActionAnswer).ok) {
    await expectNothingWritten(accountId, before, context);
    if (snapshot && JSON.stringify(await snapshot()) !== state)
      throw new Error(`${context}: a refusal changed the row`);
  }
}

const fieldValue = (input: unknown, path: string) =>
  path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], input);

/** The classes every text field gets, each its own property so a failure names its class. */
const TEXT_CLASSES = [
  { klass: "a NUL byte", values: withNul, mayAccept: true },
  { klass: "a lone UTF-16 surrogate", values: withLoneSurrogate, mayAccept: true },
  {
    klass: "a value of the wrong type (number, array, object, Date, BigInt, Map, __proto__…)",
    // Left out (undefined) is a missing field, which optional fields accept; [] is a valid empty list.
    values: wrongActionType.filter((v) => v !== undefined && !(Array.isArray(v) && v.length === 0)),
    mayAccept: false,
  },
  { klass: "oversized text (5 KB to 1 MB)", values: oversizedText, mayAccept: false },
] as const;

interface Form {
  name: string;
  action: Action;
  /** A valid input (fresh each call: unique names, so an accepted one never collides with the last). */
  valid: () => unknown;
  /** The fields a user types into. */
  fields: readonly string[];
  /** Fields where unstorable text is never acceptable (ids, enums, numbers). */
  strict?: readonly string[];
  /** Fields that must be shorter than 5 KB (oversized text is refused); the rest may take it. */
  long?: readonly string[];
  snapshot?: () => Promise<unknown>;
  runs?: number;
  /** A generated value that is in fact valid for the field (skipped: it tests nothing). */
  isValid?: (field: string, value: unknown) => boolean;
}

const unique = () => randomUUID().slice(0, 8);
const connectionRow = (id: string) => async () =>
  (await db().select().from(connections).where(eq(connections.id, id)))[0];

const FORMS: Form[] = [
  {
    name: "createApiKeyAction (Settings → API keys: Name)",
    action: createApiKeyAction,
    valid: () => ({ name: `key ${unique()}` }),
    fields: ["name"],
  },
  {
    name: "saveIntegrationAction (the Custom Webhook wizard: new)",
    action: saveIntegrationAction,
    valid: () => ({
      id: null,
      values: {
        ...integrationFormValues(),
        alias: `Hook ${unique()}`,
        url: "https://hooks.example.com/orders?source=portal",
        params: [{ key: "source", value: "portal", type: "TEXT" }],
        headers: [{ key: "X-Team", value: "support", type: "TEXT" }],
        auth: {
          type: "API_KEY",
          keyName: "X-Api-Key",
          placement: "HEADER",
          username: "",
          secret: "s3cret-value",
        },
      },
    }),
    fields: [
      "values.alias",
      "values.url",
      "values.method",
      "values.params.0.key",
      "values.params.0.value",
      "values.params.0.type",
      "values.headers.0.key",
      "values.headers.0.value",
      "values.body.0.key",
      "values.body.3.value",
      "values.body.5.key",
      "values.auth.keyName",
      "values.auth.secret",
      "values.auth.type",
      "values.auth.placement",
      "values.connectionIds",
      "values.params",
      "values.headers",
      "values.body",
      "values.auth",
    ],
    strict: [
      "values.method",
      "values.params.0.type",
      "values.auth.type",
      "values.auth.placement",
      "values.body.3.value",
    ],
    runs: 100,
  },
  {
    name: "saveIntegrationAction (the wizard: Edit, Basic auth)",
    action: saveIntegrationAction,
    valid: () => ({
      id: integrationId,
      values: {
        ...integrationFormValues(),
        alias: `Fuzz target ${unique()}`,
        url: "https://hooks.example.com/in",
        auth: { type: "BASIC", keyName: "", placement: "HEADER", username: "support", secret: "pa55word" },
        connectionIds: [simConnection.id],
      },
    }),
    fields: [
      "values.alias",
      "values.url",
      "values.auth.username",
      "values.auth.secret",
      "values.connectionIds.0",
      "id",
    ],
    strict: ["values.connectionIds.0", "id"],
    // A null id saves a new integration.
    isValid: (field, value) => field === "id" && value === null,
  },
  {
    name: "createCampaignAction (Keyword campaign)",
    action: createCampaignAction,
    valid: () => ({
      type: "KEYWORD",
      name: `Campaign ${unique()}`,
      connectionIds: [campaignConnection.id],
      keyword: `K${unique()}`,
      autoReply: "Thanks, we got it",
    }),
    fields: ["name", "keyword", "autoReply", "type", "connectionIds", "connectionIds.0"],
    strict: ["type", "connectionIds.0", "keyword"],
  },
  {
    name: "createCampaignAction (Chatbot Service campaign)",
    action: createCampaignAction,
    valid: () => ({
      type: "CHATBOT",
      name: `Bot ${unique()}`,
      connectionIds: [campaignConnection.id],
      integrationId: botIntegrationId,
    }),
    fields: ["name", "integrationId"],
    strict: ["integrationId"],
  },
  {
    name: "updateCampaignAction (Edit a Draft campaign)",
    action: updateCampaignAction,
    valid: () => ({
      id: campaign.id,
      type: "KEYWORD",
      name: `Campaign ${unique()}`,
      connectionIds: [campaignConnection.id],
      keyword: `K${unique()}`,
      autoReply: "Thanks again",
    }),
    fields: ["id", "name", "keyword", "autoReply"],
    strict: ["id", "keyword"],
  },
  {
    name: "sendAsContactAction (the Chats simulator)",
    action: sendAsContactAction,
    valid: () => ({
      connectionId: simConnection.id,
      from: "+15550102020",
      text: "Where is my order?",
      imageUrl: "https://cdn.example.com/receipt.png",
      caption: "my receipt",
    }),
    fields: ["connectionId", "from", "text", "imageUrl", "caption"],
    strict: ["connectionId", "from"],
  },
  {
    name: "addConnectionAction (Connections → Add a connection)",
    action: addConnectionAction,
    valid: () => ({
      channel: "SMS",
      code: `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`,
    }),
    fields: ["channel", "code"],
    strict: ["channel", "code"],
  },
  {
    name: "saveProviderSettingsAction (Connections → Provider: Twilio)",
    action: saveProviderSettingsAction,
    valid: () => ({
      connectionId: twilioConnection.id,
      provider: "TWILIO",
      accountSid: `AC${"0123456789abcdef".repeat(2)}`,
      authToken: "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
      webhookUrl: "https://portal.example.com/api/channels/twilio/x",
      phoneNumberId: "",
      accessToken: "",
      appSecret: "",
      verifyToken: "",
    }),
    fields: ["connectionId", "provider", "accountSid", "authToken", "webhookUrl"],
    strict: ["connectionId", "provider", "accountSid"],
    snapshot: connectionRow(twilioConnection.id),
  },
  {
    name: "saveProviderSettingsAction (Connections → Provider: WhatsApp Cloud API)",
    action: saveProviderSettingsAction,
    valid: () => ({
      connectionId: whatsappConnection.id,
      provider: "WHATSAPP_CLOUD",
      accountSid: "",
      authToken: "",
      webhookUrl: "",
      phoneNumberId: "106540352242922",
      accessToken: "EAAJBaccess0123456789abcdef",
      appSecret: "app-secret-0123456789",
      verifyToken: "verify-token-1",
    }),
    fields: ["phoneNumberId", "accessToken", "appSecret", "verifyToken"],
    strict: ["phoneNumberId"],
    snapshot: connectionRow(whatsappConnection.id),
  },
  {
    name: "replayFailedAction (Deliveries → Replay failed)",
    action: replayFailedAction,
    valid: () => ({ integrationId, from: "2026-01-01T00:00:00.000Z", to: new Date().toISOString() }),
    fields: ["integrationId", "from", "to", "chatId"],
    strict: ["integrationId", "from", "to", "chatId"],
  },
];

for (const form of FORMS) {
  describe(form.name, () => {
    for (const { klass, values, mayAccept } of TEXT_CLASSES) {
      it(`${klass} in one field: { ok: false, fieldErrors } naming the field${mayAccept ? " (or accepted)" : ""}, never the generic error; nothing written`, async () => {
        await fc.assert(
          fc.asyncProperty(fc.constantFrom(...form.fields), values, async (field, value) => {
            if (form.isValid?.(field, value)) return;
            // Oversized text is refused only where a limit applies; secrets and tokens are bounded too.
            const accept = mayAccept && !form.strict?.includes(field);
            await probe(form.name, form.action, withField(form.valid(), field, value), field, {
              mayAccept: klass.startsWith("oversized") ? false : accept,
              snapshot: form.snapshot,
            });
          }),
          fuzzRuns(form.runs ?? 50),
        );
      });
    }

    it("anything at all as the whole input: a clear answer, never a throw or the generic error", async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(wrongActionType, unstorableText), async (input) => {
          const before = await accountRows(accountId);
          const answer = await callAction(() => form.action(input as never));
          const context = `${form.name}(${show(input)})`;
          expectClearActionAnswer(answer, context);
          if (!(answer as ActionAnswer).ok) await expectNothingWritten(accountId, before, context);
        }),
        fuzzRuns(15),
      );
    });
  });
}

const notADate = fc.oneof(
  fc.constantFrom(...NOT_A_DATE),
  unstorableText,
  wrongActionType.filter((v) => v !== undefined),
);

describe("replayFailedAction: dates out of range", () => {
  it("from / to of year 0000 or year 10000: a field error on that date, nothing replayed", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("from", "to"),
        fc.constantFrom(...OUT_OF_RANGE_ISO),
        async (field, date) => {
          const input = field === "from" ? { integrationId, from: date } : { integrationId, to: date };
          await probe("replayFailedAction", replayFailedAction, input, field, { mayAccept: false });
        },
      ),
      fuzzRuns(14),
    );
  });

  it("from / to that are no date at all (NaN, -1, 1e309, +010000-…, month 13): a field error on that date", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("from", "to"), notADate, async (field, date) => {
        await probe("replayFailedAction", replayFailedAction, { integrationId, [field]: date }, field, {
          mayAccept: false,
        });
      }),
      fuzzRuns(60),
    );
  });
});

// Actions that take only an id: a malformed one names the field, an unknown one is "not found".
const BY_ID: { name: string; action: Action; field: string }[] = [
  { name: "startIntegrationAction", action: startIntegrationAction, field: "id" },
  { name: "stopIntegrationAction", action: stopIntegrationAction, field: "id" },
  { name: "deleteIntegrationAction", action: deleteIntegrationAction, field: "id" },
  { name: "revealSigningSecretAction", action: revealSigningSecretAction, field: "id" },
  { name: "rotateSigningSecretAction", action: rotateSigningSecretAction, field: "id" },
  { name: "goLiveAction", action: goLiveAction, field: "id" },
  { name: "pauseCampaignAction", action: pauseCampaignAction, field: "id" },
  { name: "deleteCampaignAction", action: deleteCampaignAction, field: "id" },
  { name: "revokeApiKeyAction", action: revokeApiKeyAction, field: "id" },
  { name: "removeConnectionAction", action: removeConnectionAction, field: "id" },
  { name: "closeChatAction", action: closeChatAction, field: "chatId" },
  { name: "resendDeliveryAction", action: resendDeliveryAction, field: "deliveryId" },
  { name: "sendTestEventAction", action: sendTestEventAction, field: "integrationId" },
];

describe("actions that take an id", () => {
  it("a malformed id: a field error on it; an unknown one: a clear refusal; never the generic error; nothing written", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...BY_ID),
        fc.oneof(badId, wrongActionType, fc.uuid({ version: 4 })),
        async ({ name, action, field }, id) => {
          const before = await accountRows(accountId);
          const answer = await callAction(() => action({ [field]: id } as never));
          const context = `${name}({ ${field}: ${show(id)} })`;
          expectClearActionAnswer(answer, context);
          // A well-formed id of nothing (the nil UUID too) is "not found", not a field error.
          if (!isUuid(id)) expectFieldRefusal(answer, field, context);
          if (!(answer as ActionAnswer).ok) await expectNothingWritten(accountId, before, context);
        },
      ),
      fuzzRuns(120),
    );
  });

  it("still leaves the account's chat open (no id above matched a real one)", async () => {
    const { getChat } = await import("@/lib/data/chats");
    const chat = await getChat(accountId, chatId);
    if (chat?.status !== "OPEN") throw new Error(`the chat is ${chat?.status}`);
  });
});
