// Baseline delivery worker on graphile-worker (a child process of bench/run.ts), batching on: a local
// queue and batched job completion. Each job does what our worker does for a delivery: build the
// request with the shared builder, sign it, send it with undici, and record the attempt (outcomes
// written in batches, like ours). It starts processing when the parent says "go".
import { Pool } from "pg";
import { Logger, run, type Runner } from "graphile-worker";

import { enginePool } from "@/db";
import { attempt, type AttemptRecord } from "@/lib/webhooks/attempt";
import { loadIntegrations } from "@/lib/webhooks/claim";
import type { EventPayload } from "@/lib/webhooks/event";
import { GroupCommit } from "@/lib/webhooks/group-commit";

interface JobPayload {
  deliveryId: string;
  accountId: string;
  integrationId: string;
  chatId: string;
  payload: EventPayload;
}

const [integrationId, concurrency] = process.argv.slice(2);
// The same outcome writes as ours (delivery row updated, attempt recorded), batched the same way into
// one statement; the job itself is completed by graphile-worker.
const OUTCOMES_SQL = `
WITH c AS (
  SELECT * FROM json_to_recordset($1::json) AS c(
    id uuid, "accountId" uuid, "startedAt" timestamptz, "durationMs" int, request json,
    "responseStatus" int, "responseHeaders" json, "responseBody" text)
),
recorded AS (
  INSERT INTO delivery_attempts (delivery_id, account_id, attempt_number, expires_on, started_at, duration_ms,
    request, response_status, response_headers, response_body)
  SELECT c.id, d.account_id, 1, d.expires_on, c."startedAt", c."durationMs", c.request, c."responseStatus",
         c."responseHeaders", c."responseBody"
  FROM c JOIN deliveries d ON d.id = c.id
  RETURNING 1
)
UPDATE deliveries d SET status = 'SUCCEEDED', attempts = 1, last_status_code = c."responseStatus",
       last_latency_ms = c."durationMs", completed_at = now()
FROM c WHERE d.id = c.id`;

const completer = new GroupCommit<{ id: string; accountId: string; record: AttemptRecord }, number>(
  async (batch) => {
    await enginePool().query(OUTCOMES_SQL, [
      JSON.stringify(batch.map((o) => ({ id: o.id, accountId: o.accountId, ...o.record }))),
    ]);
    return batch.map(() => 1);
  },
  { maxBatch: 500, maxInFlight: 2 },
);

async function main() {
  const integration = (await loadIntegrations([integrationId!])).get(integrationId!)!;
  const pgPool = new Pool({ connectionString: process.env.DATABASE_URL, max: 20 });
  pgPool.on("error", () => {});
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
          if (String(level) === "error") console.error(message);
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
            await completer.submit({ id: job.deliveryId, accountId: job.accountId, record });
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
