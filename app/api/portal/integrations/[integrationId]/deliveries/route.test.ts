import { afterAll, describe, expect, it, vi } from "vitest";

import type { DeliveryDetail, DeliveryPage, StatsResponse } from "@/components/deliveries/types";
import { listDeliveries } from "@/lib/data/deliveries";
import { createTestAccount } from "@/lib/testing/accounts";
import { createReceivingIntegration } from "@/lib/testing/deliveries";
import { waitUntil } from "@/lib/testing/wait";
import { ingestInbound } from "@/lib/webhooks/ingest";
import { closeSendPools } from "@/lib/webhooks/send";
import { sendTestEvent } from "@/lib/webhooks/send-test-event";
import { startWorker } from "@/lib/webhooks/worker";

import { GET as getDelivery } from "@/app/api/portal/deliveries/[deliveryId]/route";
import { GET as listRoute } from "./route";
import { GET as statsRoute } from "./stats/route";

// The signed-in portal user, without a Next.js request around the test.
const session = vi.hoisted(() => ({ accountId: "" }));
vi.mock("@/lib/auth", () => ({
  auth: async () => (session.accountId ? { user: { accountId: session.accountId } } : null),
}));

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
async function call<T>(handler: Handler, path: string, params: Record<string, string>) {
  const res = await handler(new Request(`http://localhost:3000${path}`), { params: Promise.resolve(params) });
  return { status: res.status, body: (await res.json()) as T };
}

const a = await createTestAccount("Log A");
const b = await createTestAccount("Log B");
// The receiver refuses one contact for good (422: Failed at once) and accepts the rest.
const hook = await createReceivingIntegration(a, {
  respond: (req) =>
    (req.json as { contact?: string } | undefined)?.contact === "+15550003333"
      ? { status: 422, body: "unknown contact" }
      : { status: 200, headers: { "content-type": "application/json" }, body: '{"received":true}' },
});
const worker = await startWorker({
  accountIds: [a.accountId],
  pollIntervalMs: 100,
  chatIdleTimeoutMs: null,
});
const first = await ingestInbound({ connectionId: hook.connection.id, from: "+15550001111", text: "one" });
const second = await ingestInbound({ connectionId: hook.connection.id, from: "+15550001111", text: "two" });
const refused = await ingestInbound({
  connectionId: hook.connection.id,
  from: "+15550003333",
  text: "three",
});
const test = await sendTestEvent(a.accountId, hook.integrationId);
await waitUntil(
  async () => {
    const { deliveries } = await listDeliveries(a.accountId, { integrationId: hook.integrationId });
    return deliveries.every((d) => d.status === "SUCCEEDED" || d.status === "FAILED");
  },
  { what: "every delivery finished" },
);

afterAll(async () => {
  await worker.stop();
  await hook.receiver.close();
  await closeSendPools();
});

const base = `/api/portal/integrations/${hook.integrationId}/deliveries`;
const list = (query = "") =>
  call<DeliveryPage>(listRoute, `${base}${query}`, { integrationId: hook.integrationId });
const ids = (page: DeliveryPage) => page.deliveries.map((d) => d.id);

