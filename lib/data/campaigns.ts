import { and, type AnyColumn, asc, count, eq, inArray, ne, sql } from "drizzle-orm";
import type { z } from "zod";

import { db, type Tx } from "@/db";
import {
  campaignConnections,
  campaigns,
  campaignTallies,
  connections,
  integrationConnections,
  integrations,
} from "@/db/schema";
import { AppError, notFound, pgConstraint } from "@/lib/errors";
import { campaignInputSchema, type CampaignInput } from "@/lib/validation/campaign";
import { connectionLabel } from "@/lib/validation/connection";

type CampaignData = z.output<typeof campaignInputSchema>;

/** The account's campaigns with the connections each one uses and the alias of its integration. */
export async function listCampaigns(accountId: string) {
  const rows = await db()
    .select({ campaign: campaigns, integrationAlias: integrations.alias })
    .from(campaigns)
    .leftJoin(integrations, eq(integrations.id, campaigns.integrationId))
    .where(eq(campaigns.accountId, accountId))
    .orderBy(asc(campaigns.createdAt));
  const links = await campaignConnectionsOf(rows.map((r) => r.campaign.id));
  return rows.map(({ campaign, integrationAlias }) => ({
    ...campaign,
    integrationAlias,
    connections: links.filter((l) => l.campaignId === campaign.id),
  }));
}

export type CampaignListItem = Awaited<ReturnType<typeof listCampaigns>>[number];

async function campaignConnectionsOf(campaignIds: string[]) {
  if (campaignIds.length === 0) return [];
  return db()
    .select({
      campaignId: campaignConnections.campaignId,
      id: connections.id,
      channel: connections.channel,
      code: connections.code,
    })
    .from(campaignConnections)
    .innerJoin(connections, eq(connections.id, campaignConnections.connectionId))
    .where(inArray(campaignConnections.campaignId, campaignIds))
    .orderBy(asc(connections.channel), asc(connections.code));
}

export async function getCampaign(accountId: string, campaignId: string) {
  const [row] = await db()
    .select({ campaign: campaigns, integrationAlias: integrations.alias })
    .from(campaigns)
    .leftJoin(integrations, eq(integrations.id, campaigns.integrationId))
    .where(and(eq(campaigns.accountId, accountId), eq(campaigns.id, campaignId)));
  if (!row) return null;
  return {
    ...row.campaign,
    integrationAlias: row.integrationAlias,
    connections: await campaignConnectionsOf([campaignId]),
  };
}

/**
 * What the Chatbot Service step may select: every integration of the account, with the reason it
 * cannot be chosen (only Active integrations without connections can).
 */
export async function listIntegrationChoices(accountId: string) {
  const rows = await db()
    .select({
      id: integrations.id,
      alias: integrations.alias,
      status: integrations.status,
      connectionCount: sql<number>`(select count(*)::int from ${integrationConnections} where ${integrationConnections.integrationId} = ${integrations.id})`,
    })
    .from(integrations)
    .where(eq(integrations.accountId, accountId))
    .orderBy(asc(integrations.alias));
  return rows.map((r) => ({
    id: r.id,
    alias: r.alias,
    unavailableReason:
      r.connectionCount > 0
        ? "has connections of its own"
        : r.status !== "ACTIVE"
          ? "is not Active: Start it first"
          : null,
  }));
}

/** Connections a campaign may use: those that no Custom Webhook integration feeds. */
export async function listCampaignConnectionChoices(accountId: string) {
  const rows = await db()
    .select({
      id: connections.id,
      channel: connections.channel,
      code: connections.code,
      integrationAlias: integrations.alias,
    })
    .from(connections)
    .leftJoin(integrationConnections, eq(integrationConnections.connectionId, connections.id))
    .leftJoin(integrations, eq(integrations.id, integrationConnections.integrationId))
    .where(eq(connections.accountId, accountId))
    .orderBy(asc(connections.channel), asc(connections.code));
  return rows.map((r) => ({
    id: r.id,
    label: connectionLabel(r),
    unavailableReason: r.integrationAlias ? `feeds the Custom Webhook “${r.integrationAlias}”` : null,
  }));
}

