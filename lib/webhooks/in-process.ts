import { env } from "@/lib/env";
import { log } from "@/lib/log";

import { closeSendPools } from "./send";
import { startWorker, type DeliveryWorker } from "./worker";

const globalForWorker = globalThis as unknown as { __inProcessWorker?: Promise<DeliveryWorker | null> };

/**
 * Starts the delivery worker inside the web server (once per process), unless WORKER_IN_PROCESS=false.
 * On SIGTERM/SIGINT it stops gracefully before the process exits (see NEXT_MANUAL_SIG_HANDLE below).
 */
export function startInProcessWorker(): Promise<DeliveryWorker | null> {
  globalForWorker.__inProcessWorker ??= (async () => {
    if (!env().WORKER_IN_PROCESS) {
      log().info("in-process delivery worker disabled (WORKER_IN_PROCESS=false)");
      return null;
    }
    const worker = await startWorker();
    // `npm start` runs the app's own server (scripts/lib/app-server.mjs), which stops this worker on
    // SIGTERM/SIGINT through globalThis.__inProcessWorker. Under a bare `next start` with
    // NEXT_MANUAL_SIG_HANDLE set, Next.js leaves the signals to us: we stop claiming, let the requests in
    // flight finish and record them, then exit. (Without it, Next.js exits at once; leases then expire
    // and deliveries go out again.)
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      log().info({ signal }, "stopping the in-process delivery worker");
      void worker
        .stop()
        .then(() => closeSendPools())
        .finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
    };
    if (process.env.NEXT_MANUAL_SIG_HANDLE) {
      process.on("SIGTERM", () => stop("SIGTERM"));
      process.on("SIGINT", () => stop("SIGINT"));
    }
    return worker;
  })().catch((err: unknown) => {
    log().error(
      { err: err instanceof Error ? err.message : String(err) },
      "in-process worker failed to start",
    );
    return null;
  });
  return globalForWorker.__inProcessWorker;
}
