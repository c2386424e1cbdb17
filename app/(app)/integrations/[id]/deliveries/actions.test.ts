import { afterAll, describe, expect, it, vi } from "vitest";

import { getDelivery } from "@/lib/data/deliveries";
import { createTestAccount } from "@/lib/testing/accounts";
import { createReceivingIntegration } from "@/lib/testing/deliveries";
import type { Reply } from "@/lib/testing/receiver";
import { waitUntil } from "@/lib/testing/wait";
import { ingestInbound } from "@/lib/webhooks/ingest";
import { closeSendPools } from "@/lib/webhooks/send";
import { startWorker } from "@/lib/webhooks/worker";

import { replayFailedAction, resendDeliveryAction, sendTestEventAction } from "./actions";

// The signed-in user of each action call, without a Next.js request around the test.
const session = vi.hoisted(() => ({ user: { id: "", accountId: "", email: "", name: "" } }));
vi.mock("@/lib/auth", () => ({
  auth: async () => null,
  requireSession: async () => ({ ...session.user, userId: session.user.id }),
}));

const a = await createTestAccount("Replay A");
const b = await createTestAccount("Replay B");
const as = (user: typeof a) => (session.user = user);

// What the receiver answers now: tests switch it between refusing (422: Failed at once) and accepting.
let reply: Reply = { status: 200 };
const hook = await createReceivingIntegration(a, { respond: () => reply });
const worker = await startWorker({ accountIds: [a.accountId], pollIntervalMs: 100, chatIdleTimeoutMs: null });

afterAll(async () => {
  await worker.stop();
  await hook.receiver.close();
  await closeSendPools();
});

const statusOf = async (id: string) => (await getDelivery(a.accountId, id))!.status;
const settled = (id: string, status: string) =>
  waitUntil(async () => (await statusOf(id)) === status, { what: `delivery ${status}` });
const received = (id: string) => hook.receiver.requests.filter((r) => r.deliveryId === id).length;

/** A message from `from` that the receiver refuses, once Failed. */
async function failedMessage(from: string, text = "hello") {
  reply = { status: 422, body: "no" };
  const { deliveryIds, chatId } = await ingestInbound({ connectionId: hook.connection.id, from, text });
  await settled(deliveryIds[0]!, "FAILED");
  return { id: deliveryIds[0]!, chatId };
}

describe("Resend", () => {
  it("sends a finished delivery again, with the same webhook-id; another account cannot", async () => {
    const { id } = await failedMessage("+15550101001");
    reply = { status: 200 };

    as(b);
    expect(await resendDeliveryAction({ deliveryId: id })).toEqual({
      ok: false,
      error: "Delivery not found",
      code: "NOT_FOUND",
    });
    expect(await statusOf(id)).toBe("FAILED");

    as(a);
    expect(await resendDeliveryAction({ deliveryId: id })).toEqual({ ok: true, data: { deliveryId: id } });
    await settled(id, "SUCCEEDED");
    expect(received(id)).toBe(2);
    expect((await getDelivery(a.accountId, id))!.attempts.map((t) => t.responseStatus)).toEqual([422, 200]);
  });

  it("says why when it cannot: still on its way, a test event, bad input", async () => {
    as(a);
    reply = { status: 200, delayMs: 1_500 };
    const slow = await ingestInbound({
      connectionId: hook.connection.id,
      from: "+15550101002",
      text: "slow",
    });
    await waitUntil(async () => (await statusOf(slow.deliveryIds[0]!)) === "DELIVERING", {
      what: "Delivering",
    });
    expect(await resendDeliveryAction({ deliveryId: slow.deliveryIds[0]! })).toMatchObject({
      ok: false,
      error: expect.stringContaining("still on its way") as unknown,
    });
    await settled(slow.deliveryIds[0]!, "SUCCEEDED");

    reply = { status: 200 };
    const test = await sendTestEventAction({ integrationId: hook.integrationId });
    expect(test.ok).toBe(true);
    const testId = test.ok ? test.data.deliveryId : "";
    expect(await resendDeliveryAction({ deliveryId: testId })).toMatchObject({
      ok: false,
      error: expect.stringContaining("Test events are not resent") as unknown,
    });
    expect(await resendDeliveryAction({ deliveryId: "nope" })).toMatchObject({
      ok: false,
      fieldErrors: { deliveryId: expect.any(Array) as unknown },
    });
  });
});

