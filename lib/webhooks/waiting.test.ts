import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { db, enginePool } from "@/db";
import { chats, deliveries, deliveryAttempts, deliveryQueue, integrations } from "@/db/schema";
import { listIntegrations, startIntegration, stopIntegration } from "@/lib/data/integrations";
import { listDeliveries } from "@/lib/data/deliveries";
import { createTestAccount } from "@/lib/testing/accounts";
import {
  createLiveChatbotCampaign,
  createTestConnection,
  createTestIntegration,
} from "@/lib/testing/integrations";
import { startReceiver, type Responder, type TestReceiver } from "@/lib/testing/receiver";
import { waitUntil } from "@/lib/testing/wait";

import { closeChat, closeIdleChats } from "./close";
import { ingestInbound } from "./ingest";
import { requeueDeliveries } from "./replay";
import { closeSendPools } from "./send";
import { sendTestEvent } from "./send-test-event";
import { generateSigningSecret } from "./sign";
import { WAITING_COUNT_CAP, waitingEventsText } from "./waiting-count";
import { startWorker, type DeliveryWorker } from "./worker";

const { accountId } = await createTestAccount("Waiting");
const receivers: TestReceiver[] = [];
let worker: DeliveryWorker;

beforeAll(async () => {
  worker = await startWorker({
    accountIds: [accountId],
    pollIntervalMs: 100,
    retrySchedule: [100, 200, 400],
    chatIdleTimeoutMs: null,
  });
});

afterAll(async () => {
  await worker.stop();
  await Promise.all(receivers.map((r) => r.close()));
  await closeSendPools();
});

/** An Active integration on a new connection, delivering to a receiver that answers with `respond`. */
async function hook(respond?: Responder, options: { maxAttempts?: number; maxAgeSeconds?: number } = {}) {
  const connection = await createTestConnection(accountId);
  const secret = generateSigningSecret();
  const receiver = await startReceiver({ secrets: [secret], respond });
  receivers.push(receiver);
  const { integration } = await createTestIntegration(accountId, {
    url: `${receiver.url}/hook`,
    signingSecret: secret,
    connectionIds: [connection.id],
    ...options,
  });
  const post = (from: string, text: string) => ingestInbound({ connectionId: connection.id, from, text });
  return { connection, receiver, integration, post };
}

const queueRows = (integrationId: string) =>
  db()
    .select({ deliveryId: deliveryQueue.deliveryId, due: sql<string>`${deliveryQueue.nextAttemptAt}::text` })
    .from(deliveryQueue)
    .where(eq(deliveryQueue.integrationId, integrationId));
const statusesOf = async (ids: string[]) =>
  Object.fromEntries(
    (
      await db()
        .select({ id: deliveries.id, status: deliveries.status })
        .from(deliveries)
        .where(inArray(deliveries.id, ids))
    ).map((d) => [d.id, d.status]),
  );
const cardOf = async (integrationId: string) =>
  (await listIntegrations(accountId)).find((i) => i.id === integrationId)!;
