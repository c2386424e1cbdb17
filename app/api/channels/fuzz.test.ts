// Property-based fuzzing of the provider webhooks (app/api/channels/twilio, app/api/channels/whatsapp),
// called in-process against the real database. Requests are signed with the connection's own secrets,
// as Twilio and Meta sign them, so the adapters' parsing is reached. Properties: never a 5xx (a provider
// retries a 5xx for days); a refusal (4xx), or a webhook that carried nothing it could store, leaves a
// logged reason; a refused webhook writes no row.
import { eq } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeEach, describe, it, vi } from "vitest";

import { fakeTwilioSid, startFakeTwilio, twilioInboundParams } from "@/lib/channels/testing/fake-twilio";
import {
  startFakeWhatsApp,
  waImage,
  waText,
  whatsappVerificationRequest,
  whatsappWebhookPayload,
  whatsappWebhookRequest,
} from "@/lib/channels/testing/fake-whatsapp";
import { db } from "@/db";
import { chats } from "@/db/schema";
import { publicRequestUrl } from "@/lib/channels/public-url";
import { twilioSignature } from "@/lib/channels/twilio";
import { createConnection, setConnectionProvider } from "@/lib/data/connections";
import { E164 } from "@/lib/validation/connection";
import { log } from "@/lib/log";
import { createTestAccount } from "@/lib/testing/accounts";
import {
  accountRows,
  badId,
  callRoute,
  corruptedField,
  describeAnswer,
  expectNoPrototypePollution,
  fuzzRuns,
  invalidJsonText,
  junkJson,
  queryValue,
  show,
  unstorableText,
  withField,
  withLoneSurrogate,
  withNul,
  wrongContentType,
  wrongJsonType,
  type Answer,
  type RowCounts,
} from "@/lib/testing/fuzz";
import { createTestIntegration } from "@/lib/testing/integrations";

import { POST as twilioRoute } from "./twilio/[connectionId]/route";
import { GET as whatsappHandshake, POST as whatsappRoute } from "./whatsapp/[connectionId]/route";

// --------------------------------------------------------------------------------------------- set-up

const ACCOUNT_SID = fakeTwilioSid("AC");
const AUTH_TOKEN = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
const WA = {
  phoneNumberId: "106540352242922",
  accessToken: "EAAJBaccess0123456789abcdef",
  appSecret: "app-secret-0123456789",
  verifyToken: "verify-token-1",
};
// Media ids the fake Graph API resolves (older webhooks carry only an id); the fuzz uses only these.
const MEDIA_IDS = ["1013859600285441", "media-2"];

// Both connections talk to local fakes, never to Twilio or Meta.
const fakeTwilio = await startFakeTwilio({ [ACCOUNT_SID]: AUTH_TOKEN });
const fakeWhatsApp = await startFakeWhatsApp(WA);
for (const id of MEDIA_IDS) fakeWhatsApp.addMedia(id);
afterAll(async () => {
  await fakeTwilio.close();
  await fakeWhatsApp.close();
});

const { accountId } = await createTestAccount("Fuzz hooks");
const sms = await createConnection(accountId, { channel: "SMS", code: "+15557654321" });
await setConnectionProvider(
  accountId,
  sms.id,
  { provider: "TWILIO", accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN },
  { apiBaseUrl: fakeTwilio.url },
);
const wa = await createConnection(accountId, { channel: "WHATSAPP", code: "+15550783881" });
await setConnectionProvider(
  accountId,
  wa.id,
  { provider: "WHATSAPP_CLOUD", ...WA },
  { apiBaseUrl: fakeWhatsApp.url },
);
// An Active integration on both, so an accepted message also queues a delivery (no worker sends it).
await createTestIntegration(accountId, {
  url: "https://receiver.example.com/hook",
  connectionIds: [sms.id, wa.id],
});

const twilioPath = `/api/channels/twilio/${sms.id}`;
const whatsappPath = `/api/channels/whatsapp/${wa.id}`;
// The URL the route checks signatures against, as a request without proxy headers resolves it.
const urlFor = (path: string) => publicRequestUrl(new Request(`http://localhost:3000${path}`));
const twilioUrl = urlFor(twilioPath);
const whatsappUrl = urlFor(whatsappPath);

// Every log line of a request: console and the pino logger, any level (the reason a webhook was refused).
const logged: string[] = [];
const record =
  (level: string) =>
  (...args: unknown[]) =>
    void logged.push(`${level}: ${args.map((a) => (typeof a === "string" ? a : show(a))).join(" ")}`);
