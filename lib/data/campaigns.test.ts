import { randomUUID } from "node:crypto";

import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { ZodError } from "zod";

import { db } from "@/db";
import { campaigns, connections, integrationConnections, integrations } from "@/db/schema";
import { toFieldErrors } from "@/lib/errors";
import type { CampaignInput } from "@/lib/validation/campaign";
import { createTestAccount } from "@/lib/testing/accounts";

import {
  campaignReport,
  createCampaign,
  deleteCampaign,
  getCampaign,
  goLive,
  listCampaignConnectionChoices,
  listCampaigns,
  listIntegrationChoices,
  listLinkedCampaigns,
  pauseCampaign,
  updateCampaign,
} from "./campaigns";
import { createConnection } from "./connections";

async function setup(label = "Camp") {
  const { accountId } = await createTestAccount(label);
  const sms = await createConnection(accountId, { channel: "SMS", code: "+15550201001" });
  const wa = await createConnection(accountId, { channel: "WHATSAPP", code: "+15550201002" });
  const integration = async (alias: string, status: "ACTIVE" | "INACTIVE" = "ACTIVE") => {
    const [row] = await db()
      .insert(integrations)
      .values({ accountId, alias, url: "https://example.com/hook", signingSecret: "x", status })
      .returning();
    return row!;
  };
  return { accountId, sms, wa, integration };
}

