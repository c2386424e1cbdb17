import { asc, eq, inArray } from "drizzle-orm";

import { db } from "@/db";
import { campaignConnections, campaigns, connections } from "@/db/schema";

/** The account's campaigns with the connections each one uses. */
export async function listCampaigns(accountId: string) {
  const rows = await db()
    .select()
    .from(campaigns)
    .where(eq(campaigns.accountId, accountId))
    .orderBy(asc(campaigns.createdAt));
  const links = rows.length
    ? await db()
        .select({
          campaignId: campaignConnections.campaignId,
          channel: connections.channel,
          code: connections.code,
        })
        .from(campaignConnections)
        .innerJoin(connections, eq(connections.id, campaignConnections.connectionId))
        .where(
          inArray(
            campaignConnections.campaignId,
            rows.map((r) => r.id),
          ),
        )
    : [];
  return rows.map((c) => ({ ...c, connections: links.filter((l) => l.campaignId === c.id) }));
}
