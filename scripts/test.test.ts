// The `npm test` runner, spawned for real and stopped in its first step.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { Client } from "pg";
import { afterAll, describe, expect, it } from "vitest";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "cw-runner-"));
fs.chmodSync(dataDir, 0o755); // the postgres user must reach it (else it goes to /var/lib/custom-webhook)
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

/** Runs `npm test -- --skip-e2e` until its first step starts, sends `signal`, and returns its exit code and output. */
async function interruptRun(signal: NodeJS.Signals, databaseUrl?: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
  delete env.DATABASE_URL;
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/test.ts", "--skip-e2e"], { env });
  let output = "";
  for (const stream of [child.stdout, child.stderr])
    stream.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((r) => child.once("exit", r));
  while (!output.includes("▶ Typecheck")) {
    if (child.exitCode !== null) throw new Error(`the runner ended early:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill(signal);
  return { code: await exited, output };
}

describe.sequential("npm test runner", () => {
  it("on SIGTERM drops its test database and exits 143", async () => {
    const { code, output } = await interruptRun("SIGTERM", process.env.DATABASE_URL);
    expect(code).toBe(143);
    expect(output).toContain("Stopped by SIGTERM");
    const name = /Test database: (\w+)/.exec(output)![1]!;
    const client = new Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    try {
      const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
      expect(rowCount).toBe(0);
    } finally {
      await client.end();
    }
  }, 60_000);

  it("on Ctrl-C stops and removes its embedded server when DATABASE_URL is unset", async () => {
    const { code, output } = await interruptRun("SIGINT");
    expect(code).toBe(130);
    expect(output).toContain("Stopped by SIGINT");
    expect(fs.readdirSync(path.join(dataDir, "test-servers"))).toEqual([]);
  }, 60_000);
});
