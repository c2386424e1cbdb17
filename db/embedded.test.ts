import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { Client } from "pg";
import { afterEach, describe, expect, it } from "vitest";

import {
  REACHABLE_ROOT,
  startEmbeddedPostgres,
  startScratchPostgres,
  type EmbeddedDatabase,
} from "./embedded";

const isRoot = process.getuid?.() === 0;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A temp directory; `reachable` makes it enterable by the postgres user (mkdtemp's 0700 is not). */
function tempDir(reachable = true): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cw-embedded-"));
  if (reachable) fs.chmodSync(dir, 0o755);
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function start(dir: string, database?: string): Promise<EmbeddedDatabase> {
  const db = await startEmbeddedPostgres(dir, { database });
  cleanups.push(() => db.stop());
  return db;
}

/** A cluster made and stopped again, for tests that tamper with its files. */
async function stoppedCluster(dir: string): Promise<string> {
  const db = await start(dir);
  await db.stop();
  return db.clusterDir;
}

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
};

/** The uid/gid the embedded server runs as: `postgres` as root, else ourselves. */
function serverUser(): { uid?: number; gid?: number } {
  if (!isRoot) return {};
  const id = (flag: string) => Number(spawnSync("id", [flag, "postgres"], { encoding: "utf8" }).stdout);
  return { uid: id("-u"), gid: id("-g") };
}

describe("embedded PostgreSQL", () => {
  it("stops cleanly, keeps its data for the next start and recreates a missing database", async () => {
    const dir = tempDir();
    const first = await start(dir, "app");
    await query(first.url, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
    await query(first.url.replace(/\/app$/, "/postgres"), "SELECT 1");
    await first.stop();
    expect(alive(first.pid)).toBe(false);
    expect(fs.existsSync(path.join(first.clusterDir, "postmaster.pid"))).toBe(false);

    const second = await start(dir, "app");
    expect(second.clusterDir).toBe(first.clusterDir);
    expect(await query(second.url, "SELECT v FROM kept")).toEqual([{ v: "still here" }]);
    // A first start cut short after initdb leaves the cluster without the app's database.
    await query(second.url.replace(/\/app$/, "/postgres"), "DROP DATABASE app WITH (FORCE)");
    await second.stop();
    const third = await start(dir, "app");
    expect(await query(third.url, "SELECT current_database() AS db")).toEqual([{ db: "app" }]);
  });

  it("adds no signal or exit handlers of its own (the caller decides when the database stops)", async () => {
    const events = ["SIGINT", "SIGTERM", "SIGHUP", "beforeExit"] as const;
    const before = events.map((e) => process.listenerCount(e));
    await start(tempDir());
    expect(events.map((e) => process.listenerCount(e))).toEqual(before);
  });

  it("stops a server left running by a killed owner and reuses its cluster", async () => {
    const dir = tempDir();
    // Another process starts the server and is SIGKILLed, as a killed `npm start` would be.
    const owner = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "--input-type=module",
        "-e",
        `import { startEmbeddedPostgres } from "./db/embedded.ts";
         const db = await startEmbeddedPostgres(${JSON.stringify(dir)}, { database: "app" });
         console.log(JSON.stringify(db));
         setInterval(() => {}, 1000);`,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    const line = await new Promise<string>((resolve, reject) => {
      owner.stdout.on("data", (chunk: Buffer) => resolve(chunk.toString()));
      owner.once("exit", (code) => reject(new Error(`owner exited (${code})`)));
    });
    const orphan = JSON.parse(line) as { pid: number; url: string };
    cleanups.push(() => void (alive(orphan.pid) && process.kill(orphan.pid, "SIGKILL")));
    await query(orphan.url, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('from the orphan')");
    owner.kill("SIGKILL");
    await new Promise((r) => owner.once("exit", r));
    expect(alive(orphan.pid)).toBe(true);

    const db = await start(dir, "app");
    expect(alive(orphan.pid)).toBe(false);
    expect(db.pid).not.toBe(orphan.pid);
    expect(await query(db.url, "SELECT v FROM kept")).toEqual([{ v: "from the orphan" }]);
  });

  it("starts despite a stale postmaster.pid whose PID now belongs to another process of its user", async () => {
    const dir = tempDir();
    const clusterDir = await stoppedCluster(dir);
    // What PostgreSQL sees after a crash when the PID was reused by, say, the system PostgreSQL.
    const other = spawn("sleep", ["60"], { ...serverUser(), stdio: "ignore" });
    cleanups.push(() => void other.kill());
    const pidFile = path.join(clusterDir, "postmaster.pid");
    fs.writeFileSync(pidFile, `${other.pid}\n${clusterDir}\n`);
    if (isRoot) fs.chownSync(pidFile, serverUser().uid!, serverUser().gid!);

    const db = await start(dir);
    expect(await query(db.url, "SELECT 1 AS one")).toEqual([{ one: 1 }]);
    expect(alive(other.pid!)).toBe(true);
  });

  it("explains a failed start with the server's last log lines", async () => {
    const dir = tempDir();
    const clusterDir = await stoppedCluster(dir);
    fs.appendFileSync(path.join(clusterDir, "postgresql.conf"), "\nshared_buffers = 'lots'\n");
    await expect(startEmbeddedPostgres(dir)).rejects.toThrow(/exited during start[\s\S]*shared_buffers/);
  });

  it("gives each test run its own throwaway cluster and removes those of dead runs", async () => {
    const parent = tempDir();
    fs.mkdirSync(path.join(parent, "999999999/pg"), { recursive: true }); // a run that never cleaned up
    const db = await startScratchPostgres(parent);
    cleanups.push(() => db.stop());
    expect(db.clusterDir).toBe(path.join(parent, String(process.pid), "pg"));
    expect(fs.readdirSync(parent)).toEqual([String(process.pid)]);
    await db.stop();
    expect(fs.readdirSync(parent)).toEqual([]);
  });

  it.runIf(isRoot)(
    "keeps the cluster under /var/lib/custom-webhook when the postgres user cannot reach the directory",
    async () => {
      const parent = tempDir(false); // mode 0700, like /root
      const db = await startScratchPostgres(parent);
      cleanups.push(() => db.stop());
      expect(db.clusterDir.startsWith(`${REACHABLE_ROOT}/`)).toBe(true);
      expect(await query(db.url, "SELECT 1 AS one")).toEqual([{ one: 1 }]);
      await db.stop();
      expect(fs.existsSync(path.dirname(db.clusterDir))).toBe(false);
    },
  );
});