describe("GET /api/portal/integrations/{id}/deliveries", () => {
  it("lists the integration's deliveries newest first, with status, attempts, response and latency", async () => {
    session.accountId = a.accountId;
    const { status, body } = await list();
    expect(status).toBe(200);
    expect(ids(body)).toEqual([
      test.deliveryId,
      ...refused.deliveryIds,
      ...second.deliveryIds,
      ...first.deliveryIds,
    ]);
    expect(body.deliveries[1]).toMatchObject({
      event: "MESSAGE",
      contact: "+15550003333",
      chatId: refused.chatId,
      status: "FAILED",
      attempts: 1,
      lastStatusCode: 422,
      isTest: false,
    });
    expect(body.deliveries[2]!.lastLatencyMs).toEqual(expect.any(Number));
  });

  it("filters by status, event, contact, chat, time and test events, and pages by cursor", async () => {
    session.accountId = a.accountId;
    expect(ids((await list("?status=FAILED")).body)).toEqual(refused.deliveryIds);
    expect(ids((await list("?event=END")).body)).toEqual([]);
    expect(ids((await list("?contact=%2B15550001111")).body)).toEqual([
      ...second.deliveryIds,
      ...first.deliveryIds,
    ]);
    expect(ids((await list(`?chatId=${refused.chatId}`)).body)).toEqual(refused.deliveryIds);
    expect(ids((await list("?includeTests=false")).body)).not.toContain(test.deliveryId);
    const later = new Date(Date.now() + 60_000).toISOString();
    expect(ids((await list(`?from=${encodeURIComponent(later)}`)).body)).toEqual([]);

    const page1 = (await list("?limit=3")).body;
    expect(page1.deliveries).toHaveLength(3);
    const page2 = (await list(`?limit=3&cursor=${page1.nextCursor}`)).body;
    expect(ids(page2)).toEqual(first.deliveryIds);
    expect(page2.nextCursor).toBeNull();
  });

  it("answers 400 with field messages for a bad filter", async () => {
    session.accountId = a.accountId;
    const bad = await call<{ error: { fieldErrors: Record<string, string[]> } }>(
      listRoute,
      `${base}?status=LOST&from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z`,
      { integrationId: hook.integrationId },
    );
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fieldErrors)).toContain("status");
    const range = await list("?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z");
    expect(range.status).toBe(400);
    expect(range.body).toMatchObject({ error: { fieldErrors: { to: ["The end must be after the start"] } } });
  });
});

describe("GET /api/portal/deliveries/{id}", () => {
  it("shows every attempt: the request as sent (signature masked) and the response", async () => {
    session.accountId = a.accountId;
    const { status, body } = await call<DeliveryDetail>(getDelivery, "/x", {
      deliveryId: first.deliveryIds[0]!,
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: "SUCCEEDED", payload: { text: "one", contact: "+15550001111" } });
    expect(body.attempts).toHaveLength(1);
    const [attempt] = body.attempts;
    expect(attempt).toMatchObject({
      attemptNumber: 1,
      request: { method: "POST", url: `${hook.receiver.url}/hook` },
      responseStatus: 200,
      responseBody: '{"received":true}',
      errorClass: null,
    });
    expect(attempt!.request!.headers["webhook-id"]).toBe(first.deliveryIds[0]);
    expect(attempt!.request!.headers["webhook-signature"]).not.toMatch(/^v1,[A-Za-z0-9+/=]{40,}$/);
    expect(attempt!.responseHeaders?.["content-type"]).toBe("application/json");
    expect(JSON.parse(attempt!.request!.body!)).toMatchObject({ text: "one", event: "MESSAGE" });

    const failed = await call<DeliveryDetail>(getDelivery, "/x", { deliveryId: refused.deliveryIds[0]! });
    expect(failed.body.attempts[0]).toMatchObject({ responseStatus: 422, errorClass: "HTTP_STATUS" });
  });
});

describe("GET /api/portal/integrations/{id}/deliveries/stats", () => {
  it("counts this minute's deliveries by outcome, tests left out, with latency", async () => {
    session.accountId = a.accountId;
    const { status, body } = await call<StatsResponse>(statsRoute, `${base}/stats`, {
      integrationId: hook.integrationId,
    });
    expect(status).toBe(200);
    expect(body.windowMinutes).toBe(60);
    const sum = (key: "succeeded" | "failed" | "retrying" | "pending") =>
      body.minutes.reduce((n, m) => n + m[key], 0);
    expect([sum("succeeded"), sum("failed"), sum("retrying"), sum("pending")]).toEqual([2, 1, 0, 0]);
    expect(body.minutes.at(-1)!.p95LatencyMs).toEqual(expect.any(Number));
  });
});

describe("another account", () => {
  it("gets 404 for the log, the chart and each delivery; no session gets 401", async () => {
    session.accountId = b.accountId;
    const params = { integrationId: hook.integrationId };
    expect((await list()).status).toBe(404);
    expect((await call(statsRoute, `${base}/stats`, params)).status).toBe(404);
    expect((await call(getDelivery, "/x", { deliveryId: first.deliveryIds[0]! })).status).toBe(404);
    expect((await call(getDelivery, "/x", { deliveryId: "not-a-uuid" })).status).toBe(404);

    session.accountId = "";
    expect((await list()).status).toBe(401);
    expect((await call(getDelivery, "/x", { deliveryId: first.deliveryIds[0]! })).status).toBe(401);
  });
});
