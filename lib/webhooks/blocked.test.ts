// A chat's later events wait out of the claims' way (blocked, outside the due index) while an earlier one
// is queued, and are let go when it leaves — including when the two happen at the same moment in two
// transactions (migration 0015, lib/webhooks/enqueue.ts).
import { randomUUID } from "node:crypto";

import { Client } from "pg";
import { beforeEach, describe, expect, it } from "vitest";

import { enginePool } from "@/db";
import { createTestAccount } from "@/lib/testing/accounts";
import { claimDueFor, completionsFor } from "@/lib/testing/deliveries";
import { createTestConnection, createTestIntegration } from "@/lib/testing/integrations";
import { executedPlanNodes } from "@/lib/testing/plans";
import { waitUntil } from "@/lib/testing/wait";

import { claimQuery } from "./claim";
import { completeDeliveries } from "./complete";
import { insertDeliveries } from "./enqueue";
import { ingestInbound } from "./ingest";
import { unblockStrandedRows } from "./queue-vacuum";

let accountId: string;
let connectionId: string;
let integrationId: string;

beforeEach(async () => {
  ({ accountId } = await createTestAccount("Held"));
  connectionId = (await createTestConnection(accountId)).id;
  integrationId = (
    await createTestIntegration(accountId, {
      url: "https://hooks.example.com/in",
      connectionIds: [connectionId],
    })
  ).integration.id;
});

const post = (from: string, text: string) => ingestInbound({ connectionId, from, text });

/** The chat's queue rows in order: blocked or not. */
async function heldIn(chatId: string): Promise<boolean[]> {
  const { rows } = await enginePool().query<{ blocked: boolean }>(
    "SELECT blocked FROM delivery_queue WHERE chat_id = $1 ORDER BY seq",
    [chatId],
  );
  return rows.map((r) => r.blocked);
}

/** The indexes the claim's statement walked. */
async function indexesWalkedByClaim(): Promise<Set<string>> {
  const q = claimQuery({ workerId: "plan", limit: 100, leaseMs: 60_000, accountIds: [accountId] });
  const walked = (await executedPlanNodes(q)).filter((n) => n["Index Name"] && (n["Actual Loops"] ?? 0) > 0);
  return new Set(walked.map((n) => n["Index Name"]!));
}

const succeed = async (claimed: Awaited<ReturnType<typeof claimDueFor>>["deliveries"]) =>
  completeDeliveries(completionsFor(claimed, () => "SUCCEEDED"));

