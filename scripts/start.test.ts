// The `npm start` launcher, spawned for real: `--dev` (development mode needs no build) on an embedded database
// in a temp DATA_DIR.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import fs from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";

import { afterAll, describe, expect, it } from "vitest";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "cw-launcher-"));
fs.chmodSync(dataDir, 0o755); // the postgres user must reach it (else it goes to /var/lib/custom-webhook)
const launchers: ChildProcessWithoutNullStreams[] = [];
afterAll(() => {
  // After a failure: no launcher, next or database may outlive the test.
  const pids = launchers.filter((l) => l.exitCode === null && l.signalCode === null).map((l) => -l.pid!);
  if (fs.existsSync(path.join(dataDir, "pg/postmaster.pid"))) pids.push(postmasterPid());
  for (const pid of pids) if (alive(pid)) process.kill(pid, "SIGKILL");
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

interface Launcher {
  pid: number;
  output: () => string;
  waitFor: (text: string) => Promise<void>;
  exited: Promise<number | null>;
}

async function launch(args: string[], env: Record<string, string>): Promise<Launcher> {
  const childEnv = { ...process.env };
  // What `npm test` or the Vitest setup put in our environment would hide the launcher's own choices.
  for (const key of Object.keys(childEnv))
    if (/^(DATABASE_URL|AUTH_SECRET|SECRETS_ENCRYPTION_KEY|SEED_DEMO|WEBHOOK_ALLOW_.*)$/.test(key))
      delete childEnv[key];
  // Its own process group, so a test can SIGKILL the launcher and next together, as a crash would.
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts", ...args], {
    env: { ...childEnv, DATA_DIR: dataDir, PORT: String(await freePort()), ...env },
    detached: true,
  });
  launchers.push(child);
  let output = "";
  const listeners = new Set<() => void>();
  for (const stream of [child.stdout, child.stderr])
    stream.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      for (const l of listeners) l();
    });
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const waitFor = (text: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => output.includes(text) && resolve();
      listeners.add(check);
      check();
      void exited.then((code) => reject(new Error(`launcher exited (${code}) before "${text}":\n${output}`)));
    });
  return { pid: child.pid!, output: () => output, waitFor, exited };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
};
const postmasterPid = () =>
  Number.parseInt(fs.readFileSync(path.join(dataDir, "pg/postmaster.pid"), "utf8"), 10);
/** The launcher's app child (the app's server), i.e. its child that is not the database server. */
const appPid = (launcher: number, db: number) =>
  fs
    .readFileSync(`/proc/${launcher}/task/${launcher}/children`, "utf8")
    .trim()
    .split(" ")
    .map(Number)
    .find((pid) => pid !== db)!;

/** Polls until both processes are gone; returns when each went, in ms after the start. */
async function watchExits(pids: Record<string, number>): Promise<Record<string, number>> {
  const started = Date.now();
  const gone: Record<string, number> = {};
  while (Object.keys(gone).length < Object.keys(pids).length && Date.now() - started < 60_000) {
    for (const [name, pid] of Object.entries(pids))
      if (!(name in gone) && !alive(pid)) gone[name] = Date.now() - started;
    await new Promise((r) => setTimeout(r, 10));
  }
  return gone;
}

describe.sequential("npm start launcher", () => {
  it("on SIGTERM lets the app exit first, then stops the database cleanly and exits with the app's code; a restart reuses the data and a killed run's database is taken over", async () => {
    const first = await launch(["--dev"], {});
    await first.waitFor("Ready in");
    expect(first.output()).toContain("Demo sign-in: demo@example.com");
    expect(first.output()).toContain("WEBHOOK_ALLOW_PRIVATE_NETWORKS");
    const db = postmasterPid();
    const app = appPid(first.pid, db);
    const clusterCreated = fs.statSync(path.join(dataDir, "pg/PG_VERSION")).mtimeMs;

    process.kill(first.pid, "SIGTERM");
    const gone = await watchExits({ app, db });
    expect(gone.app).toBeLessThanOrEqual(gone.db!);
    expect(await first.exited).toBe(143); // the app's server exits 128 + SIGTERM, like `next start`
    expect(first.output()).toContain("Stopping the embedded PostgreSQL");
    expect(fs.existsSync(path.join(dataDir, "pg/postmaster.pid"))).toBe(false); // a clean shutdown

    // Restart: the same cluster. Then SIGKILL the launcher alone: next notices and stops; the database
    // is left behind.
    const second = await launch(["--dev"], {});
    await second.waitFor("Ready in");
    expect(fs.statSync(path.join(dataDir, "pg/PG_VERSION")).mtimeMs).toBe(clusterCreated);
    const orphan = postmasterPid();
    const orphanApp = appPid(second.pid, orphan);
    process.kill(second.pid, "SIGKILL");
    await second.exited;
    expect((await watchExits({ orphanApp })).orphanApp).toBeLessThan(10_000);
    expect(alive(orphan)).toBe(true);

    const third = await launch(["--dev"], {});
    await third.waitFor("Ready in");
    expect(third.output()).toContain(
      `Stopping the PostgreSQL an earlier run left running on ${dataDir}/pg (pid ${orphan})`,
    );
    expect(alive(orphan)).toBe(false);
    process.kill(third.pid, "SIGHUP"); // passed on to the app as SIGTERM: a hangup means "stop"
    expect(await third.exited).toBe(143);
    expect(third.output()).toContain("Stopping the embedded PostgreSQL");
  }, 180_000);

  it("with DATABASE_URL set, refuses to start without the secrets and says how to make them", async () => {
    const launcher = await launch([], { DATABASE_URL: "postgres://postgres@127.0.0.1:1/none" });
    expect(await launcher.exited).toBe(1);
    expect(launcher.output()).toMatch(
      /AUTH_SECRET and SECRETS_ENCRYPTION_KEY must be set[\s\S]*openssl rand -base64 32/,
    );
    expect(launcher.output()).not.toContain("Building");
  });
});