const texts = (receiver: TestReceiver) =>
  receiver.requests.map((r) => {
    const body = r.json as { event: string; text: string | null; contact: string };
    return `${body.contact} ${body.event}${body.text ? ` ${body.text}` : ""}`;
  });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("while an integration is stopped", () => {
  it("its events are recorded and wait, counted on its card; Start ▶ sends them in order per chat, END last", async () => {
    const { receiver, integration, post } = await hook();
    await stopIntegration(accountId, integration.id);

    const a1 = await post("+15558100001", "a1");
    const b1 = await post("+15558100002", "b1");
    const a2 = await post("+15558100001", "a2");
    const endA = await closeChat(accountId, a1.chatId);
    // A chat closed by the idle timeout while stopped: its END waits too.
    await db()
      .update(chats)
      .set({ lastMessageAt: new Date(Date.now() - 3_600_000) })
      .where(eq(chats.id, b1.chatId));
    const idle = await closeIdleChats({ idleMs: 60_000, accountIds: [accountId] });
    const endB = idle.find((c) => c.chatId === b1.chatId)!;
    const ids = [a1, b1, a2, endA, endB].map((x) => x.deliveryIds[0]!);
    expect(ids.every(Boolean)).toBe(true);

    // Recorded as Pending, parked in the queue (never due), counted on the card, nothing sent.
    const queued = await queueRows(integration.id);
    expect(queued.map((q) => q.due)).toEqual(ids.map(() => "infinity"));
    expect(Object.values(await statusesOf(ids))).toEqual(ids.map(() => "PENDING"));
    expect((await cardOf(integration.id)).waiting).toBe(5);
    const [chat] = await db().select().from(chats).where(eq(chats.id, a1.chatId));
    expect(chat!.integrationId).toBe(integration.id);
    const log = await listDeliveries(accountId, { integrationId: integration.id });
    expect(log.deliveries.every((d) => d.status === "PENDING" && d.nextAttemptAt === null)).toBe(true);
    await pause(400);
    expect(receiver.requests).toHaveLength(0);

    const started = await startIntegration(accountId, integration.id, "send");
    expect(started).toMatchObject({ status: "ACTIVE", skipped: 0, waiting: 0 });
    await waitUntil(async () => Object.values(await statusesOf(ids)).every((s) => s === "SUCCEEDED"), {
      what: "the waiting events delivered",
    });
    const sent = texts(receiver);
    expect(sent.filter((t) => t.startsWith("+15558100001"))).toEqual([
      "+15558100001 MESSAGE a1",
      "+15558100001 MESSAGE a2",
      "+15558100001 END",
    ]);
    expect(sent.filter((t) => t.startsWith("+15558100002"))).toEqual([
      "+15558100002 MESSAGE b1",
      "+15558100002 END",
    ]);
    expect(await queueRows(integration.id)).toEqual([]);
  });

  it("Start ▶ can skip them instead: each is Skipped (listed, filterable), later events go out, Resend sends one", async () => {
    const { receiver, integration, post } = await hook();
    await stopIntegration(accountId, integration.id);
    const waited = [await post("+15558200001", "w1"), await post("+15558200001", "w2")];
    const waitedIds = waited.map((w) => w.deliveryIds[0]!);

    const started = await startIntegration(accountId, integration.id, "skip");
    expect(started).toMatchObject({ status: "ACTIVE", skipped: 2, waiting: 0 });
    expect(await statusesOf(waitedIds)).toEqual({ [waitedIds[0]!]: "SKIPPED", [waitedIds[1]!]: "SKIPPED" });
    expect(await queueRows(integration.id)).toEqual([]);
    const skipped = await listDeliveries(accountId, { integrationId: integration.id, status: "SKIPPED" });
    expect(skipped.deliveries.map((d) => d.id).sort()).toEqual([...waitedIds].sort());

    // The same chat goes on: the next event is not held by the skipped ones.
    const after = await post("+15558200001", "after");
    await waitUntil(
      async () => (await statusesOf(after.deliveryIds))[after.deliveryIds[0]!] === "SUCCEEDED",
      {
        what: "the event after the Start",
      },
    );
    expect(texts(receiver)).toEqual(["+15558200001 MESSAGE after"]);

    // A skipped delivery can be resent, like a failed one.
    expect(await requeueDeliveries(accountId, [waitedIds[0]!])).toEqual([waitedIds[0]]);
    await waitUntil(async () => (await statusesOf([waitedIds[0]!]))[waitedIds[0]!] === "SUCCEEDED", {
      what: "the resent skipped event",
    });
    expect(texts(receiver)).toEqual(["+15558200001 MESSAGE after", "+15558200001 MESSAGE w1"]);
    const [row] = await db().select().from(deliveries).where(eq(deliveries.id, waitedIds[0]!));
    expect(row!.attempts).toBe(1);
  });

  it("what waited gets a fresh retry window when it is released (its max age counts from the Start)", async () => {
    let n = 0;
    const { integration, post } = await hook(() => ({ status: n++ === 0 ? 503 : 200 }), { maxAgeSeconds: 2 });
    await stopIntegration(accountId, integration.id);
    const { deliveryIds } = await post("+15558250001", "old");
    // Older than the integration's max age by the time it is started.
    await pause(2_100);
    await startIntegration(accountId, integration.id);
    await waitUntil(async () => (await statusesOf(deliveryIds))[deliveryIds[0]!] === "SUCCEEDED", {
      what: "delivered after a retry",
    });
    const [row] = await db().select().from(deliveries).where(eq(deliveries.id, deliveryIds[0]!));
    expect(row!.attempts).toBe(2);
  });

  it("a 410 Gone stop makes them wait too, and Send test event still goes out without joining them", async () => {
    let gone = true;
    const { receiver, integration, post } = await hook(() => (gone ? { status: 410 } : { status: 200 }));
    const first = await post("+15558300001", "one");
    await waitUntil(async () => (await statusesOf(first.deliveryIds))[first.deliveryIds[0]!] === "FAILED", {
      what: "the 410",
    });
    expect((await cardOf(integration.id)).status).toBe("INACTIVE");
    const second = await post("+15558300001", "two");
    expect((await queueRows(integration.id)).map((q) => q.due)).toEqual(["infinity"]);

    gone = false;
    const test = await sendTestEvent(accountId, integration.id);
    expect(test.status).toBe("SUCCEEDED");
    expect((await cardOf(integration.id)).waiting).toBe(1);

    await startIntegration(accountId, integration.id);
    await waitUntil(
      async () => (await statusesOf(second.deliveryIds))[second.deliveryIds[0]!] === "SUCCEEDED",
      {
        what: "the waiting event",
      },
    );
    expect(texts(receiver).filter((t) => t.startsWith("+15558300001"))).toEqual([
      "+15558300001 MESSAGE one",
      "+15558300001 MESSAGE two",
    ]);
  });

  it("a Live Chatbot Service campaign's chats wait for its integration too", async () => {
    const connection = await createTestConnection(accountId);
    const secret = generateSigningSecret();
    const receiver = await startReceiver({ secrets: [secret] });
    receivers.push(receiver);
    const { integration } = await createTestIntegration(accountId, {
      url: `${receiver.url}/hook`,
      signingSecret: secret,
    });
    await createLiveChatbotCampaign(accountId, integration.id, connection.id);
    // A 410 Gone stops it even while the campaign is Live (Stop itself is refused then).
    await db().update(integrations).set({ status: "INACTIVE" }).where(eq(integrations.id, integration.id));
    const waiting = await ingestInbound({ connectionId: connection.id, from: "+15558400001", text: "bot?" });
    expect(waiting.deliveryIds).toHaveLength(1);
    expect((await queueRows(integration.id)).map((q) => q.due)).toEqual(["infinity"]);
    await startIntegration(accountId, integration.id);
    await receiver.waitFor((r) => r.length === 1);
    expect(texts(receiver)).toEqual(["+15558400001 MESSAGE bot?"]);
  });

  it("a Stop while a delivery is in flight: it finishes; if it must be retried, it waits for the Start", async () => {
    let n = 0;
    const { receiver, integration, post } = await hook(() =>
      n++ === 0 ? { status: 503, delayMs: 500 } : { status: 200, delayMs: 500 },
    );
    const retried = await post("+15558500001", "retried");
    const done = await post("+15558500002", "done");
    await receiver.waitFor((r) => r.length === 2);
    await stopIntegration(accountId, integration.id);
    await waitUntil(
      async () => {
        const s = await statusesOf([retried.deliveryIds[0]!, done.deliveryIds[0]!]);
        return Object.values(s).sort().join() === "RETRYING,SUCCEEDED";
      },
      { what: "the requests in flight to finish" },
    );
    // Whichever one got the 503 waits at 'infinity', not at its retry time.
    await pause(500);
    expect((await queueRows(integration.id)).map((q) => q.due)).toEqual(["infinity"]);
    expect(receiver.requests).toHaveLength(2);
    await startIntegration(accountId, integration.id);
    await waitUntil(
      async () =>
        Object.values(await statusesOf([retried.deliveryIds[0]!, done.deliveryIds[0]!])).every(
          (s) => s === "SUCCEEDED",
        ),
      { what: "the retry after the Start" },
    );
    expect(receiver.requests).toHaveLength(3);
  });

  it("an event being written while the Start commits is not left waiting", async () => {
    const { receiver, integration, post } = await hook();
    await stopIntegration(accountId, integration.id);
    const first = await post("+15558550001", "before");
    // Hold the chat's row: the next message's statement begins (and reads what it reads) while the
    // integration is still stopped, then waits here while the Start commits and its release is done.
    const holder = await enginePool().connect();
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT id FROM chats WHERE id = $1 FOR UPDATE", [first.chatId]);
      const during = post("+15558550001", "during");
      await pause(200);
      const start = startIntegration(accountId, integration.id, "send");
      await receiver.waitFor((r) => r.length === 1);
      await pause(200);
      await holder.query("COMMIT");
      await start;
      const { deliveryIds } = await during;
      await waitUntil(async () => (await statusesOf(deliveryIds))[deliveryIds[0]!] === "SUCCEEDED", {
        what: "the event written during the Start",
      });
    } finally {
      await holder.query("ROLLBACK").catch(() => {});
      holder.release();
    }
    expect(texts(receiver)).toEqual(["+15558550001 MESSAGE before", "+15558550001 MESSAGE during"]);
  });

  it("nothing is lost or stuck when messages keep arriving through Stops and Starts", async () => {
    const { receiver, integration, connection } = await hook();
    const contacts = Array.from({ length: 8 }, (_, i) => `+155586000${String(i).padStart(2, "0")}`);
    let sending = true;
    const accepted: string[] = [];
    const senders = contacts.map(async (from) => {
      for (let i = 0; sending; i++) {
        const a = await ingestInbound({ connectionId: connection.id, from, text: String(i) });
        accepted.push(a.deliveryIds[0]!);
      }
    });
    for (let round = 0; round < 6; round++) {
      await pause(60);
      await stopIntegration(accountId, integration.id);
      await pause(60);
      await startIntegration(accountId, integration.id, "send");
    }
    sending = false;
    await Promise.all(senders);
    await waitUntil(async () => Object.values(await statusesOf(accepted)).every((s) => s === "SUCCEEDED"), {
      timeoutMs: 20_000,
      what: "every accepted event delivered",
    });
    expect(await queueRows(integration.id)).toEqual([]);
    // Each contact's messages arrived in the order they were accepted, each once.
    for (const from of contacts) {
      const got = texts(receiver)
        .filter((t) => t.startsWith(from))
        .map((t) => Number(t.split(" ")[2]));
      expect(got).toEqual(got.map((_, i) => i));
    }
    expect(receiver.requests).toHaveLength(accepted.length);
  });
});

