import { and, asc, desc, eq, gte, inArray, lt, lte, or, sql, type AnyColumn, type SQL } from "drizzle-orm";

import { readDb } from "@/db";
import {
  chats,
  deliveries,
  deliveryAttempts,
  deliveryHours,
  deliveryMinutes,
  deliveryQueue,
  integrations,
  unsuccessfulDeliveries,
  type DeliveryStatus,
  type EventType,
} from "@/db/schema";
import { getRetentionWindow } from "@/lib/data/accounts";
import { notFound } from "@/lib/errors";
import { cursorTime, decodeCursor, encodeCursor } from "@/lib/data/cursor";
import { unpackAttempts } from "@/lib/webhooks/attempt-log";
import type { EventPayload } from "@/lib/webhooks/event";
import { latencyPercentile } from "@/lib/webhooks/rollups";

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
  /** The contact's number, exact: the deliveries of the account's chats with that contact. */
  contact?: string;
  /** Created at or after. */
  from?: Date;
  /** Created at or before. */
  to?: Date;
  /** Include Send test event deliveries (Default: true). */
  includeTests?: boolean;
  /** Page size (Default: 50, at most 200). */
  limit?: number;
  /** The previous page's `nextCursor`. */
  cursor?: string;
}

const LOG_CURSOR = "log";
const isSeq = (key: string) => /^\d{1,18}$/.test(key);

// Where a page of the log is read from, so that no filter walks an integration's history:
// - a chat or a contact: that chat's deliveries (a few), through the chat index;
// - Pending, Retrying, Delivering: the queue, which holds exactly the unfinished ones (by seq);
// - Failed, Skipped: unsuccessful_deliveries, a few in a hundred;
// - Succeeded: the log index, but only in the hours the rollups say had one (see succeededHours);
// - anything else (no status): the log index, newest first, cut at the page.
type Source = "chats" | "queue" | "unsuccessful" | "log";
function sourceOf(filter: DeliveryFilter): Source {
  if (filter.chatId || filter.contact) return "chats";
  if (filter.status === "PENDING" || filter.status === "RETRYING" || filter.status === "DELIVERING")
    return "queue";
  if (filter.status === "FAILED" || filter.status === "SKIPPED") return "unsuccessful";
  return "log";
}

/** The account's chats with this contact (the contact filter goes through them). */
async function chatsOfContact(accountId: string, contact: string): Promise<string[]> {
  const rows = await readDb()
    .select({ id: chats.id })
    .from(chats)
    .where(and(eq(chats.accountId, accountId), eq(chats.contact, contact)));
  return rows.map((r) => r.id);
}

/**
 * One page of an integration's deliveries, newest first, and how many days the account keeps them
 * (its data retention: older ones are gone). Throws AppError INVALID for a cursor it did not give out.
 */
