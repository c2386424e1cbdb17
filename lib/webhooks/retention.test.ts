// The retention acts database-wide (it drops whole days), so this file has a database of its own.
import { and, eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";

import { db, enginePool } from "@/db";
import { chats, deliveries, deliveryAttempts, deliveryQueue, messages } from "@/db/schema";
import { setRetentionDays } from "@/lib/data/accounts";
import { listDeliveries } from "@/lib/data/deliveries";
import { stopIntegration } from "@/lib/data/integrations";
import { createTestAccount } from "@/lib/testing/accounts";
import { createReceivingIntegration } from "@/lib/testing/deliveries";
import { ownTestDatabase } from "@/lib/testing/own-database";
import { waitUntil } from "@/lib/testing/wait";

import { closeChat } from "./close";
import { ingestInbound } from "./ingest";
import { PARTITIONS_SLACK_DAYS, partitionName, utcDay } from "./partitions";
import { requeueDeliveries } from "./replay";
import { runRetention } from "./retention";
import { closeSendPools } from "./send";
import { startWorker, type DeliveryWorker } from "./worker";

const dropDatabase = await ownTestDatabase();
afterAll(async () => {
  await closeSendPools();
  await dropDatabase();
});

const DAY = 86_400_000;
const inDays = (days: number) => new Date(Date.now() + days * DAY);

const exists = async (relation: string) =>
  (await enginePool().query<{ r: string | null }>("SELECT to_regclass($1)::text AS r", [relation])).rows[0]!
    .r !== null;

async function countOf(accountId: string) {
  const n = (table: typeof messages | typeof deliveries) =>
    db()
      .select({ n: sql<number>`count(*)::int` })
      .from(table)
      .where(eq(table.accountId, accountId))
      .then((r) => r[0]!.n);
  return {
    messages: await n(messages),
    deliveries: await n(deliveries),
    // Attempts name no account: the account's, and any left without a delivery (which must never be).
    attempts:
      (await attemptsOf(accountId).then((r) => r.length)) +
      (await db()
        .select({ n: sql<number>`count(*)::int` })
        .from(deliveryAttempts)
        .where(
          sql`NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.id = ${deliveryAttempts.deliveryId} AND d.expires_on = ${deliveryAttempts.expiresOn})`,
        )
        .then((r) => r[0]!.n)),
  };
}

/** An account's attempts, through their deliveries (attempts name no account). */
function attemptsOf(accountId: string) {
  return db()
    .select({ id: deliveryAttempts.deliveryId })
    .from(deliveryAttempts)
    .innerJoin(
      deliveries,
      and(
        eq(deliveries.id, deliveryAttempts.deliveryId),
        eq(deliveries.expiresOn, deliveryAttempts.expiresOn),
      ),
    )
    .where(eq(deliveries.accountId, accountId));
}

/** An owner with an Active receiving integration, a worker for the account, and `events` delivered. */
async function deliveredAccount(label: string, events: number) {
  const owner = await createTestAccount(label);
  const hook = await createReceivingIntegration(owner);
  const worker = await startWorker({
    accountIds: [owner.accountId],
    pollIntervalMs: 50,
    chatIdleTimeoutMs: null,
  });
  const sent = [];
  for (let i = 0; i < events; i++)
    sent.push(
      await ingestInbound({
        connectionId: hook.connection.id,
        from: `+1555010${label.length}${i}00`,
        text: `m${i}`,
      }),
    );
  await waitUntil(async () => hook.receiver.requests.length >= events, { what: `${events} deliveries` });
  await waitUntil(
    async () =>
      (await db().select().from(deliveryQueue).where(eq(deliveryQueue.accountId, owner.accountId))).length ===
      0,
    { what: "the queue emptied" },
  );
  return { owner, hook, worker, sent };
}

const workers: DeliveryWorker[] = [];
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
});