describe("the waiting count", () => {
  it("walks at most the cap: more shows as 10,000+", async () => {
    const connection = await createTestConnection(accountId);
    const { integration } = await createTestIntegration(accountId, {
      url: "https://hooks.example.com/x",
      status: "INACTIVE",
      connectionIds: [connection.id],
    });
    const { chatId } = await ingestInbound({ connectionId: connection.id, from: "+15558700001", text: "x" });
    await db().execute(sql`
      WITH d AS (
        INSERT INTO deliveries (account_id, integration_id, chat_id, event, payload, expires_on)
        SELECT ${accountId}, ${integration.id}, ${chatId}, 'MESSAGE', '{}'::jsonb,
               retention_expires_on(${accountId})
        FROM generate_series(1, ${WAITING_COUNT_CAP + 50})
        RETURNING id, account_id, integration_id, chat_id, seq, expires_on, event, payload, window_started_at,
                  attempts_before_window)
      INSERT INTO delivery_queue (delivery_id, expires_on, account_id, integration_id, chat_id, seq,
                                  next_attempt_at, event, payload, window_started_at, attempts_before_window)
      SELECT id, expires_on, account_id, integration_id, chat_id, seq, 'infinity', event, payload, window_started_at,
             attempts_before_window FROM d`);
    const card = await cardOf(integration.id);
    expect(card.waiting).toBe(WAITING_COUNT_CAP + 1);
    expect(waitingEventsText(card.waiting)).toBe("10,000+ events");
    expect(waitingEventsText(1)).toBe("1 event");
    expect(waitingEventsText(2_500)).toBe("2,500 events");
    // Skip marks every one of them, in chunks.
    const started = await startIntegration(accountId, integration.id, "skip");
    expect(started.skipped).toBe(WAITING_COUNT_CAP + 51);
    const left = await db()
      .select({ n: sql<number>`count(*)::int` })
      .from(deliveries)
      .where(and(eq(deliveries.integrationId, integration.id), eq(deliveries.status, "PENDING")));
    expect(left[0]!.n).toBe(0);
  });
});