// Takes the integration's row lock: going Live and stopping the integration serialise on it.
async function lockIntegration(tx: Tx, accountId: string, integrationId: string) {
  const [row] = await tx
    .select({ id: integrations.id, alias: integrations.alias, status: integrations.status })
    .from(integrations)
    .where(and(eq(integrations.accountId, accountId), eq(integrations.id, integrationId)))
    .for("update");
  return row ?? null;
}

async function integrationHasConnections(tx: Tx, integrationId: string) {
  const [{ n } = { n: 0 }] = await tx
    .select({ n: count() })
    .from(integrationConnections)
    .where(eq(integrationConnections.integrationId, integrationId));
  return n > 0;
}

const HAS_CONNECTIONS = (alias: string) =>
  `The Custom Webhook “${alias}” has connections; only one without connections can serve a Chatbot Service campaign`;

async function assertSelectableIntegration(tx: Tx, accountId: string, integrationId: string) {
  const integration = await lockIntegration(tx, accountId, integrationId);
  const fail = (message: string) => new AppError("CONFLICT", message, { integrationId: [message] });
  if (!integration) throw fail("Select a Custom Webhook integration of this account");
  if (integration.status !== "ACTIVE") {
    throw fail(`The Custom Webhook “${integration.alias}” must be Active to be linked: Start it first`);
  }
  if (await integrationHasConnections(tx, integrationId)) throw fail(HAS_CONNECTIONS(integration.alias));
  return integration;
}

// The columns a campaign's type uses; the other type's stay null (the table's checks require it).
const typeColumns = (data: CampaignData) => ({
  keyword: data.type === "KEYWORD" ? data.keyword : null,
  autoReply: data.type === "KEYWORD" ? data.autoReply : null,
  integrationId: data.type === "CHATBOT" ? data.integrationId : null,
});

/** Creates a campaign in Draft; its connections must belong to the account and feed no integration. */
export async function createCampaign(accountId: string, input: CampaignInput) {
  const data = campaignInputSchema.parse(input);
  return db().transaction(async (tx) => {
    if (data.type === "CHATBOT") await assertSelectableIntegration(tx, accountId, data.integrationId);
    const [campaign] = await tx
      .insert(campaigns)
      .values({
        accountId,
        name: data.name,
        type: data.type,
        ...typeColumns(data),
      })
      .returning();
    await linkConnections(tx, accountId, campaign!.id, data.connectionIds);
    return campaign!;
  });
}

/**
 * Saves the form over a Draft or Paused campaign, with the checks of createCampaign; its connections
 * are replaced in the same transaction. A Live campaign must be paused first, and the type stays.
 * Linking another integration clears the Integration Date (set again when the campaign goes Live).
 */
export async function updateCampaign(accountId: string, campaignId: string, input: CampaignInput) {
  const data = campaignInputSchema.parse(input);
  return db().transaction(async (tx) => {
    // Locked first, as goLive does: an edit and a go-Live of the same campaign take turns.
    const [current] = await tx
      .select()
      .from(campaigns)
      .where(and(eq(campaigns.accountId, accountId), eq(campaigns.id, campaignId)))
      .for("update");
    if (!current) throw notFound("Campaign");
    if (current.status === "LIVE") throw new AppError("CONFLICT", "Pause the campaign before editing it");
    if (current.type !== data.type) {
      const message = "A campaign keeps its type: create a new campaign instead";
      throw new AppError("INVALID", message, { type: [message] });
    }
    if (data.type === "CHATBOT") await assertSelectableIntegration(tx, accountId, data.integrationId);
    const columns = typeColumns(data);
    const [updated] = await tx
      .update(campaigns)
      .set({
        name: data.name,
        ...columns,
        integrationDate: columns.integrationId === current.integrationId ? current.integrationDate : null,
        updatedAt: new Date(),
      })
      .where(and(eq(campaigns.accountId, accountId), eq(campaigns.id, campaignId)))
      .returning();
    await tx
      .delete(campaignConnections)
      .where(
        and(eq(campaignConnections.accountId, accountId), eq(campaignConnections.campaignId, campaignId)),
      );
    await linkConnections(tx, accountId, campaignId, data.connectionIds);
    return updated!;
  });
}

