import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

import { enginePool } from "@/db";

/** How an attempt ended for its delivery. */
export type AttemptOutcome = "succeeded" | "retrying" | "failed";

interface Metrics {
  registry: Registry;
  deliveries: Counter<"outcome">;
  attemptSeconds: Histogram<"outcome">;
  events: Counter<"event">;
  batchSeconds: Histogram<"op">;
  batchSize: Histogram<"op">;
}

// One registry per process, kept on globalThis so dev-mode reloads do not register metrics twice.
const globalForMetrics = globalThis as unknown as { __webhookMetrics?: Metrics };

function metrics(): Metrics {
  if (globalForMetrics.__webhookMetrics) return globalForMetrics.__webhookMetrics;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const m: Metrics = {
    registry,
    deliveries: new Counter({
      name: "webhook_delivery_attempts_total",
      help: "Delivery attempts made by this process, by what they left the delivery in",
      labelNames: ["outcome"],
      registers: [registry],
    }),
    attemptSeconds: new Histogram({
      name: "webhook_attempt_duration_seconds",
      help: "Time from sending a webhook request to its response (or failure)",
      labelNames: ["outcome"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15],
      registers: [registry],
    }),
    events: new Counter({
      name: "webhook_events_total",
      help: "Chat events accepted by this process (MESSAGE, END)",
      labelNames: ["event"],
      registers: [registry],
    }),
    batchSeconds: new Histogram({
      name: "webhook_db_batch_duration_seconds",
      help: "Time of one batched database write: ingest (group commit), claim, complete",
      labelNames: ["op"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    batchSize: new Histogram({
      name: "webhook_db_batch_size",
      help: "Rows per batched database write: ingest (group commit), claim, complete",
      labelNames: ["op"],
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
      registers: [registry],
    }),
  };
  // The backlog is the database's, whichever worker will send it: read at scrape time.
  new Gauge({
    name: "webhook_deliveries_due",
    help: "Deliveries due now (pending, retrying or with an expired lease), all workers together",
    registers: [registry],
    async collect() {
      this.set((await dueBacklog()).due);
    },
  });
  new Gauge({
    name: "webhook_oldest_due_delivery_age_seconds",
    help: "How long the oldest due delivery has been waiting",
    registers: [registry],
    async collect() {
      this.set((await dueBacklog()).oldestAgeSeconds);
    },
  });
  globalForMetrics.__webhookMetrics = m;
  return m;
}

let backlogRead: { at: number; value: Promise<{ due: number; oldestAgeSeconds: number }> } | undefined;

/**
 * Due deliveries a worker could take now (not those held behind their chat's earlier events) and the age
 * of the oldest, for metrics (one query serves both gauges of a scrape).
 */
export function dueBacklog(): Promise<{ due: number; oldestAgeSeconds: number }> {
  if (!backlogRead || Date.now() - backlogRead.at > 1000) {
    backlogRead = {
      at: Date.now(),
      value: enginePool()
        .query<{ due: string; oldest: number | null }>(
          `SELECT count(*) AS due, extract(epoch FROM now() - min(next_attempt_at))::float8 AS oldest
           FROM delivery_queue q
           WHERE next_attempt_at <= now() AND NOT blocked AND (lease_expires_at IS NULL OR lease_expires_at <= now())
             AND EXISTS (SELECT 1 FROM integrations i WHERE i.id = q.integration_id AND i.status = 'ACTIVE')`,
        )
        .then(({ rows: [row] }) => ({
          due: Number(row!.due),
          oldestAgeSeconds: Math.max(0, row!.oldest ?? 0),
        })),
    };
  }
  return backlogRead.value;
}

export function countIngested(event: "MESSAGE" | "END", n: number): void {
  if (n > 0) metrics().events.inc({ event }, n);
}

/** One batched write (ingest, claim, complete): how long it took and how many rows it carried. */
export function recordBatch(op: "ingest" | "claim" | "complete", rows: number, seconds: number): void {
  const m = metrics();
  m.batchSeconds.observe({ op }, seconds);
  m.batchSize.observe({ op }, rows);
}

export function recordAttempt(outcome: AttemptOutcome, durationMs: number): void {
  const m = metrics();
  m.deliveries.inc({ outcome });
  m.attemptSeconds.observe({ outcome }, durationMs / 1000);
}

/** The Prometheus text exposition of this process's metrics. */
export async function metricsText(): Promise<{ contentType: string; body: string }> {
  const { registry } = metrics();
  return { contentType: registry.contentType, body: await registry.metrics() };
}