describe("attempt rows of skipped deliveries", () => {
  it("a skipped delivery whose worker died mid-attempt gets the lost attempt recorded", async () => {
    const { integration, post } = await hook();
    await stopIntegration(accountId, integration.id);
    const { deliveryIds } = await post("+15558800001", "lost");
    const id = deliveryIds[0]!;
    // As a worker that claimed it and died leaves it: leased (attempt 1), the lease run out.
    await db()
      .update(deliveryQueue)
      .set({
        attempts: 1,
        leasedBy: "dead-worker",
        leasedAt: new Date(Date.now() - 70_000),
        leaseExpiresAt: new Date(Date.now() - 10_000),
      })
      .where(eq(deliveryQueue.deliveryId, id));
    await startIntegration(accountId, integration.id, "skip");
    const [row] = await db().select().from(deliveries).where(eq(deliveries.id, id));
    expect(row).toMatchObject({ status: "SKIPPED", attempts: 1 });
    const attempts = await db()
      .select()
      .from(deliveryAttempts)
      .where(eq(deliveryAttempts.deliveryId, id))
      .orderBy(asc(deliveryAttempts.attemptNumber));
    expect(attempts).toMatchObject([{ attemptNumber: 1, errorClass: "LEASE_EXPIRED", durationMs: 60_000 }]);
  });
});
