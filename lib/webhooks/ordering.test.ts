import { afterAll, expect, it } from "vitest";

import { createTestAccount } from "@/lib/testing/accounts";
import { createTestConnection, createTestIntegration } from "@/lib/testing/integrations";
import { startReceiver } from "@/lib/testing/receiver";

import { ingestInbound } from "./ingest";
import { closeSendPools } from "./send";
import { generateSigningSecret } from "./sign";
import { startWorker } from "./worker";

const CHATS = 50;
const MESSAGES = 20;

afterAll(() => closeSendPools());

it(`delivers ${CHATS} chats × ${MESSAGES} messages in order per chat, chats interleaved`, async () => {
  const { accountId } = await createTestAccount("Ordering");
  const connection = await createTestConnection(accountId);
  const signingSecret = generateSigningSecret();
  const receiver = await startReceiver({
    secrets: [signingSecret],
    // Random latency: a fast answer for a later event must not let it overtake an earlier one.
    respond: () => ({ status: 200, delayMs: Math.random() * 15 }),
  });
  await createTestIntegration(accountId, {
    url: `${receiver.url}/hook`,
    signingSecret,
    connectionIds: [connection.id],
  });

  const worker = await startWorker({ accountIds: [accountId], pollIntervalMs: 100, chatIdleTimeoutMs: null });
  try {
    // Each chat's messages arrive one after another; the chats all at once.
    await Promise.all(
      Array.from({ length: CHATS }, async (_, chat) => {
        for (let n = 0; n < MESSAGES; n++) {
          await ingestInbound({
            connectionId: connection.id,
            from: `+1555200${String(chat).padStart(4, "0")}`,
            text: `${chat}:${n}`,
          });
        }
      }),
    );
    await receiver.waitFor((r) => r.length >= CHATS * MESSAGES, 30_000);
  } finally {
    await worker.stop();
    await receiver.close();
  }
  expect(receiver.rejected).toHaveLength(0);
  const arrivals = receiver.requests.map((r) => (r.json as { text: string }).text.split(":").map(Number));
  expect(arrivals).toHaveLength(CHATS * MESSAGES);
  for (let chat = 0; chat < CHATS; chat++) {
    const sequence = arrivals.filter(([c]) => c === chat).map(([, n]) => n);
    expect(sequence).toEqual(Array.from({ length: MESSAGES }, (_, n) => n));
  }
  // Interleaved: consecutive arrivals switch chats far more often than a chat-by-chat run would.
  const switches = arrivals.filter((a, i) => i > 0 && a[0] !== arrivals[i - 1]![0]).length;
  expect(switches).toBeGreaterThan(CHATS * MESSAGES * 0.5);
});
