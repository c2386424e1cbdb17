import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { db } from "@/db";
import { deliveries, deliveryAttempts, integrations } from "@/db/schema";
import { deliveryPayload, getDelivery } from "@/lib/data/deliveries";
import { createTestAccount } from "@/lib/testing/accounts";
import {
  createTestConnection,
  createTestIntegration,
  type TestIntegrationOptions,
} from "@/lib/testing/integrations";
import { startReceiver, type Responder, type TestReceiver } from "@/lib/testing/receiver";
import { waitUntil } from "@/lib/testing/wait";

import { unpackAttempts } from "./attempt-log";
import { ingestInbound } from "./ingest";
import { replayFailed, requeueDeliveries } from "./replay";
import { closeSendPools } from "./send";
import { sendTestEvent } from "./send-test-event";
import { generateSigningSecret } from "./sign";
import { drainDeliveries, startWorker, type DeliveryWorker } from "./worker";

const { accountId } = await createTestAccount("Delivery");
const receivers: TestReceiver[] = [];
let worker: DeliveryWorker;

beforeAll(async () => {
  worker = await startWorker({
    accountIds: [accountId],
    pollIntervalMs: 100,
    retrySchedule: [150, 300, 600],
    timeoutMs: 400,
    chatIdleTimeoutMs: null,
  });
});

afterAll(async () => {
  await worker.stop();
  await Promise.all(receivers.map((r) => r.close()));
  await closeSendPools();
});

/** A connection, a receiver answering with `respond`, and an ACTIVE integration delivering to it. */
async function hook(options: Partial<TestIntegrationOptions> & { respond?: Responder; path?: string } = {}) {
  const connection = await createTestConnection(accountId);
  const secret = generateSigningSecret();
  const receiver = await startReceiver({ secrets: [secret], respond: options.respond });
  receivers.push(receiver);
  const { integration } = await createTestIntegration(accountId, {
    url: `${receiver.url}${options.path ?? "/hook"}`,
    signingSecret: secret,
    connectionIds: [connection.id],
    ...options,
  });
  return { connection, receiver, integration, secret };
}

const delivery = (id: string) =>
  db()
    .select()
    .from(deliveries)
    .where(eq(deliveries.id, id))
    .then((rows) => rows[0]!);
/** A delivery's attempts as stored, their packed request and response read back. */
const attemptsOf = async (id: string) => {
  const rows = await db()
    .select()
    .from(deliveryAttempts)
    .where(eq(deliveryAttempts.deliveryId, id))
    .orderBy(asc(deliveryAttempts.attemptNumber));
  const [stored] = await db()
    .select({ payload: deliveryPayload })
    .from(deliveries)
    .where(eq(deliveries.id, id));
  return unpackAttempts(rows, { deliveryId: id, payload: stored?.payload });
};
const settled = (id: string, status: string, timeoutMs = 8_000) =>
  waitUntil(
    async () => {
      const d = await delivery(id);
      return d.status === status && d;
    },
    { timeoutMs, what: `delivery ${status}` },
  );

