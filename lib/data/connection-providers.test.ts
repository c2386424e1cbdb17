import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { db } from "@/db";
import { connections } from "@/db/schema";
import { fakeTwilioSid, startFakeTwilio, type FakeTwilio } from "@/lib/channels/testing/fake-twilio";
import { startFakeWhatsApp, type FakeWhatsApp } from "@/lib/channels/testing/fake-whatsapp";
import { createTestAccount } from "@/lib/testing/accounts";
import { providerSettingsInputSchema } from "@/lib/validation/channel-credentials";

import {
  createConnection,
  getChannelAdapter,
  getConnection,
  getConnectionSettings,
  getInboundChannel,
  loadChannelAdapter,
  setConnectionProvider,
} from "./connections";

const ACCOUNT_SID = fakeTwilioSid("AC");
const AUTH_TOKEN = "5f0e9d8c7b6a59483726150f4e3d2c1b";
const WA = {
  phoneNumberId: "106540352242922",
  accessToken: "EAAJBsecretaccesstoken0123456789",
  appSecret: "appsecret-0123456789abcdef",
  verifyToken: "verify-me-please",
};

const twilioInput = (extra: Record<string, string> = {}) => ({
  provider: "TWILIO" as const,
  accountSid: ACCOUNT_SID,
  authToken: AUTH_TOKEN,
  ...extra,
});
const whatsappInput = (extra: Record<string, string> = {}) => ({
  provider: "WHATSAPP_CLOUD" as const,
  ...WA,
  ...extra,
});

async function rawColumn(connectionId: string) {
  const [row] = await db()
    .select({ provider: connections.provider, stored: connections.providerCredentials })
    .from(connections)
    .where(eq(connections.id, connectionId));
  return row!;
}

async function setup(label = "Prov") {
  const { accountId } = await createTestAccount(label);
  const sms = await createConnection(accountId, { channel: "SMS", code: "+15557654321" });
  const whatsapp = await createConnection(accountId, { channel: "WHATSAPP", code: "+15550783881" });
  return { accountId, sms, whatsapp };
}

describe("provider settings form", () => {
  it("checks only the chosen provider's fields, and allows blank secrets", () => {
    expect(
      providerSettingsInputSchema.safeParse({ provider: "TWILIO", accountSid: ACCOUNT_SID }).success,
    ).toBe(true);
    expect(providerSettingsInputSchema.safeParse({ provider: "SIMULATOR", accountSid: "junk" }).success).toBe(
      true,
    );
    const bad = providerSettingsInputSchema.safeParse({
      provider: "TWILIO",
      accountSid: "AB123",
      authToken: "short",
      webhookUrl: "portal/api",
    });
    expect(bad.error?.issues.map((i) => [i.path[0], i.message])).toEqual([
      ["accountSid", "An Account SID is AC followed by 32 letters and digits (0–9, a–f)"],
      ["authToken", "The Auth Token is at least 16 characters, without spaces"],
      ["webhookUrl", "The public webhook URL must be a full http(s) URL"],
    ]);
    const empty = providerSettingsInputSchema.safeParse({ provider: "WHATSAPP_CLOUD" });
    expect(empty.error?.issues.map((i) => i.message)).toEqual(["Enter the Phone number ID"]);
  });
});

