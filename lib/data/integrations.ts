import { and, desc, eq, inArray, sql } from "drizzle-orm";

import { db, type Tx } from "@/db";
import {
  campaigns,
  connections,
  deliveryHours,
  deliveryMinutes,
  deliveryQueue,
  integrationConnections,
  integrationHealth,
  integrations,
  users,
  type Channel,
  type Integration,
} from "@/db/schema";
import { decryptSecret, encryptSecret, maskSecret } from "@/lib/crypto/secrets";
import { env } from "@/lib/env";
import { AppError, isUniqueViolation, notFound } from "@/lib/errors";
import { connectionLabel } from "@/lib/validation/connection";
import type { WaitingChoice } from "@/lib/validation/deliveries";
import {
  integrationSchema,
  type IntegrationFormValues,
  type IntegrationInput,
  type StoredIntegrationConfig,
} from "@/lib/validation/integration";
import { generateSigningSecret } from "@/lib/webhooks/sign";
import { isRetryable } from "@/lib/webhooks/sql";
import { startDeliveries } from "@/lib/webhooks/waiting";
import { WAITING_COUNT_CAP } from "@/lib/webhooks/waiting-count";

// Account-scoped data functions of Custom Webhook integrations. Every function takes the caller's
// account id and never touches another account's rows. Encrypted columns never leave this module:
// callers get masked secrets, except revealSigningSecret (owner only) and signingSecretsOf (the engine).

/** How long the previous signing secret keeps signing after a rotation, so receivers can switch over. */
export const PREVIOUS_SECRET_GRACE_MS = 24 * 60 * 60 * 1000;

export interface IntegrationConnection {
  id: string;
  channel: Channel;
  code: string;
}

/** What a card shows: no secrets. */
export interface IntegrationSummary {
  id: string;
  alias: string;
  method: Integration["method"];
  /** Scheme, host and path; the card shows it with `params` joined (lib/webhooks/url joinUrl). */
  url: string;
  params: Integration["params"];
  status: Integration["status"];
  /** Set by the delivery engine when the receiver answered 410 Gone; Start clears it. */
  disabledReason: string | null;
  /** Its endpoint is Failing (the circuit breaker, lib/webhooks/health.ts): sending waits for a probe. */
  failing: EndpointFailing | null;
  /** Its endpoint's maximum delivery rate (requests per second), or null: unlimited. */
  maxRatePerSecond: number | null;
  createdAt: Date;
  updatedAt: Date;
  connections: IntegrationConnection[];
  /** The Live Chatbot Service campaigns using it: the card's Campaigns icon and dialog. */
  liveCampaigns: LinkedCampaign[];
  /**
   * While it is not Active: the events waiting for its Start, counted up to WAITING_COUNT_CAP + 1
   * (more than the cap shows as "10,000+"); 0 while Active.
   */
  waiting: number;
}

export interface EndpointFailing {
  since: Date;
  /** The last failed attempt's error. */
  lastError: string | null;
  /** When the next probe request goes (null: one is on its way). */
  nextProbeAt: Date | null;
}

export interface LinkedCampaign {
  id: string;
  name: string;
  /** When the campaign linked to the integration went Live. */
  integrationDate: Date | null;
}

/** What the wizard's Edit needs: every value, secrets masked. */
export interface IntegrationDetails extends StoredIntegrationConfig {
  id: string;
  status: Integration["status"];
  /** The stored Auth secret, masked (null when the type has none). */
  authSecretMasked: string | null;
  signingSecretMasked: string;
  /** While set and in the future, the previous signing secret still signs deliveries. */
  previousSigningSecretExpiresAt: Date | null;
}

/** A connection as the wizard's Available Connections dropdown offers it. */
export interface ConnectionChoice extends IntegrationConnection {
  /** "SMS – 72345": channel on the left, code on the right. */
  label: string;
  /** Why it cannot be chosen (used by another integration or a campaign), or null when it is free. */
  unavailableReason: string | null;
}

