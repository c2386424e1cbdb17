import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { ZodError } from "zod";

import { db } from "@/db";
import {
  campaignConnections,
  campaigns,
  deliveryPace,
  integrationConnections,
  integrations,
  users,
} from "@/db/schema";
import { decryptSecret } from "@/lib/crypto/secrets";
import { createTestAccount } from "@/lib/testing/accounts";
import { integrationFormValues, type IntegrationFormValues } from "@/lib/validation/integration";

import { createCampaign, getCampaign, goLive } from "./campaigns";
import { createConnection } from "./connections";
import {
  canRevealSecrets,
  createIntegration,
  deleteIntegration,
  getIntegration,
  getIntegrationSummary,
  listConnectionChoices,
  listIntegrations,
  LiveCampaignsError,
  PREVIOUS_SECRET_GRACE_MS,
  revealSigningSecret,
  rotateSigningSecret,
  signingSecretsOf,
  startIntegration,
  stopIntegration,
  updateIntegration,
} from "./integrations";

const values = (over: Partial<IntegrationFormValues> = {}): IntegrationFormValues => ({
  ...integrationFormValues(),
  alias: "Orders webhook",
  url: "https://hooks.example.com/in?source=portal",
  params: [{ key: "source", value: "portal", type: "TEXT" }],
  ...over,
});

const bearer = (secret: string): IntegrationFormValues["auth"] => ({
  type: "BEARER",
  keyName: "",
  placement: "HEADER",
  username: "",
  secret,
});

async function rawRow(id: string) {
  const [row] = await db().select().from(integrations).where(eq(integrations.id, id));
  return row!;
}

async function setup(label = "Hooks") {
  const user = await createTestAccount(label);
  const sms = await createConnection(user.accountId, { channel: "SMS", code: "+15550100001" });
  const whatsapp = await createConnection(user.accountId, { channel: "WHATSAPP", code: "+15550100002" });
  return { ...user, sms, whatsapp };
}

