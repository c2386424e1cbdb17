import { and, asc, eq, sql } from "drizzle-orm";

import { db } from "@/db";
import {
  campaignConnections,
  campaigns,
  connections,
  integrationConnections,
  integrations,
} from "@/db/schema";
import { AppError, isUniqueViolation, notFound } from "@/lib/errors";
import { CHANNEL_LABEL, connectionInputSchema, type ConnectionInput } from "@/lib/validation/connection";

/** The account's connections (or one of them), each with what uses it: an integration's alias, campaign names. */
export async function listConnections(accountId: string, onlyId?: string) {
  return db()
    .select({
      id: connections.id,
      channel: connections.channel,
      code: connections.code,
      provider: connections.provider,
      createdAt: connections.createdAt,
      integrationId: integrationConnections.integrationId,
      integrationAlias: integrations.alias,
      campaignNames: sql<string[]>`coalesce((
        select array_agg(${campaigns.name} order by ${campaigns.name})
        from ${campaignConnections} join ${campaigns} on ${campaigns.id} = ${campaignConnections.campaignId}
        where ${campaignConnections.connectionId} = ${connections.id}), '{}')`,
    })
    .from(connections)
    .leftJoin(integrationConnections, eq(integrationConnections.connectionId, connections.id))
    .leftJoin(integrations, eq(integrations.id, integrationConnections.integrationId))
    .where(and(eq(connections.accountId, accountId), onlyId ? eq(connections.id, onlyId) : undefined))
    .orderBy(asc(connections.channel), asc(connections.code));
}

export type ConnectionListItem = Awaited<ReturnType<typeof listConnections>>[number];

export async function getConnection(accountId: string, connectionId: string) {
  const [row] = await db()
    .select()
    .from(connections)
    .where(and(eq(connections.accountId, accountId), eq(connections.id, connectionId)))
    .limit(1);
  return row ?? null;
}

/** Adds a connection; the code is normalised, and a duplicate in the account is a field error. */
export async function createConnection(accountId: string, input: ConnectionInput) {
  const { channel, code } = connectionInputSchema.parse(input);
  try {
    const [row] = await db().insert(connections).values({ accountId, channel, code }).returning();
    return row!;
  } catch (err) {
    if (isUniqueViolation(err, "connections_account_channel_code_key")) {
      const message = `${CHANNEL_LABEL[channel]} ${code} is already one of your connections`;
      throw new AppError("CONFLICT", message, { code: [message] });
    }
    throw err;
  }
}

/** Removes a connection that no integration or campaign uses; its chats go with it. */
export async function deleteConnection(accountId: string, connectionId: string): Promise<void> {
  const [usage] = await listConnections(accountId, connectionId);
  if (!usage) throw notFound("Connection");
  if (usage.integrationAlias) {
    throw new AppError(
      "CONFLICT",
      `Used by the Custom Webhook "${usage.integrationAlias}": remove it there first`,
    );
  }
  if (usage.campaignNames.length > 0) {
    throw new AppError("CONFLICT", `Used by the campaign "${usage.campaignNames[0]}": remove it there first`);
  }
  const deleted = await db()
    .delete(connections)
    .where(and(eq(connections.accountId, accountId), eq(connections.id, connectionId)))
    .returning({ id: connections.id });
  if (deleted.length === 0) throw notFound("Connection");
}