const summaryColumns = {
  id: integrations.id,
  alias: integrations.alias,
  method: integrations.method,
  url: integrations.url,
  params: integrations.params,
  status: integrations.status,
  disabledReason: integrations.disabledReason,
  maxRatePerSecond: integrations.maxRatePerSecond,
  createdAt: integrations.createdAt,
  updatedAt: integrations.updatedAt,
  failingSince: integrationHealth.failingSince,
  failingError: integrationHealth.lastError,
  heldUntil: integrationHealth.heldUntil,
};
// The cards' rows: each integration with its endpoint's health (a row only while it is not answering).
const summaries = () =>
  db()
    .select(summaryColumns)
    .from(integrations)
    .leftJoin(integrationHealth, eq(integrationHealth.integrationId, integrations.id));
type SummaryRow = Awaited<ReturnType<typeof summaries>>[number];

const scoped = (accountId: string, id: string) =>
  and(eq(integrations.accountId, accountId), eq(integrations.id, id));

async function connectionsOf(accountId: string, integrationIds: string[]) {
  if (integrationIds.length === 0) return new Map<string, IntegrationConnection[]>();
  const rows = await db()
    .select({
      integrationId: integrationConnections.integrationId,
      id: connections.id,
      channel: connections.channel,
      code: connections.code,
    })
    .from(integrationConnections)
    .innerJoin(connections, eq(connections.id, integrationConnections.connectionId))
    .where(
      and(
        eq(integrationConnections.accountId, accountId),
        inArray(integrationConnections.integrationId, integrationIds),
      ),
    )
    .orderBy(connections.channel, connections.code);
  const byIntegration = new Map<string, IntegrationConnection[]>();
  for (const { integrationId, ...connection } of rows) {
    const list = byIntegration.get(integrationId) ?? [];
    list.push(connection);
    byIntegration.set(integrationId, list);
  }
  return byIntegration;
}

async function liveCampaignsOf(accountId: string, integrationIds: string[]) {
  const byIntegration = new Map<string, LinkedCampaign[]>();
  if (integrationIds.length === 0) return byIntegration;
  const rows = await db()
    .select({
      integrationId: campaigns.integrationId,
      id: campaigns.id,
      name: campaigns.name,
      integrationDate: campaigns.integrationDate,
    })
    .from(campaigns)
    .where(
      and(
        eq(campaigns.accountId, accountId),
        inArray(campaigns.integrationId, integrationIds),
        eq(campaigns.status, "LIVE"),
      ),
    )
    .orderBy(campaigns.integrationDate, campaigns.name);
  for (const { integrationId, ...campaign } of rows) {
    const list = byIntegration.get(integrationId!) ?? [];
    list.push(campaign);
    byIntegration.set(integrationId!, list);
  }
  return byIntegration;
}

// The events waiting for each stopped integration: its queue rows, walked along the queue's
// (integration, chat, seq) index and counted no further than the cap.
async function waitingOf(accountId: string, integrationIds: string[]) {
  const byIntegration = new Map<string, number>();
  if (integrationIds.length === 0) return byIntegration;
  const { rows } = await db().execute<{ id: string; waiting: number }>(sql`
    SELECT i.id, (SELECT count(*) FROM (
             SELECT 1 FROM ${deliveryQueue} q WHERE q.integration_id = i.id LIMIT ${WAITING_COUNT_CAP + 1}) w
           )::int AS waiting
    FROM ${integrations} i
    WHERE i.account_id = ${accountId} AND i.id = ANY(${sql.param(integrationIds)}::uuid[])
      AND i.status <> 'ACTIVE'`);
  for (const r of rows) byIntegration.set(r.id, r.waiting);
  return byIntegration;
}

// Cards: rows plus their connections, Live campaigns and waiting events, three queries for any number
// of cards.
async function withLinks(accountId: string, summaryRows: SummaryRow[]): Promise<IntegrationSummary[]> {
  const rows = summaryRows.map(({ failingSince, failingError, heldUntil, ...r }) => ({
    ...r,
    failing: failingSince
      ? {
          since: failingSince,
          lastError: failingError,
          // A hold shorter than now means a probe is due or on its way.
          nextProbeAt: heldUntil && heldUntil > new Date() ? heldUntil : null,
        }
      : null,
  }));
  const ids = rows.map((r) => r.id);
  const [links, live, waiting] = await Promise.all([
    connectionsOf(accountId, ids),
    liveCampaignsOf(accountId, ids),
    waitingOf(accountId, ids),
  ]);
  return rows.map((r) => ({
    ...r,
    connections: links.get(r.id) ?? [],
    liveCampaigns: live.get(r.id) ?? [],
    waiting: waiting.get(r.id) ?? 0,
  }));
}