describe("Replay failed", () => {
  it("replays one chat's failed deliveries in order, then a time range; another account cannot", async () => {
    const x1 = await failedMessage("+15550102001", "x1");
    const x2 = await failedMessage("+15550102001", "x2");
    const y = await failedMessage("+15550102002", "y");
    expect(x2.chatId).toBe(x1.chatId);
    reply = { status: 200 };

    as(b);
    expect(await replayFailedAction({ integrationId: hook.integrationId })).toEqual({
      ok: false,
      error: "Integration not found",
      code: "NOT_FOUND",
    });
    expect(await statusOf(x1.id)).toBe("FAILED");

    as(a);
    const before = hook.receiver.requests.length;
    expect(await replayFailedAction({ integrationId: hook.integrationId, chatId: x1.chatId })).toEqual({
      ok: true,
      data: { replayed: 2 },
    });
    await settled(x2.id, "SUCCEEDED");
    expect(await statusOf(x1.id)).toBe("SUCCEEDED");
    expect(await statusOf(y.id)).toBe("FAILED");
    // In the chat's order.
    expect(hook.receiver.requests.slice(before).map((r) => r.deliveryId)).toEqual([x1.id, x2.id]);

    // A range that ended before y was created replays nothing; one around it replays y.
    const created = (await getDelivery(a.accountId, y.id))!.createdAt;
    const iso = (ms: number) => new Date(created.getTime() + ms).toISOString();
    expect(await replayFailedAction({ integrationId: hook.integrationId, to: iso(-1) })).toMatchObject({
      data: { replayed: 0 },
    });
    expect(
      await replayFailedAction({ integrationId: hook.integrationId, from: iso(-1), to: iso(1_000) }),
    ).toMatchObject({ data: { replayed: 1 } });
    await settled(y.id, "SUCCEEDED");
  });

  it("refuses a range that ends before it starts", async () => {
    as(a);
    expect(
      await replayFailedAction({
        integrationId: hook.integrationId,
        from: "2026-03-02T00:00:00.000Z",
        to: "2026-03-01T00:00:00.000Z",
      }),
    ).toMatchObject({ ok: false, fieldErrors: { to: ["The end must be after the start"] } });
  });
});

describe("Send test event", () => {
  it("delivers a sample MESSAGE now and returns the response; another account cannot", async () => {
    as(a);
    reply = { status: 201, headers: { "x-receiver": "yes" }, body: '{"thanks":true}' };
    const sent = await sendTestEventAction({ integrationId: hook.integrationId });
    expect(sent).toMatchObject({
      ok: true,
      data: {
        status: "SUCCEEDED",
        attempt: {
          responseStatus: 201,
          responseBody: '{"thanks":true}',
          responseHeaders: expect.objectContaining({ "x-receiver": "yes" }) as unknown,
          durationMs: expect.any(Number) as unknown,
          request: expect.objectContaining({ method: "POST", url: `${hook.receiver.url}/hook` }) as unknown,
        },
      },
    });
    expect(received(sent.ok ? sent.data.deliveryId : "")).toBe(1);

    reply = { status: 500, body: "down" };
    expect(await sendTestEventAction({ integrationId: hook.integrationId })).toMatchObject({
      ok: true,
      data: { status: "FAILED", attempt: { responseStatus: 500, responseBody: "down" } },
    });

    as(b);
    const count = hook.receiver.requests.length;
    expect(await sendTestEventAction({ integrationId: hook.integrationId })).toEqual({
      ok: false,
      error: "Integration not found",
      code: "NOT_FOUND",
    });
    expect(hook.receiver.requests.length).toBe(count);
  });
});