async function linkConnections(tx: Tx, accountId: string, campaignId: string, connectionIds: string[]) {
  // Sorted: the trigger locks each connection as its row goes in, and one order everywhere avoids deadlocks.
  const unique = [...new Set(connectionIds)].sort();
  const owned = await tx
    .select({ id: connections.id })
    .from(connections)
    .where(and(eq(connections.accountId, accountId), inArray(connections.id, unique)));
  if (owned.length !== unique.length) {
    throw new AppError("INVALID", "Some connections were not found", {
      connectionIds: ["Choose connections of this account"],
    });
  }
  try {
    await tx
      .insert(campaignConnections)
      .values(unique.map((connectionId) => ({ accountId, campaignId, connectionId })));
  } catch (err) {
    if (pgConstraint(err) === "connection_used_by_integration") {
      const message = "A connection that feeds a Custom Webhook integration cannot be used by a campaign";
      throw new AppError("CONFLICT", message, { connectionIds: [message] });
    }
    throw err;
  }
}

/**
 * Puts a Draft or Paused campaign Live, after the checks that keep channels unambiguous: a Chatbot
 * Service campaign needs its integration Active (the integration row is locked, so a concurrent Stop
 * either waits for this or wins before it); a keyword is unique per connection among Live Keyword
 * campaigns; a connection serves at most one Live Chatbot Service campaign and not also Live keywords.
 */
export async function goLive(accountId: string, campaignId: string) {
  return db().transaction(async (tx) => {
    const [campaign] = await tx
      .select()
      .from(campaigns)
      .where(and(eq(campaigns.accountId, accountId), eq(campaigns.id, campaignId)))
      .for("update");
    if (!campaign) throw notFound("Campaign");
    if (campaign.status === "LIVE") return campaign;
    if (campaign.type === "CHATBOT") {
      if (!campaign.integrationId)
        throw new AppError("CONFLICT", "Select a Custom Webhook integration first");
      const integration = await lockIntegration(tx, accountId, campaign.integrationId);
      if (integration?.status !== "ACTIVE") {
        throw new AppError(
          "CONFLICT",
          `The Custom Webhook “${integration?.alias ?? ""}” is not Active: Start it before putting the campaign Live`,
        );
      }
      // Connections may have been added to the integration since it was linked; under its lock, none can be now.
      if (await integrationHasConnections(tx, integration.id)) {
        throw new AppError(
          "CONFLICT",
          `${HAS_CONNECTIONS(integration.alias)}: edit the campaign or the integration`,
        );
      }
    }
    const links = await tx
      .select({ connectionId: campaignConnections.connectionId })
      .from(campaignConnections)
      .where(
        and(eq(campaignConnections.accountId, accountId), eq(campaignConnections.campaignId, campaignId)),
      );
    if (links.length === 0) throw new AppError("CONFLICT", "Add at least one connection before going Live");
    const connectionIds = links.map((l) => l.connectionId);
    // Serialises concurrent go-Live of campaigns sharing a connection; locking in id order avoids deadlocks.
    await tx
      .select({ id: connections.id })
      .from(connections)
      .where(and(eq(connections.accountId, accountId), inArray(connections.id, connectionIds)))
      .orderBy(asc(connections.id))
      .for("update");

    const clashes = await tx
      .select({
        name: campaigns.name,
        type: campaigns.type,
        keyword: campaigns.keyword,
        code: connections.code,
      })
      .from(campaignConnections)
      .innerJoin(campaigns, eq(campaigns.id, campaignConnections.campaignId))
      .innerJoin(connections, eq(connections.id, campaignConnections.connectionId))
      .where(
        and(
          inArray(campaignConnections.connectionId, connectionIds),
          eq(campaigns.status, "LIVE"),
          ne(campaigns.id, campaignId),
        ),
      );
    for (const other of clashes) {
      const sameKeyword =
        campaign.type === "KEYWORD" &&
        other.type === "KEYWORD" &&
        other.keyword?.toLowerCase() === campaign.keyword?.toLowerCase();
      if (sameKeyword) {
        throw new AppError(
          "CONFLICT",
          `The keyword “${campaign.keyword}” is already Live on ${other.code} in “${other.name}”`,
        );
      }
      if (campaign.type === "CHATBOT" || other.type === "CHATBOT") {
        throw new AppError("CONFLICT", `${other.code} is already used by the Live campaign “${other.name}”`);
      }
    }
    const [updated] = await tx
      .update(campaigns)
      .set({
        status: "LIVE",
        updatedAt: new Date(),
        // The Integration Date: when the campaign linked to the integration first went Live.
        integrationDate: campaign.type === "CHATBOT" ? (campaign.integrationDate ?? new Date()) : null,
      })
      .where(and(eq(campaigns.accountId, accountId), eq(campaigns.id, campaignId)))
      .returning();
    return updated!;
  });
}