/** The account's integrations, newest first, each with its connections and Live campaigns. */
export async function listIntegrations(accountId: string): Promise<IntegrationSummary[]> {
  const rows = await summaries()
    .where(eq(integrations.accountId, accountId))
    .orderBy(desc(integrations.createdAt), desc(integrations.id));
  return withLinks(accountId, rows);
}

/** One integration for its card, or null when the account has none with this id. */
export async function getIntegrationSummary(
  accountId: string,
  id: string,
): Promise<IntegrationSummary | null> {
  const [row] = await summaries().where(scoped(accountId, id)).limit(1);
  if (!row) return null;
  const [summary] = await withLinks(accountId, [row]);
  return summary!;
}

/** One integration with every wizard value (secrets masked), or null when it is not the account's. */
export async function getIntegration(accountId: string, id: string): Promise<IntegrationDetails | null> {
  const [row] = await db().select().from(integrations).where(scoped(accountId, id)).limit(1);
  if (!row) return null;
  const links = await connectionsOf(accountId, [id]);
  return {
    id: row.id,
    alias: row.alias,
    method: row.method,
    url: row.url,
    params: row.params,
    headers: row.headers,
    body: row.body,
    auth: row.auth,
    status: row.status,
    connectionIds: (links.get(id) ?? []).map((c) => c.id),
    maxRatePerSecond: row.maxRatePerSecond,
    authSecretMasked: row.authSecret ? maskSecret(decryptSecret(row.authSecret)) : null,
    signingSecretMasked: maskSecret(decryptSecret(row.signingSecret)),
    previousSigningSecretExpiresAt: activePreviousExpiry(row),
  };
}

function activePreviousExpiry(
  row: Pick<Integration, "previousSigningSecret" | "previousSigningSecretExpiresAt">,
  now = new Date(),
): Date | null {
  const expires = row.previousSigningSecretExpiresAt;
  return row.previousSigningSecret && expires && expires > now ? expires : null;
}

/**
 * The secrets a delivery is signed with, decrypted: the current one, plus the previous one while its
 * 24 h after a rotation have not passed (Standard Webhooks receivers accept either signature).
 */
export function signingSecretsOf(
  row: Pick<Integration, "signingSecret" | "previousSigningSecret" | "previousSigningSecretExpiresAt">,
  now = new Date(),
): string[] {
  const secrets = [decryptSecret(row.signingSecret)];
  if (activePreviousExpiry(row, now)) secrets.push(decryptSecret(row.previousSigningSecret!));
  return secrets;
}

// ---------------------------------------------------------------- connections

/** The account's connections for the wizard's dropdown, each saying whether (and why not) it can be chosen. */
export async function listConnectionChoices(
  accountId: string,
  integrationId: string | null = null,
): Promise<ConnectionChoice[]> {
  const rows = await db()
    .select({
      id: connections.id,
      channel: connections.channel,
      code: connections.code,
      integrationId: integrationConnections.integrationId,
      integrationAlias: integrations.alias,
      campaignName: sql<string | null>`(
        select ${campaigns.name} from campaign_connections cc join ${campaigns} on ${campaigns.id} = cc.campaign_id
        where cc.connection_id = ${connections.id} order by ${campaigns.name} limit 1)`,
    })
    .from(connections)
    .leftJoin(integrationConnections, eq(integrationConnections.connectionId, connections.id))
    .leftJoin(integrations, eq(integrations.id, integrationConnections.integrationId))
    .where(eq(connections.accountId, accountId))
    .orderBy(connections.channel, connections.code);
  return rows.map((c) => ({
    id: c.id,
    channel: c.channel,
    code: c.code,
    label: connectionLabel(c),
    unavailableReason:
      c.integrationId && c.integrationId !== integrationId
        ? `used by the Custom Webhook “${c.integrationAlias}”`
        : c.campaignName
          ? `used by the campaign “${c.campaignName}”`
          : null,
  }));
}

