import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export interface WorkerProcess {
  child: ChildProcess;
  /** Everything it logged (JSON lines). */
  output: string[];
  /** SIGTERM and wait for it to exit (graceful stop). */
  stop(): Promise<void>;
}

/**
 * Starts `npm run worker`'s program (scripts/run-worker.mjs) as a child process limited to some
 * accounts, and resolves once it is claiming.
 */
export async function spawnWorkerProcess({
  accountIds,
  databaseUrl = process.env.DATABASE_URL!,
  args = [],
  env = {},
}: {
  accountIds: string[];
  databaseUrl?: string;
  /** More flags: --lease-ms, --retry-ms, --poll-ms, --timeout-ms. */
  args?: string[];
  /** More environment, e.g. WORKER_METRICS_PORT. */
  env?: Record<string, string>;
}): Promise<WorkerProcess> {
  const root = path.resolve(import.meta.dirname, "../..");
  // exit-with-parent: it stops on its own if this process dies (no orphan claiming on after a crash).
  const child = spawn(
    process.execPath,
    [
      "--require",
      path.join(root, "scripts/lib/exit-with-parent.cjs"),
      "scripts/run-worker.mjs",
      ...accountIds.flatMap((id) => ["--account", id]),
      ...args,
    ],
    {
      cwd: root,
      // LOG_LEVEL info: its "delivery worker started" line is what this waits for.
      env: { ...process.env, ...env, DATABASE_URL: databaseUrl, LOG_LEVEL: "info" },
      stdio: "pipe",
    },
  );
  const output: string[] = [];
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${output.join("")}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.join("").includes("delivery worker started")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${code}):\n${output.join("")}`));
    });
  });
  return {
    child,
    output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