export async function listDeliveries(accountId: string, filter: DeliveryFilter) {
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), 200);
  const after = filter.cursor ? decodeCursor(filter.cursor, LOG_CURSOR, isSeq) : null;
  const [window, ofContact] = await Promise.all([
    getRetentionWindow(accountId),
    filter.contact ? chatsOfContact(accountId, filter.contact) : undefined,
  ]);
  if (!window) throw notFound("Account");
  const { retentionDays, lastExpiresOn } = window;
  const source = sourceOf(filter);
  let chatIds: string[] | undefined = filter.chatId ? [filter.chatId] : undefined;
  if (ofContact) chatIds = chatIds ? chatIds.filter((id) => ofContact.includes(id)) : ofContact;
  if (chatIds?.length === 0) return { deliveries: [], nextCursor: null, retentionDays };

  // The table whose index the page walks, and its (created_at, seq): the range, the cursor and the order
  // go on it, so that index is sought rather than filtered. The queue has no created_at: it pages by seq.
  const key =
    source === "queue"
      ? { createdAt: deliveries.createdAt, seq: deliveryQueue.seq, bySeq: true }
      : source === "unsuccessful"
        ? { createdAt: unsuccessfulDeliveries.createdAt, seq: unsuccessfulDeliveries.seq, bySeq: false }
        : { createdAt: deliveries.createdAt, seq: deliveries.seq, bySeq: false };
  // Every source is scoped on its own table's integration (the queue and unsuccessful_deliveries with
  // their status too) and the account on the integration: filtering the deliveries by account and
  // integration both makes the planner multiply two selectivities of one fact, expect a row or so per
  // partition, and read and sort the integration's whole history (a quiet one's newest page: ~4,000 rows
  // and 12,000 buffers at 10 M deliveries) instead of walking the index to the page.
  const walksDeliveries = source === "log" || source === "chats";
  const where: (SQL | undefined)[] = [
    walksDeliveries ? eq(deliveries.integrationId, filter.integrationId) : undefined,
    lte(deliveries.expiresOn, lastExpiresOn),
    walksDeliveries && filter.status ? sql`${shownStatus} = ${filter.status}` : undefined,
    filter.event ? eq(deliveries.event, filter.event) : undefined,
    chatIds ? inArray(deliveries.chatId, chatIds) : undefined,
    filter.from ? gte(key.createdAt, filter.from) : undefined,
    filter.to ? lte(key.createdAt, filter.to) : undefined,
    filter.includeTests === false ? eq(deliveries.isTest, false) : undefined,
    after && key.bySeq ? lt(key.seq, Number(after.key)) : undefined,
    after && !key.bySeq
      ? sql`(${key.createdAt}, ${key.seq}) < (${after.at}::timestamptz, ${Number(after.key)})`
      : undefined,
  ];
  const fields = {
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
    cursorAt: cursorTime(deliveries.createdAt),
  };
  const newestFirst = key.bySeq ? [desc(key.seq)] : [desc(key.createdAt), desc(key.seq)];
  const ofAccount = (integrationId: AnyColumn) =>
    and(eq(integrations.id, integrationId), eq(integrations.accountId, accountId));
  const sameDelivery = (table: typeof deliveryQueue | typeof unsuccessfulDeliveries) =>
    and(eq(deliveries.id, table.deliveryId), eq(deliveries.expiresOn, table.expiresOn));

  const logQuery = (extra?: SQL) =>
    readDb()
      .select(fields)
      .from(deliveries)
      .innerJoin(integrations, ofAccount(deliveries.integrationId))
      .leftJoin(deliveryQueue, eq(deliveryQueue.deliveryId, deliveries.id))
      .where(and(...where, extra));

  let query;
  if (source === "log" && filter.status === "SUCCEEDED") {
    const hours = await succeededHours(accountId, filter.integrationId, {
      through: after ? new Date(after.at) : filter.to,
      since: filter.from,
    });
    const rows = await walkHours(hours, limit + 1, (range, n) =>
      logQuery(range)
        .orderBy(...newestFirst)
        .limit(n),
    );
    return pageOf(rows, limit, retentionDays);
  } else if (source === "queue") {
    // Delivering is a leased row of either written status; Pending and Retrying are the unleased ones.
    const delivering = filter.status === "DELIVERING";
    const written = delivering ? (["PENDING", "RETRYING"] as const) : [filter.status!];
    query = readDb()
      .select(fields)
      .from(deliveryQueue)
      .innerJoin(integrations, ofAccount(deliveryQueue.integrationId))
      .innerJoin(deliveries, sameDelivery(deliveryQueue))
      .where(
        and(
          eq(deliveryQueue.integrationId, filter.integrationId),
          inArray(deliveryQueue.status, [...written]),
          delivering
            ? sql`${deliveryQueue.leaseExpiresAt} > now()`
            : sql`(${deliveryQueue.leaseExpiresAt} IS NULL OR ${deliveryQueue.leaseExpiresAt} <= now())`,
          ...where,
        ),
      );
  } else if (source === "unsuccessful") {
    // Failed and Skipped deliveries are never queued (a Resend takes them out of this index).
    query = readDb()
      .select(fields)
      .from(unsuccessfulDeliveries)
      .innerJoin(integrations, ofAccount(unsuccessfulDeliveries.integrationId))
      .innerJoin(deliveries, sameDelivery(unsuccessfulDeliveries))
      .leftJoin(deliveryQueue, eq(deliveryQueue.deliveryId, deliveries.id))
      .where(
        and(
          eq(unsuccessfulDeliveries.integrationId, filter.integrationId),
          eq(unsuccessfulDeliveries.status, filter.status!),
          ...where,
        ),
      );
  } else {
    query = logQuery();
  }
  return pageOf(await query.orderBy(...newestFirst).limit(limit + 1), limit, retentionDays);
}