describe("events held behind their chat's earlier ones", () => {
  it("wait out of the claims' way, and the next goes when the one before it has", async () => {
    const first = await post("+15558900001", "one");
    await post("+15558900001", "two");
    await post("+15558900001", "three");
    const other = await post("+15558900002", "hello");
    expect(await heldIn(first.chatId)).toEqual([false, true, true]);
    expect(await heldIn(other.chatId)).toEqual([false]);

    // The claim walks the due index, which holds the chats' first events only.
    expect(await indexesWalkedByClaim()).toContain("delivery_queue_due_idx");
    const { rows: due } = await enginePool().query<{ def: string }>(
      "SELECT indexdef AS def FROM pg_indexes WHERE indexname = 'delivery_queue_due_idx'",
    );
    expect(due[0]!.def).toMatch(/WHERE \(NOT blocked\)$/);
    const claim = await claimDueFor(accountId);
    expect(claim.deliveries.map((d) => d.id).sort()).toEqual(
      [first.deliveryIds[0], other.deliveryIds[0]].sort(),
    );

    // A retry keeps what follows held; the end of the first lets the second go, and only it.
    const [head] = claim.deliveries.filter((d) => d.chatId === first.chatId);
    await completeDeliveries(completionsFor([head!], () => "RETRYING"));
    expect(await heldIn(first.chatId)).toEqual([false, true, true]);
    await enginePool().query("UPDATE delivery_queue SET next_attempt_at = now() WHERE delivery_id = $1", [
      head!.id,
    ]);
    const retry = await claimDueFor(accountId);
    expect(retry.deliveries.map((d) => d.id)).toEqual([head!.id]);
    await succeed(retry.deliveries);
    expect(await heldIn(first.chatId)).toEqual([false, true]);
    const next = await claimDueFor(accountId);
    expect(next.deliveries).toHaveLength(1);
    expect(next.deliveries[0]!.seq).toBeGreaterThan(head!.seq);
  });

  it("queued while the one before it is being completed: the completion waits, then lets it go", async () => {
    const first = await post("+15558900011", "one");
    const [head] = (await claimDueFor(accountId)).deliveries;
    // The next event's transaction queues it behind the head and stays open…
    const queueing = await enginePool().connect();
    const followerId = randomUUID();
    try {
      await queueing.query("BEGIN");
      await insertDeliveries(queueing, [
        {
          id: followerId,
          accountId,
          integrationId,
          chatId: first.chatId,
          messageId: null,
          event: "MESSAGE",
          payload: head!.payload,
        },
      ]);
      // …while the head's completion comes in: it waits for that transaction…
      const completing = succeed([head!]);
      await waitUntil(
        async () =>
          (
            await enginePool().query(
              `SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%json_to_recordset%'`,
            )
          ).rowCount === 1,
        { what: "the completion waiting" },
      );
      await queueing.query("COMMIT");
      await completing;
    } finally {
      queueing.release();
    }
    // …and, once it has committed, sees the new row and lets it go.
    expect(await heldIn(first.chatId)).toEqual([false]);
    expect((await claimDueFor(accountId)).deliveries.map((d) => d.id)).toEqual([followerId]);
  });

  it("queued while the one before it is leaving: not held, and still not sent before it has gone", async () => {
    const first = await post("+15558900021", "one");
    const [head] = (await claimDueFor(accountId)).deliveries;
    // Another transaction is taking the head out of the queue (not committed yet).
    const leaving = new Client({ connectionString: process.env.DATABASE_URL });
    await leaving.connect();
    try {
      await leaving.query("BEGIN");
      await leaving.query("DELETE FROM delivery_queue WHERE delivery_id = $1", [head!.id]);
      // The next event is queued without waiting for it, not held…
      const second = await post("+15558900021", "two");
      expect(await heldIn(first.chatId)).toEqual([false, false]);
      // …but not claimed while the head is still queued.
      expect((await claimDueFor(accountId)).deliveries).toEqual([]);
      await leaving.query("COMMIT");
      expect((await claimDueFor(accountId)).deliveries.map((d) => d.id)).toEqual(second.deliveryIds);
    } finally {
      await leaving.end();
    }
  });

  it("two rows of a chat leaving at once: the one held behind them is let go", async () => {
    const first = await post("+15558900031", "one");
    const [head] = (await claimDueFor(accountId)).deliveries;
    await post("+15558900031", "two");
    // An older event of the chat comes back (Resend keeps its place in the chat's order: before the head).
    const { rows: older } = await enginePool().query<{ id: string }>(
      `WITH d AS (
         INSERT INTO deliveries (account_id, integration_id, chat_id, event, payload, expires_on, seq)
         SELECT account_id, integration_id, chat_id, event, payload, expires_on, seq - 1000 FROM deliveries
         WHERE id = $1 RETURNING *)
       INSERT INTO delivery_queue (delivery_id, expires_on, account_id, integration_id, chat_id, seq, event, payload,
                                   window_started_at, attempts_before_window)
       SELECT id, expires_on, account_id, integration_id, chat_id, seq, event, payload, window_started_at, 0 FROM d
       RETURNING delivery_id AS id`,
      [head!.id],
    );
    expect(await heldIn(first.chatId)).toEqual([false, false, true]);
    // Both leave in two transactions at the same time: neither sees the other's row gone.
    const a = new Client({ connectionString: process.env.DATABASE_URL });
    const b = new Client({ connectionString: process.env.DATABASE_URL });
    await Promise.all([a.connect(), b.connect()]);
    try {
      await a.query("BEGIN");
      await b.query("BEGIN");
      await a.query("DELETE FROM delivery_queue WHERE delivery_id = $1", [older[0]!.id]);
      // (b's trigger may wait for the row a's trigger has just let go: a commits meanwhile.)
      const deleting = b.query("DELETE FROM delivery_queue WHERE delivery_id = $1", [head!.id]);
      await a.query("COMMIT");
      await deleting;
      await b.query("COMMIT");
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
    expect(await heldIn(first.chatId)).toEqual([false]);
  });

  it("a row held with nothing before it (which the trigger should never leave) is let go by the retention's check", async () => {
    const first = await post("+15558900041", "one");
    await post("+15558900041", "two");
    await enginePool().query("UPDATE delivery_queue SET blocked = true WHERE chat_id = $1", [first.chatId]);
    expect(await heldIn(first.chatId)).toEqual([true, true]);
    expect(await unblockStrandedRows()).toBeGreaterThanOrEqual(1);
    expect(await heldIn(first.chatId)).toEqual([false, true]);
  });
});