beforeEach(() => {
  for (const level of ["log", "info", "warn", "error"] as const)
    vi.spyOn(console, level).mockImplementation(record(level));
  const logger = log();
  for (const level of ["debug", "info", "warn", "error"] as const)
    vi.spyOn(logger, level).mockImplementation(record(`pino.${level}`));
});

const changed = (before: RowCounts, after: RowCounts) =>
  (Object.keys(before) as (keyof RowCounts)[]).filter((k) => before[k] !== after[k]);

/**
 * Sends one webhook and checks the provider property: 200 or 4xx (never a 5xx or a throw); a 4xx is
 * logged and writes nothing; with `mustStore`, a 200 that stored nothing must be logged too (a webhook
 * that could not be understood is not silently dropped).
 */
async function deliver(
  name: string,
  handler: Parameters<typeof callRoute>[0],
  request: Request,
  params: Record<string, string>,
  { context, mustStore = false }: { context: string; mustStore?: boolean },
): Promise<Answer> {
  logged.length = 0;
  const before = await accountRows(accountId);
  const answer = await callRoute(handler, request, params);
  const after = await accountRows(accountId);
  const wrote = changed(before, after);
  const where = `${request.method} ${name} ${context}`;
  const lines = () =>
    logged.length ? ` — server log: ${logged.join(" | ").slice(0, 600)}` : " — nothing logged";
  expectNoPrototypePollution(where);
  if (answer.status >= 500 || answer.status < 200)
    throw new Error(`${where}: answered ${describeAnswer(answer)}${lines()}`);
  if (answer.status >= 400) {
    if (wrote.length) throw new Error(`${where}: refused (${answer.status}) but wrote ${wrote.join(", ")}`);
    if (!logged.length)
      throw new Error(`${where}: refused (${describeAnswer(answer)}) without a logged reason`);
  }
  if (answer.status < 300 && mustStore && !wrote.length && !logged.length)
    throw new Error(`${where}: answered ${answer.status}, stored nothing and logged no reason`);
  return answer;
}

// --------------------------------------------------------------------------------------------- Twilio

