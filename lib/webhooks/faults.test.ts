import { randomBytes } from "node:crypto";

import { and, asc, eq, inArray } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";

import { db } from "@/db";
import { deliveries, deliveryAttempts } from "@/db/schema";
import { createTestAccount } from "@/lib/testing/accounts";
import { createTestConnection, createTestIntegration } from "@/lib/testing/integrations";
import { startReceiver, type Responder } from "@/lib/testing/receiver";
import { waitUntil } from "@/lib/testing/wait";
import { spawnWorkerProcess } from "@/lib/testing/worker-process";

import { LEASE_EXPIRED_MESSAGE } from "./claim";
import { ingestInbound } from "./ingest";
import { closeSendPools } from "./send";
import { generateSigningSecret } from "./sign";
import { startWorker } from "./worker";

afterAll(() => closeSendPools());

/** An account with a connection, a receiver and an integration, and a way to post N messages. */
async function scenario(respond: Responder, port = 0) {
  const { accountId } = await createTestAccount("Faults");
  const connection = await createTestConnection(accountId);
  const signingSecret = generateSigningSecret();
  const receiver = await startReceiver({ secrets: [signingSecret], respond, port });
  await createTestIntegration(accountId, {
    url: `${receiver.url}/hook`,
    signingSecret,
    connectionIds: [connection.id],
  });
  const post = async (n: number, prefix: string) => {
    const accepted = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        ingestInbound({
          connectionId: connection.id,
          from: `+1555300${String(i).padStart(4, "0")}`,
          text: `${prefix}${i}`,
        }),
      ),
    );
    return accepted.map((a) => a.deliveryIds[0]!);
  };
  const statuses = async (ids: string[]) =>
    (
      await db().select({ status: deliveries.status }).from(deliveries).where(inArray(deliveries.id, ids))
    ).map((d) => d.status);
  const allSucceeded = (ids: string[], timeoutMs = 15_000) =>
    waitUntil(async () => (await statuses(ids)).every((s) => s === "SUCCEEDED"), {
      timeoutMs,
      what: "all delivered",
    });
  return { accountId, receiver, signingSecret, post, allSucceeded };
}

