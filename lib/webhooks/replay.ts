import { and, eq, gte, inArray, lte, sql, type SQL } from "drizzle-orm";

import { db } from "@/db";
import { deliveries, unsuccessfulDeliveries } from "@/db/schema";

import { FINISHED_STATUSES } from "@/lib/validation/deliveries";

import { queueCtes } from "./enqueue";
import { deliveryPayloadSql } from "./event";

// Only what the retention keeps: not yet expired, and within the account's period (a row written under a
// longer period that outlives a shortened one is on its way out; see lib/webhooks/retention.ts).
const withinRetention = sql`${deliveries.expiresOn} > (now() AT TIME ZONE 'UTC')::date
  AND ${deliveries.createdAt} >= now() - (SELECT retention_days FROM accounts a WHERE a.id = ${deliveries.accountId}) * interval '1 day'`;

// Back to the queue with a fresh retry window (max attempts and max age count again from now);
// attempt numbers keep counting. Test events are not part of a chat's stream and are not replayed.
// Each goes back at its original place in its chat's order (its seq); queued like a new event, so it
// waits while its integration is stopped. The queue's insert trigger wakes workers.
async function requeueWhere(where: SQL): Promise<string[]> {
  return db().transaction(async (tx) => {
    const rows = await tx
      .update(deliveries)
      .set({
        status: "PENDING",
        nextAttemptAt: sql`now()`,
        windowStartedAt: sql`now()`,
        attemptsBeforeWindow: sql`${deliveries.attempts}`,
        completedAt: null,
      })
      .where(and(where, eq(deliveries.isTest, false), withinRetention))
      .returning({ id: deliveries.id });
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    await tx.execute(sql`
      WITH r AS (
        SELECT id, account_id, integration_id, chat_id, seq, next_attempt_at, attempts, expires_on, event,
               ${sql.raw(deliveryPayloadSql("d"))} AS payload, window_started_at, attempts_before_window
        FROM deliveries d
        WHERE id = ANY(${sql.param(ids)}::uuid[]) ORDER BY seq
      ),
      ${sql.raw(queueCtes("r"))}
      SELECT count(*) FROM queued`);
    return ids;
  });
}

/**
 * Resend: puts finished deliveries (Succeeded, Failed or Skipped) of the account back in the queue. They go out
 * again in their chat's order. Returns the ids requeued (others were unknown, foreign or unfinished).
 */
export async function requeueDeliveries(accountId: string, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  return requeueWhere(
    and(
      eq(deliveries.accountId, accountId),
      inArray(deliveries.id, ids),
      inArray(deliveries.status, FINISHED_STATUSES),
    )!,
  );
}

export interface ReplayFilter {
  integrationId: string;
  /** Created at or after. */
  from?: Date;
  /** Created at or before. */
  to?: Date;
  chatId?: string;
}

/** Replay failed: requeues an integration's Failed deliveries (a time range, one chat) in order. */
export async function replayFailed(accountId: string, filter: ReplayFilter): Promise<string[]> {
  // Found through unsuccessful_deliveries (its index), not by walking the integration's history.
  const failed = db()
    .select({ id: unsuccessfulDeliveries.deliveryId, expiresOn: unsuccessfulDeliveries.expiresOn })
    .from(unsuccessfulDeliveries)
    .where(
      and(
        eq(unsuccessfulDeliveries.integrationId, filter.integrationId),
        eq(unsuccessfulDeliveries.status, "FAILED"),
        filter.from ? gte(unsuccessfulDeliveries.createdAt, filter.from) : undefined,
        filter.to ? lte(unsuccessfulDeliveries.createdAt, filter.to) : undefined,
        filter.chatId ? eq(unsuccessfulDeliveries.chatId, filter.chatId) : undefined,
      ),
    );
  return requeueWhere(
    and(
      eq(deliveries.accountId, accountId),
      eq(deliveries.integrationId, filter.integrationId),
      eq(deliveries.status, "FAILED"),
      sql`(${deliveries.id}, ${deliveries.expiresOn}) IN (${failed})`,
    )!,
  );
}