/** A form body with its raw encoding kept (so %00 and invalid UTF-8 arrive as a broken client sends them). */
const formBody = (params: Record<string, string>) =>
  Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${queryValue(v)}`)
    .join("&");

/** The form's fields as Twilio signs them (name → values), safe for any name (`__proto__` included). */
function formFields(body: string) {
  const fields = Object.create(null) as Record<string, string[]>;
  for (const [key, value] of new URLSearchParams(body)) (fields[key] ??= []).push(value);
  return fields;
}

/** The POST Twilio would send: the form as given, signed over the values the server will parse from it. */
function twilioRequest(
  body: string,
  { contentType = "application/x-www-form-urlencoded", sign = true } = {},
) {
  return new Request(twilioUrl, {
    method: "POST",
    headers: {
      ...(contentType ? { "content-type": contentType } : {}),
      ...(sign ? { "x-twilio-signature": twilioSignature(AUTH_TOKEN, twilioUrl, formFields(body)) } : {}),
    },
    body: new TextEncoder().encode(body),
  });
}

const twilioMessage = () =>
  twilioInboundParams({
    accountSid: ACCOUNT_SID,
    from: "+14155550100",
    to: sms.code,
    body: "Hello",
    media: [
      { url: "https://api.twilio.com/2010-04-01/Accounts/x/Messages/y/Media/z", contentType: "image/jpeg" },
    ],
  });
const TWILIO_FIELDS = [
  "Body",
  "From",
  "To",
  "MessageSid",
  "SmsStatus",
  "NumMedia",
  "MediaUrl0",
  "MediaContentType0",
  "AccountSid",
];
const sendTwilio = (request: Request, context: string) =>
  deliver("/api/channels/twilio/{connectionId}", twilioRoute, request, { connectionId: sms.id }, { context });

describe("POST /api/channels/twilio/{connectionId}", () => {
  for (const [klass, values] of [
    ["a NUL byte", withNul],
    ["a lone UTF-16 surrogate (as the CESU-8 bytes a broken client sends)", withLoneSurrogate],
    [
      "junk (any text, numbers, huge NumMedia)",
      fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom("-1", "1e3", "NaN", "99999", "0x10", "")),
    ],
  ] as const) {
    it(`${klass} in one field of a signed SMS: 200 or a logged 4xx, never a 5xx`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...TWILIO_FIELDS), values, async (field, value) => {
          const params = { ...twilioMessage(), [field]: value };
          await sendTwilio(twilioRequest(formBody(params)), `${field}=${show(value)}`);
        }),
        fuzzRuns(60),
      );
    });
  }

  it("extra and repeated fields, any names: 200 or a logged 4xx, never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.oneof(
            fc.string({ maxLength: 10 }),
            fc.constantFrom("__proto__", "constructor", "MediaUrl99", "NumMedia"),
          ),
          fc.oneof(fc.string({ maxLength: 20 }), unstorableText),
          { maxKeys: 5 },
        ),
        async (extra) => {
          const body = `${formBody(twilioMessage())}&${formBody(extra)}`;
          await sendTwilio(twilioRequest(body), `extra=${show(extra)}`);
        },
      ),
      fuzzRuns(40),
    );
  });

  it("a missing or wrong signature, or a body that is not a form: a logged 403/4xx, nothing written", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constant(formBody(twilioMessage())),
          // Field names that are Object.prototype's: a parser into a plain object trips on them.
          fc.constantFrom("__proto__=x", "constructor=x", "toString=x&Body=hi", "hasOwnProperty=1"),
          invalidJsonText,
          fc.string({ maxLength: 40 }),
        ),
        fc.constantFrom("none", "wrong", "empty"),
        async (body, signature) => {
          const request = twilioRequest(body, { sign: false });
          if (signature !== "none")
            request.headers.set(
              "x-twilio-signature",
              signature === "wrong" ? "bm90IHRoZSBzaWduYXR1cmU=" : "",
            );
          const answer = await sendTwilio(request, `signature=${signature} body=${show(body)}`);
          if (answer.status < 400)
            throw new Error(`an unsigned Twilio webhook was answered ${answer.status}`);
        },
      ),
      fuzzRuns(15),
    );
  });

  it("field names that are Object.prototype's (__proto__, constructor, toString…), signed or not: 200 or a logged 4xx", async () => {
    const names = ["__proto__", "constructor", "toString", "valueOf", "hasOwnProperty", "isPrototypeOf"];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...names), fc.boolean(), async (name, sign) => {
        const body = `${formBody(twilioMessage())}&${name}=x`;
        await sendTwilio(twilioRequest(body, { sign }), `${name}=x ${sign ? "signed" : "unsigned"}`);
      }),
      fuzzRuns(12),
    );
  });

  it("a signed form sent with another Content-Type: 200 or a logged 4xx, never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(wrongContentType, async (contentType) => {
        await sendTwilio(
          twilioRequest(formBody(twilioMessage()), { contentType: contentType ?? "" }),
          `content-type=${show(contentType)}`,
        );
      }),
      fuzzRuns(10),
    );
  });

  it("a body over 1 MB: a logged 413, nothing written", async () => {
    const params = { ...twilioMessage(), Body: "x".repeat(3 * 1024 * 1024) };
    const answer = await sendTwilio(twilioRequest(formBody(params)), "Body of 3 MB");
    if (answer.status !== 413) throw new Error(`expected 413, got ${describeAnswer(answer)}`);
  });
});

// --------------------------------------------------------------------------------------------- WhatsApp

const sendWhatsApp = (request: Request, context: string, mustStore = false) =>
  deliver(
    "/api/channels/whatsapp/{connectionId}",
    whatsappRoute,
    request,
    { connectionId: wa.id },
    { context, mustStore },
  );
const signed = (payload: unknown) => whatsappWebhookRequest(whatsappUrl, payload, WA.appSecret);

const business = { phoneNumberId: WA.phoneNumberId, displayPhoneNumber: "15550783881" };
const textWebhook = () => whatsappWebhookPayload(business, { messages: [waText("+14155550100", "Hello")] });
const imageWebhook = () =>
  whatsappWebhookPayload(business, {
    messages: [
      waImage("+14155550100", {
        id: MEDIA_IDS[0]!,
        caption: "a receipt",
        url: "https://lookaside.fbsbx.com/x",
      }),
    ],
  });

// Every node of a `messages` webhook a parser walks through.
const VALUE = "entry.0.changes.0.value";
const WHATSAPP_NODES = [
  "object",
  "entry",
  "entry.0",
  "entry.0.changes",
  "entry.0.changes.0",
  "entry.0.changes.0.field",
  VALUE,
  `${VALUE}.metadata`,
  `${VALUE}.metadata.phone_number_id`,
  `${VALUE}.contacts`,
  `${VALUE}.messages`,
  `${VALUE}.messages.0`,
  `${VALUE}.messages.0.from`,
  `${VALUE}.messages.0.id`,
  `${VALUE}.messages.0.type`,
  `${VALUE}.messages.0.text`,
  `${VALUE}.messages.0.text.body`,
  `${VALUE}.statuses`,
];
const IMAGE_NODES = [
  `${VALUE}.messages.0.image`,
  `${VALUE}.messages.0.image.id`,
  `${VALUE}.messages.0.image.url`,
  `${VALUE}.messages.0.image.caption`,
  `${VALUE}.messages.0.image.mime_type`,
];

describe("POST /api/channels/whatsapp/{connectionId}", () => {
  it("the issue's shapes (changes: 7, messages as an object, from: 5, text.body: 7): 200 or a logged 400", async () => {
    const cases = [
      { object: "whatsapp_business_account", entry: [{ changes: 7 }] },
      withField(textWebhook(), `${VALUE}.messages`, { from: "14155550100" }),
      withField(textWebhook(), `${VALUE}.messages.0.from`, 5),
      withField(textWebhook(), `${VALUE}.messages.0.text`, { body: 7 }),
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...cases), async (payload) => {
        await sendWhatsApp(signed(payload), `payload=${show(payload)}`, true);
      }),
      fuzzRuns(4),
    );
  });

  it("a wrong type or shape at any node of a signed text or image webhook: 200 or 400, logged when nothing is stored", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({ base: fc.constant("text"), change: corruptedField(WHATSAPP_NODES, wrongJsonType) }),
          fc.record({ base: fc.constant("image"), change: corruptedField(IMAGE_NODES, wrongJsonType) }),
        ),
        async ({ base, change }) => {
          const payload = withField(
            base === "text" ? textWebhook() : imageWebhook(),
            change.path,
            change.value,
          );
          await sendWhatsApp(signed(payload), `${base} webhook, ${change.path}=${show(change.value)}`, true);
        },
      ),
      fuzzRuns(100),
    );
  });

  for (const [klass, values] of [
    ["a NUL byte", withNul],
    ["a lone UTF-16 surrogate", withLoneSurrogate],
  ] as const) {
    it(`${klass} in a message's text, sender, id, caption or media URL: 200 or a logged 400, never a 5xx`, async () => {
      const fields = [
        { base: "text", path: `${VALUE}.messages.0.text.body` },
        { base: "text", path: `${VALUE}.messages.0.from` },
        { base: "text", path: `${VALUE}.messages.0.id` },
        { base: "image", path: `${VALUE}.messages.0.image.caption` },
        { base: "image", path: `${VALUE}.messages.0.image.url` },
      ] as const;
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...fields), values, async ({ base, path }, value) => {
          const payload = withField(base === "text" ? textWebhook() : imageWebhook(), path, value);
          await sendWhatsApp(signed(payload), `${path}=${show(value)}`, true);
        }),
        fuzzRuns(50),
      );
    });
  }

  it("any signed JSON at all: 200 or a logged 4xx, never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(junkJson, async (payload) => {
        await sendWhatsApp(signed(JSON.stringify(payload) ?? "null"), `payload=${show(payload)}`);
      }),
      fuzzRuns(80),
    );
  });

  it("a signed body that is not JSON: a logged 400, nothing written", async () => {
    await fc.assert(
      fc.asyncProperty(invalidJsonText, async (body) => {
        const answer = await sendWhatsApp(signed(body), `body=${show(body)}`);
        if (answer.status !== 400) throw new Error(`expected 400, got ${describeAnswer(answer)}`);
      }),
      fuzzRuns(15),
    );
  });

  it("a missing or wrong signature: a logged 403, nothing written", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constant(textWebhook()), junkJson),
        fc.constantFrom(null, "", "sha256=", "sha256=00", "md5=abc", `sha256=${"0".repeat(64)}`),
        async (payload, signature) => {
          const answer = await sendWhatsApp(
            whatsappWebhookRequest(whatsappUrl, payload, WA.appSecret, signature),
            `signature=${show(signature)}`,
          );
          if (answer.status !== 403) throw new Error(`expected 403, got ${describeAnswer(answer)}`);
        },
      ),
      fuzzRuns(12),
    );
  });

  it("a signed webhook sent with another Content-Type: 200 or a logged 4xx, never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(wrongContentType, async (contentType) => {
        const request = signed(textWebhook());
        const headers = new Headers(request.headers);
        if (contentType === undefined) headers.delete("content-type");
        else headers.set("content-type", contentType);
        await sendWhatsApp(new Request(request, { headers }), `content-type=${show(contentType)}`);
      }),
      fuzzRuns(10),
    );
  });

  it("a body over 1 MB: a logged 413, nothing written", async () => {
    const payload = withField(textWebhook(), `${VALUE}.messages.0.text.body`, "x".repeat(3 * 1024 * 1024));
    const answer = await sendWhatsApp(signed(payload), "text of 3 MB");
    if (answer.status !== 413) throw new Error(`expected 413, got ${describeAnswer(answer)}`);
  });
});

