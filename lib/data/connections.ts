import { and, asc, eq, sql } from "drizzle-orm";

import { db } from "@/db";
import {
  campaignConnections,
  campaigns,
  connections,
  integrationConnections,
  integrations,
  type Connection,
} from "@/db/schema";
import { createChannelAdapter, type ChannelAdapter } from "@/lib/channels";
import { PROVIDER_LABEL, PROVIDERS_FOR_CHANNEL } from "@/lib/channels/providers";
import { decryptSecret, encryptSecret, maskSecret } from "@/lib/crypto/secrets";
import { AppError, isUniqueViolation, notFound, type FieldErrors } from "@/lib/errors";
import {
  CREDENTIAL_LABEL,
  credentialFields,
  FIELDS_OF,
  providerSettingsInputSchema,
  storedCredentialsSchema,
  TWILIO_SECRETS,
  WHATSAPP_SECRETS,
  type ProviderSettingsInput,
  type ProviderSettingsView,
  type SecretField,
  type StoredCredentials,
} from "@/lib/validation/channel-credentials";
import { CHANNEL_LABEL, connectionInputSchema, type ConnectionInput } from "@/lib/validation/connection";
import { isUuid } from "@/lib/validation/ids";

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

/**
 * Removes a connection that no integration or campaign uses; its chats, their messages and pending
 * deliveries go with it. The row is locked first: linking a connection (the database trigger) locks the
 * same row, so a link made meanwhile is either seen here or waits and then finds the connection gone.
 */
export async function deleteConnection(accountId: string, connectionId: string): Promise<void> {
  await db().transaction(async (tx) => {
    const [row] = await tx
      .select({ id: connections.id })
      .from(connections)
      .where(and(eq(connections.accountId, accountId), eq(connections.id, connectionId)))
      .for("update");
    if (!row) throw notFound("Connection");
    const [integration] = await tx
      .select({ alias: integrations.alias })
      .from(integrationConnections)
      .innerJoin(integrations, eq(integrations.id, integrationConnections.integrationId))
      .where(eq(integrationConnections.connectionId, connectionId))
      .limit(1);
    if (integration) {
      throw new AppError(
        "CONFLICT",
        `Used by the Custom Webhook “${integration.alias}”: remove it there first`,
      );
    }
    const [campaign] = await tx
      .select({ name: campaigns.name })
      .from(campaignConnections)
      .innerJoin(campaigns, eq(campaigns.id, campaignConnections.campaignId))
      .where(eq(campaignConnections.connectionId, connectionId))
      .orderBy(asc(campaigns.name))
      .limit(1);
    if (campaign) {
      throw new AppError("CONFLICT", `Used by the campaign “${campaign.name}”: remove it there first`);
    }
    await tx
      .delete(connections)
      .where(and(eq(connections.accountId, accountId), eq(connections.id, connectionId)));
  });
}

// ---------------------------------------------------------------- channel providers

/** The decrypted credentials document, or null when there is none or it cannot be read (key changed). */
function readCredentials(
  connection: Pick<Connection, "id" | "providerCredentials">,
): StoredCredentials | null {
  if (!connection.providerCredentials) return null;
  try {
    return storedCredentialsSchema.parse(JSON.parse(decryptSecret(connection.providerCredentials)));
  } catch {
    // Never log the document itself: it holds the secrets.
    console.error(`[channels] the credentials of connection ${connection.id} cannot be read`);
    return null;
  }
}

const SECRET_FIELDS = new Set<string>([...TWILIO_SECRETS, ...WHATSAPP_SECRETS]);
const masked = (secret: string | undefined) => (secret ? maskSecret(secret) : "");

/** What the browser may see: identifiers in clear, secrets masked ("" when none is saved). */
function settingsView(
  provider: Connection["provider"],
  credentials: StoredCredentials | null,
): ProviderSettingsView {
  const twilio = credentials?.provider === "TWILIO" ? credentials : null;
  const whatsapp = credentials?.provider === "WHATSAPP_CLOUD" ? credentials : null;
  switch (provider) {
    case "SIMULATOR":
      return { provider };
    case "TWILIO":
      return {
        provider,
        accountSid: twilio?.accountSid ?? "",
        authToken: masked(twilio?.authToken),
        webhookUrl: twilio?.webhookUrl ?? null,
      };
    case "WHATSAPP_CLOUD":
      return {
        provider,
        phoneNumberId: whatsapp?.phoneNumberId ?? "",
        accessToken: masked(whatsapp?.accessToken),
        appSecret: masked(whatsapp?.appSecret),
        verifyToken: masked(whatsapp?.verifyToken),
      };
  }
}

