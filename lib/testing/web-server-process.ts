import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

import { waitUntil } from "./wait";

export interface WebServerProcess {
  child: ChildProcess;
  /** http://127.0.0.1:PORT */
  url: string;
  /** Everything it printed. */
  output: string[];
  /** SIGTERM and wait for it to exit (it finishes the requests in flight first). */
  stop(): Promise<void>;
}

/**
 * Starts the built app's server — the program `npm start` runs once the app is built
 * (scripts/lib/app-server.mjs, production mode; run `next build` first) — as a child process on `port`,
 * and resolves once `GET /api/health` answers 200. It migrates nothing: give it a migrated database.
 * `env` adds to (or overrides) this process's environment, which must hold the secrets; the child stops
 * on its own if this process dies.
 */
export async function spawnWebServer({
  port,
  databaseUrl = process.env.DATABASE_URL!,
  env = {},
  timeoutMs = 60_000,
}: {
  port: number;
  databaseUrl?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}): Promise<WebServerProcess> {
  const root = path.resolve(import.meta.dirname, "../..");
  const child = spawn(
    process.execPath,
    ["--require", path.join(root, "scripts/lib/exit-with-parent.cjs"), "scripts/lib/app-server.mjs"],
    {
      cwd: root,
      env: { ...process.env, ...env, PORT: String(port), DATABASE_URL: databaseUrl },
      stdio: "pipe",
    },
  );
  const output: string[] = [];
  child.stdout.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  };
  try {
    await waitUntil(
      async () => {
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(`the web server on port ${port} exited (${child.exitCode ?? child.signalCode})`);
        const res = await fetch(`${url}/api/health`).catch(() => null);
        return res?.status === 200;
      },
      { timeoutMs, intervalMs: 100, what: `the web server on port ${port} to answer /api/health` },
    );
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}:\n${output.join("")}`);
  }
  return { child, url, output, stop };
}