describe("saving integrations", () => {
  it("creates an Inactive integration with its connections, and lists it", async () => {
    const { accountId, sms, whatsapp } = await setup();
    const { id } = await createIntegration(accountId, values({ connectionIds: [sms.id, whatsapp.id] }));
    const [card] = await listIntegrations(accountId);
    expect(card).toMatchObject({
      id,
      alias: "Orders webhook",
      method: "POST",
      url: "https://hooks.example.com/in",
      params: [{ key: "source", value: "portal", type: "TEXT" }],
      status: "INACTIVE",
      disabledReason: null,
    });
    expect(card?.connections.map((c) => [c.channel, c.code])).toEqual([
      ["SMS", "+15550100001"],
      ["WHATSAPP", "+15550100002"],
    ]);
    const details = await getIntegration(accountId, id);
    expect(details?.connectionIds.sort()).toEqual([sms.id, whatsapp.id].sort());
    expect(details?.body.map((r) => r.key)).toContain("multimedia.url");
  });

  it("allows an integration without connections (for a Chatbot Service campaign)", async () => {
    const { accountId } = await setup();
    const { id } = await createIntegration(accountId, values());
    expect((await getIntegrationSummary(accountId, id))?.connections).toEqual([]);
  });

  it("keeps a maximum delivery rate, with the pace row every worker shares, until it is cleared", async () => {
    const { accountId } = await setup();
    const paceRows = (id: string) =>
      db().select().from(deliveryPace).where(eq(deliveryPace.integrationId, id));
    const { id } = await createIntegration(accountId, values({ maxRatePerSecond: "25" }));
    expect((await getIntegration(accountId, id))?.maxRatePerSecond).toBe(25);
    expect((await getIntegrationSummary(accountId, id))?.maxRatePerSecond).toBe(25);
    expect(await paceRows(id)).toHaveLength(1);
    await updateIntegration(accountId, id, values({ maxRatePerSecond: "" }));
    expect((await getIntegration(accountId, id))?.maxRatePerSecond).toBeNull();
    expect(await paceRows(id)).toEqual([]);
    await updateIntegration(accountId, id, values({ maxRatePerSecond: "3" }));
    expect(await paceRows(id)).toHaveLength(1);
  });

  it("refuses invalid values with field errors (the wizard's schema, on the server)", async () => {
    const { accountId } = await setup();
    const error: unknown = await createIntegration(
      accountId,
      values({ alias: "", url: "ftp://x", headers: [{ key: "Bad Header", value: "", type: "TEXT" }] }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZodError);
    expect((error as ZodError).issues.map((i) => i.path.join("."))).toEqual([
      "alias",
      "url",
      "headers.0.key",
    ]);
  });

  it("refuses a duplicate alias in the account (case-insensitively) with a field error; other accounts may use it", async () => {
    const a = await setup("AliasA");
    const b = await setup("AliasB");
    await createIntegration(a.accountId, values({ alias: "Orders" }));
    await expect(createIntegration(a.accountId, values({ alias: "  oRDERS " }))).rejects.toMatchObject({
      code: "CONFLICT",
      fieldErrors: { alias: [expect.stringMatching(/already have an integration called “oRDERS”/)] },
    });
    await expect(createIntegration(b.accountId, values({ alias: "Orders" }))).resolves.toBeTruthy();
    // Renaming onto another integration's alias is refused the same way.
    const { id } = await createIntegration(a.accountId, values({ alias: "Billing" }));
    await expect(updateIntegration(a.accountId, id, values({ alias: "ORDERS" }))).rejects.toMatchObject({
      fieldErrors: { alias: [expect.any(String)] },
    });
  });

  it("edits every value and replaces the connections in the same save", async () => {
    const { accountId, sms, whatsapp } = await setup();
    const { id } = await createIntegration(accountId, values({ connectionIds: [sms.id] }));
    await updateIntegration(
      accountId,
      id,
      values({
        alias: "Renamed",
        method: "PUT",
        url: "https://other.example.com/v2?x={{contact}}",
        params: [{ key: "x", value: "contact", type: "VARIABLE" }],
        headers: [{ key: "X-Tenant", value: "acme", type: "TEXT" }],
        body: [{ key: "customer.name", value: "Ada", type: "TEXT" }],
        connectionIds: [whatsapp.id],
      }),
    );
    const details = await getIntegration(accountId, id);
    expect(details).toMatchObject({
      alias: "Renamed",
      method: "PUT",
      url: "https://other.example.com/v2",
      params: [{ key: "x", value: "contact", type: "VARIABLE" }],
      headers: [{ key: "X-Tenant", value: "acme", type: "TEXT" }],
      body: [{ key: "customer.name", value: "Ada", type: "TEXT" }],
      connectionIds: [whatsapp.id],
    });
    // The SMS connection is free again.
    const choices = await listConnectionChoices(accountId);
    expect(choices.find((c) => c.id === sms.id)?.unavailableReason).toBeNull();
  });

  it("a failed save changes nothing, connections included", async () => {
    const { accountId, sms, whatsapp } = await setup();
    const { id } = await createIntegration(accountId, values({ alias: "One", connectionIds: [sms.id] }));
    await createIntegration(accountId, values({ alias: "Two" }));
    await expect(
      updateIntegration(accountId, id, values({ alias: "Two", connectionIds: [whatsapp.id] })),
    ).rejects.toMatchObject({ fieldErrors: { alias: [expect.any(String)] } });
    expect((await getIntegration(accountId, id))?.connectionIds).toEqual([sms.id]);
  });
});

describe("connection exclusivity", () => {
  it("a connection feeds one integration: the data layer says which one uses it", async () => {
    const { accountId, sms } = await setup();
    await createIntegration(accountId, values({ alias: "First", connectionIds: [sms.id] }));
    const choices = await listConnectionChoices(accountId);
    expect(choices.find((c) => c.id === sms.id)).toMatchObject({
      label: "SMS – +15550100001",
      unavailableReason: "used by the Custom Webhook “First”",
    });
    await expect(
      createIntegration(accountId, values({ alias: "Second", connectionIds: [sms.id] })),
    ).rejects.toMatchObject({
      code: "CONFLICT",
      fieldErrors: {
        connectionIds: [
          "SMS – +15550100001 is used by the Custom Webhook “First”; choose another connection",
        ],
      },
    });
    expect((await listIntegrations(accountId)).map((i) => i.alias)).toEqual(["First"]);
  });

  it("an integration may keep its own connections on Edit", async () => {
    const { accountId, sms } = await setup();
    const { id } = await createIntegration(accountId, values({ connectionIds: [sms.id] }));
    expect(
      (await listConnectionChoices(accountId, id)).find((c) => c.id === sms.id)?.unavailableReason,
    ).toBeNull();
    await expect(
      updateIntegration(accountId, id, values({ alias: "Kept", connectionIds: [sms.id] })),
    ).resolves.toEqual({ id });
  });

  it("a connection used by a campaign is refused, with the campaign's name", async () => {
    const { accountId, sms } = await setup();
    const [campaign] = await db()
      .insert(campaigns)
      .values({ accountId, name: "Spring sale", type: "KEYWORD", keyword: "SALE" })
      .returning();
    await db()
      .insert(campaignConnections)
      .values({ accountId, campaignId: campaign!.id, connectionId: sms.id });
    expect((await listConnectionChoices(accountId)).find((c) => c.id === sms.id)?.unavailableReason).toBe(
      "used by the campaign “Spring sale”",
    );
    await expect(createIntegration(accountId, values({ connectionIds: [sms.id] }))).rejects.toMatchObject({
      fieldErrors: { connectionIds: [expect.stringMatching(/used by the campaign “Spring sale”/)] },
    });
  });

  it("the database refuses too when two saves race past the check", async () => {
    const { accountId, sms, whatsapp } = await setup();
    const { id } = await createIntegration(accountId, values({ alias: "Racer" }));
    // Another integration takes the connection behind the data layer's back…
    const { id: other } = await createIntegration(accountId, values({ alias: "Other" }));
    await db()
      .insert(integrationConnections)
      .values({ accountId, integrationId: other, connectionId: sms.id });
    // …and a campaign takes another one: the unique index and the trigger both refuse, mapped to field errors.
    await expect(
      db().insert(integrationConnections).values({ accountId, integrationId: id, connectionId: sms.id }),
    ).rejects.toMatchObject({ cause: { constraint: "integration_connections_connection_key" } });
    const [campaign] = await db()
      .insert(campaigns)
      .values({ accountId, name: "Bot", type: "CHATBOT" })
      .returning();
    await db()
      .insert(campaignConnections)
      .values({ accountId, campaignId: campaign!.id, connectionId: whatsapp.id });
    await expect(
      db().insert(integrationConnections).values({ accountId, integrationId: id, connectionId: whatsapp.id }),
    ).rejects.toMatchObject({ cause: { constraint: "connection_used_by_campaign" } });
  });

  it("two saves racing for one connection: one wins, the other is refused and leaves nothing behind", async () => {
    const { accountId, sms } = await setup();
    const results = await Promise.allSettled(
      ["Racer A", "Racer B", "Racer C"].map((alias) =>
        createIntegration(accountId, values({ alias, connectionIds: [sms.id] })),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results.filter((r) => r.status === "rejected")) {
      expect(r.reason).toMatchObject({
        code: "CONFLICT",
        fieldErrors: { connectionIds: [expect.any(String)] },
      });
    }
    expect(await listIntegrations(accountId)).toHaveLength(1);
  });

  it("refuses another account's connection as if it did not exist", async () => {
    const a = await setup("ConnA");
    const b = await setup("ConnB");
    await expect(createIntegration(a.accountId, values({ connectionIds: [b.sms.id] }))).rejects.toMatchObject(
      {
        fieldErrors: { connectionIds: [expect.stringMatching(/no longer exists/)] },
      },
    );
    expect(await listConnectionChoices(a.accountId)).toHaveLength(2);
  });
});

describe("secrets", () => {
  it("stores the auth secret and the signing secret encrypted, and shows them masked", async () => {
    const { accountId } = await setup();
    const token = "tok_live_9f8e7d6c5b4a39281706";
    const { id } = await createIntegration(accountId, values({ auth: bearer(token) }));
    const row = await rawRow(id);
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row.authSecret).toMatch(/^v1\./);
    expect(decryptSecret(row.authSecret!)).toBe(token);
    const signing = decryptSecret(row.signingSecret);
    expect(signing).toMatch(/^whsec_/);
    expect(JSON.stringify(row)).not.toContain(signing.slice(6));

    const details = await getIntegration(accountId, id);
    expect(JSON.stringify(details)).not.toContain(token);
    expect(JSON.stringify(details)).not.toContain(signing);
    expect(details?.authSecretMasked).toBe("••••••••1706");
    expect(details?.signingSecretMasked).toMatch(/^•{8}.{4}$/);
  });

  it("Edit without retyping keeps the secret; a new type needs its own; No Authentication drops it", async () => {
    const { accountId } = await setup();
    const { id } = await createIntegration(accountId, values({ auth: bearer("first-token") }));
    const before = await rawRow(id);

    await updateIntegration(accountId, id, values({ alias: "Renamed", auth: bearer("") }));
    const kept = await rawRow(id);
    expect(kept.alias).toBe("Renamed");
    expect(decryptSecret(kept.authSecret!)).toBe("first-token");
    expect(kept.signingSecret).toBe(before.signingSecret);

    await updateIntegration(accountId, id, values({ auth: bearer("second-token") }));
    expect(decryptSecret((await rawRow(id)).authSecret!)).toBe("second-token");

    const basic = { ...bearer(""), type: "BASIC" as const, username: "ada" };
    await expect(updateIntegration(accountId, id, values({ auth: basic }))).rejects.toMatchObject({
      issues: [expect.objectContaining({ path: ["auth", "secret"], message: "Enter the password" })],
    });
    await updateIntegration(accountId, id, values({ auth: { ...basic, secret: "pässword" } }));
    expect((await rawRow(id)).auth).toEqual({ type: "BASIC", username: "ada" });

    await updateIntegration(accountId, id, values({ auth: { ...basic, type: "NONE" } }));
    const none = await rawRow(id);
    expect(none.auth).toEqual({ type: "NONE" });
    expect(none.authSecret).toBeNull();
  });

  it("API key auth keeps its key name and placement beside the encrypted value", async () => {
    const { accountId } = await setup();
    const auth = {
      ...bearer("k-123456789"),
      type: "API_KEY" as const,
      keyName: "api_key",
      placement: "QUERY" as const,
    };
    const { id } = await createIntegration(accountId, values({ auth }));
    const row = await rawRow(id);
    expect(row.auth).toEqual({ type: "API_KEY", keyName: "api_key", placement: "QUERY" });
    expect(JSON.stringify(row)).not.toContain("k-123456789");
  });

  it("Rotate keeps the previous signing secret for 24 hours, then only the new one signs", async () => {
    const { accountId, id: userId } = await setup();
    const { id } = await createIntegration(accountId, values());
    const old = await revealSigningSecret(accountId, userId, id);

    const started = Date.now();
    const rotated = await rotateSigningSecret(accountId, id);
    const row = await rawRow(id);
    const fresh = decryptSecret(row.signingSecret);
    expect(fresh).not.toBe(old);
    expect(fresh).toMatch(/^whsec_/);
    expect(decryptSecret(row.previousSigningSecret!)).toBe(old);
    expect(row.previousSigningSecretExpiresAt!.getTime()).toBeGreaterThanOrEqual(
      started + PREVIOUS_SECRET_GRACE_MS - 1000,
    );
    expect(row.previousSigningSecretExpiresAt!.getTime()).toBeLessThanOrEqual(
      Date.now() + PREVIOUS_SECRET_GRACE_MS,
    );
    expect(rotated.signingSecretMasked).toBe((await getIntegration(accountId, id))?.signingSecretMasked);

    expect(signingSecretsOf(row)).toEqual([fresh, old]);
    const dayLater = new Date(row.previousSigningSecretExpiresAt!.getTime() + 1);
    expect(signingSecretsOf(row, dayLater)).toEqual([fresh]);
    expect(await revealSigningSecret(accountId, userId, id)).toBe(fresh);
  });

  it("only the owner may reveal the signing secret", async () => {
    const { accountId, id: ownerId } = await setup();
    const [member] = await db()
      .insert(users)
      .values({
        accountId,
        name: "Member",
        email: `member-${crypto.randomUUID()}@example.test`,
        passwordHash: "x",
        role: "MEMBER",
      })
      .returning();
    const { id } = await createIntegration(accountId, values());
    expect(await canRevealSecrets(accountId, ownerId)).toBe(true);
    expect(await canRevealSecrets(accountId, member!.id)).toBe(false);
    await expect(revealSigningSecret(accountId, member!.id, id)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(revealSigningSecret(accountId, ownerId, id)).resolves.toMatch(/^whsec_/);
  });
});

describe("start, stop and delete", () => {
  it("Start makes it Active and clears a 410 Gone stop; Stop makes it Inactive", async () => {
    const { accountId } = await setup();
    const { id } = await createIntegration(accountId, values());
    await db()
      .update(integrations)
      .set({ disabledReason: "The receiver answered 410 Gone" })
      .where(eq(integrations.id, id));
    expect((await getIntegrationSummary(accountId, id))?.disabledReason).toMatch(/410/);

    const started = await startIntegration(accountId, id);
    expect(started).toMatchObject({ status: "ACTIVE", disabledReason: null });
    const stopped = await stopIntegration(accountId, id);
    expect(stopped.status).toBe("INACTIVE");
  });

  it("refuses to delete an Active integration: stop it first", async () => {
    const { accountId } = await setup();
    const { id } = await createIntegration(accountId, values({ alias: "Live one" }));
    await startIntegration(accountId, id);
    await expect(deleteIntegration(accountId, id)).rejects.toMatchObject({
      code: "CONFLICT",
      message: "“Live one” is Active: stop it first, then delete it",
    });
    await stopIntegration(accountId, id);
    await deleteIntegration(accountId, id);
    expect(await getIntegration(accountId, id)).toBeNull();
    await expect(deleteIntegration(accountId, id)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("deleting frees its connections", async () => {
    const { accountId, sms } = await setup();
    const { id } = await createIntegration(accountId, values({ connectionIds: [sms.id] }));
    await deleteIntegration(accountId, id);
    expect((await listConnectionChoices(accountId)).every((c) => c.unavailableReason === null)).toBe(true);
  });

  it("the spec's removal procedure: Stop refused while a Live campaign uses it; pause, stop, delete", async () => {
    const { accountId } = await setup();
    const { id } = await createIntegration(accountId, values({ alias: "Bot hook" }));
    await startIntegration(accountId, id);
    const [campaign] = await db()
      .insert(campaigns)
      .values({ accountId, name: "Support bot", type: "CHATBOT", status: "LIVE", integrationId: id })
      .returning();
    expect((await getIntegrationSummary(accountId, id))?.liveCampaigns.map((c) => c.name)).toEqual([
      "Support bot",
    ]);
    const refusal = stopIntegration(accountId, id);
    await expect(refusal).rejects.toBeInstanceOf(LiveCampaignsError);
    await expect(refusal).rejects.toMatchObject({ code: "CONFLICT", campaignNames: ["Support bot"] });
    await expect(stopIntegration(accountId, id)).rejects.toThrow(
      /Invalid action: .*Live campaign “Support bot”/,
    );
    expect((await getIntegrationSummary(accountId, id))?.status).toBe("ACTIVE");

    await db().update(campaigns).set({ status: "PAUSED" }).where(eq(campaigns.id, campaign!.id));
    await stopIntegration(accountId, id);
    // The Paused campaign keeps no link to a deleted integration: it must select another one.
    expect(await deleteIntegration(accountId, id)).toEqual({
      alias: "Bot hook",
      unlinkedCampaigns: [{ id: campaign!.id, name: "Support bot" }],
    });
    expect(await getIntegrationSummary(accountId, id)).toBeNull();
    const [unlinked] = await db().select().from(campaigns).where(eq(campaigns.id, campaign!.id));
    expect(unlinked).toMatchObject({ status: "PAUSED", integrationId: null, integrationDate: null });
  });

  it("refuses connections on an integration that serves a Chatbot Service campaign", async () => {
    const { accountId, sms } = await setup();
    const { id } = await createIntegration(accountId, values({ alias: "Bot hook" }));
    await db()
      .insert(campaigns)
      .values({ accountId, name: "Drafted bot", type: "CHATBOT", integrationId: id });
    await expect(
      updateIntegration(accountId, id, values({ alias: "Bot hook", connectionIds: [sms.id] })),
    ).rejects.toMatchObject({
      fieldErrors: {
        connectionIds: [expect.stringMatching(/serves the Chatbot Service campaign “Drafted bot”/)],
      },
    });
  });

  it("going Live and stopping the integration at the same moment: exactly one wins", async () => {
    for (let round = 0; round < 6; round++) {
      const { accountId, sms } = await setup(`Race${round}`);
      const { id } = await createIntegration(accountId, values({ alias: "Bot hook" }));
      await startIntegration(accountId, id);
      const bot = await createCampaign(accountId, {
        type: "CHATBOT",
        name: "Bot",
        integrationId: id,
        connectionIds: [sms.id],
      });
      const [live, stop] = await Promise.allSettled([
        goLive(accountId, bot.id),
        stopIntegration(accountId, id),
      ]);
      const summary = (await getIntegrationSummary(accountId, id))!;
      const campaign = (await getCampaign(accountId, bot.id))!;
      if (live.status === "fulfilled") {
        expect(stop.status).toBe("rejected");
        expect([summary.status, campaign.status]).toEqual(["ACTIVE", "LIVE"]);
      } else {
        expect(stop.status).toBe("fulfilled");
        expect([summary.status, campaign.status]).toEqual(["INACTIVE", "DRAFT"]);
      }
    }
  });
});

describe("account isolation", () => {
  it("B can neither read, edit, start, stop, delete, reveal nor rotate A's integration", async () => {
    const a = await setup("IsoA");
    const b = await setup("IsoB");
    const { id } = await createIntegration(a.accountId, values({ alias: "Mine", connectionIds: [a.sms.id] }));

    expect(await getIntegration(b.accountId, id)).toBeNull();
    expect(await getIntegrationSummary(b.accountId, id)).toBeNull();
    expect(await listIntegrations(b.accountId)).toEqual([]);
    expect((await listConnectionChoices(b.accountId)).every((c) => c.unavailableReason === null)).toBe(true);
    const notFound = { code: "NOT_FOUND" };
    await expect(updateIntegration(b.accountId, id, values({ alias: "Stolen" }))).rejects.toMatchObject(
      notFound,
    );
    await expect(startIntegration(b.accountId, id)).rejects.toMatchObject(notFound);
    await expect(stopIntegration(b.accountId, id)).rejects.toMatchObject(notFound);
    await expect(deleteIntegration(b.accountId, id)).rejects.toMatchObject(notFound);
    await expect(revealSigningSecret(b.accountId, b.id, id)).rejects.toMatchObject(notFound);
    // A's owner id with B's account is still not allowed to see A's secret.
    await expect(revealSigningSecret(b.accountId, a.id, id)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(rotateSigningSecret(b.accountId, id)).rejects.toMatchObject(notFound);

    const row = await rawRow(id);
    expect(row).toMatchObject({ alias: "Mine", status: "INACTIVE", previousSigningSecret: null });
  });
});