/** Pauses a Live campaign (the Report view's Pause → Confirm). */
export async function pauseCampaign(accountId: string, campaignId: string) {
  const [updated] = await db()
    .update(campaigns)
    .set({ status: "PAUSED", updatedAt: new Date() })
    .where(
      and(eq(campaigns.accountId, accountId), eq(campaigns.id, campaignId), eq(campaigns.status, "LIVE")),
    )
    .returning();
  if (updated) return updated;
  if (!(await getCampaign(accountId, campaignId))) throw notFound("Campaign");
  throw new AppError("CONFLICT", "Only a Live campaign can be paused");
}

/** Deletes a campaign that is not Live. */
export async function deleteCampaign(accountId: string, campaignId: string) {
  const deleted = await db()
    .delete(campaigns)
    .where(
      and(eq(campaigns.accountId, accountId), eq(campaigns.id, campaignId), ne(campaigns.status, "LIVE")),
    )
    .returning({ id: campaigns.id });
  if (deleted.length > 0) return;
  if (!(await getCampaign(accountId, campaignId))) throw notFound("Campaign");
  throw new AppError("CONFLICT", "Pause the campaign before deleting it");
}

/**
 * The Chatbot Service campaigns linked to an integration — only the Live ones unless `onlyLive` is false
 * (Default: true) — by Integration Date, then name: the integration card's Campaigns dialog.
 */
export async function listLinkedCampaigns(accountId: string, integrationId: string, onlyLive = true) {
  return db()
    .select({
      id: campaigns.id,
      name: campaigns.name,
      status: campaigns.status,
      integrationDate: campaigns.integrationDate,
    })
    .from(campaigns)
    .where(
      and(
        eq(campaigns.accountId, accountId),
        eq(campaigns.integrationId, integrationId),
        onlyLive ? eq(campaigns.status, "LIVE") : undefined,
      ),
    )
    .orderBy(asc(campaigns.integrationDate), asc(campaigns.name));
}

/**
 * The Report view's figures, all time (what has since expired included): messages in and out, chats open
 * and closed, and the chats' deliveries by where they stand. Sums the campaign's few tally rows
 * (campaign_tallies, kept by triggers); zeros for a campaign of another account.
 */
export async function campaignReport(accountId: string, campaignId: string) {
  const total = (column: AnyColumn) => sql<number>`coalesce(sum(${column}), 0)::int`;
  const [report] = await db()
    .select({
      messagesIn: total(campaignTallies.messagesIn),
      messagesOut: total(campaignTallies.messagesOut),
      chatsOpen: total(campaignTallies.chatsOpen),
      chatsClosed: total(campaignTallies.chatsClosed),
      deliveriesWaiting: total(campaignTallies.deliveriesWaiting),
      deliveriesSucceeded: total(campaignTallies.deliveriesSucceeded),
      deliveriesFailed: total(campaignTallies.deliveriesFailed),
      deliveriesSkipped: total(campaignTallies.deliveriesSkipped),
    })
    .from(campaignTallies)
    .innerJoin(
      campaigns,
      and(eq(campaigns.id, campaignTallies.campaignId), eq(campaigns.accountId, accountId)),
    )
    .where(eq(campaignTallies.campaignId, campaignId));
  return report!;
}