/** A page of `limit` from up to `limit + 1` rows read, and the cursor after it when there are more. */
function pageOf<R extends { cursorAt: string; seq: number }>(
  rows: R[],
  limit: number,
  retentionDays: number,
) {
  const page = rows.slice(0, limit).map(({ cursorAt: _at, ...delivery }) => delivery);
  const last = rows.length > limit ? rows[limit - 1]! : undefined;
  return {
    deliveries: page,
    nextCursor: last ? encodeCursor(LOG_CURSOR, last.cursorAt, last.seq) : null,
    retentionDays,
  };
}

const HOUR_MS = 3_600_000;

/**
 * The hours (newest first, at or before `through`, from the hour of `since`) in which the integration
 * has deliveries that Succeeded, with how many: delivery_hours (test events included) and the minutes'
 * changes not folded into it yet. A count is never below what is there (deletions subtract nothing;
 * test events count whether the filter shows them or not), so an hour left out has none.
 */
async function succeededHours(
  accountId: string,
  integrationId: string,
  { through, since }: { through?: Date; since?: Date },
): Promise<{ hour: Date; n: number }[]> {
  // The whole hour of `through` (a cursor's time, to the millisecond here, to the microsecond in the walk).
  const upTo = (column: AnyColumn) =>
    through ? sql`AND ${column} < date_trunc('hour', ${through}::timestamptz) + interval '1 hour'` : sql``;
  const { rows } = await readDb().execute<{ hour: string; n: number }>(sql`
    SELECT hour, sum(n)::int AS n FROM (
      SELECT ${deliveryHours.hour} AS hour, ${deliveryHours.succeeded} AS n FROM ${deliveryHours}
      WHERE ${deliveryHours.integrationId} = ${integrationId} AND ${deliveryHours.accountId} = ${accountId}
        ${upTo(deliveryHours.hour)}
      UNION ALL
      SELECT date_trunc('hour', ${deliveryMinutes.minute}), ${deliveryMinutes.succeeded} FROM ${deliveryMinutes}
      WHERE ${deliveryMinutes.integrationId} = ${integrationId} AND ${deliveryMinutes.accountId} = ${accountId}
        AND NOT ${deliveryMinutes.folded} ${upTo(deliveryMinutes.minute)}
    ) counted
    ${since ? sql`WHERE hour >= date_trunc('hour', ${since}::timestamptz)` : sql``}
    GROUP BY 1 HAVING sum(n) > 0 ORDER BY 1 DESC`);
  return rows.map((r) => ({ hour: new Date(r.hour), n: r.n }));
}

/**
 * Reads up to `want` rows, newest first, from the given hours only: a batch of hours at a time (enough,
 * by their counts, for what is still wanted, and twice as many hours as the batch before, so a filter
 * the counts do not see — an event type — takes few round trips), consecutive hours as one range.
 */
async function walkHours<R>(
  hours: { hour: Date; n: number }[],
  want: number,
  read: (range: SQL, n: number) => Promise<R[]>,
): Promise<R[]> {
  const rows: R[] = [];
  let next = 0;
  for (let atLeast = 1; next < hours.length && rows.length < want; atLeast *= 2) {
    const ranges: { from: Date; to: Date }[] = [];
    let counted = 0;
    for (let taken = 0; next < hours.length && (counted < want - rows.length || taken < atLeast); taken++) {
      const { hour, n } = hours[next++]!;
      const end = new Date(hour.getTime() + HOUR_MS);
      const newer = ranges.at(-1);
      if (newer && newer.from.getTime() === end.getTime()) newer.from = hour;
      else ranges.push({ from: hour, to: end });
      counted += n;
    }
    const inRanges = or(
      ...ranges.map((r) => and(gte(deliveries.createdAt, r.from), lt(deliveries.createdAt, r.to))),
    )!;
    rows.push(...(await read(inRanges, want - rows.length)));
  }
  return rows;
}

/** A delivery's whole payload: stored without what the row and its message repeat (migration 0017). */
export const deliveryPayload = sql<EventPayload>`event_payload(${deliveries})`;

export type DeliveryListItem = Awaited<ReturnType<typeof listDeliveries>>["deliveries"][number];

