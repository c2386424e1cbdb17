import { randomUUID } from "node:crypto";

import { db } from "@/db";
import {
  campaignConnections,
  campaigns,
  connections,
  integrationConnections,
  integrations,
  type Channel,
  type HttpMethod,
} from "@/db/schema";
import { encryptSecret } from "@/lib/crypto/secrets";
import { DEFAULT_BODY_ROWS } from "@/lib/validation/integration";
import type { AuthConfig, FieldRow } from "@/lib/validation/integration-fields";
import { generateSigningSecret } from "@/lib/webhooks/sign";

/** The Body rows of the spec's predefined parameters: the wizard's defaults. */
export const SPEC_BODY = DEFAULT_BODY_ROWS;

/** A connection for a test (a random SMS number unless given). */
export async function createTestConnection(accountId: string, channel: Channel = "SMS", code?: string) {
  const number = code ?? `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
  const [row] = await db().insert(connections).values({ accountId, channel, code: number }).returning();
  return row!;
}

export interface TestIntegrationOptions {
  url: string;
  method?: HttpMethod;
  alias?: string;
  auth?: AuthConfig;
  /** The Auth tab's secret in plain text (stored encrypted). */
  authSecret?: string;
  params?: FieldRow[];
  headers?: FieldRow[];
  /** Default: SPEC_BODY. */
  body?: FieldRow[];
  /** Default: ACTIVE. */
  status?: "ACTIVE" | "INACTIVE";
  connectionIds?: string[];
  maxAttempts?: number;
  maxAgeSeconds?: number;
  /** The endpoint's maximum delivery rate (requests per second; Default: unlimited). */
  maxRatePerSecond?: number;
  /** The signing secret in plain text (Default: a new one). */
  signingSecret?: string;
  /** A previous signing secret still in force (plain text) until `previousExpiresAt`. */
  previousSigningSecret?: string;
  previousExpiresAt?: Date;
}

/**
 * Inserts a Custom Webhook integration directly (tests of the delivery engine do not go through the
 * wizard), with its secrets encrypted as the app stores them. Returns the row and the plain signing
 * secret, for a receiver to verify with.
 */
export async function createTestIntegration(accountId: string, options: TestIntegrationOptions) {
  const signingSecret = options.signingSecret ?? generateSigningSecret();
  const [integration] = await db()
    .insert(integrations)
    .values({
      accountId,
      alias: options.alias ?? `Hook ${randomUUID().slice(0, 8)}`,
      method: options.method ?? "POST",
      url: options.url,
      params: options.params ?? [],
      headers: options.headers ?? [],
      body: options.body ?? SPEC_BODY,
      auth: options.auth ?? { type: "NONE" },
      authSecret: options.authSecret ? encryptSecret(options.authSecret) : null,
      signingSecret: encryptSecret(signingSecret),
      previousSigningSecret: options.previousSigningSecret
        ? encryptSecret(options.previousSigningSecret)
        : null,
      previousSigningSecretExpiresAt: options.previousExpiresAt ?? null,
      status: options.status ?? "ACTIVE",
      ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
      ...(options.maxAgeSeconds ? { maxAgeSeconds: options.maxAgeSeconds } : {}),
      maxRatePerSecond: options.maxRatePerSecond ?? null,
    })
    .returning();
  if (options.connectionIds?.length) {
    await db()
      .insert(integrationConnections)
      .values(
        options.connectionIds.map((connectionId) => ({
          accountId,
          integrationId: integration!.id,
          connectionId,
        })),
      );
  }
  return { integration: integration!, signingSecret };
}

/** A Live Chatbot Service campaign ("Bot") that hands the connection's chats to the integration. */
export async function createLiveChatbotCampaign(
  accountId: string,
  integrationId: string,
  connectionId: string,
) {
  const [campaign] = await db()
    .insert(campaigns)
    .values({ accountId, name: "Bot", type: "CHATBOT", status: "LIVE", integrationId })
    .returning();
  await db().insert(campaignConnections).values({ accountId, campaignId: campaign!.id, connectionId });
  return campaign!;
}