/** A connection with its provider settings as the browser may see them (secrets masked). */
export async function getConnectionSettings(accountId: string, connectionId: string) {
  const row = await getConnection(accountId, connectionId);
  if (!row) return null;
  return {
    id: row.id,
    channel: row.channel,
    code: row.code,
    provider: row.provider,
    settings: settingsView(row.provider, readCredentials(row)),
  };
}

export type ConnectionSettings = NonNullable<Awaited<ReturnType<typeof getConnectionSettings>>>;

/** Per-connection provider API endpoint, for tests and proxies; `null` clears it. Not settable from the form. */
export interface ProviderEndpointOverride {
  apiBaseUrl?: string | null;
  apiVersion?: string | null;
}

/**
 * Sets which provider carries a connection, with its credentials, encrypted as one document. A blank
 * secret keeps the saved one (while the provider stays the same); switching to the simulator deletes
 * the stored credentials. Returns the masked view.
 */
export async function setConnectionProvider(
  accountId: string,
  connectionId: string,
  input: ProviderSettingsInput,
  endpoint: ProviderEndpointOverride = {},
): Promise<ProviderSettingsView> {
  const settings = providerSettingsInputSchema.parse(input);
  return db().transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(connections)
      .where(and(eq(connections.accountId, accountId), eq(connections.id, connectionId)))
      .for("update");
    if (!row) throw notFound("Connection");
    const { provider } = settings;
    if (!PROVIDERS_FOR_CHANNEL[row.channel].includes(provider)) {
      const message = `${PROVIDER_LABEL[provider]} does not carry ${CHANNEL_LABEL[row.channel]} connections`;
      throw new AppError("INVALID", message, { provider: [message] });
    }

    let document: StoredCredentials | null = null;
    if (provider !== "SIMULATOR") {
      // Only the same provider's saved secrets can stand in for blank fields.
      const previous: Record<string, string | undefined> | null =
        row.provider === provider ? readCredentials(row) : null;
      const candidate: Record<string, string> = { provider };
      const missing: FieldErrors = {};
      for (const field of FIELDS_OF[provider]) {
        const typed = settings[field];
        const saved = previous?.[field];
        if (typed) candidate[field] = typed;
        else if (SECRET_FIELDS.has(field) && saved) candidate[field] = saved;
        else if (SECRET_FIELDS.has(field))
          missing[field] = [`Enter the ${CREDENTIAL_LABEL[field as SecretField]}`];
      }
      if (Object.keys(missing).length) throw new AppError("INVALID", "Some fields need attention", missing);
      for (const key of ["apiBaseUrl", "apiVersion"] as const) {
        const value = endpoint[key] === undefined ? previous?.[key] : endpoint[key];
        if (value) candidate[key] = credentialFields[key].parse(value);
      }
      document = storedCredentialsSchema.parse(candidate);
    }

    await tx
      .update(connections)
      .set({ provider, providerCredentials: document ? encryptSecret(JSON.stringify(document)) : null })
      .where(and(eq(connections.accountId, accountId), eq(connections.id, connectionId)));
    return settingsView(provider, document);
  });
}

/**
 * The channel adapter of a connection row the caller already loaded for its account (decrypts the
 * credentials). Throws when a Twilio/WhatsApp connection's credentials are missing or unreadable.
 */
export function getChannelAdapter(
  connection: Pick<Connection, "id" | "code" | "provider" | "providerCredentials">,
): ChannelAdapter {
  return createChannelAdapter(connection, readCredentials(connection));
}

/** A connection of the account (credentials left out) and its adapter; 404 when it is not the account's. */
export async function loadChannelAdapter(accountId: string, connectionId: string) {
  const row = await getConnection(accountId, connectionId);
  if (!row) throw notFound("Connection");
  return { connection: withoutCredentials(row), adapter: getChannelAdapter(row) };
}

/**
 * For provider webhooks only, which reach /api/channels/… without an account: the connection with this
 * id if it uses `provider`, and its adapter. Whatever it returns is unauthenticated until
 * `adapter.receive` has checked the provider's signature.
 */
export async function getInboundChannel(connectionId: string, provider: "TWILIO" | "WHATSAPP_CLOUD") {
  if (!isUuid(connectionId)) return null;
  const [row] = await db()
    .select()
    .from(connections)
    .where(and(eq(connections.id, connectionId), eq(connections.provider, provider)))
    .limit(1);
  if (!row) return null;
  return { connection: withoutCredentials(row), adapter: getChannelAdapter(row) };
}

function withoutCredentials({ providerCredentials: _secret, ...connection }: Connection) {
  return connection;
}

export type ChannelConnection = ReturnType<typeof withoutCredentials>;