/** Refuses, with the reason, connections that are not the account's or that something else uses. */
async function assertConnectionsAvailable(accountId: string, ids: string[], integrationId: string | null) {
  if (ids.length === 0) return;
  const choices = new Map((await listConnectionChoices(accountId, integrationId)).map((c) => [c.id, c]));
  const problems = ids.map((id) => {
    const choice = choices.get(id);
    if (!choice) return "A chosen connection no longer exists: remove it from the table";
    return (
      choice.unavailableReason && `${choice.label} is ${choice.unavailableReason}; choose another connection`
    );
  });
  const messages = problems.filter((p): p is string => !!p);
  if (messages.length > 0) throw new AppError("CONFLICT", messages[0]!, { connectionIds: messages });
}

/** Makes the integration's connections exactly `ids`, inside the save's transaction. */
async function replaceConnections(tx: Tx, accountId: string, integrationId: string, ids: string[]) {
  const current = await tx
    .select({ connectionId: integrationConnections.connectionId })
    .from(integrationConnections)
    .where(
      and(
        eq(integrationConnections.accountId, accountId),
        eq(integrationConnections.integrationId, integrationId),
      ),
    );
  const currentIds = new Set(current.map((c) => c.connectionId));
  const removed = [...currentIds].filter((id) => !ids.includes(id));
  const added = ids.filter((id) => !currentIds.has(id));
  if (removed.length > 0) {
    await tx
      .delete(integrationConnections)
      .where(
        and(
          eq(integrationConnections.accountId, accountId),
          eq(integrationConnections.integrationId, integrationId),
          inArray(integrationConnections.connectionId, removed),
        ),
      );
  }
  if (added.length > 0) {
    await tx
      .insert(integrationConnections)
      .values(added.map((connectionId) => ({ accountId, integrationId, connectionId })));
  }
}

// ---------------------------------------------------------------- save

/** Turns the database's refusals (unique alias, connection rules) into field errors for the wizard. */
function saveError(err: unknown, input: IntegrationInput): unknown {
  if (isUniqueViolation(err, "integrations_account_alias_key")) {
    const message = `You already have an integration called “${input.alias}”: choose another alias`;
    return new AppError("CONFLICT", message, { alias: [message] });
  }
  if (isUniqueViolation(err, "integration_connections_connection_key")) {
    const message = "A chosen connection was just added to another integration; choose another connection";
    return new AppError("CONFLICT", message, { connectionIds: [message] });
  }
  if (isUniqueViolation(err, "connection_used_by_campaign")) {
    const message =
      "A chosen connection is used by a Keyword or Chatbot Service campaign; a connection cannot feed both";
    return new AppError("CONFLICT", message, { connectionIds: [message] });
  }
  return err;
}

const schemaFor = (storedAuthType: Integration["auth"]["type"] | null = null) =>
  integrationSchema({ allowInsecureUrls: env().WEBHOOK_ALLOW_INSECURE_URLS, storedAuthType });

/** Saves a new integration (Inactive, with a fresh signing secret) and its connections. */
export async function createIntegration(
  accountId: string,
  values: IntegrationFormValues,
): Promise<{ id: string }> {
  const input = schemaFor().parse(values);
  await assertConnectionsAvailable(accountId, input.connectionIds, null);
  try {
    return await db().transaction(async (tx) => {
      const [row] = await tx
        .insert(integrations)
        .values({
          accountId,
          alias: input.alias,
          method: input.method,
          url: input.url,
          params: input.params,
          headers: input.headers,
          body: input.body,
          auth: input.auth,
          authSecret: input.authSecret === undefined ? null : encryptSecret(input.authSecret),
          maxRatePerSecond: input.maxRatePerSecond,
          signingSecret: encryptSecret(generateSigningSecret()),
        })
        .returning({ id: integrations.id });
      await replaceConnections(tx, accountId, row!.id, input.connectionIds);
      return { id: row!.id };
    });
  } catch (err) {
    throw saveError(err, input);
  }
}

/**
 * Saves the wizard's values over an integration. An empty secret field keeps the stored secret when the
 * auth type is unchanged; connections are replaced in the same transaction.
 */
