import { asc, inArray } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";

import { db } from "@/db";
import { deliveries, deliveryAttempts } from "@/db/schema";
import { createTestAccount } from "@/lib/testing/accounts";
import { createTestConnection, createTestIntegration } from "@/lib/testing/integrations";
import { startReceiver, type TestReceiver } from "@/lib/testing/receiver";
import { waitUntil } from "@/lib/testing/wait";

import { ingestInbound } from "./ingest";
import { DEFAULT_RETRY_SCHEDULE_MS, JITTER } from "./retry";
import { closeSendPools } from "./send";
import { generateSigningSecret } from "./sign";
import { startWorker, type DeliveryWorker } from "./worker";

// Retries keep their schedule: with the production schedule (first retry 5 s ±20 %) and the production
// fallback poll (2 s), the first retry goes out when it falls due — not at the next poll after it.
const FIRST_RETRY_MS = DEFAULT_RETRY_SCHEDULE_MS[0]!;
// How late a retry may start after its due time: a claim and a request's set-up, on a busy machine.
const LATE_MS = 400;
const CHATS = 6;

const receivers: TestReceiver[] = [];
const workers: DeliveryWorker[] = [];
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await Promise.all(receivers.map((r) => r.close()));
  await closeSendPools();
});

/** An account whose receiver fails each event's first request with 503 (after `delayMs`), then says 200. */
async function failingOnce(delayMs = 0) {
  const { accountId } = await createTestAccount("Retry timing");
  const connection = await createTestConnection(accountId);
  const secret = generateSigningSecret();
  const seen = new Set<string>();
  const receiver = await startReceiver({
    secrets: [secret],
    respond: (r) => {
      if (seen.has(r.deliveryId)) return { status: 200 };
      seen.add(r.deliveryId);
      return { status: 503, delayMs };
    },
  });
  receivers.push(receiver);
  await createTestIntegration(accountId, {
    url: `${receiver.url}/hook`,
    signingSecret: secret,
    connectionIds: [connection.id],
  });
  const post = () =>
    Promise.all(
      Array.from({ length: CHATS }, (_, i) =>
        ingestInbound({
          connectionId: connection.id,
          from: `+1555910${String(i).padStart(4, "0")}`,
          text: "x",
        }),
      ),
    ).then((accepted) => accepted.map((a) => a.deliveryIds[0]!));
  const worker = (options: { pollIntervalMs?: number } = {}) =>
    startWorker({ accountIds: [accountId], chatIdleTimeoutMs: null, ...options }).then((w) => {
      workers.push(w);
      return w;
    });
  return { receiver, post, worker };
}

/** Each delivery's first retry: when it was due, when it started, and how long after the failure. */
async function firstRetries(ids: string[]) {
  await waitUntil(
    async () =>
      (
        await db().select({ status: deliveries.status }).from(deliveries).where(inArray(deliveries.id, ids))
      ).every((d) => d.status === "SUCCEEDED"),
    { timeoutMs: 15_000, what: "every first retry" },
  );
  const rows = await db().select().from(deliveries).where(inArray(deliveries.id, ids));
  const attempts = await db()
    .select()
    .from(deliveryAttempts)
    .where(inArray(deliveryAttempts.deliveryId, ids))
    .orderBy(asc(deliveryAttempts.attemptNumber));
  return rows.map((d) => {
    const [failed, retried] = attempts.filter((a) => a.deliveryId === d.id);
    const failedAt = failed!.startedAt.getTime() + failed!.durationMs;
    return {
      // The retry's due time stays on the delivery once it succeeded.
      lateMs: retried!.startedAt.getTime() - d.nextAttemptAt.getTime(),
      afterFailureMs: retried!.startedAt.getTime() - failedAt,
    };
  });
}

const expectOnTime = (retries: Awaited<ReturnType<typeof firstRetries>>) => {
  for (const r of retries) {
    expect(r.lateMs).toBeGreaterThanOrEqual(0);
    expect(r.lateMs).toBeLessThan(LATE_MS);
    expect(r.afterFailureMs).toBeGreaterThanOrEqual(FIRST_RETRY_MS * (1 - JITTER) - 50);
    expect(r.afterFailureMs).toBeLessThanOrEqual(FIRST_RETRY_MS * (1 + JITTER) + LATE_MS);
  }
};

describe("retry timing (production schedule and poll)", () => {
  it("the first retry fires within its 5 s ±20 % window, when it falls due", async () => {
    const s = await failingOnce();
    await s.worker();
    const ids = await s.post();
    expectOnTime(await firstRetries(ids));
    expect(s.receiver.requests).toHaveLength(2 * CHATS);
  });

  it("a retry scheduled by a worker that is gone is sent on time by another", async () => {
    const s = await failingOnce(300);
    const first = await s.worker();
    const ids = await s.post();
    // The other worker is up (and idle) while the first one's requests are out…
    await s.receiver.waitFor((r) => r.length === CHATS);
    await s.worker();
    // …and the first one goes away as soon as it has written the failures (the retries it scheduled).
    await waitUntil(() => first.stats.retrying === CHATS, { what: "the failures written" });
    await first.stop();
    expectOnTime(await firstRetries(ids));
  });
});