/** A delivery with its event payload and every attempt (request with secrets masked, response). */
export async function getDelivery(accountId: string, deliveryId: string) {
  const window = await getRetentionWindow(accountId);
  if (!window) return null;
  const { lastExpiresOn } = window;
  const [row] = await readDb()
    .select({
      delivery: deliveries,
      payload: deliveryPayload,
      status: shownStatus,
      nextAttemptAt: shownNextAttemptAt,
    })
    .from(deliveries)
    // A deleted integration's log stays until its days expire, but is no longer anyone's to read.
    .innerJoin(
      integrations,
      and(eq(integrations.id, deliveries.integrationId), eq(integrations.accountId, accountId)),
    )
    .leftJoin(deliveryQueue, eq(deliveryQueue.deliveryId, deliveries.id))
    .where(
      and(
        eq(deliveries.accountId, accountId),
        eq(deliveries.id, deliveryId),
        lte(deliveries.expiresOn, lastExpiresOn),
      ),
    )
    .limit(1);
  if (!row) return null;
  const delivery = {
    ...row.delivery,
    payload: row.payload,
    status: row.status,
    nextAttemptAt: row.nextAttemptAt,
  };
  const rows = await readDb()
    .select()
    .from(deliveryAttempts)
    .where(
      and(eq(deliveryAttempts.deliveryId, delivery.id), eq(deliveryAttempts.expiresOn, delivery.expiresOn)),
    )
    .orderBy(asc(deliveryAttempts.startedAt));
  const attempts = unpackAttempts(rows, { deliveryId: delivery.id, payload: delivery.payload }).map(
    ({ expiresOn: _e, ...attempt }) => attempt,
  );
  return { ...delivery, attempts };
}

/**
 * Per minute over the last `minutes` (Default: 60): deliveries created, by current status, and the
 * p50/p95 latency of their last attempt (estimated from latency buckets) — the Deliveries tab's chart.
 * Read from the rollups (a few rows a minute), never from the deliveries themselves.
 */
export async function deliveryStats(accountId: string, integrationId: string, minutes = 60) {
  const since = new Date(Date.now() - minutes * 60_000);
  const sum = (column: AnyColumn) => sql<number>`sum(${column})::int`;
  const rows = await readDb()
    .select({
      minute: deliveryMinutes.minute,
      latencyBucket: deliveryMinutes.latencyBucket,
      succeeded: sum(deliveryMinutes.succeeded),
      failed: sum(deliveryMinutes.failed),
      skipped: sum(deliveryMinutes.skipped),
      retrying: sum(deliveryMinutes.retrying),
      pending: sum(deliveryMinutes.pending),
    })
    .from(deliveryMinutes)
    .where(
      and(
        eq(deliveryMinutes.integrationId, integrationId),
        gte(deliveryMinutes.minute, since),
        eq(deliveryMinutes.accountId, accountId),
      ),
    )
    .groupBy(deliveryMinutes.minute, deliveryMinutes.latencyBucket)
    .orderBy(deliveryMinutes.minute);
  const byMinute = new Map<number, { minute: Date; counts: Record<Counted, number>; latency: number[] }>();
  for (const row of rows) {
    const key = row.minute.getTime();
    let entry = byMinute.get(key);
    if (!entry) {
      entry = {
        minute: row.minute,
        counts: { succeeded: 0, failed: 0, skipped: 0, retrying: 0, pending: 0 },
        latency: [],
      };
      byMinute.set(key, entry);
    }
    for (const counted of COUNTED) entry.counts[counted] += row[counted];
    if (row.latencyBucket !== null)
      entry.latency[row.latencyBucket] = row.succeeded + row.failed + row.retrying;
  }
  return [...byMinute.values()]
    .map(({ minute, counts, latency }) => ({
      minute,
      ...counts,
      p50LatencyMs: latencyPercentile(
        [...latency].map((n) => n ?? 0),
        0.5,
      ),
      p95LatencyMs: latencyPercentile(
        [...latency].map((n) => n ?? 0),
        0.95,
      ),
    }))
    .filter((m) => COUNTED.some((counted) => m[counted] > 0));
}

const COUNTED = ["succeeded", "failed", "skipped", "retrying", "pending"] as const;
type Counted = (typeof COUNTED)[number];