describe("delivering", () => {
  it.each<
    [
      string,
      Partial<TestIntegrationOptions>,
      (r: { url: URL; headers: Record<string, unknown>; body: string }) => void,
    ]
  >([
    [
      "POST, no authentication",
      { method: "POST" },
      ({ body }) => {
        expect(JSON.parse(body)).toMatchObject({
          event: "MESSAGE",
          text: "hello",
          multimedia: { url: null },
        });
      },
    ],
    [
      "PUT, API key in a header",
      {
        method: "PUT",
        auth: { type: "API_KEY", keyName: "X-Api-Key", placement: "HEADER" },
        authSecret: "key-123456789",
      },
      ({ headers }) => {
        expect(headers["x-api-key"]).toBe("key-123456789");
      },
    ],
    [
      "GET, API key in the query",
      {
        method: "GET",
        auth: { type: "API_KEY", keyName: "api_key", placement: "QUERY" },
        authSecret: "qk-123456789",
      },
      ({ url, body }) => {
        expect(url.searchParams.get("api_key")).toBe("qk-123456789");
        expect(url.searchParams.get("text")).toBe("hello");
        expect(body).toBe("");
      },
    ],
    [
      "DELETE, Basic",
      { method: "DELETE", auth: { type: "BASIC", username: "ada" }, authSecret: "pw-123456789" },
      ({ headers, url }) => {
        expect(headers.authorization).toBe(`Basic ${Buffer.from("ada:pw-123456789").toString("base64")}`);
        expect(url.searchParams.get("event")).toBe("MESSAGE");
      },
    ],
    [
      "POST, Bearer token with params and headers",
      {
        auth: { type: "BEARER" },
        authSecret: "tok-123456789",
        params: [
          { key: "source", value: "sms", type: "TEXT" },
          { key: "who", value: "contact", type: "VARIABLE" },
        ],
        headers: [{ key: "X-Tenant", value: "acme", type: "TEXT" }],
      },
      ({ headers, url }) => {
        expect(headers.authorization).toBe("Bearer tok-123456789");
        expect(headers["x-tenant"]).toBe("acme");
        expect(url.searchParams.get("source")).toBe("sms");
        expect(url.searchParams.get("who")).toBe("+15557770001");
      },
    ],
  ])("%s: signed, delivered once, attempt recorded with secrets masked", async (_name, options, check) => {
    const { connection, receiver, integration } = await hook(options);
    const accepted = await ingestInbound({
      connectionId: connection.id,
      from: "+15557770001",
      text: "hello",
    });
    expect(accepted.deliveryIds).toHaveLength(1);
    const id = accepted.deliveryIds[0]!;
    await settled(id, "SUCCEEDED");
    expect(receiver.rejected).toHaveLength(0);
    expect(receiver.requests).toHaveLength(1);
    const [req] = receiver.requests;
    expect(req!.method).toBe(integration.method);
    expect(req!.deliveryId).toBe(id);
    check({ url: new URL(req!.url, receiver.url), headers: req!.headers, body: req!.body });

    const [attempt] = await attemptsOf(id);
    expect(attempt).toMatchObject({
      attemptNumber: 1,
      responseStatus: 200,
      errorClass: null,
      responseBody: "ok",
    });
    const logged = JSON.stringify(attempt!.request);
    if (options.authSecret) expect(logged).not.toContain(options.authSecret);
    expect(attempt!.request!.headers["webhook-signature"]).toBe("v1,••••••••");
    expect(await delivery(id)).toMatchObject({
      attempts: 1,
      lastStatusCode: 200,
      completedAt: expect.any(Date) as unknown,
    });
  });

  it("retries 500 twice, then succeeds; the webhook-id stays the same", async () => {
    const { connection, receiver } = await hook({ respond: (_r, n) => ({ status: n < 2 ? 500 : 200 }) });
    const {
      deliveryIds: [id],
    } = await ingestInbound({ connectionId: connection.id, from: "+15557770002", text: "x" });
    await settled(id!, "SUCCEEDED");
    expect(receiver.requests.map((r) => r.deliveryId)).toEqual([id, id, id]);
    const attempts = await attemptsOf(id!);
    expect(attempts.map((a) => [a.attemptNumber, a.responseStatus, a.errorClass])).toEqual([
      [1, 500, "HTTP_STATUS"],
      [2, 500, "HTTP_STATUS"],
      [3, 200, null],
    ]);
    // Backoff: at least the (jittered) schedule between attempts.
    const gap = receiver.requests[1]!.receivedAt - receiver.requests[0]!.receivedAt;
    expect(gap).toBeGreaterThanOrEqual(150 * 0.8 - 20);
  });

  it("honours Retry-After on 429", async () => {
    const { connection, receiver } = await hook({
      respond: (_r, n) => (n === 0 ? { status: 429, headers: { "retry-after": "1" } } : { status: 200 }),
    });
    const {
      deliveryIds: [id],
    } = await ingestInbound({ connectionId: connection.id, from: "+15557770003", text: "x" });
    await waitUntil(async () => (await delivery(id!)).status === "RETRYING", { what: "RETRYING" });
    await settled(id!, "SUCCEEDED");
    const gap = receiver.requests[1]!.receivedAt - receiver.requests[0]!.receivedAt;
    expect(gap).toBeGreaterThanOrEqual(950);
  });

  it("retries a timeout, classified TIMEOUT; shows Delivering while the request is out", async () => {
    const { connection, receiver } = await hook({
      respond: (_r, n) => (n === 0 ? { status: 200, delayMs: 1_000 } : { status: 200 }),
    });
    const {
      deliveryIds: [id],
    } = await ingestInbound({ connectionId: connection.id, from: "+15557770004", text: "x" });
    await receiver.waitFor((r) => r.length === 1);
    expect((await getDelivery(accountId, id!))?.status).toBe("DELIVERING");
    await settled(id!, "SUCCEEDED");
    const attempts = await attemptsOf(id!);
    expect(attempts[0]).toMatchObject({
      errorClass: "TIMEOUT",
      responseStatus: null,
      errorMessage: "No response within 400 ms",
    });
    expect(attempts[1]).toMatchObject({ responseStatus: 200 });
  });

  it("fails at once on a permanent 4xx", async () => {
    const { connection, receiver } = await hook({
      respond: () => ({ status: 422, body: '{"error":"bad field"}' }),
    });
    const {
      deliveryIds: [id],
    } = await ingestInbound({ connectionId: connection.id, from: "+15557770005", text: "x" });
    const d = await settled(id!, "FAILED");
    expect(d).toMatchObject({ attempts: 1, lastStatusCode: 422, lastError: "HTTP 422" });
    expect((await attemptsOf(id!))[0]!.responseBody).toBe('{"error":"bad field"}');
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.requests).toHaveLength(1);
  });

  it("410 Gone fails the delivery and stops the integration; its events wait until it is started again", async () => {
    let gone = true;
    const { connection, receiver, integration } = await hook({
      respond: () => (gone ? { status: 410, delayMs: 200 } : { status: 200 }),
    });
    const first = await ingestInbound({ connectionId: connection.id, from: "+15557770006", text: "one" });
    await receiver.waitFor((r) => r.length === 1);
    // Queued behind the first (same chat) while the receiver is answering 410.
    const second = await ingestInbound({ connectionId: connection.id, from: "+15557770006", text: "two" });
    await settled(first.deliveryIds[0]!, "FAILED");
    const [stopped] = await db().select().from(integrations).where(eq(integrations.id, integration.id));
    expect(stopped).toMatchObject({
      status: "INACTIVE",
      disabledReason: expect.stringContaining("410 Gone") as unknown,
    });

    // Stopped: the queued event waits (not lost), and so do new messages.
    const third = await ingestInbound({ connectionId: connection.id, from: "+15557770006", text: "three" });
    expect(third.deliveryIds).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 300));
    expect((await delivery(second.deliveryIds[0]!)).status).toBe("PENDING");
    expect((await delivery(third.deliveryIds[0]!)).status).toBe("PENDING");

    gone = false;
    await db()
      .update(integrations)
      .set({ status: "ACTIVE", disabledReason: null })
      .where(eq(integrations.id, integration.id));
    await settled(third.deliveryIds[0]!, "SUCCEEDED");
    expect(receiver.requests.map((r) => (r.json as { text: string }).text)).toEqual(["one", "two", "three"]);
  });

  it("gives up after max attempts into Failed, and Replay failed sends it again", async () => {
    let up = false;
    const { connection, receiver, integration } = await hook({
      maxAttempts: 3,
      respond: () => ({ status: up ? 200 : 503 }),
    });
    const {
      deliveryIds: [id],
      chatId,
    } = await ingestInbound({ connectionId: connection.id, from: "+15557770008", text: "x" });
    const dead = await settled(id!, "FAILED");
    expect(dead.attempts).toBe(3);
    expect(dead.lastError).toMatch(/gave up/);
    expect(receiver.requests).toHaveLength(3);

    up = true;
    // Another account cannot replay it.
    const other = await createTestAccount("Other");
    expect(await replayFailed(other.accountId, { integrationId: integration.id })).toEqual([]);
    expect(await replayFailed(accountId, { integrationId: integration.id, chatId })).toEqual([id]);
    const done = await settled(id!, "SUCCEEDED");
    expect(done.attempts).toBe(4);
    expect((await attemptsOf(id!)).map((a) => a.attemptNumber)).toEqual([1, 2, 3, 4]);
  });

  it("gives up when the next retry would pass the max age", async () => {
    const { connection } = await hook({ maxAgeSeconds: 1, respond: () => ({ status: 500 }) });
    const before = Date.now();
    const {
      deliveryIds: [id],
    } = await ingestInbound({ connectionId: connection.id, from: "+15557770009", text: "x" });
    await settled(id!, "FAILED");
    expect(Date.now() - before).toBeLessThan(3_000);
  });

  it("Resend puts a delivered event back in the queue; foreign ids are ignored", async () => {
    const { connection, receiver } = await hook();
    const {
      deliveryIds: [id],
    } = await ingestInbound({ connectionId: connection.id, from: "+15557770010", text: "x" });
    await settled(id!, "SUCCEEDED");
    const other = await createTestAccount("Other");
    expect(await requeueDeliveries(other.accountId, [id!])).toEqual([]);
    expect(await requeueDeliveries(accountId, [id!])).toEqual([id]);
    await waitUntil(() => receiver.requests.length === 2, { what: "second request" });
    await settled(id!, "SUCCEEDED");
  });

  it("signs with both secrets during a rotation", async () => {
    const old = generateSigningSecret();
    const { connection, receiver, secret } = await hook({
      previousSigningSecret: old,
      previousExpiresAt: new Date(Date.now() + 3_600_000),
    });
    const {
      deliveryIds: [id],
    } = await ingestInbound({ connectionId: connection.id, from: "+15557770011", text: "x" });
    await settled(id!, "SUCCEEDED");
    const signature = String(receiver.requests[0]!.headers["webhook-signature"]);
    expect(signature.split(" ")).toHaveLength(2);
    // A receiver that only knows the old secret still verifies.
    const { Webhook } = await import("standardwebhooks");
    const r = receiver.requests[0]!;
    const headers = {
      "webhook-id": r.deliveryId,
      "webhook-timestamp": String(r.headers["webhook-timestamp"]),
      "webhook-signature": signature,
    };
    expect(() => new Webhook(old).verify(r.body, headers)).not.toThrow();
    expect(() => new Webhook(secret).verify(r.body, headers)).not.toThrow();
  });

  it("Send test event delivers a sample MESSAGE now and records it as a test delivery", async () => {
    const { receiver, integration } = await hook({
      status: "INACTIVE",
      respond: () => ({ status: 201, body: "thanks" }),
    });
    const result = await sendTestEvent(accountId, integration.id);
    expect(result).toMatchObject({
      status: "SUCCEEDED",
      attempt: { responseStatus: 201, responseBody: "thanks" },
    });
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]!.deliveryId).toBe(result.deliveryId);
    expect(await delivery(result.deliveryId)).toMatchObject({
      isTest: true,
      status: "SUCCEEDED",
      chatId: null,
    });
    const other = await createTestAccount("Other");
    await expect(sendTestEvent(other.accountId, integration.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("records every attempt of a failing test event without retrying", async () => {
    const { integration } = await hook({ respond: () => ({ status: 500 }) });
    const result = await sendTestEvent(accountId, integration.id);
    expect(result.status).toBe("FAILED");
    const rows = await db()
      .select()
      .from(deliveries)
      .where(and(eq(deliveries.id, result.deliveryId)));
    expect(rows[0]).toMatchObject({ status: "FAILED", lastStatusCode: 500 });
  });
});

