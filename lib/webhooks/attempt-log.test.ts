import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { db } from "@/db";
import { deliveryAttempts, deliveryQueue } from "@/db/schema";
import { getDelivery } from "@/lib/data/deliveries";
import { createTestAccount } from "@/lib/testing/accounts";
import { attemptDue } from "@/lib/testing/deliveries";
import { createTestConnection, createTestIntegration } from "@/lib/testing/integrations";

import type { AttemptRecord } from "./attempt";
import { packAttempt, unpackAttempts, type StoredAttempt } from "./attempt-log";
import { ingestInbound } from "./ingest";

const deliveryId = "0f8fad5b-d9cb-469f-a165-70867728950e";
const payload = {
  event: "MESSAGE",
  contact: "+15550100000",
  text: "Hello, I have a question about my bill: two charges for the same month?",
  chatId: "7c9e6679-7425-40de-944b-e07fc1f90ae7",
  channel: "WHATSAPP",
};
const startedAt = new Date("2026-12-02T10:00:00.250Z");
const seconds = String(Math.floor(startedAt.getTime() / 1000));

function record(over: Partial<AttemptRecord> = {}): AttemptRecord {
  return {
    startedAt,
    durationMs: 120,
    request: {
      method: "POST",
      url: "https://hooks.example.com/in?source=portal",
      headers: {
        "content-type": "application/json",
        "user-agent": "CustomWebhook/1.0",
        "webhook-id": deliveryId,
        "webhook-timestamp": seconds,
        "webhook-signature": "v1,••••••••",
      },
      body: JSON.stringify({ ...payload, deliveryId }),
    },
    responseStatus: 503,
    responseHeaders: { "content-type": "text/plain", date: "Wed, 02 Dec 2026 10:00:00 GMT" },
    responseBody: "Service Unavailable",
    errorClass: "HTTP_STATUS",
    errorMessage: "HTTP 503",
    ...over,
  };
}

const stored = (attemptNumber: number, r: AttemptRecord, repeats: number | null = null): StoredAttempt => {
  const { requestPacked, responsePacked } = packAttempt(r, { deliveryId, payload });
  return {
    attemptNumber,
    startedAt: r.startedAt,
    request: null,
    requestPacked: repeats === null ? requestPacked : null,
    requestRepeats: repeats,
    responsePacked,
    responseHeaders: null,
    responseBody: null,
  };
};

describe("packed attempt logs", () => {
  it("read back exactly what was sent and answered, webhook-timestamp in its place", () => {
    const r = record();
    const [back] = unpackAttempts([stored(1, r)], { deliveryId, payload });
    expect(back!.request).toEqual(r.request);
    expect(Object.keys(back!.request!.headers)).toEqual(Object.keys(r.request.headers));
    expect(back!.responseHeaders).toEqual(r.responseHeaders);
    expect(back!.responseBody).toBe(r.responseBody);
  });

  it("are a fraction of the plain JSON, the body shrinking against the payload", () => {
    const r = record();
    const { requestPacked, responsePacked } = packAttempt(r, { deliveryId, payload });
    expect(requestPacked.length).toBeLessThan(JSON.stringify(r.request).length / 3);
    expect(responsePacked!.length).toBeLessThan(
      JSON.stringify({ h: r.responseHeaders, b: r.responseBody }).length,
    );
  });

  it("give a repeated request back with the repeat's own timestamp", () => {
    const later = new Date(startedAt.getTime() + 30_000);
    const second = record({ startedAt: later });
    second.request.headers["webhook-timestamp"] = String(Math.floor(later.getTime() / 1000));
    const back = unpackAttempts([stored(1, record()), stored(2, second, 1)], { deliveryId, payload });
    expect(back[1]!.request).toEqual(second.request);
  });

  it("keep a timestamp that is not the attempt's start, and show a row they cannot read as not recorded", () => {
    const odd = record();
    odd.request.headers["webhook-timestamp"] = "12345";
    expect(unpackAttempts([stored(1, odd)], { deliveryId, payload })[0]!.request).toEqual(odd.request);
    // Packed against another delivery's payload: the dictionary check refuses it.
    const [wrong] = unpackAttempts([stored(1, record())], { deliveryId, payload: { other: true } });
    expect(wrong!.request).toBeNull();
  });

  it("store a retry's unchanged request once, and the log shows every attempt's in full", async () => {
    const { accountId } = await createTestAccount("Packed");
    const connection = await createTestConnection(accountId);
    const { integration } = await createTestIntegration(accountId, {
      url: "https://hooks.example.com/in",
      connectionIds: [connection.id],
    });
    const { deliveryIds } = await ingestInbound({
      connectionId: connection.id,
      from: "+15554470001",
      text: "hi",
    });
    const id = deliveryIds[0]!;
    // The same request each time (as the worker builds it for an unchanged integration).
    const request = {
      method: "POST" as const,
      url: integration.url,
      headers: { "webhook-id": id },
      body: '{"text":"hi"}',
    };
    for (const status of ["RETRYING", "SUCCEEDED"] as const) {
      await attemptDue(accountId, () => status, { request });
      // The retry's next time is an hour away: make it due now.
      await db()
        .update(deliveryQueue)
        .set({ nextAttemptAt: new Date() })
        .where(eq(deliveryQueue.deliveryId, id));
    }
    const rows = await db()
      .select()
      .from(deliveryAttempts)
      .where(eq(deliveryAttempts.deliveryId, id))
      .orderBy(deliveryAttempts.attemptNumber);
    expect(rows.map((r) => [r.attemptNumber, r.requestPacked !== null, r.requestRepeats])).toEqual([
      [1, true, null],
      [2, false, 1],
    ]);
    const shown = await getDelivery(accountId, id);
    expect(shown!.attempts.map((a) => a.request)).toEqual([request, request]);
  });

  it("are written once when a batch of outcomes is written again (no error that would jam the worker)", async () => {
    const { accountId } = await createTestAccount("Written twice");
    const connection = await createTestConnection(accountId);
    await createTestIntegration(accountId, {
      url: "https://hooks.example.com/in",
      connectionIds: [connection.id],
    });
    const ids: string[] = [];
    for (const from of ["+15554470011", "+15554470012"])
      ids.push((await ingestInbound({ connectionId: connection.id, from, text: "hi" })).deliveryIds[0]!);
    await attemptDue(accountId, (id) => (id === ids[0] ? "SUCCEEDED" : "RETRYING"), { writes: 2 });
    for (const id of ids) {
      const shown = await getDelivery(accountId, id);
      expect(shown!.attempts.map((a) => a.attemptNumber)).toEqual([1]);
    }
    expect((await getDelivery(accountId, ids[0]!))!.status).toBe("SUCCEEDED");
  });
});
