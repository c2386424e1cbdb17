// The delivery engine's hot path at the month's size against an empty database: claim of 200
// (claimDue), completion of those 200 (completeDeliveries, mostly successes, some retries), and
// ingestion (ingestInbound). The same calls, on the app's own pools (bench/scale/db.ts points them).
import { Client } from "pg";

import { loadIntegrations, type ClaimedDelivery, type IntegrationForDelivery } from "@/lib/webhooks/claim";
import { completeDeliveries, type Completion } from "@/lib/webhooks/complete";
import { buildRequest } from "@/lib/webhooks/build-request";
import { eventVariables } from "@/lib/webhooks/event";
import { claimDue } from "@/lib/webhooks/claim";
import { ingestInbound } from "@/lib/webhooks/ingest";
import { vacuumQueueIfNeeded } from "@/lib/webhooks/queue-vacuum";

import { rng, summarize, type Summary } from "./stats";

export const CLAIM_LIMIT = 200;
const WORKER_ID = "bench-scale-worker";

/** What the worker would record for a claimed delivery: the masked request, a 200 (or a 503 to retry). */
export function completionFor(
  d: ClaimedDelivery,
  integration: IntegrationForDelivery,
  retry: boolean,
  workerId = WORKER_ID,
): Completion {
  const startedAt = new Date();
  const request = buildRequest(
    integration,
    eventVariables(d.payload, d.id),
    { authSecret: null },
    {
      timestamp: Math.floor(startedAt.getTime() / 1000),
      mask: true,
    },
  );
  const headers = (type: string, length: number) => ({
    "content-type": type,
    "content-length": String(length),
    date: startedAt.toUTCString(),
    server: "nginx/1.25.3",
  });
  return {
    deliveryId: d.id,
    accountId: d.accountId,
    integrationId: d.integrationId,
    seq: d.seq,
    expiresOn: d.expiresOn,
    workerId,
    attemptNumber: d.attempts,
    status: retry ? "RETRYING" : "SUCCEEDED",
    nextAttemptAt: retry ? new Date(Date.now() + 5 * 60_000) : null,
    disableReason: null,
    payload: d.payload,
    record: {
      startedAt,
      durationMs: retry ? 60 : 35,
      request,
      responseStatus: retry ? 503 : 200,
      responseHeaders: retry ? headers("text/html", 19) : headers("application/json; charset=utf-8", 47),
      responseBody: retry ? "Service Unavailable" : '{"ok":true}',
      errorClass: retry ? "HTTP_STATUS" : null,
      errorMessage: retry ? "HTTP 503" : null,
    },
  };
}

const integrationCache = new Map<string, IntegrationForDelivery>();
async function integrationsOf(ids: string[]) {
  const missing = [...new Set(ids)].filter((id) => !integrationCache.has(id));
  if (missing.length) for (const [id, i] of await loadIntegrations(missing)) integrationCache.set(id, i);
  return integrationCache;
}

export interface ClaimCompleteResult {
  claim: Summary;
  complete: Summary;
  claimed: number[];
}

/** `iterations` × (claim 200, complete them: 90 % succeed, 10 % retry in 5 minutes). */
export async function claimComplete(iterations: number, accountIds?: string[]): Promise<ClaimCompleteResult> {
  integrationCache.clear();
  // As the workers' sweep does every 30 s where autovacuum does not (a reused database carries the dead
  // queue rows of its earlier runs).
  await vacuumQueueIfNeeded();
  const random = rng(11);
  const claimMs: number[] = [];
  const completeMs: number[] = [];
  const claimed: number[] = [];
  // One untimed warm-up round (plans, connections).
  for (let i = -1; i < iterations; i++) {
    const t0 = performance.now();
    const { deliveries } = await claimDue({
      workerId: WORKER_ID,
      limit: CLAIM_LIMIT,
      leaseMs: 60_000,
      accountIds,
    });
    const t1 = performance.now();
    const integrations = await integrationsOf(deliveries.map((d) => d.integrationId));
    const completions = deliveries.map((d) =>
      completionFor(d, integrations.get(d.integrationId)!, random() < 0.1),
    );
    const t2 = performance.now();
    if (completions.length) await completeDeliveries(completions);
    const t3 = performance.now();
    if (i < 0) continue;
    claimMs.push(t1 - t0);
    completeMs.push(t3 - t2);
    claimed.push(deliveries.length);
  }
  return { claim: summarize(claimMs), complete: summarize(completeMs), claimed };
}

export interface IngestTarget {
  connectionId: string;
}

/** Connections of active integrations (busy first) to send inbound messages to. */
export async function ingestTargets(url: string, n = 40): Promise<IngestTarget[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ connectionId: string }>(
      `SELECT ic.connection_id AS "connectionId" FROM integration_connections ic
       JOIN integrations i ON i.id = ic.integration_id AND i.status = 'ACTIVE'
       WHERE i.alias NOT LIKE 'Loop %'
       ORDER BY (i.alias LIKE 'Busy hook %') DESC, i.alias LIMIT $1`,
      [n],
    );
    return rows;
  } finally {
    await c.end();
  }
}

export interface IngestResult {
  events: number;
  /** Wall time per event with `concurrency` calls in flight (group commit batches them). */
  msPerEvent: number;
  /** Per call (accept latency). */
  call: Summary;
  /** Per wave of `concurrency` calls. */
  wave: Summary;
}

/**
 * `events` inbound messages through ingestInbound, `concurrency` at a time, to the targets' connections
 * from a pool of contacts (so chats get several messages, as real ones do).
 */
export async function ingestCost(
  targets: IngestTarget[],
  events: number,
  concurrency = 50,
  seed = 1,
): Promise<IngestResult> {
  const random = rng(seed);
  const callMs: number[] = [];
  const waveMs: number[] = [];
  const send = async (k: number) => {
    const t = performance.now();
    const target = targets[Math.floor(random() * targets.length)]!;
    await ingestInbound({
      connectionId: target.connectionId,
      from: `+1555${String(Math.floor(random() * 5000) + seed * 10000).padStart(7, "0")}`,
      text: `Bench message ${k}: is my order on its way?`,
    });
    callMs.push(performance.now() - t);
  };
  await Promise.all(Array.from({ length: concurrency }, (_, k) => send(-k - 1))); // warm-up
  callMs.length = 0;
  const t0 = performance.now();
  for (let i = 0; i < events; i += concurrency) {
    const tw = performance.now();
    await Promise.all(Array.from({ length: Math.min(concurrency, events - i) }, (_, k) => send(i + k)));
    waveMs.push(performance.now() - tw);
  }
  const total = performance.now() - t0;
  return { events, msPerEvent: total / events, call: summarize(callMs), wave: summarize(waveMs) };
}