describe("connection provider credentials", () => {
  it("stores Twilio credentials encrypted as one document and shows them masked", async () => {
    const { accountId, sms } = await setup();
    const webhookUrl = `https://portal.example.com/api/channels/twilio/${sms.id}`;
    const view = await setConnectionProvider(accountId, sms.id, twilioInput({ webhookUrl }));
    expect(view).toEqual({
      provider: "TWILIO",
      accountSid: ACCOUNT_SID,
      authToken: "••••••••2c1b",
      webhookUrl,
    });

    const raw = await rawColumn(sms.id);
    expect(raw.provider).toBe("TWILIO");
    expect(raw.stored).toMatch(/^v1\./);
    for (const plain of [AUTH_TOKEN, ACCOUNT_SID, "portal.example.com"])
      expect(raw.stored).not.toContain(plain);

    const settings = await getConnectionSettings(accountId, sms.id);
    expect(settings).toMatchObject({
      id: sms.id,
      channel: "SMS",
      code: "+15557654321",
      provider: "TWILIO",
      settings: view,
    });
    expect(JSON.stringify(settings)).not.toContain(AUTH_TOKEN);
    expect(
      JSON.stringify(await loadChannelAdapter(accountId, sms.id).then((r) => r.connection)),
    ).not.toContain("v1.");
  });

  it("stores WhatsApp Cloud credentials with every secret masked", async () => {
    const { accountId, whatsapp } = await setup();
    const view = await setConnectionProvider(accountId, whatsapp.id, whatsappInput());
    expect(view).toEqual({
      provider: "WHATSAPP_CLOUD",
      phoneNumberId: WA.phoneNumberId,
      accessToken: "••••••••6789",
      appSecret: "••••••••cdef",
      verifyToken: "••••••••ease",
    });
    const raw = await rawColumn(whatsapp.id);
    for (const secret of [WA.accessToken, WA.appSecret, WA.verifyToken])
      expect(raw.stored).not.toContain(secret);
    expect(JSON.stringify(await getConnectionSettings(accountId, whatsapp.id))).not.toMatch(
      /EAAJBsecret|appsecret-|verify-me/,
    );
  });

  it("keeps a saved secret when it is left blank, replaces it when retyped", async () => {
    const { accountId, whatsapp } = await setup();
    await setConnectionProvider(accountId, whatsapp.id, whatsappInput());
    const before = (await rawColumn(whatsapp.id)).stored;
    await setConnectionProvider(
      accountId,
      whatsapp.id,
      whatsappInput({ accessToken: "", appSecret: "", verifyToken: "", phoneNumberId: "106540352242999" }),
    );
    const kept = await getConnectionSettings(accountId, whatsapp.id);
    expect(kept?.settings).toMatchObject({ phoneNumberId: "106540352242999", accessToken: "••••••••6789" });
    expect((await rawColumn(whatsapp.id)).stored).not.toBe(before);

    const retyped = await setConnectionProvider(
      accountId,
      whatsapp.id,
      whatsappInput({ accessToken: "", appSecret: "", verifyToken: "another-verify-token" }),
    );
    expect(retyped).toMatchObject({ accessToken: "••••••••6789", verifyToken: "••••••••oken" });
  });

  it("asks for every secret the first time, on its field", async () => {
    const { accountId, sms, whatsapp } = await setup();
    await expect(
      setConnectionProvider(accountId, sms.id, twilioInput({ authToken: "" })),
    ).rejects.toMatchObject({
      code: "INVALID",
      fieldErrors: { authToken: ["Enter the Auth Token"] },
    });
    await expect(
      setConnectionProvider(accountId, whatsapp.id, { provider: "WHATSAPP_CLOUD", phoneNumberId: "1234567" }),
    ).rejects.toMatchObject({
      fieldErrors: {
        accessToken: ["Enter the Access token"],
        appSecret: ["Enter the App secret"],
        verifyToken: ["Enter the Verify token"],
      },
    });
    expect((await rawColumn(sms.id)).provider).toBe("SIMULATOR");
  });

  it("refuses a provider that does not carry the connection's channel", async () => {
    const { accountId, sms, whatsapp } = await setup();
    await expect(setConnectionProvider(accountId, whatsapp.id, twilioInput())).rejects.toMatchObject({
      code: "INVALID",
      fieldErrors: { provider: ["Twilio does not carry WhatsApp connections"] },
    });
    await expect(setConnectionProvider(accountId, sms.id, whatsappInput())).rejects.toMatchObject({
      fieldErrors: { provider: ["WhatsApp Cloud API does not carry SMS connections"] },
    });
  });

  it("forgets the credentials when the connection goes back to the simulator", async () => {
    const { accountId, sms } = await setup();
    await setConnectionProvider(accountId, sms.id, twilioInput());
    expect(await setConnectionProvider(accountId, sms.id, { provider: "SIMULATOR" })).toEqual({
      provider: "SIMULATOR",
    });
    expect(await rawColumn(sms.id)).toEqual({ provider: "SIMULATOR", stored: null });
    // Back on Twilio, the old token is gone: it must be typed again.
    await expect(
      setConnectionProvider(accountId, sms.id, twilioInput({ authToken: "" })),
    ).rejects.toMatchObject({
      fieldErrors: { authToken: ["Enter the Auth Token"] },
    });
  });

  it("keeps accounts apart: B can neither read, change nor use A's provider settings", async () => {
    const a = await setup("ProvA");
    const b = await createTestAccount("ProvB");
    await setConnectionProvider(a.accountId, a.sms.id, twilioInput());
    const before = await rawColumn(a.sms.id);

    expect(await getConnectionSettings(b.accountId, a.sms.id)).toBeNull();
    await expect(
      setConnectionProvider(b.accountId, a.sms.id, twilioInput({ authToken: "attacker-token-000000000" })),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(
      setConnectionProvider(b.accountId, a.sms.id, { provider: "SIMULATOR" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(loadChannelAdapter(b.accountId, a.sms.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await rawColumn(a.sms.id)).toEqual(before);
  });

  it("refuses credentials it cannot read instead of using them", async () => {
    const { accountId, sms } = await setup();
    await setConnectionProvider(accountId, sms.id, twilioInput());
    await db()
      .update(connections)
      .set({ providerCredentials: "v1.garbage.garbage.garbage" })
      .where(eq(connections.id, sms.id));
    const row = (await getConnection(accountId, sms.id))!;
    expect(() => getChannelAdapter(row)).toThrow(/no TWILIO credentials/);
    // The form then asks for the secrets again.
    expect((await getConnectionSettings(accountId, sms.id))?.settings).toMatchObject({ authToken: "" });
  });
});

describe("adapters from stored connections", () => {
  let twilio: FakeTwilio;
  let graph: FakeWhatsApp;
  beforeAll(async () => {
    twilio = await startFakeTwilio({ [ACCOUNT_SID]: AUTH_TOKEN });
    graph = await startFakeWhatsApp({ phoneNumberId: WA.phoneNumberId, accessToken: WA.accessToken });
  });
  afterAll(async () => {
    await twilio.close();
    await graph.close();
  });

  it("sends through Twilio with the stored credentials, from the connection's number", async () => {
    const { accountId, sms } = await setup();
    await setConnectionProvider(accountId, sms.id, twilioInput(), { apiBaseUrl: twilio.url });
    const { connection, adapter } = await loadChannelAdapter(accountId, sms.id);
    expect(connection).not.toHaveProperty("providerCredentials");
    expect(adapter.provider).toBe("TWILIO");
    expect(await adapter.send({ to: "+14155550100", text: "Hello" })).toMatchObject({ ok: true });
    expect(twilio.requests.at(-1)!.form).toMatchObject({ From: ["+15557654321"], To: ["+14155550100"] });

    // A later save from the form keeps the endpoint override.
    await setConnectionProvider(accountId, sms.id, twilioInput({ authToken: "" }));
    expect(
      await (await loadChannelAdapter(accountId, sms.id)).adapter.send({ to: "+14155550100", text: "Again" }),
    ).toMatchObject({ ok: true });
  });

  it("sends through the WhatsApp Cloud API with the stored credentials", async () => {
    const { accountId, whatsapp } = await setup();
    await setConnectionProvider(accountId, whatsapp.id, whatsappInput(), {
      apiBaseUrl: graph.url,
      apiVersion: "v24.0",
    });
    const { adapter } = await loadChannelAdapter(accountId, whatsapp.id);
    expect(await adapter.send({ to: "+16505551234", text: "Hello" })).toMatchObject({ ok: true });
    expect(graph.requests.at(-1)!.path).toBe(`/v24.0/${WA.phoneNumberId}/messages`);
  });

  it("uses the simulator for connections on the simulator", async () => {
    const { accountId, sms } = await setup();
    expect((await loadChannelAdapter(accountId, sms.id)).adapter.provider).toBe("SIMULATOR");
  });

  it("finds a webhook's connection only on the provider of its route", async () => {
    const { accountId, sms, whatsapp } = await setup();
    await setConnectionProvider(accountId, sms.id, twilioInput());
    const found = await getInboundChannel(sms.id, "TWILIO");
    expect(found?.connection).toMatchObject({ id: sms.id, accountId, channel: "SMS" });
    expect(found?.connection).not.toHaveProperty("providerCredentials");
    expect(await getInboundChannel(sms.id, "WHATSAPP_CLOUD")).toBeNull();
    expect(await getInboundChannel(whatsapp.id, "WHATSAPP_CLOUD")).toBeNull();
    expect(await getInboundChannel("not-a-uuid", "TWILIO")).toBeNull();
  });
});
