import { eq, inArray } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";

import { db } from "@/db";
import { deliveries, integrationHealth } from "@/db/schema";
import { getIntegrationSummary } from "@/lib/data/integrations";
import { createTestAccount } from "@/lib/testing/accounts";
import { createTestConnection, createTestIntegration } from "@/lib/testing/integrations";
import { startReceiver, type Responder, type TestReceiver } from "@/lib/testing/receiver";
import { waitUntil } from "@/lib/testing/wait";

import { ingestInbound } from "./ingest";
import { closeSendPools } from "./send";
import { generateSigningSecret } from "./sign";
import { startWorker, type WorkerOptions } from "./worker";

const receivers: TestReceiver[] = [];
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await closeSendPools();
});

async function setUp(respond: Responder, workerOptions: WorkerOptions, maxAttempts = 3) {
  const { accountId } = await createTestAccount("Health");
  const secret = generateSigningSecret();
  const receiver = await startReceiver({ secrets: [secret], respond });
  receivers.push(receiver);
  const connection = await createTestConnection(accountId);
  const { integration } = await createTestIntegration(accountId, {
    url: `${receiver.url}/hook`,
    signingSecret: secret,
    connectionIds: [connection.id],
    maxAttempts,
  });
  const worker = await startWorker({
    accountIds: [accountId],
    pollIntervalMs: 50,
    chatIdleTimeoutMs: null,
    ...workerOptions,
  });
  const post = async (from: string, text: string) =>
    (await ingestInbound({ connectionId: connection.id, from, text })).deliveryIds[0]!;
  const health = async () =>
    (
      await db().select().from(integrationHealth).where(eq(integrationHealth.integrationId, integration.id))
    )[0];
  return { accountId, integration, receiver, worker, post, health };
}

describe("circuit breaker", () => {
  it("marks a failing endpoint Failing, probes it one request at a time, and resumes in order on the first success, with the retry budget untouched", async () => {
    let up = false;
    // Budget: 6 attempts. The run trips the breaker at the heads' third attempts (6 failures, ≥ 100 ms),
    // with room to spare for a slow machine, where a fourth may go before the breaker's row is written.
    const s = await setUp(
      () => ({ status: up ? 200 : 503 }),
      {
        retrySchedule: [60, 60, 60],
        circuit: { failures: 5, minFailingMs: 100, probeBaseMs: 250, probeMaxMs: 400 },
      },
      6,
    );
    try {
      // Two chats, three events each.
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        ids.push(await s.post("+15558400001", `a${i}`));
        ids.push(await s.post("+15558400002", `b${i}`));
      }
      const failing = await waitUntil(async () => (await s.health())?.failingSince, { timeoutMs: 10_000 });
      expect(failing).toBeInstanceOf(Date);
      const card = await getIntegrationSummary(s.accountId, s.integration.id);
      expect(card!.failing?.since).toEqual(failing);
      expect(card!.failing?.lastError).toContain("HTTP 503");

      // While Failing: one probe at a time, each after a pause.
      const seen = s.receiver.requests.length;
      await new Promise((r) => setTimeout(r, 4_500));
      const probes = s.receiver.requests.slice(seen);
      expect(probes.length).toBeGreaterThanOrEqual(6);
      expect(probes.length).toBeLessThanOrEqual(18);
      for (let i = 1; i < probes.length; i++)
        expect(probes[i]!.receivedAt - probes[i - 1]!.receivedAt).toBeGreaterThanOrEqual(200);
      // Nothing gave up, though the probes took more attempts than the budget of 6.
      const rows = await db().select().from(deliveries).where(inArray(deliveries.id, ids));
      expect(rows.some((d) => d.status === "FAILED")).toBe(false);
      expect(Math.max(...rows.map((d) => d.attempts))).toBeGreaterThan(6);

      up = true;
      await waitUntil(
        async () => {
          const done = await db().select().from(deliveries).where(inArray(deliveries.id, ids));
          return done.every((d) => d.status === "SUCCEEDED");
        },
        { timeoutMs: 10_000 },
      );
      expect(await s.health()).toBeUndefined();
      expect((await getIntegrationSummary(s.accountId, s.integration.id))!.failing).toBeNull();
      // Each chat's events reached the receiver, for the first time, in order.
      const firstSeen = (id: string) => s.receiver.requests.findIndex((r) => r.deliveryId === id);
      const succeeded = s.receiver.requests.filter((r, i) => i >= seen);
      expect(succeeded.length).toBeGreaterThan(0);
      for (const chat of [0, 1]) {
        const chatIds = ids.filter((_, i) => i % 2 === chat);
        const lastSuccess = (id: string) => s.receiver.requests.map((r) => r.deliveryId).lastIndexOf(id);
        for (let i = 1; i < chatIds.length; i++) {
          expect(firstSeen(chatIds[i]!)).toBeGreaterThan(firstSeen(chatIds[i - 1]!));
          expect(lastSuccess(chatIds[i]!)).toBeGreaterThan(lastSuccess(chatIds[i - 1]!));
        }
      }
    } finally {
      await s.worker.stop();
    }
  });

  it("is not tripped by failures that span less than the minimum time, and an answer ends the run", async () => {
    let n = 0;
    const s = await setUp(
      () => ({ status: n++ < 3 ? 500 : 200 }),
      {
        retrySchedule: [20, 20, 20, 20],
        circuit: { failures: 3, minFailingMs: 60_000, probeBaseMs: 250, probeMaxMs: 400 },
      },
      5,
    );
    try {
      const id = await s.post("+15558400003", "x");
      await waitUntil(
        async () =>
          (await db().select().from(deliveries).where(eq(deliveries.id, id)))[0]?.status === "SUCCEEDED",
        { timeoutMs: 10_000 },
      );
      await waitUntil(async () => (await s.health()) === undefined, { timeoutMs: 5_000 });
      // Never Failing: no probe pause (250 ms) between the attempts, only the retry schedule's 20 ms.
      const times = s.receiver.requests.map((r) => r.receivedAt);
      expect(times).toHaveLength(4);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeLessThan(200);
    } finally {
      await s.worker.stop();
    }
  });
});

describe("429 pause", () => {
  it("holds every delivery of an endpoint that answered 429 until its Retry-After has passed", async () => {
    const s = await setUp(
      (_r, n) => (n === 0 ? { status: 429, headers: { "retry-after": "1" } } : { status: 200 }),
      { retrySchedule: [50] },
    );
    try {
      await s.post("+15558400010", "first");
      await s.receiver.waitFor((r) => r.length === 1);
      const throttledAt = s.receiver.requests[0]!.receivedAt;
      await waitUntil(async () => (await s.health())?.heldUntil, { timeoutMs: 5_000 });
      // Other chats' events, posted right after the 429, wait for the pause too.
      for (let i = 0; i < 4; i++) await s.post(`+1555840002${i}`, `other ${i}`);
      await s.receiver.waitFor((r) => r.length === 6, 10_000);
      for (const r of s.receiver.requests.slice(1))
        expect(r.receivedAt - throttledAt).toBeGreaterThanOrEqual(900);
    } finally {
      await s.worker.stop();
    }
  });
});