export async function updateIntegration(
  accountId: string,
  id: string,
  values: IntegrationFormValues,
): Promise<{ id: string }> {
  const [stored] = await db()
    .select({ auth: integrations.auth, authSecret: integrations.authSecret })
    .from(integrations)
    .where(scoped(accountId, id))
    .limit(1);
  if (!stored) throw notFound("Integration");
  const input = schemaFor(stored.authSecret ? stored.auth.type : null).parse(values);
  await assertConnectionsAvailable(accountId, input.connectionIds, id);
  try {
    return await db().transaction(async (tx) => {
      // Locked and read again, so the secret kept is the one of the type being kept.
      const [current] = await tx
        .select({ auth: integrations.auth, authSecret: integrations.authSecret })
        .from(integrations)
        .where(scoped(accountId, id))
        .for("update");
      if (!current) throw notFound("Integration");
      if (input.connectionIds.length > 0) {
        const linked = await linkedCampaignNames(tx, accountId, id, false);
        if (linked.length > 0) {
          const message = `This integration serves the Chatbot Service campaign ${quoteList(linked)}, so it cannot have connections of its own`;
          throw new AppError("CONFLICT", message, { connectionIds: [message] });
        }
      }
      let authSecret: string | null = null;
      if (input.auth.type !== "NONE") {
        if (input.authSecret !== undefined) authSecret = encryptSecret(input.authSecret);
        else if (current.auth.type === input.auth.type) authSecret = current.authSecret;
        else throw new AppError("INVALID", "Enter the secret", { "auth.secret": ["Enter the secret"] });
      }
      await tx
        .update(integrations)
        .set({
          alias: input.alias,
          method: input.method,
          url: input.url,
          params: input.params,
          headers: input.headers,
          body: input.body,
          auth: input.auth,
          authSecret,
          maxRatePerSecond: input.maxRatePerSecond,
          updatedAt: new Date(),
        })
        .where(scoped(accountId, id));
      await replaceConnections(tx, accountId, id, input.connectionIds);
      return { id };
    });
  } catch (err) {
    throw saveError(err, input);
  }
}

// ---------------------------------------------------------------- lifecycle

// Locks the integration's row for the rest of the transaction: Stop, Delete and a campaign going Live
// serialise on it, so a Stop cannot slip past a campaign that is going Live at the same moment.
async function lockIntegration(tx: Tx, accountId: string, id: string) {
  const [row] = await tx
    .select({ alias: integrations.alias, status: integrations.status })
    .from(integrations)
    .where(scoped(accountId, id))
    .for("update");
  if (!row) throw notFound("Integration");
  return row;
}

/** The names of the campaigns linked to the integration (only Live ones with liveOnly), read afresh. */
async function linkedCampaignNames(tx: Tx, accountId: string, integrationId: string, liveOnly: boolean) {
  const rows = await tx
    .select({ name: campaigns.name })
    .from(campaigns)
    .where(
      and(
        eq(campaigns.accountId, accountId),
        eq(campaigns.integrationId, integrationId),
        liveOnly ? eq(campaigns.status, "LIVE") : undefined,
      ),
    )
    .orderBy(campaigns.name);
  return rows.map((r) => r.name);
}

const quoteList = (names: string[]) => names.map((n) => `“${n}”`).join(", ");

/**
 * Deletes an Inactive integration. An Active one must be stopped first, and a Live campaign using it
 * must be paused first; Draft and Paused campaigns lose their link (they must select another
 * integration before going Live again).
 */
export async function deleteIntegration(
  accountId: string,
  id: string,
): Promise<{ alias: string; unlinkedCampaigns: { id: string; name: string }[] }> {
  return db().transaction(async (tx) => {
    const { alias, status } = await lockIntegration(tx, accountId, id);
    if (status === "ACTIVE")
      throw new AppError("CONFLICT", `“${alias}” is Active: stop it first, then delete it`);
    const live = await linkedCampaignNames(tx, accountId, id, true);
    if (live.length > 0) {
      throw new AppError(
        "CONFLICT",
        `“${alias}” is used by the Live campaign ${quoteList(live)}: pause it first`,
      );
    }
    // Draft and Paused campaigns lose their link (the confirmation names them); the caller says so.
    const unlinkedCampaigns = await tx
      .update(campaigns)
      .set({ integrationId: null, integrationDate: null, updatedAt: new Date() })
      .where(and(eq(campaigns.accountId, accountId), eq(campaigns.integrationId, id)))
      .returning({ id: campaigns.id, name: campaigns.name });
    await tx.delete(integrations).where(scoped(accountId, id));
    // Its rollups go with it (retention walks the integrations that exist); its log, until its days expire.
    await tx.delete(deliveryMinutes).where(eq(deliveryMinutes.integrationId, id));
    await tx.delete(deliveryHours).where(eq(deliveryHours.integrationId, id));
    return { alias, unlinkedCampaigns };
  });
}

