import { randomUUID } from "node:crypto";

import {
  createIntegration,
  revealSigningSecret,
  startIntegration,
  updateIntegration,
} from "@/lib/data/integrations";
import { integrationFormValues } from "@/lib/validation/integration";

import { claimDue, type ClaimedDelivery } from "@/lib/webhooks/claim";
import type { AttemptRecord } from "@/lib/webhooks/attempt";
import { completeDeliveries, type Completion } from "@/lib/webhooks/complete";

import { createTestConnection } from "./integrations";
import { startReceiver, type Responder } from "./receiver";

/**
 * An Active Custom Webhook made the way the portal makes one (createIntegration, then Start ▶) on a new
 * SMS connection, delivering to a receiver on 127.0.0.1 that verifies every signature with the
 * integration's own secret. `owner` must be the account's owner (only owners may reveal the secret).
 */
export async function createReceivingIntegration(
  owner: { accountId: string; id: string },
  { alias = `Hook ${randomUUID().slice(0, 8)}`, respond }: { alias?: string; respond?: Responder } = {},
) {
  const connection = await createTestConnection(owner.accountId);
  const values = {
    ...integrationFormValues(),
    alias,
    url: "https://receiver.example/hook",
    connectionIds: [connection.id],
  };
  const { id } = await createIntegration(owner.accountId, values);
  // The receiver needs the secret and the integration needs the receiver's port: save the URL after.
  const secret = await revealSigningSecret(owner.accountId, owner.id, id);
  const receiver = await startReceiver({ secrets: [secret], respond });
  await updateIntegration(owner.accountId, id, { ...values, url: `${receiver.url}/hook` });
  await startIntegration(owner.accountId, id);
  return { integrationId: id, connection, receiver, secret };
}

const WORKER = "test-attempts";

interface AttemptOptions {
  latencyMs?: number;
  request?: AttemptRecord["request"];
  /** Write the batch of outcomes this many times (a worker retrying a write that did go through). */
  writes?: number;
}

/** Claims what is due for the account, as a worker would (chat order included). */
export function claimDueFor(accountId: string) {
  return claimDue({ workerId: WORKER, limit: 100, leaseMs: 60_000, accountIds: [accountId] });
}

/**
 * The outcomes a worker would record for claimed deliveries: `outcome(id)` for each — Succeeded,
 * Retrying (in an hour) or Failed after `latencyMs` — or, for null, none (it stays leased: Delivering).
 */
export function completionsFor(
  claimed: ClaimedDelivery[],
  outcome: (id: string) => Completion["status"] | null,
  {
    latencyMs = 5,
    request = { method: "POST", url: "https://hooks.example.com/in", headers: {}, body: "{}" },
  }: AttemptOptions = {},
): Completion[] {
  const completions: Completion[] = [];
  for (const d of claimed) {
    const status = outcome(d.id);
    if (!status) continue;
    completions.push({
      deliveryId: d.id,
      accountId: d.accountId,
      integrationId: d.integrationId,
      seq: d.seq,
      expiresOn: d.expiresOn,
      workerId: WORKER,
      attemptNumber: d.attempts,
      status,
      nextAttemptAt: status === "RETRYING" ? new Date(Date.now() + 3_600_000) : null,
      record: {
        startedAt: new Date(),
        durationMs: latencyMs,
        request,
        responseStatus: status === "SUCCEEDED" ? 200 : 500,
        responseHeaders: {},
        responseBody: "",
        errorClass: status === "SUCCEEDED" ? null : "HTTP_STATUS",
        errorMessage: status === "SUCCEEDED" ? null : "HTTP 500",
      },
      payload: d.payload,
      disableReason: null,
    });
  }
  return completions;
}

/**
 * One round of the engine without HTTP: claims what is due for the account and records `outcome(id)`
 * for each (see completionsFor). Returns the ids claimed.
 */
export async function attemptDue(
  accountId: string,
  outcome: (id: string) => Completion["status"] | null,
  { writes = 1, ...options }: AttemptOptions = {},
) {
  const claim = await claimDueFor(accountId);
  const completions = completionsFor(claim.deliveries, outcome, options);
  for (let i = 0; i < writes; i++) await completeDeliveries(completions);
  return claim.deliveries.map((d) => d.id);
}
