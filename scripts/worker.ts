// The standalone delivery worker (run as many as you like against one database); `npm run worker`
// runs it bundled (scripts/run-worker.mjs).
// It applies pending migrations, then claims and sends due deliveries until SIGTERM/SIGINT, when it
// stops claiming, lets the requests in flight finish, records them and releases what is left.
// WORKER_METRICS_PORT serves its Prometheus metrics on /metrics.
// Test-only flags: --account <id> (repeatable) limits it to those accounts; --lease-ms, --retry-ms
// (comma-separated schedule), --poll-ms and --timeout-ms shorten the timings.
import { createServer } from "node:http";
import { parseArgs } from "node:util";

import { closeDb } from "@/db";
import { migrateDatabase } from "@/db/migrate";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { metricsText } from "@/lib/webhooks/metrics";
import { closeSendPools } from "@/lib/webhooks/send";
import { startWorker, type WorkerOptions } from "@/lib/webhooks/worker";

import { ensureLocalSecrets } from "./lib/local-env";

const { values } = parseArgs({
  options: {
    account: { type: "string", multiple: true },
    "lease-ms": { type: "string" },
    "retry-ms": { type: "string" },
    "poll-ms": { type: "string" },
    "timeout-ms": { type: "string" },
  },
});

const number = (v: string | undefined) => (v === undefined ? undefined : Number(v));

async function main() {
  ensureLocalSecrets();
  await migrateDatabase(env().DATABASE_URL);
  const options: WorkerOptions = {
    accountIds: values.account,
    leaseMs: number(values["lease-ms"]),
    pollIntervalMs: number(values["poll-ms"]),
    timeoutMs: number(values["timeout-ms"]),
    retrySchedule: values["retry-ms"]?.split(",").map(Number),
  };
  // Unset flags keep the defaults.
  for (const key of Object.keys(options) as (keyof WorkerOptions)[]) {
    if (options[key] === undefined) delete options[key];
  }
  const worker = await startWorker(options);

  const metricsPort = process.env.WORKER_METRICS_PORT;
  const server = metricsPort
    ? createServer((req, res) => {
        if (req.url !== "/metrics") return void res.writeHead(404).end();
        metricsText().then(
          ({ contentType, body }) => res.writeHead(200, { "content-type": contentType }).end(body),
          () => res.writeHead(500).end(),
        );
      }).listen(Number(metricsPort))
    : undefined;

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log().info({ signal }, "stopping delivery worker");
    void worker
      .stop()
      .then(() => Promise.all([closeSendPools(), closeDb()]))
      .finally(() => {
        server?.close();
        process.exit(0);
      });
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((err) => {
  // Not through the logger: a bad environment is one reason to end up here.
  console.error("delivery worker could not start:", err instanceof Error ? err.message : err);
  process.exit(1);
});
