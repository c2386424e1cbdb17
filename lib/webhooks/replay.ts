import { and, eq, gte, inArray, lte, sql, type SQL } from "drizzle-orm";

import { db } from "@/db";
import { deliveries, deliveryQueue } from "@/db/schema";

// Back to the queue with a fresh retry window (max attempts and max age count again from now);
// attempt numbers keep counting. Test events are not part of a chat's stream and are not replayed.
// Each goes back at its original place in its chat's order; the queue's insert trigger wakes workers.
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
      .where(and(where, eq(deliveries.isTest, false)))
      .returning({
        deliveryId: deliveries.id,
        accountId: deliveries.accountId,
        integrationId: deliveries.integrationId,
        chatId: deliveries.chatId,
        seq: deliveries.seq,
        attempts: deliveries.attempts,
      });
    if (rows.length === 0) return [];
    rows.sort((a, b) => a.seq - b.seq);
    await tx
      .insert(deliveryQueue)
      .values(rows.map((r) => ({ ...r, chatId: r.chatId! })))
      .onConflictDoNothing();
    return rows.map((r) => r.deliveryId);
  });
}

/**
 * Resend: puts finished deliveries (Succeeded or Failed) of the account back in the queue. They go out
 * again in their chat's order. Returns the ids requeued (others were unknown, foreign or unfinished).
 */
export async function requeueDeliveries(accountId: string, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  return requeueWhere(
    and(
      eq(deliveries.accountId, accountId),
      inArray(deliveries.id, ids),
      inArray(deliveries.status, ["SUCCEEDED", "FAILED"]),
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
  return requeueWhere(
    and(
      eq(deliveries.accountId, accountId),
      eq(deliveries.integrationId, filter.integrationId),
      eq(deliveries.status, "FAILED"),
      filter.from ? gte(deliveries.createdAt, filter.from) : undefined,
      filter.to ? lte(deliveries.createdAt, filter.to) : undefined,
      filter.chatId ? eq(deliveries.chatId, filter.chatId) : undefined,
    )!,
  );
}