describe("expiring a day", () => {
  it("drops that day's partitions of the three tables, and touches no other day", async () => {
    const short = await deliveredAccount("Short", 3);
    const long = await deliveredAccount("Long", 2);
    workers.push(short.worker, long.worker);
    await setRetentionDays(long.owner.accountId, 60);
    const later = await ingestInbound({
      connectionId: long.hook.connection.id,
      from: "+15550199999",
      text: "60 days",
    });
    await waitUntil(async () => long.hook.receiver.requests.length >= 3, {
      what: "the 60-day event delivered",
    });

    const day = utcDay(new Date(), 31); // written today with 30 days: expires on today + 31
    for (const table of ["messages", "deliveries", "delivery_attempts"] as const)
      expect(await exists(partitionName(table, day))).toBe(true);
    expect(await countOf(short.owner.accountId)).toEqual({ messages: 3, deliveries: 3, attempts: 3 });

    const stats = await runRetention({ now: inDays(32) });
    expect(stats.daysDropped).toContain(day);
    for (const table of ["messages", "deliveries", "delivery_attempts"] as const)
      expect(await exists(partitionName(table, day))).toBe(false);
    expect(await countOf(short.owner.accountId)).toEqual({ messages: 0, deliveries: 0, attempts: 0 });
    // The rows written under 60 days are on another day: untouched.
    const kept = await countOf(long.owner.accountId);
    expect(kept).toEqual({ messages: 1, deliveries: 1, attempts: 1 });
    expect(
      (await listDeliveries(long.owner.accountId, { integrationId: long.hook.integrationId })).deliveries.map(
        (d) => d.id,
      ),
    ).toEqual(later.deliveryIds);
    // Partitions stay made ahead of the new date: as far as the longest period in force (60 days) reaches,
    // and a week more; no further (each partition costs every statement on the table).
    expect(
      await exists(partitionName("deliveries", utcDay(inDays(32), 60 + 1 + PARTITIONS_SLACK_DAYS))),
    ).toBe(true);
    expect(
      await exists(partitionName("deliveries", utcDay(inDays(32), 60 + 1 + PARTITIONS_SLACK_DAYS + 1))),
    ).toBe(false);
  });
});

describe("unfinished deliveries", () => {
  it("are never expired: their day's finished rows go in batches, the partition once they are done", async () => {
    const { owner, hook, worker } = await deliveredAccount("Waiting", 2);
    workers.push(worker);
    await stopIntegration(owner.accountId, hook.integrationId);
    const waiting = await ingestInbound({
      connectionId: hook.connection.id,
      from: "+15550188888",
      text: "waits",
    });
    const day = utcDay(new Date(), 31);

    const first = await runRetention({ now: inDays(40), batch: 1 });
    expect(first.daysDropped).not.toContain(day);
    expect(await exists(partitionName("messages", day))).toBe(false);
    expect(await exists(partitionName("deliveries", day))).toBe(true);
    const left = await db()
      .select({ id: deliveries.id, status: deliveries.status })
      .from(deliveries)
      .where(eq(deliveries.accountId, owner.accountId));
    expect(left).toEqual([{ id: waiting.deliveryIds[0], status: "PENDING" }]);
    expect(first.deleted.deliveries).toBeGreaterThanOrEqual(2);

    // Once it has gone out (here: its queue row is gone), the day leaves whole.
    await db().delete(deliveryQueue).where(eq(deliveryQueue.deliveryId, waiting.deliveryIds[0]!));
    const second = await runRetention({ now: inDays(40) });
    expect(second.daysDropped).toContain(day);
    expect(await exists(partitionName("deliveries", day))).toBe(false);
  });
});

