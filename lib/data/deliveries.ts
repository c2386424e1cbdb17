import { and, asc, desc, eq, gte, lt, lte, sql, type SQL } from "drizzle-orm";

import { db } from "@/db";
import {
  deliveries,
  deliveryAttempts,
  deliveryQueue,
  integrations,
  type DeliveryStatus,
  type EventType,
} from "@/db/schema";
import { getRetentionDays } from "@/lib/data/accounts";
import type { EventPayload } from "@/lib/webhooks/event";

// Account-scoped reads of the delivery log, for the Deliveries tab and the API. Mutations (Resend,
// Replay failed, Send test event) live in lib/webhooks/replay.ts and lib/webhooks/send-test-event.ts.

// A delivery being sent right now is Delivering: its queue row holds a live lease (the worker does not
// rewrite the delivery row to say so). Its next attempt time is the queue's while it is queued — none
// while it waits for its stopped integration to be started (queued at 'infinity').
const shownStatus = sql<DeliveryStatus>`CASE WHEN ${deliveryQueue.leaseExpiresAt} > now() THEN 'DELIVERING'::delivery_status ELSE ${deliveries.status} END`;
const shownNextAttemptAt = sql<Date | null>`CASE WHEN ${deliveryQueue.nextAttemptAt} = 'infinity' THEN NULL ELSE coalesce(${deliveryQueue.nextAttemptAt}, ${deliveries.nextAttemptAt}) END`;

export interface DeliveryFilter {
  integrationId: string;
  status?: DeliveryStatus;
  event?: EventType;
  chatId?: string;
  /** The contact's number, exact. */
  contact?: string;
  /** Created at or after. */
  from?: Date;
  /** Created at or before. */
  to?: Date;
  /** Include Send test event deliveries (Default: true). */
  includeTests?: boolean;
  /** Page size (Default: 50, at most 200). */
  limit?: number;
  /** Rows older than this `seq` (the previous page's `nextCursor`). */
  cursor?: number;
}

/**
 * One page of an integration's deliveries, newest first, and how many days the account keeps them
 * (its data retention: older ones are gone).
 */
export async function listDeliveries(accountId: string, filter: DeliveryFilter) {
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), 200);
  const where: (SQL | undefined)[] = [
    eq(deliveries.accountId, accountId),
    eq(deliveries.integrationId, filter.integrationId),
    filter.status ? sql`${shownStatus} = ${filter.status}` : undefined,
    filter.event ? eq(deliveries.event, filter.event) : undefined,
    filter.chatId ? eq(deliveries.chatId, filter.chatId) : undefined,
    filter.contact ? sql`${deliveries.payload}->>'contact' = ${filter.contact}` : undefined,
    filter.from ? gte(deliveries.createdAt, filter.from) : undefined,
    filter.to ? lte(deliveries.createdAt, filter.to) : undefined,
    filter.includeTests === false ? eq(deliveries.isTest, false) : undefined,
    filter.cursor !== undefined ? lt(deliveries.seq, filter.cursor) : undefined,
  ];
  const retention = getRetentionDays(accountId);
  const rows = await db()
    .select({
      id: deliveries.id,
      seq: deliveries.seq,
      event: deliveries.event,
      chatId: deliveries.chatId,
      contact: sql<string>`${deliveries.payload}->>'contact'`,
      status: shownStatus,
      attempts: deliveries.attempts,
      lastStatusCode: deliveries.lastStatusCode,
      lastError: deliveries.lastError,
      lastLatencyMs: deliveries.lastLatencyMs,
      nextAttemptAt: shownNextAttemptAt,
      isTest: deliveries.isTest,
      createdAt: deliveries.createdAt,
      completedAt: deliveries.completedAt,
    })
    .from(deliveries)
    .leftJoin(deliveryQueue, eq(deliveryQueue.deliveryId, deliveries.id))
    .where(and(...where))
    .orderBy(desc(deliveries.seq))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  return {
    deliveries: page,
    nextCursor: rows.length > limit ? page[page.length - 1]!.seq : null,
    retentionDays: await retention,
  };
}

export type DeliveryListItem = Awaited<ReturnType<typeof listDeliveries>>["deliveries"][number];

/** A delivery with its event payload and every attempt (request with secrets masked, response). */
export async function getDelivery(accountId: string, deliveryId: string) {
  const [row] = await db()
    .select({ delivery: deliveries, status: shownStatus, nextAttemptAt: shownNextAttemptAt })
    .from(deliveries)
    // A deleted integration's log stays until its days expire, but is no longer anyone's to read.
    .innerJoin(
      integrations,
      and(eq(integrations.id, deliveries.integrationId), eq(integrations.accountId, accountId)),
    )
    .leftJoin(deliveryQueue, eq(deliveryQueue.deliveryId, deliveries.id))
    .where(and(eq(deliveries.accountId, accountId), eq(deliveries.id, deliveryId)))
    .limit(1);
  if (!row) return null;
  const delivery = { ...row.delivery, status: row.status, nextAttemptAt: row.nextAttemptAt };
  const attempts = await db()
    .select()
    .from(deliveryAttempts)
    .where(
      and(
        eq(deliveryAttempts.accountId, accountId),
        eq(deliveryAttempts.deliveryId, deliveryId),
        eq(deliveryAttempts.expiresOn, delivery.expiresOn),
      ),
    )
    .orderBy(asc(deliveryAttempts.startedAt));
  return { ...delivery, payload: delivery.payload as EventPayload, attempts };
}

/**
 * Per minute over the last `minutes` (Default: 60): deliveries created, by current status, and the
 * p50/p95 latency of their last attempt — the Deliveries tab's chart.
 */
export async function deliveryStats(accountId: string, integrationId: string, minutes = 60) {
  const since = new Date(Date.now() - minutes * 60_000);
  const minute = sql<Date>`date_trunc('minute', ${deliveries.createdAt})`;
  const count = (status: DeliveryStatus) =>
    sql<number>`count(*) filter (where ${deliveries.status} = ${status})::int`;
  return db()
    .select({
      minute,
      succeeded: count("SUCCEEDED"),
      failed: count("FAILED"),
      skipped: count("SKIPPED"),
      retrying: count("RETRYING"),
      pending: sql<number>`count(*) filter (where ${deliveries.status} in ('PENDING', 'DELIVERING'))::int`,
      p50LatencyMs: sql<
        number | null
      >`percentile_cont(0.5) within group (order by ${deliveries.lastLatencyMs})`,
      p95LatencyMs: sql<
        number | null
      >`percentile_cont(0.95) within group (order by ${deliveries.lastLatencyMs})`,
    })
    .from(deliveries)
    .where(
      and(
        eq(deliveries.accountId, accountId),
        eq(deliveries.integrationId, integrationId),
        gte(deliveries.createdAt, since),
        eq(deliveries.isTest, false),
      ),
    )
    .groupBy(minute)
    .orderBy(minute);
}
