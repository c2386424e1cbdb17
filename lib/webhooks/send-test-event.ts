import { randomUUID } from "node:crypto";

import { and, asc, eq, sql } from "drizzle-orm";

import { db } from "@/db";
import {
  connections,
  deliveries,
  deliveryAttempts,
  deliveryHours,
  integrationConnections,
  integrations,
} from "@/db/schema";
import { env } from "@/lib/env";
import { notFound } from "@/lib/errors";

import { packAttempt } from "./attempt-log";
import { expiresOnFor, withPartitions } from "./partitions";
import { attempt, type AttemptRecord } from "./attempt";
import type { IntegrationForDelivery } from "./claim";
import type { EventPayload } from "./event";
import { sampleEvent } from "./sample-event";
import type { SendOptions } from "./send";

export interface TestEventResult {
  deliveryId: string;
  status: "SUCCEEDED" | "FAILED";
  /** The request as sent (secrets masked) and the response, or the error. */
  attempt: AttemptRecord;
}

/**
 * Send test event: delivers a sample MESSAGE to the integration now (whether or not it is started),
 * with its real configuration and signature, and records it as a test delivery. No retries: the
 * person who pressed the button sees the response (or the error) at once.
 */
export async function sendTestEvent(
  accountId: string,
  integrationId: string,
  send: Partial<SendOptions> = {},
): Promise<TestEventResult> {
  const [integration] = await db()
    .select()
    .from(integrations)
    .where(and(eq(integrations.accountId, accountId), eq(integrations.id, integrationId)))
    .limit(1);
  if (!integration) throw notFound("Integration");
  const [connection] = await db()
    .select({ channel: connections.channel, code: connections.code })
    .from(integrationConnections)
    .innerJoin(connections, eq(connections.id, integrationConnections.connectionId))
    .where(eq(integrationConnections.integrationId, integrationId))
    .orderBy(asc(connections.channel), asc(connections.code))
    .limit(1);

  const deliveryId = randomUUID();
  const { deliveryId: _preview, ...payload } = sampleEvent({
    integrationId,
    alias: integration.alias,
    ...(connection ? { channel: connection.channel, connectionCode: connection.code } : {}),
  });
  const e = env();
  const { record, verdict } = await attempt(
    { id: deliveryId, payload: payload satisfies EventPayload },
    integration satisfies IntegrationForDelivery,
    {
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      allowPrivateNetworks: e.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
      allowInsecureUrls: e.WEBHOOK_ALLOW_INSECURE_URLS,
      ...send,
    },
  );
  const status = verdict.kind === "SUCCEEDED" ? "SUCCEEDED" : "FAILED";
  await withPartitions(() =>
    db().transaction(async (tx) => {
      const [{ expiresOn }] = (await tx
        .insert(deliveries)
        .values({
          id: deliveryId,
          accountId,
          integrationId,
          chatId: null,
          event: "MESSAGE",
          payload,
          status,
          attempts: 1,
          isTest: true,
          lastStatusCode: record.responseStatus,
          lastError: record.errorMessage,
          lastLatencyMs: record.durationMs,
          completedAt: new Date(),
          expiresOn: expiresOnFor(accountId),
        })
        .returning({ expiresOn: deliveries.expiresOn })) as [{ expiresOn: string }];
      const { requestPacked, responsePacked } = packAttempt(record, { deliveryId, payload });
      await tx.insert(deliveryAttempts).values({
        deliveryId,
        accountId,
        attemptNumber: 1,
        expiresOn,
        startedAt: record.startedAt,
        durationMs: record.durationMs,
        requestPacked,
        responseStatus: record.responseStatus,
        responsePacked,
        errorClass: record.errorClass,
        errorMessage: record.errorMessage,
      });
      // The rollups leave test events out (the chart does not show them); the Succeeded filter finds
      // them by this hour's count. A test event is never sent again, so its status is final here.
      if (status === "SUCCEEDED")
        await tx
          .insert(deliveryHours)
          .values({ accountId, integrationId, hour: sql`date_trunc('hour', now())`, succeeded: 1 })
          .onConflictDoUpdate({
            target: [deliveryHours.integrationId, deliveryHours.hour, deliveryHours.accountId],
            set: { succeeded: sql`${deliveryHours.succeeded} + 1` },
          });
    }),
  );
  return { deliveryId, status, attempt: record };
}