describe("a shortened period", () => {
  it("removes what is older than it, in batches, from that account only", async () => {
    const shortened = await deliveredAccount("Shortened", 3);
    const other = await deliveredAccount("Other", 2);
    workers.push(shortened.worker, other.worker);
    await setRetentionDays(shortened.owner.accountId, 2);

    // Three days on, the new period (2 days, plus the day of margin) has passed for what was written today.
    const stats = await runRetention({ now: inDays(3.5), batch: 2 });
    expect(stats.daysDropped).not.toContain(utcDay(new Date(), 31)); // not by a drop: its other rows stay
    expect(await countOf(shortened.owner.accountId)).toEqual({ messages: 0, deliveries: 0, attempts: 0 });
    expect(await countOf(other.owner.accountId)).toEqual({ messages: 2, deliveries: 2, attempts: 2 });
  });
});

describe("closed chats", () => {
  it("leave once the period has passed since they closed; open ones stay", async () => {
    const { owner, hook, worker, sent } = await deliveredAccount("Chats", 2);
    workers.push(worker);
    await closeChat(owner.accountId, sent[0]!.chatId);
    await waitUntil(
      async () =>
        (await db().select().from(deliveryQueue).where(eq(deliveryQueue.accountId, owner.accountId)))
          .length === 0,
      { what: "END delivered" },
    );
    await runRetention({ now: inDays(29) });
    expect((await db().select().from(chats).where(eq(chats.accountId, owner.accountId))).length).toBe(2);
    await runRetention({ now: inDays(31) });
    const left = await db().select({ id: chats.id }).from(chats).where(eq(chats.accountId, owner.accountId));
    expect(left).toEqual([{ id: sent[1]!.chatId }]);
    expect(hook.receiver.requests.length).toBeGreaterThanOrEqual(3);
  });
});