/**
 * Start ▶: the integration becomes Active (and a 410 Gone stop is cleared). The events that waited while
 * it was stopped are sent in order (`send`, the default) or marked Skipped (`skip`). Returns its card
 * and how many were skipped.
 */
export async function startIntegration(
  accountId: string,
  id: string,
  waiting: WaitingChoice = "send",
): Promise<IntegrationSummary & { skipped: number }> {
  const { skipped } = await startDeliveries(accountId, id, waiting);
  return { ...(await getIntegrationSummary(accountId, id))!, skipped };
}

/** The refusal of Stop while Live campaigns use the integration; the card's dialog lists them. */
export class LiveCampaignsError extends AppError {
  static override readonly brand = "LiveCampaignsError";

  constructor(
    alias: string,
    readonly campaignNames: string[],
  ) {
    super(
      "CONFLICT",
      `Invalid action: “${alias}” cannot be stopped while the Live campaign ${quoteList(campaignNames)} uses it. Pause the campaign first (its Report → Pause → Confirm).`,
    );
  }
}

/**
 * Stop: the integration becomes Inactive, unless a Live campaign uses it (pause the campaign first).
 * From then on its events wait (the status trigger parks its queue; requests in flight finish).
 */
export async function stopIntegration(accountId: string, id: string): Promise<IntegrationSummary> {
  const stop = () =>
    db().transaction(async (tx) => {
      const { alias } = await lockIntegration(tx, accountId, id);
      // Read after taking the lock: a campaign that went Live while we waited is seen here.
      const live = await linkedCampaignNames(tx, accountId, id, true);
      if (live.length > 0) throw new LiveCampaignsError(alias, live);
      await tx
        .update(integrations)
        .set({ status: "INACTIVE", updatedAt: new Date() })
        .where(scoped(accountId, id));
    });
  // Parking the queue can meet a worker that is writing a 410 Gone for this integration: a deadlock,
  // rolled back whole; the next try goes through.
  for (let attempt = 1; ; attempt++) {
    try {
      await stop();
      break;
    } catch (err) {
      if (attempt >= 3 || !isRetryable(err)) throw err;
    }
  }
  return (await getIntegrationSummary(accountId, id))!;
}

// ---------------------------------------------------------------- signing secret

/** Only the account's owner may see a signing secret in clear. */
export async function canRevealSecrets(accountId: string, userId: string): Promise<boolean> {
  const [user] = await db()
    .select({ role: users.role })
    .from(users)
    .where(and(eq(users.accountId, accountId), eq(users.id, userId)))
    .limit(1);
  return user?.role === "OWNER";
}

/** The current signing secret in clear, for the owner's explicit Reveal. */
export async function revealSigningSecret(accountId: string, userId: string, id: string): Promise<string> {
  if (!(await canRevealSecrets(accountId, userId))) {
    throw new AppError("FORBIDDEN", "Only the account owner can reveal the signing secret");
  }
  const [row] = await db()
    .select({ signingSecret: integrations.signingSecret })
    .from(integrations)
    .where(scoped(accountId, id))
    .limit(1);
  if (!row) throw notFound("Integration");
  return decryptSecret(row.signingSecret);
}

/**
 * Rotate: a new current signing secret; the old one becomes the previous secret and keeps signing for
 * 24 hours, so receivers can switch without dropping deliveries.
 */
export async function rotateSigningSecret(
  accountId: string,
  id: string,
): Promise<{ signingSecretMasked: string; previousSigningSecretExpiresAt: Date }> {
  const secret = generateSigningSecret();
  const expires = new Date(Date.now() + PREVIOUS_SECRET_GRACE_MS);
  // One statement: SET reads the row's old signing_secret, so the swap cannot lose a secret.
  const updated = await db()
    .update(integrations)
    .set({
      previousSigningSecret: sql`${integrations.signingSecret}`,
      previousSigningSecretExpiresAt: expires,
      signingSecret: encryptSecret(secret),
      updatedAt: new Date(),
    })
    .where(scoped(accountId, id))
    .returning({ id: integrations.id });
  if (updated.length === 0) throw notFound("Integration");
  return { signingSecretMasked: maskSecret(secret), previousSigningSecretExpiresAt: expires };
}