describe("faults", () => {
  it("a worker killed (SIGKILL) mid-delivery: after its lease, each event is delivered exactly once more, and the lost attempt is recorded", async () => {
    let hang = true;
    const s = await scenario(() => (hang ? { status: 200, delayMs: 20_000 } : { status: 200 }));
    const leaseMs = 1_500;
    const doomed = await spawnWorkerProcess({
      accountIds: [s.accountId],
      args: ["--lease-ms", String(leaseMs), "--poll-ms", "100"],
    });
    // 8: what a worker sends one integration at first (lib/webhooks/slots.ts), all hanging at once.
    const ids = await s.post(8, "k");
    await s.receiver.waitFor((r) => r.length === 8);
    doomed.child.kill("SIGKILL");
    await doomed.stop();
    hang = false;

    const rescuer = await startWorker({
      accountIds: [s.accountId],
      pollIntervalMs: 100,
      chatIdleTimeoutMs: null,
    });
    try {
      await s.allSucceeded(ids);
    } finally {
      await rescuer.stop();
      await s.receiver.close();
    }
    for (const id of ids) {
      const received = s.receiver.requests.filter((r) => r.deliveryId === id);
      expect(received).toHaveLength(2);
      expect(received[1]!.receivedAt - received[0]!.receivedAt).toBeGreaterThanOrEqual(leaseMs - 200);
    }
    const rows = await db().select().from(deliveries).where(inArray(deliveries.id, ids));
    expect(rows.every((d) => d.attempts === 2 && d.status === "SUCCEEDED")).toBe(true);
    // The log has no hole: attempts counted equal attempt rows, the killed worker's attempt among them.
    const attempts = await db()
      .select()
      .from(deliveryAttempts)
      .where(inArray(deliveryAttempts.deliveryId, ids))
      .orderBy(asc(deliveryAttempts.startedAt));
    expect(attempts).toHaveLength(rows.reduce((sum, d) => sum + d.attempts, 0));
    for (const id of ids) {
      const mine = attempts.filter((a) => a.deliveryId === id);
      expect(mine).toMatchObject([
        {
          attemptNumber: 1,
          errorClass: "LEASE_EXPIRED",
          errorMessage: LEASE_EXPIRED_MESSAGE,
          responseStatus: null,
          durationMs: leaseMs,
        },
        { attemptNumber: 2, errorClass: null, responseStatus: 200 },
      ]);
      // It started when the dead worker took it, before the request the receiver got first.
      expect(mine[0]!.startedAt.getTime()).toBeLessThanOrEqual(
        s.receiver.requests.find((r) => r.deliveryId === id)!.receivedAt,
      );
    }
  });

  it("a worker slower than its lease: its late outcome takes the place of the lost attempt recorded for it", async () => {
    const s = await scenario((_r, n) => (n === 0 ? { status: 200, delayMs: 1_000 } : { status: 200 }));
    // (It claims once, woken by the new event; no poll brings it back to its own delivery.)
    const slow = await startWorker({
      accountIds: [s.accountId],
      leaseMs: 300,
      pollIntervalMs: 60_000,
      chatIdleTimeoutMs: null,
    });
    let other: Awaited<ReturnType<typeof startWorker>> | undefined;
    try {
      const [id] = await s.post(1, "slow");
      await s.receiver.waitFor((r) => r.length === 1);
      // The lease runs out while the first request is still out: another worker sends again.
      other = await startWorker({ accountIds: [s.accountId], pollIntervalMs: 50, chatIdleTimeoutMs: null });
      await s.allSucceeded([id!]);
      await waitUntil(() => slow.busy === 0, { what: "the slow request to end" });
      await slow.stop();
      const attempts = await db()
        .select()
        .from(deliveryAttempts)
        .where(eq(deliveryAttempts.deliveryId, id!))
        .orderBy(asc(deliveryAttempts.attemptNumber));
      expect(s.receiver.requests).toHaveLength(2);
      expect(attempts).toMatchObject([
        { attemptNumber: 1, responseStatus: 200, errorClass: null },
        { attemptNumber: 2, responseStatus: 200, errorClass: null },
      ]);
      const [row] = await db().select().from(deliveries).where(eq(deliveries.id, id!));
      expect(row!.attempts).toBe(2);
    } finally {
      await slow.stop();
      await other?.stop();
      await s.receiver.close();
    }
  });

  it("a receiver that is down, then up: retried until delivered", async () => {
    const s = await scenario(() => ({ status: 200 }));
    const port = s.receiver.port;
    await s.receiver.close();
    const worker = await startWorker({
      accountIds: [s.accountId],
      pollIntervalMs: 50,
      retrySchedule: [100, 200],
      chatIdleTimeoutMs: null,
    });
    try {
      const ids = await s.post(5, "d");
      await waitUntil(
        async () => {
          const failed = await db()
            .select({ id: deliveryAttempts.deliveryId })
            .from(deliveryAttempts)
            .where(
              and(inArray(deliveryAttempts.deliveryId, ids), eq(deliveryAttempts.errorClass, "CONNECT")),
            );
          return new Set(failed.map((f) => f.id)).size === ids.length;
        },
        { what: "connect failures" },
      );
      const up = await startReceiver({ secrets: [s.signingSecret], port });
      await s.allSucceeded(ids);
      await up.close();
      expect(up.requests.map((r) => r.deliveryId).sort()).toEqual([...ids].sort());
    } finally {
      await worker.stop();
    }
  });

  it("PostgreSQL connections dropped mid-batch: the worker reconnects and finishes", async () => {
    const s = await scenario(() => ({ status: 200, delayMs: 300 }));
    const appName = `cw_fault_${randomBytes(4).toString("hex")}`;
    const url = new URL(process.env.DATABASE_URL!);
    url.searchParams.set("application_name", appName);
    const worker = await spawnWorkerProcess({
      accountIds: [s.accountId],
      databaseUrl: url.toString(),
      args: ["--lease-ms", "10000", "--poll-ms", "100"],
    });
    const blocker = await db().$client.connect();
    try {
      const ids = await s.post(20, "p");
      await s.receiver.waitFor((r) => r.length === 20);
      // Hold the rows so the worker's batch of outcomes blocks inside its transaction…
      await blocker.query("BEGIN");
      await blocker.query("SELECT id FROM deliveries WHERE id = ANY($1::uuid[]) FOR UPDATE", [ids]);
      await waitUntil(
        async () => {
          const { rowCount } = await db().$client.query(
            "SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
            [appName],
          );
          return rowCount! > 0;
        },
        { what: "the worker's batch to block" },
      );
      // …then drop every connection of the worker, mid-batch.
      await db().$client.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
        [appName],
      );
      await blocker.query("COMMIT");
      await s.allSucceeded(ids, 20_000);
      const logged = worker.output.join("");
      expect(logged).toContain("writing outcomes failed; retrying");
      expect(logged).toContain("LISTEN connection lost");
      // Each event went out once: the outcomes were written again, within the lease.
      expect(s.receiver.requests).toHaveLength(20);
      // Still alive, and still claiming new work.
      expect(worker.child.exitCode).toBeNull();
      const later = await s.post(3, "q");
      await s.allSucceeded(later);
    } finally {
      await blocker.query("ROLLBACK").catch(() => {});
      blocker.release();
      await worker.stop();
      await s.receiver.close();
    }
  });
});