describe("creating campaigns", () => {
  it("creates a Keyword campaign in Draft with its connections", async () => {
    const { accountId, sms } = await setup();
    const created = await createCampaign(accountId, {
      type: "KEYWORD",
      name: "Promo",
      keyword: "deal",
      autoReply: "Here is your code",
      connectionIds: [sms.id],
    });
    expect(created.status).toBe("DRAFT");
    const [listed] = await listCampaigns(accountId);
    expect(listed?.connections.map((c) => c.code)).toEqual(["+15550201001"]);
  });

  it("validates the input with field messages", async () => {
    const { accountId } = await setup();
    const error: unknown = await createCampaign(accountId, {
      type: "KEYWORD",
      name: "",
      keyword: "two words",
      autoReply: "",
      connectionIds: [],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZodError);
    expect(toFieldErrors(error as ZodError)).toMatchObject({
      name: ["Give the campaign a name"],
      keyword: ["One word: letters, digits, _ or -"],
      autoReply: ["Enter the auto-reply text"],
      connectionIds: ["Add at least one connection"],
    });
  });

  it("offers only Active integrations without connections to a Chatbot Service campaign", async () => {
    const { accountId, sms, wa, integration } = await setup();
    const ready = await integration("Ready");
    const stopped = await integration("Stopped", "INACTIVE");
    const wired = await integration("Wired");
    await db()
      .insert(integrationConnections)
      .values({ accountId, integrationId: wired.id, connectionId: wa.id });

    expect(await listIntegrationChoices(accountId)).toEqual([
      { id: ready.id, alias: "Ready", unavailableReason: null },
      { id: stopped.id, alias: "Stopped", unavailableReason: "is not Active: Start it first" },
      { id: wired.id, alias: "Wired", unavailableReason: "has connections of its own" },
    ]);
    const chatbot = (integrationId: string) =>
      createCampaign(accountId, { type: "CHATBOT", name: "Bot", integrationId, connectionIds: [sms.id] });
    await expect(chatbot(stopped.id)).rejects.toMatchObject({
      fieldErrors: { integrationId: [expect.stringMatching(/must be Active/)] },
    });
    await expect(chatbot(wired.id)).rejects.toMatchObject({
      fieldErrors: { integrationId: [expect.stringMatching(/has connections/)] },
    });
    await expect(chatbot(ready.id)).resolves.toMatchObject({ integrationId: ready.id });
  });

  it("refuses a connection that feeds a Custom Webhook integration, and says so in the choices", async () => {
    const { accountId, wa, integration } = await setup();
    const hook = await integration("Hook");
    await db()
      .insert(integrationConnections)
      .values({ accountId, integrationId: hook.id, connectionId: wa.id });
    const choices = await listCampaignConnectionChoices(accountId);
    expect(choices.find((c) => c.id === wa.id)?.unavailableReason).toBe("feeds the Custom Webhook “Hook”");
    await expect(
      createCampaign(accountId, {
        type: "KEYWORD",
        name: "K",
        keyword: "HI",
        autoReply: "Hello",
        connectionIds: [wa.id],
      }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
      fieldErrors: { connectionIds: [expect.stringMatching(/cannot be used/)] },
    });
  });
});

describe("campaign lifecycle", () => {
  it("goes Live, pauses, goes Live again; the Integration Date is set once", async () => {
    const { accountId, sms, integration } = await setup();
    const hook = await integration("Bot hook");
    const bot = await createCampaign(accountId, {
      type: "CHATBOT",
      name: "Bot",
      integrationId: hook.id,
      connectionIds: [sms.id],
    });
    const live = await goLive(accountId, bot.id);
    expect(live.status).toBe("LIVE");
    expect(live.integrationDate).toBeInstanceOf(Date);
    expect(await listLinkedCampaigns(accountId, hook.id)).toEqual([
      { id: bot.id, name: "Bot", status: "LIVE", integrationDate: live.integrationDate },
    ]);
    await expect(deleteCampaign(accountId, bot.id)).rejects.toThrow(/Pause the campaign/);
    expect((await pauseCampaign(accountId, bot.id)).status).toBe("PAUSED");
    await expect(pauseCampaign(accountId, bot.id)).rejects.toThrow(/Only a Live campaign/);
    expect(await listLinkedCampaigns(accountId, hook.id)).toEqual([]);
    const again = await goLive(accountId, bot.id);
    expect(again.integrationDate).toEqual(live.integrationDate);
  });

  it("a Chatbot Service campaign cannot go Live while its integration is stopped", async () => {
    const { accountId, sms, integration } = await setup();
    const hook = await integration("Hook");
    const bot = await createCampaign(accountId, {
      type: "CHATBOT",
      name: "Bot",
      integrationId: hook.id,
      connectionIds: [sms.id],
    });
    await db().update(integrations).set({ status: "INACTIVE" }).where(eq(integrations.id, hook.id));
    await expect(goLive(accountId, bot.id)).rejects.toThrow(/is not Active/);
    expect((await getCampaign(accountId, bot.id))?.status).toBe("DRAFT");
  });

  it("a keyword is unique per connection among Live Keyword campaigns, case-insensitively", async () => {
    const { accountId, sms, wa } = await setup();
    const keyword = (name: string, kw: string, ids: string[]) =>
      createCampaign(accountId, { type: "KEYWORD", name, keyword: kw, autoReply: "ok", connectionIds: ids });
    const first = await keyword("First", "SALE", [sms.id]);
    const sameOnOther = await keyword("Other number", "sale", [wa.id]);
    const clash = await keyword("Clash", "Sale", [sms.id, wa.id]);
    const different = await keyword("Different", "HELP", [sms.id]);
    await goLive(accountId, first.id);
    await goLive(accountId, sameOnOther.id);
    await goLive(accountId, different.id);
    await expect(goLive(accountId, clash.id)).rejects.toThrow(/“Sale” is already Live/);
    await pauseCampaign(accountId, first.id);
    await pauseCampaign(accountId, sameOnOther.id);
    await expect(goLive(accountId, clash.id)).resolves.toMatchObject({ status: "LIVE" });
  });

  it("a connection serves one Live Chatbot Service campaign at a time", async () => {
    const { accountId, sms, integration } = await setup();
    const hook = await integration("Hook");
    const a = await createCampaign(accountId, {
      type: "CHATBOT",
      name: "A",
      integrationId: hook.id,
      connectionIds: [sms.id],
    });
    const b = await createCampaign(accountId, {
      type: "KEYWORD",
      name: "B",
      keyword: "X",
      autoReply: "y",
      connectionIds: [sms.id],
    });
    await goLive(accountId, a.id);
    await expect(goLive(accountId, b.id)).rejects.toThrow(/already used by the Live campaign “A”/);
  });

  it("keeps accounts apart", async () => {
    const mine = await setup("Mine");
    const theirs = await createTestAccount("Theirs");
    const c = await createCampaign(mine.accountId, {
      type: "KEYWORD",
      name: "K",
      keyword: "K",
      autoReply: "k",
      connectionIds: [mine.sms.id],
    });
    expect(await getCampaign(theirs.accountId, c.id)).toBeNull();
    expect(await listCampaigns(theirs.accountId)).toEqual([]);
    await expect(goLive(theirs.accountId, c.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(deleteCampaign(theirs.accountId, c.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(
      createCampaign(theirs.accountId, {
        type: "KEYWORD",
        name: "Steal",
        keyword: "S",
        autoReply: "s",
        connectionIds: [mine.sms.id],
      }),
    ).rejects.toMatchObject({ fieldErrors: { connectionIds: ["Choose connections of this account"] } });
    expect(Object.values(await campaignReport(theirs.accountId, c.id)).every((n) => n === 0)).toBe(true);
    expect((await db().select().from(campaigns).where(eq(campaigns.id, c.id)))[0]?.status).toBe("DRAFT");
  });
});

describe("editing campaigns", () => {
  it("saves a Draft's name, keyword, auto-reply and connections; a Live one must be paused first", async () => {
    const { accountId, sms, wa } = await setup();
    const created = await createCampaign(accountId, {
      type: "KEYWORD",
      name: "Promo",
      keyword: "deal",
      autoReply: "Here is your code",
      connectionIds: [sms.id],
    });
    const edit = (name: string) =>
      updateCampaign(accountId, created.id, {
        type: "KEYWORD",
        name,
        keyword: "DEALS",
        autoReply: "New code",
        connectionIds: [wa.id],
      });
    await expect(edit("Promo 2")).resolves.toMatchObject({ name: "Promo 2", keyword: "DEALS" });
    const saved = await getCampaign(accountId, created.id);
    expect(saved).toMatchObject({ autoReply: "New code", status: "DRAFT" });
    expect(saved?.connections.map((c) => c.id)).toEqual([wa.id]);

    await goLive(accountId, created.id);
    await expect(edit("Promo 3")).rejects.toMatchObject({ code: "CONFLICT", message: /Pause the campaign/ });
    await pauseCampaign(accountId, created.id);
    await expect(edit("Promo 3")).resolves.toMatchObject({ name: "Promo 3", status: "PAUSED" });
  });

  it("makes the seeded kind of Draft (Chatbot Service, no integration, no connections) usable", async () => {
    const { accountId, sms, integration } = await setup();
    const [draft] = await db()
      .insert(campaigns)
      .values({ accountId, name: "Support chatbot", type: "CHATBOT" })
      .returning();
    await expect(goLive(accountId, draft!.id)).rejects.toThrow(/Select a Custom Webhook/);
    const hook = await integration("Support desk");
    await updateCampaign(accountId, draft!.id, {
      type: "CHATBOT",
      name: "Support chatbot",
      integrationId: hook.id,
      connectionIds: [sms.id],
    });
    await expect(goLive(accountId, draft!.id)).resolves.toMatchObject({
      status: "LIVE",
      integrationId: hook.id,
    });
  });

  it("checks what create checks, keeps the type, and resets the Integration Date when the integration changes", async () => {
    const { accountId, sms, wa, integration } = await setup();
    const first = await integration("First");
    const second = await integration("Second");
    const stopped = await integration("Stopped", "INACTIVE");
    const wired = await integration("Wired");
    await db()
      .insert(integrationConnections)
      .values({ accountId, integrationId: wired.id, connectionId: wa.id });
    const bot = await createCampaign(accountId, {
      type: "CHATBOT",
      name: "Bot",
      integrationId: first.id,
      connectionIds: [sms.id],
    });
    const { integrationDate } = await goLive(accountId, bot.id);
    await pauseCampaign(accountId, bot.id);
    const edit = (changes: { integrationId?: string; connectionIds?: string[] }) =>
      updateCampaign(accountId, bot.id, {
        type: "CHATBOT",
        name: "Bot",
        integrationId: first.id,
        connectionIds: [sms.id],
        ...changes,
      });

    await expect(edit({ integrationId: stopped.id })).rejects.toMatchObject({
      fieldErrors: { integrationId: [expect.stringMatching(/must be Active/)] },
    });
    await expect(edit({ integrationId: wired.id })).rejects.toMatchObject({
      fieldErrors: { integrationId: [expect.stringMatching(/has connections/)] },
    });
    await expect(edit({ connectionIds: [sms.id, wa.id] })).rejects.toMatchObject({
      code: "CONFLICT",
      fieldErrors: { connectionIds: [expect.stringMatching(/cannot be used/)] },
    });
    await expect(
      updateCampaign(accountId, bot.id, {
        type: "KEYWORD",
        name: "Bot",
        keyword: "X",
        autoReply: "y",
        connectionIds: [sms.id],
      }),
    ).rejects.toMatchObject({ fieldErrors: { type: [expect.stringMatching(/keeps its type/)] } });
    // A refused edit changed nothing.
    expect(await getCampaign(accountId, bot.id)).toMatchObject({ integrationId: first.id, integrationDate });

    expect((await edit({})).integrationDate).toEqual(integrationDate);
    const moved = await edit({ integrationId: second.id });
    expect(moved).toMatchObject({ integrationId: second.id, integrationDate: null });
    const live = await goLive(accountId, bot.id);
    expect(live.integrationDate!.getTime()).toBeGreaterThan(integrationDate!.getTime());
  });

  it("keeps accounts apart", async () => {
    const mine = await setup("EditMine");
    const theirs = await setup("EditTheirs");
    const c = await createCampaign(mine.accountId, {
      type: "KEYWORD",
      name: "Mine",
      keyword: "K",
      autoReply: "k",
      connectionIds: [mine.sms.id],
    });
    const input = (connectionId: string): CampaignInput => ({
      type: "KEYWORD",
      name: "Taken",
      keyword: "K",
      autoReply: "k",
      connectionIds: [connectionId],
    });
    await expect(updateCampaign(theirs.accountId, c.id, input(theirs.sms.id))).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(updateCampaign(mine.accountId, c.id, input(theirs.sms.id))).rejects.toMatchObject({
      fieldErrors: { connectionIds: ["Choose connections of this account"] },
    });
    expect(await getCampaign(mine.accountId, c.id)).toMatchObject({ name: "Mine" });
  });
});

describe("going Live safely", () => {
  it("refuses a Chatbot Service campaign whose integration has gained connections", async () => {
    const { accountId, sms, wa, integration } = await setup();
    const hook = await integration("Hook");
    const bot = await createCampaign(accountId, {
      type: "CHATBOT",
      name: "Bot",
      integrationId: hook.id,
      connectionIds: [sms.id],
    });
    await db()
      .insert(integrationConnections)
      .values({ accountId, integrationId: hook.id, connectionId: wa.id });
    await expect(goLive(accountId, bot.id)).rejects.toThrow(/has connections/);
    expect((await getCampaign(accountId, bot.id))?.status).toBe("DRAFT");
  });

  // Another transaction that locks connections in id order (as every writer here does) holds the lower
  // one, then takes the higher one: whoever locks the higher one first and waits would deadlock with it.
  async function againstOrderedLocker<T>(low: string, high: string, work: () => Promise<T>) {
    let release!: () => void;
    const holding = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const lowLocked = new Promise<void>((resolve) => (locked = resolve));
    const locker = db().transaction(async (tx) => {
      await tx.select().from(connections).where(eq(connections.id, low)).for("update");
      locked();
      await holding;
      await tx.select().from(connections).where(eq(connections.id, high)).for("update");
    });
    await lowLocked;
    const result = work();
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    return Promise.all([locker, result]);
  }

  async function connectionsInReverseIdOrder(accountId: string) {
    // Created high id first, so a scan in table order meets them in the reverse of id order.
    const suffix = randomUUID().slice(1);
    const [high] = await db()
      .insert(connections)
      .values({ id: `f${suffix}`, accountId, channel: "SMS", code: "+15550209001" })
      .returning();
    const [low] = await db()
      .insert(connections)
      .values({ id: `0${suffix}`, accountId, channel: "SMS", code: "+15550209002" })
      .returning();
    return { high: high!.id, low: low!.id };
  }

  it("links and locks connections in id order, so it cannot deadlock with another writer", async () => {
    const { accountId } = await createTestAccount("Locks");
    const { high, low } = await connectionsInReverseIdOrder(accountId);
    const [, created] = await againstOrderedLocker(low, high, () =>
      createCampaign(accountId, {
        type: "KEYWORD",
        name: "Create",
        keyword: "K",
        autoReply: "k",
        connectionIds: [high, low],
      }),
    );
    await againstOrderedLocker(low, high, () => goLive(accountId, created.id));
    expect((await getCampaign(accountId, created.id))?.status).toBe("LIVE");
  });
});