describe("a chat across two partitions", () => {
  it("keeps its order, its Resend and the log's paging", async () => {
    const owner = await createTestAccount("Across");
    const hook = await createReceivingIntegration(owner);
    const worker = await startWorker({
      accountIds: [owner.accountId],
      pollIntervalMs: 50,
      chatIdleTimeoutMs: null,
    });
    workers.push(worker);
    const from = "+15550177777";
    const events = [];
    // The period changes between a chat's messages: its events land in two days' partitions.
    for (const [i, days] of [30, 60, 30, 60].entries()) {
      await setRetentionDays(owner.accountId, days);
      events.push(await ingestInbound({ connectionId: hook.connection.id, from, text: `#${i}` }));
    }
    const ids = events.map((e) => e.deliveryIds[0]!);
    const days = await db()
      .select({ id: deliveries.id, expiresOn: deliveries.expiresOn })
      .from(deliveries)
      .where(eq(deliveries.accountId, owner.accountId));
    expect(new Set(days.map((d) => d.expiresOn)).size).toBe(2);
    await waitUntil(async () => hook.receiver.requests.length >= 4, { what: "4 deliveries" });
    expect(hook.receiver.requests.map((r) => r.deliveryId)).toEqual(ids);
    // Received is not yet recorded: Resend takes finished deliveries only.
    const allRecorded = async () =>
      (await db().select().from(deliveryQueue).where(eq(deliveryQueue.accountId, owner.accountId)))
        .length === 0;
    await waitUntil(allRecorded, { what: "4 recorded" });

    // Resend all four: they go out again, in their chat's order.
    expect((await requeueDeliveries(owner.accountId, ids)).sort()).toEqual([...ids].sort());
    await waitUntil(async () => hook.receiver.requests.length >= 8, { what: "4 resent" });
    expect(hook.receiver.requests.slice(4).map((r) => r.deliveryId)).toEqual(ids);
    // The receiver has them; their attempts are written just after.
    await waitUntil(allRecorded, { what: "4 resends recorded" });

    // The log pages across both partitions, newest first, without a gap or a repeat.
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listDeliveries(owner.accountId, {
        integrationId: hook.integrationId,
        limit: 1,
        cursor,
      });
      seen.push(...page.deliveries.map((d) => d.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    expect(seen).toEqual([...ids].reverse());
    expect(await attemptsOf(owner.accountId)).toHaveLength(8);
  });
});

describe("retention beside busy workers", () => {
  it("never deadlocks with them and never removes what is unfinished", async () => {
    const owner = await createTestAccount("Busy");
    // A one-day period: today's rows expire in 2 days, so a retention told it is day 3 expires them while
    // only those few days lie behind it (the writers keep making today's partitions again).
    await setRetentionDays(owner.accountId, 1);
    // Some fail once: retried rows stay unfinished a while in the day being expired.
    const retried = new Set<string>();
    const hook = await createReceivingIntegration(owner, {
      respond: (req) => {
        const n = Number((req.json as { text?: string } | undefined)?.text?.slice(1));
        if (n % 7 !== 0 || retried.has(req.deliveryId)) return { status: 200 };
        retried.add(req.deliveryId);
        return { status: 503 };
      },
    });
    const worker = await startWorker({
      accountIds: [owner.accountId],
      pollIntervalMs: 20,
      chatIdleTimeoutMs: null,
      retrySchedule: [50],
    });
    workers.push(worker);
    const deadlocks = async () =>
      Number(
        (
          await enginePool().query<{ n: string }>(
            "SELECT deadlocks AS n FROM pg_stat_database WHERE datname = current_database()",
          )
        ).rows[0]!.n,
      );
    const before = await deadlocks();
    // An event waiting for a stopped integration keeps the day unfinished throughout: its finished rows go
    // in batches beside the worker, never by dropping the day under it. (Only this test's simulated clock
    // makes writers write to a day the retention takes as expired; real writes go to days ahead.)
    const parked = await createReceivingIntegration(owner);
    await stopIntegration(owner.accountId, parked.integrationId);
    await ingestInbound({ connectionId: parked.connection.id, from: "+15550299999", text: "waits" });
    const ids: string[] = [];
    let retentionRuns = 0;
    let deletedBeside = 0;
    let stop = false;
    // Pretend it is day 3, again and again, in tiny batches. While events keep finishing in the day it
    // expires, a run finds more to delete until its time is up: a short time keeps the runs coming.
    const retention = (async () => {
      while (!stop) {
        const stats = await runRetention({ now: inDays(3), batch: 10, maxMs: 2_000 });
        deletedBeside += stats.deleted.deliveries;
        retentionRuns++;
      }
    })();
    // Events keep coming until the retention has run beside them a few times.
    for (let burst = 0; burst < 15 || (retentionRuns < 3 && burst < 200); burst++) {
      const sent = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          ingestInbound({
            connectionId: hook.connection.id,
            from: `+155502${String(i).padStart(2, "0")}000`,
            text: `#${burst * 20 + i}`,
          }),
        ),
      );
      ids.push(...sent.map((s) => s.deliveryIds[0]!));
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    await waitUntil(
      async () =>
        (await db().select().from(deliveryQueue).where(eq(deliveryQueue.integrationId, hook.integrationId)))
          .length === 0,
      { what: "every event finished", timeoutMs: 30_000 },
    );
    stop = true;
    await retention;
    // It ran beside the worker, deleting finished deliveries of the very day the worker was writing.
    expect(retentionRuns).toBeGreaterThan(1);
    expect(deletedBeside).toBeGreaterThan(0);
    expect(await deadlocks()).toBe(before);
    // Every event reached the receiver (nothing was removed before it finished)...
    const received = new Set(hook.receiver.requests.map((r) => r.deliveryId));
    expect(ids.filter((id) => !received.has(id))).toEqual([]);
    // ...and no queue row points at a delivery that is gone.
    const orphans = await enginePool().query(
      `SELECT 1 FROM delivery_queue q WHERE NOT EXISTS (
         SELECT 1 FROM deliveries d WHERE d.id = q.delivery_id AND d.expires_on = q.expires_on)`,
    );
    expect(orphans.rowCount).toBe(0);
  }, 120_000); // a retention run takes seconds on a loaded 2-core machine, and it must run a few times
});