describe("GET /api/channels/whatsapp/{connectionId} (verification handshake)", () => {
  it("junk hub.* parameters: the challenge (200) or a logged 403, never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            mode: fc.oneof(fc.constant("subscribe"), fc.string({ maxLength: 10 }), unstorableText),
            verifyToken: fc.oneof(fc.constant(WA.verifyToken), fc.string({ maxLength: 20 }), unstorableText),
            challenge: fc.oneof(fc.string({ maxLength: 20 }), unstorableText, fc.constant("x".repeat(5_000))),
          },
          { requiredKeys: [] },
        ),
        async (query) => {
          const url = new URL(whatsappUrl);
          const raw = Object.entries({
            "hub.mode": query.mode,
            "hub.verify_token": query.verifyToken,
            "hub.challenge": query.challenge,
          })
            .filter(([, v]) => v !== undefined)
            .map(([k, v]) => `${k}=${queryValue(v)}`)
            .join("&");
          url.search = raw;
          await deliver(
            "/api/channels/whatsapp/{connectionId}",
            whatsappHandshake,
            new Request(url.href, { method: "GET" }),
            { connectionId: wa.id },
            { context: `?${raw.slice(0, 200)}` },
          );
        },
      ),
      fuzzRuns(50),
    );
  });

  it("answers the right token with the challenge, as text", async () => {
    const answer = await callRoute(
      whatsappHandshake,
      whatsappVerificationRequest(whatsappUrl, {
        mode: "subscribe",
        verifyToken: WA.verifyToken,
        challenge: "1158201444",
      }),
      { connectionId: wa.id },
    );
    if (answer.status !== 200 || answer.text !== "1158201444")
      throw new Error(`handshake: ${describeAnswer(answer)}`);
  });
});

