// Next.js calls register() once per server process. The delivery worker runs inside the web server
// unless WORKER_IN_PROCESS=false (then run `npm run worker` or the cron route instead). Node.js runtime
// only, and imported dynamically so the edge runtime and the build never load pg or undici.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  const { keepQueryValuesOutOfConsole } = await import("./lib/log");
  keepQueryValuesOutOfConsole();
  try {
    const { startInProcessWorker } = await import("./lib/webhooks/in-process");
    await startInProcessWorker();
  } catch (err) {
    // The portal must come up even when the worker cannot (say, a bad setting): say why, go on.
    console.error(
      "[worker] the in-process delivery worker did not start:",
      err instanceof Error ? err.message : err,
    );
  }
}
