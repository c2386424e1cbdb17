// Baseline delivery worker on graphile-worker (a child process of bench/run.ts), batching on: a local
// queue and batched job completion. Each job does what our worker does for a delivery: build the
// request with the shared builder, sign it, send it with undici, and record the attempt (outcomes
// written in batches, like ours). It starts processing when the parent says "go".
import { Pool } from "pg";
import { Logger, run, type Runner } from "graphile-worker";

import { attempt } from "@/lib/webhooks/attempt";
import { loadIntegrations } from "@/lib/webhooks/claim";
import { insertAttempts, type Completion } from "@/lib/webhooks/complete";
import type { EventPayload } from "@/lib/webhooks/event";
import { GroupCommit } from "@/lib/webhooks/group-commit";
import { transaction } from "@/lib/webhooks/sql";

interface JobPayload {
  deliveryId: string;
  accountId: string;
  integrationId: string;
  chatId: string;
  payload: EventPayload;
}

const [integrationId, concurrency] = process.argv.slice(2);
// The same outcome writes as ours (delivery row updated, attempt recorded), batched the same way; the
// job itself is completed by graphile-worker.
const completer = new GroupCommit<Completion, number>(
  (batch) =>
    transaction(async (client) => {
      await client.query(
        `UPDATE deliveries d SET status = 'SUCCEEDED', attempts = 1, last_status_code = c.code,
                last_latency_ms = c.ms, completed_at = now()
         FROM json_to_recordset($1::json) AS c(id uuid, code int, ms int) WHERE d.id = c.id`,
        [
          JSON.stringify(
            batch.map((c) => ({ id: c.deliveryId, code: c.record.responseStatus, ms: c.record.durationMs })),
          ),
        ],
      );
      await insertAttempts(client, batch);
      return batch.map(() => 1);
    }),
  { maxBatch: 500, maxInFlight: 2 },
);

async function main() {
  const integration = (await loadIntegrations([integrationId!])).get(integrationId!)!;
  const pgPool = new Pool({ connectionString: process.env.DATABASE_URL, max: 20 });
  let runner: Runner | undefined;
  process.on("message", (message: { go?: boolean; stop?: boolean }) => {
    if (message.go) {
      void run({
        pgPool,
        concurrency: Number(concurrency),
        noHandleSignals: true,
        pollInterval: 2_000,
        // Errors only: its per-job info lines would cost more than the jobs.
        logger: new Logger(() => (level, message) => {
          if (level === "error") console.error(message);
        }),
        preset: {
          worker: { localQueue: { size: 500 }, completeJobBatchDelay: 0, failJobBatchDelay: 0 },
        },
        taskList: {
          deliver: async (raw) => {
            const job = raw as JobPayload;
            const { record, verdict } = await attempt(
              { id: job.deliveryId, payload: job.payload },
              integration,
              {
                timeoutMs: 15_000,
                allowPrivateNetworks: true,
                allowInsecureUrls: true,
              },
            );
            if (verdict.kind !== "SUCCEEDED") throw new Error(record.errorMessage ?? "failed");
            await completer.submit({
              deliveryId: job.deliveryId,
              accountId: job.accountId,
              integrationId: job.integrationId,
              chatId: job.chatId,
              seq: 0,
              workerId: "graphile",
              attemptNumber: 1,
              status: "SUCCEEDED",
              nextAttemptAt: null,
              record,
              disableReason: null,
            });
          },
        },
      }).then((r) => {
        runner = r;
        process.send!({ started: true });
      });
    }
    if (message.stop) {
      void (runner?.stop() ?? Promise.resolve()).finally(() => process.exit(0));
    }
  });
  process.send!({ loaded: true });
}

void main();