describe("what a provider webhook stores passes the checks the API applies", () => {
  const contacts = async () =>
    new Set(
      (await db().select({ contact: chats.contact }).from(chats).where(eq(chats.accountId, accountId))).map(
        (c) => c.contact,
      ),
    );
  // The sender as providers might garble it: letters, an empty number, a leading 0, too many digits.
  const senders = fc.oneof(
    fc.constantFrom(
      "",
      "abc",
      "+",
      "0",
      "00000000",
      "1".repeat(20),
      "+1 (555) 010-9999 ext 7",
      "whatsapp:+14155550100",
    ),
    fc.string({ maxLength: 16 }),
  );

  it("a contact is stored only as an E.164 number (or an SMS short code), else the message is refused and logged", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("twilio", "whatsapp"), senders, async (provider, from) => {
        const before = await contacts();
        if (provider === "twilio") {
          await sendTwilio(twilioRequest(formBody({ ...twilioMessage(), From: from })), `From=${show(from)}`);
        } else {
          await sendWhatsApp(
            signed(withField(textWebhook(), `${VALUE}.messages.0.from`, from)),
            `from=${show(from)}`,
          );
        }
        // An SMS may come from a short code (carrier messages); a WhatsApp sender is always a number.
        const valid = (c: string) => E164.test(c) || (provider === "twilio" && /^\d{3,8}$/.test(c));
        const stored = [...(await contacts())].filter((c) => !before.has(c) && !valid(c));
        if (stored.length)
          throw new Error(`${provider} sender ${show(from)} was stored as contact ${show(stored)}`);
      }),
      fuzzRuns(50),
    );
  });
});

describe("malformed or unknown connection ids on both providers", () => {
  it("answer 404, never a 5xx, and write nothing", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("twilio", "whatsapp"),
        fc.oneof(badId, fc.uuid(), fc.constant(sms.id), fc.constant(wa.id)),
        async (provider, id) => {
          // A connection of the other provider counts as unknown too.
          if ((provider === "twilio" && id === sms.id) || (provider === "whatsapp" && id === wa.id)) return;
          const request =
            provider === "twilio" ? twilioRequest(formBody(twilioMessage())) : signed(textWebhook());
          const before = await accountRows(accountId);
          const answer = await callRoute(provider === "twilio" ? twilioRoute : whatsappRoute, request, {
            connectionId: id,
          });
          if (answer.status !== 404)
            throw new Error(`${provider} webhook for connection ${show(id)}: ${describeAnswer(answer)}`);
          const wrote = changed(before, await accountRows(accountId));
          if (wrote.length)
            throw new Error(`${provider} webhook for connection ${show(id)}: wrote ${wrote.join(", ")}`);
        },
      ),
      fuzzRuns(60),
    );
  });
});