describe("drain mode (the cron route)", () => {
  it("sends what is due, then returns what it did", async () => {
    const other = await createTestAccount("Drain");
    const connection = await createTestConnection(other.accountId);
    const secret = generateSigningSecret();
    const receiver = await startReceiver({ secrets: [secret] });
    receivers.push(receiver);
    await createTestIntegration(other.accountId, {
      url: `${receiver.url}/hook`,
      signingSecret: secret,
      connectionIds: [connection.id],
    });
    for (const n of [1, 2, 3]) {
      await ingestInbound({ connectionId: connection.id, from: `+1555777010${n}`, text: "x" });
    }
    const stats = await drainDeliveries({ accountIds: [other.accountId], maxMs: 5_000 });
    expect(stats).toEqual({ claimed: 3, succeeded: 3, retrying: 0, failed: 0 });
    expect(receiver.requests).toHaveLength(3);
  });
});

describe("fairness", () => {
  /** A receiver answering with `respond`, and an ACTIVE integration of `account` delivering to it. */
  async function endpoint(account: string, respond?: Responder, maxRatePerSecond?: number) {
    const secret = generateSigningSecret();
    const receiver = await startReceiver({ secrets: [secret], respond });
    receivers.push(receiver);
    const connection = await createTestConnection(account);
    await createTestIntegration(account, {
      url: `${receiver.url}/hook`,
      signingSecret: secret,
      connectionIds: [connection.id],
      maxRatePerSecond,
    });
    return { receiver, connectionId: connection.id };
  }

  it("a hanging receiver cannot hold up another integration's deliveries", async () => {
    const { accountId: fairAccount } = await createTestAccount("Fair");
    const { receiver: slow, connectionId: slowConnectionId } = await endpoint(fairAccount, () => ({
      status: 200,
      delayMs: 5_000,
    }));
    const { receiver: fast, connectionId: fastConnectionId } = await endpoint(fairAccount);
    const fair = await startWorker({
      accountIds: [fairAccount],
      concurrency: 8,
      perIntegrationConcurrency: 4,
      timeoutMs: 1_000,
      pollIntervalMs: 50,
      chatIdleTimeoutMs: null,
    });
    try {
      // A backlog for the slow receiver (distinct chats, so ordering does not serialise them)…
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          ingestInbound({
            connectionId: slowConnectionId,
            from: `+155588800${String(i).padStart(2, "0")}`,
            text: "s",
          }),
        ),
      );
      await slow.waitFor((r) => r.length >= 4);
      // …does not delay the other integration's event.
      const posted = Date.now();
      await ingestInbound({ connectionId: fastConnectionId, from: "+15558889999", text: "f" });
      await fast.waitFor((r) => r.length === 1, 5_000);
      expect(fast.requests[0]!.receivedAt - posted).toBeLessThan(500);
      // The slow one never had more than its share in flight.
      expect(slow.requests.length).toBeLessThanOrEqual(8);
    } finally {
      await fair.stop({ graceMs: 0 });
    }
  });

  it("no number of receivers that time out can take the slots a healthy one needs", async () => {
    const { accountId: fairAccount } = await createTestAccount("Fair many");
    const hanging: { connectionId: string; receiver: TestReceiver }[] = [];
    for (let h = 0; h < 5; h++)
      hanging.push(await endpoint(fairAccount, () => ({ status: 200, delayMs: 5_000 })));
    const { receiver: fast, connectionId: fastConnectionId } = await endpoint(fairAccount);
    // Together the hanging receivers could hold 5 × 4 slots, of the worker's 8.
    const fair = await startWorker({
      accountIds: [fairAccount],
      concurrency: 8,
      perIntegrationConcurrency: 4,
      timeoutMs: 400,
      retrySchedule: [100],
      pollIntervalMs: 50,
      chatIdleTimeoutMs: null,
    });
    try {
      await Promise.all(
        hanging.flatMap(({ connectionId }, h) =>
          Array.from({ length: 20 }, (_, i) =>
            ingestInbound({ connectionId, from: `+1555877${h}0${String(i).padStart(2, "0")}`, text: "s" }),
          ),
        ),
      );
      // Once each has timed out: they shrink to share half of the slots, whatever their backlogs.
      await waitUntil(() => hanging.every((h) => h.receiver.requests.length >= 1), { timeoutMs: 5_000 });
      await new Promise((r) => setTimeout(r, 1_000));
      for (let i = 0; i < 3; i++) {
        const posted = Date.now();
        await ingestInbound({ connectionId: fastConnectionId, from: `+155587799${i}`, text: "f" });
        await fast.waitFor((r) => r.length === i + 1, 5_000);
        expect(fast.requests[i]!.receivedAt - posted).toBeLessThan(300);
      }
    } finally {
      await fair.stop({ graceMs: 0 });
    }
  });

  it("one account's backlog does not delay another account's fresh event (round robin)", async () => {
    const noisy = await createTestAccount("Noisy");
    const quiet = await createTestAccount("Quiet");
    const flood = await endpoint(noisy.accountId);
    const calm = await endpoint(quiet.accountId);
    const BACKLOG = 3_000;
    for (let i = 0; i < BACKLOG; i += 500)
      await Promise.all(
        Array.from({ length: 500 }, (_, k) =>
          ingestInbound({
            connectionId: flood.connectionId,
            from: `+1555866${String(i + k).padStart(4, "0")}`,
            text: "n",
          }),
        ),
      );
    const fair = await startWorker({
      accountIds: [noisy.accountId, quiet.accountId],
      // One integration may take every slot: what keeps the quiet one's place is the claim's order.
      concurrency: 16,
      perIntegrationConcurrency: 16,
      pollIntervalMs: 50,
      chatIdleTimeoutMs: null,
    });
    try {
      await flood.receiver.waitFor((r) => r.length >= 100, 10_000);
      const posted = Date.now();
      await ingestInbound({ connectionId: calm.connectionId, from: "+15558669999", text: "q" });
      await calm.receiver.waitFor((r) => r.length === 1, 10_000);
      const floodAtArrival = flood.receiver.requests.length;
      expect(calm.receiver.requests[0]!.receivedAt - posted).toBeLessThan(300);
      // It went while the backlog was still draining, not after.
      expect(floodAtArrival).toBeLessThan(BACKLOG / 2);
    } finally {
      await fair.stop({ graceMs: 0 });
    }
  });

  it("a paced endpoint gets its maximum rate from all workers together, and slows no other", async () => {
    const { accountId: pacedAccount } = await createTestAccount("Paced");
    const RATE = 20;
    const BACKLOG = 120;
    const paced = await endpoint(pacedAccount, undefined, RATE);
    const free = await endpoint(pacedAccount);
    const options = { accountIds: [pacedAccount], pollIntervalMs: 50, chatIdleTimeoutMs: null };
    const workers = [await startWorker(options), await startWorker(options)];
    try {
      await Promise.all(
        Array.from({ length: BACKLOG }, (_, i) =>
          ingestInbound({
            connectionId: paced.connectionId,
            from: `+1555855${String(i).padStart(4, "0")}`,
            text: "p",
          }),
        ),
      );
      await paced.receiver.waitFor((r) => r.length >= 20, 5_000);
      // The other endpoint's events go at once, while the paced backlog waits its turn.
      const posted = Date.now();
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          ingestInbound({
            connectionId: free.connectionId,
            from: `+1555856${String(i).padStart(4, "0")}`,
            text: "f",
          }),
        ),
      );
      await free.receiver.waitFor((r) => r.length === 30, 5_000);
      expect(Math.max(...free.receiver.requests.map((r) => r.receivedAt)) - posted).toBeLessThan(1_000);

      await paced.receiver.waitFor((r) => r.length === BACKLOG, 15_000);
      const times = paced.receiver.requests.map((r) => r.receivedAt).sort((a, b) => a - b);
      // After the first bucketful, the rest at the rate (within 10 %), whichever worker sent them.
      const first = times[0]!;
      const inSteadyWindow = times.filter((t) => t >= first + 1_000 && t < first + 5_000).length;
      expect(inSteadyWindow).toBeGreaterThanOrEqual(RATE * 4 * 0.9);
      expect(inSteadyWindow).toBeLessThanOrEqual(RATE * 4 * 1.1);
    } finally {
      await Promise.all(workers.map((w) => w.stop({ graceMs: 0 })));
    }
  });
});
