// `npm run bench`: the delivery engine's benchmark, on this machine, against local PostgreSQL and a
// receiver on 127.0.0.1 that verifies every signature (bench/receiver.ts). It runs in rounds
// (--rounds=N, Default 3), each ours and then graphile-worker, alternately (ABAB), so that noise on the
// machine falls on both alike; in every round each system starts after a VACUUM (ANALYZE), on an
// integration of its own, and drains an equal backlog after a CHECKPOINT. Per round:
//  (a) drain of a 20,000-delivery backlog;
//  (b) steady load through ingestInbound() at 500 / 2,000 / 4,000 events/s (warm-up, then a 20 s
//      window): accept → received latency p50/p99, split into accept (the group commit) and delivery
//      (commit → received), and whether it kept up;
//  (d) (a) and (b) for a minimal graphile-worker delivery worker (bench/graphile-worker.ts);
//  (c) the HTTP inbound route (the app's server, as `npm start` runs it) under load: durable accepts/s
//      and p99, with the API key's limit counted and without, and GET /api/health (the ceiling).
// Then once: (e) fairness: a quiet account's events (50/s) while another account's backlog of 100,000
// drains, and a healthy integration's (200/s) while two slow endpoints (answering after 20 s) have
// backlogs: accept → received p50/p99 of the quiet and the healthy one.
// During every drain and steady window a probe (bench/commit-probe.ts) commits a tiny row every ~20 ms
// and times it (the database's commit/fsync latency meanwhile), and the WAL written per event is read.
// The table prints for every figure the median over the rounds and the spread, `p99 12.3 ms (9.8–15.1)`
// (bench/rounds.ts); then CPU µs per event of each process (PostgreSQL's backends too) and in all, and
// ours against graphile-worker: the drain's ratio (median of the per-round ratios), whether our delivery
// leg's p99 is below graphile-worker's at each rate, and the highest rates sustained with p99 ≤ 50 ms.
// The raw figures of every round go to bench/results/.
// Flags: --quick (short windows, for trying things), --rounds=N, --skip-http, --skip-graphile,
// --skip-fairness, --only-fairness, --only-http.
// Uses a throwaway database on the server of DATABASE_URL (Default: postgres://postgres@127.0.0.1:5432).
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { Pool as HttpPool } from "undici";

import { closeDb, db } from "@/db";
import { migrateDatabase } from "@/db/migrate";
import { createTestDatabase } from "@/db/test-database";
import { createApiKey } from "@/lib/data/api-keys";
import { createTestAccount } from "@/lib/testing/accounts";
import { createTestConnection, createTestIntegration } from "@/lib/testing/integrations";
import { GroupCommit } from "@/lib/webhooks/group-commit";
import { ingestInbound } from "@/lib/webhooks/ingest";
import { generateSigningSecret } from "@/lib/webhooks/sign";
import { transaction } from "@/lib/webhooks/sql";

import { buildIfNeeded } from "../scripts/lib/build";
import { ensureLocalSecrets } from "../scripts/lib/local-env";
import { count, figure, median, ms, ratios, roundsLabel } from "./rounds";

const args = process.argv.slice(2);
const QUICK = args.includes("--quick");
const ROUNDS = Number(args.find((a) => a.startsWith("--rounds="))?.slice("--rounds=".length) ?? 3);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error("--rounds=N takes a whole number ≥ 1");
const ONLY_HTTP = args.includes("--only-http");
const RECEIVER_PORT = 4231;
const SLOW_RECEIVER_PORT = 4233;
const WORKER_METRICS_PORT = 4232;
const APP_PORT = 3232;
const RATES = [500, 2_000, 4_000];
const WARMUP_S = QUICK ? 1 : 3;
const WINDOW_S = QUICK ? 5 : 20;
const BACKLOG = QUICK ? 5_000 : 20_000;
const CONTACTS = 5_000;
const HTTP_SECONDS = QUICK ? 4 : 10;
const HTTP_CONNECTIONS = 64;
const P99_TARGET_MS = 50;

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const contact = (i: number) => `+1555${String(i % CONTACTS).padStart(7, "0")}`;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

// ------------------------------------------------------------------ processes

const children: ChildProcess[] = [];

function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, LOG_LEVEL: "warn", ...extra };
}

/** Peak resident memory of a process, sampled every 250 ms until `stop()`. */
function watchRss(pid: number) {
  let peak = 0;
  const sample = () => {
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
      peak = Math.max(peak, kb * 1024);
    } catch {
      // exited
    }
  };
  const timer = setInterval(sample, 250);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

const CLOCK_TICKS = 100;

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** CPU seconds so far of each PostgreSQL process serving `database` (backends, its autovacuum workers). */
function postgresCpuByPid(database: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8");
    } catch {
      continue;
    }
    if (cmdline.startsWith("postgres:") && cmdline.includes(` ${database}`)) {
      out.set(Number(entry), cpuSeconds(Number(entry)));
    }
  }
  return out;
}

/** CPU PostgreSQL used between two readings (a process that ended meanwhile is left out). */
function postgresCpuBetween(start: Map<number, number>, end: Map<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of end) total += seconds - (start.get(pid) ?? 0);
  return total;
}

/** CPU seconds the whole machine has spent busy (all cores), from /proc/stat. */
function machineBusySeconds(): number {
  const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return (fields.reduce((a, b) => a + b, 0) - idle) / CLOCK_TICKS;
}

/**
 * Where the CPU went during a phase, per event: the named processes, the load driver (ingest), PostgreSQL.
 * `ignored`: processes of the bench's own instruments (the commit probe and its backend), counted
 * neither per event nor as other load.
 */
function cpuMeter(pids: Record<string, number>, database: string, ignored: number[] = []) {
  const read = () => {
    const postgres = postgresCpuByPid(database);
    for (const pid of ignored) postgres.delete(pid);
    return {
      processes: Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)])),
      driver: cpuSeconds(process.pid),
      postgres,
      ignored: ignored.reduce((a, pid) => a + cpuSeconds(pid), 0),
      machine: machineBusySeconds(),
      at: now(),
    };
  };
  const start = read();
  return {
    /** Microseconds of CPU per event in each part; `otherCores`: cores busy with anything else meanwhile. */
    perEvent(events: number) {
      const end = read();
      const used: Record<string, number> = {};
      for (const name of Object.keys(pids)) used[name] = end.processes[name]! - start.processes[name]!;
      used.driver = end.driver - start.driver;
      used.postgres = postgresCpuBetween(start.postgres, end.postgres);
      const ours = Object.values(used).reduce((a, b) => a + b, 0) + (end.ignored - start.ignored);
      const others = (end.machine - start.machine - ours) / ((end.at - start.at) / 1000);
      const us = (seconds: number) => Math.round((seconds * 1e6) / events);
      return {
        ...Object.fromEntries(Object.entries(used).map(([name, seconds]) => [name, us(seconds)])),
        otherCores: Math.round(Math.max(0, others) * 100) / 100,
      };
    },
  };
}

/** The next message from `child` that carries `key`. */
function reply<T extends object>(child: ChildProcess, key: keyof T): Promise<T> {
  return new Promise((resolve) => {
    const listener = (m: T) => {
      if (m && typeof m === "object" && key in m) {
        child.off("message", listener);
        resolve(m);
      }
    };
    child.on("message", listener);
  });
}

/** The commit probe (bench/commit-probe.ts): commit latency and WAL written, per measured window. */
class CommitProbe {
  private constructor(
    private readonly child: ChildProcess,
    /** The probe's process and its PostgreSQL backend: left out of the CPU figures. */
    readonly pids: number[],
  ) {}

  static async start(): Promise<CommitProbe> {
    await db().$client.query("CREATE TABLE IF NOT EXISTS bench_commit_probe (at timestamptz NOT NULL)");
    const child = spawn(process.execPath, ["--import", "tsx", "bench/commit-probe.ts"], {
      env: childEnv(),
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    children.push(child);
    const { backendPid } = await reply<{ ready: true; backendPid: number }>(child, "backendPid");
    return new CommitProbe(child, [child.pid!, backendPid]);
  }

  async begin(): Promise<void> {
    const started = reply<{ started: true }>(this.child, "started");
    this.child.send({ start: true });
    await started;
  }

  async end(events: number): Promise<{ commit: CommitLatency; walBytesPerEvent: number }> {
    const stopped = reply<{ commits: number[]; walBytes: number }>(this.child, "commits");
    this.child.send({ stop: true });
    const { commits, walBytes } = await stopped;
    commits.sort((a, b) => a - b);
    return {
      commit: { commits: commits.length, p50: percentile(commits, 50), p99: percentile(commits, 99) },
      walBytesPerEvent: Math.round(walBytes / Math.max(1, events)),
    };
  }
}

interface CommitLatency {
  /** Commits the probe made in the window (one every ~20 ms). */
  commits: number;
  p50: number;
  p99: number;
}

/** What every measured window (a drain, a steady rate) reports beside its latencies. */
interface WindowFigures {
  cpuUsPerEvent: Record<string, number>;
  /** Commit latency of the probe's tiny autocommitted write during the window. */
  commit: CommitLatency;
  /**
   * WAL the server wrote during the window (pg_current_wal_lsn before and after), per event: the whole
   * server's, so writes of other databases on it meanwhile count too.
   */
  walBytesPerEvent: number;
}

/** Starts measuring a window: CPU of `pids` (and PostgreSQL), commit latency, WAL. */
type Meter = () => Promise<{ end(events: number): Promise<WindowFigures> }>;

function windowMeter(probe: CommitProbe, pids: Record<string, number>, database: string): Meter {
  return async () => {
    await probe.begin();
    const cpu = cpuMeter(pids, database, probe.pids);
    return {
      async end(events) {
        const cpuUsPerEvent = cpu.perEvent(events);
        return { cpuUsPerEvent, ...(await probe.end(events)) };
      },
    };
  };
}

/** The worker's batch counters (claims, completions) from its Prometheus metrics. */
async function workerBatches(): Promise<Record<string, { count: number; rows: number; seconds: number }>> {
  const text = await fetch(`http://127.0.0.1:${WORKER_METRICS_PORT}/metrics`).then((r) => r.text());
  const out: Record<string, { count: number; rows: number; seconds: number }> = {};
  for (const op of ["claim", "complete"]) {
    const value = (name: string) =>
      Number(new RegExp(`^${name}\\{op="${op}"\\} (\\S+)`, "m").exec(text)?.[1] ?? 0);
    out[op] = {
      count: value("webhook_db_batch_duration_seconds_count"),
      rows: value("webhook_db_batch_size_sum"),
      seconds: value("webhook_db_batch_duration_seconds_sum"),
    };
  }
  return out;
}

/** Claims and completions during a phase: per second, rows per batch, ms per batch. */
function batchMeter() {
  const start = workerBatches().catch(() => undefined);
  return async (elapsedS: number) => {
    const [a, b] = [await start, await workerBatches().catch(() => undefined)];
    if (!a || !b) return "";
    return ["claim", "complete"]
      .map((op) => {
        const n = b[op]!.count - a[op]!.count;
        const rows = b[op]!.rows - a[op]!.rows;
        const ms = ((b[op]!.seconds - a[op]!.seconds) * 1000) / Math.max(1, n);
        return `${op} ${(n / elapsedS).toFixed(0)}/s × ${(rows / Math.max(1, n)).toFixed(1)} rows, ${ms.toFixed(1)} ms`;
      })
      .join("; ");
  };
}

/** Arrivals reported by the receiver: first arrival time per delivery id. */
class Arrivals {
  readonly first = new Map<string, number>();
  duplicates = 0;
  rejected = 0;

  constructor(receiver: ChildProcess) {
    receiver.on("message", (m: { ids?: string[]; times?: number[]; rejected?: number }) => {
      if (!m.ids) return;
      this.rejected += m.rejected ?? 0;
      m.ids.forEach((id, i) => {
        if (this.first.has(id)) this.duplicates++;
        else this.first.set(id, m.times![i]!);
      });
    });
  }

  /** Forgets the arrivals so far (between rounds: the map would only grow). */
  clear() {
    this.first.clear();
  }

  async waitFor(ids: Iterable<string>, timeoutMs: number): Promise<boolean> {
    const list = [...ids];
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (list.every((id) => this.first.has(id))) return true;
      await sleep(20);
    }
    return list.every((id) => this.first.has(id));
  }
}

async function startReceiver(secret: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "bench/receiver.ts", String(RECEIVER_PORT), secret, String(SLOW_RECEIVER_PORT)],
    { env: childEnv(), stdio: ["ignore", "inherit", "inherit", "ipc"] },
  );
  children.push(child);
  await new Promise<void>((resolve) => child.on("message", (m: { ready?: boolean }) => m.ready && resolve()));
  return child;
}

async function startOurWorker(): Promise<ChildProcess> {
  const nodeArgs = process.env.BENCH_WORKER_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
  // What `npm run worker` runs.
  const child = spawn(process.execPath, [...nodeArgs, "scripts/run-worker.mjs"], {
    env: childEnv({
      LOG_LEVEL: "info",
      CHAT_IDLE_TIMEOUT_MINUTES: "0",
      WORKER_METRICS_PORT: String(WORKER_METRICS_PORT),
    }),
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  await new Promise<void>((resolve) => {
    child.stdout.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("delivery worker started")) resolve();
    });
  });
  return child;
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill(signal);
  await exited;
}

// ------------------------------------------------------------------ load

type Ingest = (i: number) => Promise<string>;

interface SteadyResult extends WindowFigures {
  rate: number;
  accepted: number;
  acceptRate: number;
  p50: number;
  p99: number;
  max: number;
  keptUp: boolean;
  /** Call → accepted (group commit), and accepted → received (the delivery path). */
  acceptP50: number;
  acceptP99: number;
  afterAcceptP50: number;
  afterAcceptP99: number;
}

/** Open-loop load: `rate` events/s for `seconds`, not waiting for earlier calls. */
async function generate(rate: number, seconds: number, ingest: Ingest, offset: number) {
  const total = Math.round(rate * seconds);
  const accepted: { id: string; start: number; done: number }[] = [];
  const calls: Promise<void>[] = [];
  let failed = 0;
  const start = now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((now() - start) / 1000) * rate) + 1);
    while (sent < due) {
      const t0 = now();
      const i = offset + sent++;
      calls.push(
        ingest(i).then(
          (id) => void accepted.push({ id, start: t0, done: now() }),
          () => void failed++,
        ),
      );
    }
    await sleep(1);
  }
  await Promise.all(calls);
  return { accepted, failed, elapsedMs: now() - start };
}

let offset = 0;

async function steady(rate: number, ingest: Ingest, arrivals: Arrivals, meter: Meter): Promise<SteadyResult> {
  const warm = await generate(rate, WARMUP_S, ingest, offset);
  offset += warm.accepted.length + warm.failed;
  await arrivals.waitFor(
    warm.accepted.map((a) => a.id),
    10_000,
  );
  const window = await meter();
  const batches = batchMeter();
  const run = await generate(rate, WINDOW_S, ingest, offset);
  const batchLine = await batches(run.elapsedMs / 1000);
  offset += run.accepted.length + run.failed;
  const ids = run.accepted.map((a) => a.id);
  // Kept up: everything accepted in the window arrived within 2 s of the window's end.
  const keptUp = (await arrivals.waitFor(ids, 2_000)) && run.failed === 0;
  await arrivals.waitFor(ids, 30_000);
  const figures = await window.end(run.accepted.length);
  const latencies = run.accepted
    .map((a) => (arrivals.first.get(a.id) ?? Infinity) - a.start)
    .sort((a, b) => a - b);
  const acceptLatencies = run.accepted.map((a) => a.done - a.start).sort((a, b) => a - b);
  const afterAccept = run.accepted
    .map((a) => (arrivals.first.get(a.id) ?? Infinity) - a.done)
    .sort((a, b) => a - b);
  const result: SteadyResult = {
    rate,
    accepted: run.accepted.length,
    acceptRate: run.accepted.length / (run.elapsedMs / 1000),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? NaN,
    keptUp: keptUp && run.accepted.length / (run.elapsedMs / 1000) >= rate * 0.97,
    ...figures,
    acceptP50: percentile(acceptLatencies, 50),
    acceptP99: percentile(acceptLatencies, 99),
    afterAcceptP50: percentile(afterAccept, 50),
    afterAcceptP99: percentile(afterAccept, 99),
  };
  if (batchLine) console.log(`      worker: ${batchLine}`);
  if (process.env.BENCH_MEMORY) {
    const text = await fetch(`http://127.0.0.1:${WORKER_METRICS_PORT}/metrics`)
      .then((r) => r.text())
      .catch(() => "");
    const mb = (name: string) =>
      (Number(new RegExp(`^${name} (\\S+)`, "m").exec(text)?.[1] ?? 0) / 1e6).toFixed(0);
    console.log(
      `      memory MB: rss ${mb("process_resident_memory_bytes")} heapTotal ${mb("nodejs_heap_size_total_bytes")} heapUsed ${mb("nodejs_heap_size_used_bytes")} external ${mb("nodejs_external_memory_bytes")}`,
    );
  }
  console.log(
    `    ${rate}/s: accepted ${result.acceptRate.toFixed(0)}/s, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, kept up: ${result.keptUp}; accept p50/p99 ${result.acceptP50.toFixed(1)}/${result.acceptP99.toFixed(1)} ms, then p50/p99 ${result.afterAcceptP50.toFixed(1)}/${result.afterAcceptP99.toFixed(1)} ms; ${windowLine(figures)}`,
  );
  return result;
}

/** A window's commit latency, WAL and CPU, for the progress lines. */
function windowLine(f: WindowFigures): string {
  return `commit p50/p99 ${f.commit.p50.toFixed(1)}/${f.commit.p99.toFixed(1)} ms (${f.commit.commits} commits), WAL ${f.walBytesPerEvent} B/event; CPU µs/event ${JSON.stringify(f.cpuUsPerEvent)}`;
}

interface DrainResult extends WindowFigures {
  backlog: number;
  seconds: number;
  perSecond: number;
}

/** Backlog drain: `count` deliveries waiting, then the worker starts; deliveries/s until the last arrives. */
async function drain(ids: string[], arrivals: Arrivals, go: () => Promise<void>, meter: Meter) {
  const window = await meter();
  const start = now();
  await go();
  await arrivals.waitFor(ids, 120_000);
  const last = Math.max(...ids.map((id) => arrivals.first.get(id) ?? now()));
  const figures = await window.end(ids.length);
  const seconds = (last - start) / 1000;
  const result: DrainResult = { backlog: ids.length, seconds, perSecond: ids.length / seconds, ...figures };
  console.log(
    `    drained ${ids.length} in ${seconds.toFixed(2)} s: ${result.perSecond.toFixed(0)}/s; ${windowLine(figures)}`,
  );
  return result;
}

/** Ingests n messages as fast as group commit takes them (to build a backlog). */
async function backlog(n: number, ingest: Ingest): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i += 2_000) {
    const chunk = await Promise.all(
      Array.from({ length: Math.min(2_000, n - i) }, (_, k) => ingest(offset + i + k)),
    );
    ids.push(...chunk);
  }
  offset += n;
  return ids;
}

// ------------------------------------------------------------------ fairness

const NOISY_BACKLOG = QUICK ? 20_000 : 100_000;
const QUIET_RATE = 50;
const HEALTHY_RATE = 200;
const SLOW_BACKLOG = 500;
const FAIRNESS_TARGET_P99_MS = 100;

interface FairnessResult {
  quiet: SteadyResult;
  /** Of the noisy backlog, delivered by the end of the quiet stream (it was still draining), and its rate. */
  noisyDeliveredDuringWindow: number;
  noisyDrainPerSecond: number;
  healthy: SteadyResult;
}

/** (e): a new account with a connection and an integration to `url`; its ingest. */
async function tenant(name: string, url: string, secret: string, phone: string) {
  const { accountId } = await createTestAccount(name);
  const connection = await createTestConnection(accountId, "SMS", phone);
  await createTestIntegration(accountId, { url, signingSecret: secret, connectionIds: [connection.id] });
  const ingest: Ingest = async (i) =>
    (await ingestInbound({ connectionId: connection.id, from: contact(i), text: `${name} ${i}` }))
      .deliveryIds[0]!;
  return ingest;
}

async function fairness(
  secret: string,
  arrivals: Arrivals,
  dbName: string,
  receiverPid: number,
  probe: CommitProbe,
) {
  const url = `http://127.0.0.1:${RECEIVER_PORT}/hook`;
  const noisy = await tenant("Noisy", url, secret, "+15550000011");
  const quiet = await tenant("Quiet", url, secret, "+15550000012");
  // The backlog is written with no worker running; the clock starts with the worker.
  const noisyIds = await backlog(NOISY_BACKLOG, noisy);
  const worker = await startOurWorker();
  try {
    const meter = windowMeter(probe, { worker: worker.pid!, receiver: receiverPid }, dbName);
    const drainStart = now();
    console.log(
      `    quiet account at ${QUIET_RATE}/s while the noisy one's ${NOISY_BACKLOG.toLocaleString("en")} drain:`,
    );
    const quietResult = await steady(QUIET_RATE, quiet, arrivals, meter);
    const noisyDeliveredDuringWindow = noisyIds.filter((id) => arrivals.first.has(id)).length;
    await arrivals.waitFor(noisyIds, 300_000);
    const last = Math.max(...noisyIds.map((id) => arrivals.first.get(id) ?? now()));
    const noisyDrainPerSecond = noisyIds.length / ((last - drainStart) / 1000);
    console.log(
      `    noisy: ${noisyDeliveredDuringWindow.toLocaleString("en")} delivered while the quiet one was measured; all in ${((last - drainStart) / 1000).toFixed(1)} s (${noisyDrainPerSecond.toFixed(0)}/s)`,
    );

    const slowUrl = (n: number) => `http://127.0.0.1:${SLOW_RECEIVER_PORT}/slow${n}`;
    const slowTenants = [await tenant("Slow A", slowUrl(1), secret, "+15550000013")];
    slowTenants.push(await tenant("Slow B", slowUrl(2), secret, "+15550000014"));
    const healthy = await tenant("Healthy", url, secret, "+15550000015");
    for (const slow of slowTenants) await backlog(SLOW_BACKLOG, slow);
    console.log(`    healthy integration at ${HEALTHY_RATE}/s beside two endpoints answering after 20 s:`);
    const healthyResult = await steady(HEALTHY_RATE, healthy, arrivals, meter);
    return { quiet: quietResult, noisyDeliveredDuringWindow, noisyDrainPerSecond, healthy: healthyResult };
  } finally {
    await stopChild(worker);
  }
}

// ------------------------------------------------------------------ graphile-worker baseline ingestion

// The same writes as ingestInbound (chat, message, delivery row for the log) plus a graphile-worker job
// instead of relying on our claim — in one group-committed transaction, like ours.
function graphileIngest(accountId: string, connectionId: string, integrationId: string): Ingest {
  const writer = new GroupCommit<{ contact: string; text: string }, string>(
    (items) =>
      transaction(async (client) => {
        const keys = [...new Set(items.map((i) => i.contact))].sort();
        const { rows: chats } = await client.query<{ id: string; contact: string }>(
          `INSERT INTO chats (account_id, connection_id, contact, integration_id)
           SELECT $1, $2, c, $3 FROM unnest($4::text[]) AS c
           ON CONFLICT (connection_id, contact, account_id) WHERE status = 'OPEN' DO UPDATE SET last_message_at = now()
           RETURNING id, contact`,
          [accountId, connectionId, integrationId, keys],
        );
        const chatOf = new Map(chats.map((c) => [c.contact, c.id]));
        const rows = items.map((item) => {
          const chatId = chatOf.get(item.contact)!;
          return {
            messageId: randomUUID(),
            deliveryId: randomUUID(),
            chatId,
            text: item.text,
            payload: {
              chatId,
              contact: item.contact,
              event: "MESSAGE",
              text: item.text,
              multimediaUrl: null,
              multimediaCaption: null,
              channel: "SMS",
              connectionCode: "+15550000000",
              integrationId,
              alias: "baseline",
              timestamp: new Date().toISOString(),
            },
          };
        });
        const json = JSON.stringify(rows);
        await client.query(
          `INSERT INTO messages (id, account_id, chat_id, direction, text, expires_on)
           SELECT x."messageId", $1, x."chatId", 'IN', x.text, retention_expires_on($1)
           FROM jsonb_to_recordset($2::jsonb) AS x("messageId" uuid, "chatId" uuid, text text)`,
          [accountId, json],
        );
        await client.query(
          `INSERT INTO deliveries (id, account_id, integration_id, chat_id, message_id, event, payload, expires_on)
           SELECT x."deliveryId", $1, $2, x."chatId", x."messageId", 'MESSAGE', x.payload, retention_expires_on($1)
           FROM jsonb_to_recordset($3::jsonb) AS x("deliveryId" uuid, "chatId" uuid, "messageId" uuid, payload jsonb)`,
          [accountId, integrationId, json],
        );
        await client.query(
          `SELECT graphile_worker.add_jobs(ARRAY(
             SELECT ('deliver', json_build_object('deliveryId', x."deliveryId", 'accountId', $1::uuid,
                      'integrationId', $2::uuid, 'chatId', x."chatId", 'payload', x.payload),
                     NULL, NULL, NULL, NULL, NULL, NULL)::graphile_worker.job_spec
             FROM jsonb_to_recordset($3::jsonb) AS x("deliveryId" uuid, "chatId" uuid, payload jsonb)))`,
          [accountId, integrationId, json],
        );
        return rows.map((r) => r.deliveryId);
      }),
    { maxBatch: 500, maxInFlight: 3, key: (item) => item.contact },
  );
  return (i) => writer.submit({ contact: contact(i), text: `message ${i}` });
}

async function startGraphileWorker(integrationId: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "bench/graphile-worker.ts", integrationId, "200"],
    { env: childEnv(), stdio: ["ignore", "inherit", "inherit", "ipc"] },
  );
  children.push(child);
  await new Promise<void>((resolve) =>
    child.on("message", (m: { loaded?: boolean }) => m.loaded && resolve()),
  );
  return child;
}

// ------------------------------------------------------------------ HTTP route

/** `sharedLimit`: count each request against the API key's limit in the shared store (as by default). */
async function httpRoute(connectionId: string, apiKey: string, database: string, sharedLimit: boolean) {
  await buildIfNeeded();
  const nodeArgs = process.env.BENCH_APP_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
  // The server production runs (`npm start`): Next.js behind the app's own node:http server.
  const app = spawn(process.execPath, [...nodeArgs, path.resolve("scripts/lib/app-server.mjs")], {
    env: childEnv({
      WORKER_IN_PROCESS: "false",
      AUTH_URL: `http://localhost:${APP_PORT}`,
      PORT: String(APP_PORT),
      // The load comes from one API key: its limit is counted (or not) but never reached.
      API_RATE_LIMIT_PER_SECOND: sharedLimit ? "1000000" : "0",
      API_RATE_LIMIT_BURST: "1000000",
    }),
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.push(app);
  const origin = `http://127.0.0.1:${APP_PORT}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${origin}/api/health`)).ok) break;
    } catch {
      // starting
    }
    if (i > 300) throw new Error("the app did not start");
    await sleep(100);
  }
  const pool = new HttpPool(origin, { connections: HTTP_CONNECTIONS });
  const post = async (i: number) => {
    const t0 = now();
    const res = await pool.request({
      path: `/api/v1/connections/${connectionId}/inbound`,
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ from: contact(i), text: `http ${i}` }),
    });
    await res.body.dump();
    return { ok: res.statusCode === 202, ms: now() - t0 };
  };
  // The framework's own ceiling on this machine: the same load on GET /api/health (one `select 1`).
  const health = async () => {
    const res = await pool.request({ path: "/api/health", method: "GET" });
    await res.body.dump();
    return { ok: res.statusCode === 200, ms: 0 };
  };
  const loop = async (
    seconds: number,
    record: (r: { ok: boolean; ms: number }) => void,
    request: (i: number) => Promise<{ ok: boolean; ms: number }> = post,
  ) => {
    const end = now() + seconds * 1000;
    let i = 0;
    await Promise.all(
      Array.from({ length: HTTP_CONNECTIONS }, async (_, lane) => {
        while (now() < end) record(await request(lane * 1_000_000 + i++));
      }),
    );
  };
  await loop(2, () => {}); // warm-up
  const latencies: number[] = [];
  let errors = 0;
  const cpu = cpuMeter({ app: app.pid! }, database);
  const start = now();
  await loop(HTTP_SECONDS, (r) => (r.ok ? latencies.push(r.ms) : errors++));
  const seconds = (now() - start) / 1000;
  const cpuUsPerAccept = cpu.perEvent(latencies.length);
  let healthOk = 0;
  const healthStart = now();
  await loop(HTTP_SECONDS / 2, (r) => void (r.ok && healthOk++), health);
  const healthPerSecond = healthOk / ((now() - healthStart) / 1000);
  await pool.close();
  const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${app.pid}/status`, "utf8"))?.[1] ?? 0) * 1024;
  await stopChild(app);
  latencies.sort((a, b) => a - b);
  const result = {
    acceptsPerSecond: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors,
    appRss: rss,
    cpuUsPerAccept,
    healthPerSecond,
  };
  console.log(
    `    ${result.acceptsPerSecond.toFixed(0)} accepts/s, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, errors ${errors}; CPU µs/accept ${JSON.stringify(cpuUsPerAccept)}; GET /api/health under the same load: ${healthPerSecond.toFixed(0)}/s`,
  );
  return result;
}

type HttpResult = Awaited<ReturnType<typeof httpRoute>>;

interface HttpRound {
  /** The route with the API key's limit counted in the shared store (as by default). */
  limited: HttpResult;
  /** Accepts/s of the same route without the key's limit (API_RATE_LIMIT_PER_SECOND=0). */
  withoutLimit: number;
}

/** An API key and a connection of its account for (c), shared by the rounds. */
async function httpTarget(accountId: string) {
  const { key } = await createApiKey(accountId, "bench");
  const connection = await createTestConnection(accountId);
  return { apiKey: key, connectionId: connection.id };
}

/** (c) once: the route with the key's limit counted, then without it. */
async function httpRound(target: { apiKey: string; connectionId: string }, database: string, round: number) {
  console.log(`(c) HTTP inbound route (the app's server), round ${round}: the key's limit counted`);
  const limited = await httpRoute(target.connectionId, target.apiKey, database, true);
  console.log(`(c) round ${round}: no limit (API_RATE_LIMIT_PER_SECOND=0)`);
  const free = await httpRoute(target.connectionId, target.apiKey, database, false);
  return { limited, withoutLimit: free.acceptsPerSecond };
}

// ------------------------------------------------------------------ rounds

/** One system's part of a round: the drain, then the steady rates. */
interface SystemRound {
  drain: DrainResult;
  steady: SteadyResult[];
  workerPeakRssBytes: number;
}

interface Round {
  round: number;
  ours?: SystemRound;
  graphile?: SystemRound;
  http?: HttpRound;
}

/** What the rounds share: the account, the receiver and its arrivals, the commit probe. */
interface Bench {
  accountId: string;
  secret: string;
  url: string;
  dbName: string;
  receiver: ChildProcess;
  arrivals: Arrivals;
  probe: CommitProbe;
}

/**
 * At the start of each system's part of a round: reclaim the dead rows of the parts before (autovacuum
 * may be off) and refresh the statistics, so that no round inherits more bloat than the one before.
 */
async function vacuum() {
  await db().$client.query("VACUUM (ANALYZE)");
}

/**
 * Before each system's drain: flush the dirty pages (the backlog's, the previous system's), so that
 * neither system's windows pay for writes the other left, and both start a checkpoint cycle alike.
 */
async function checkpoint() {
  await db()
    .$client.query("CHECKPOINT")
    .catch((err: Error) => console.log(`    (no CHECKPOINT: ${err.message})`));
}

async function steadyRates(ingest: Ingest, arrivals: Arrivals, meter: Meter): Promise<SteadyResult[]> {
  const results: SteadyResult[] = [];
  for (const rate of RATES) results.push(await steady(rate, ingest, arrivals, meter));
  return results;
}

/** Ours, on a connection and integration of the round's own. */
async function oursRound(bench: Bench, round: number): Promise<SystemRound> {
  await vacuum();
  const connection = await createTestConnection(bench.accountId);
  const { integration } = await createTestIntegration(bench.accountId, {
    url: bench.url,
    signingSecret: bench.secret,
    connectionIds: [connection.id],
  });
  const ingest: Ingest = async (i) =>
    (await ingestInbound({ connectionId: connection.id, from: contact(i), text: `message ${i}` }))
      .deliveryIds[0]!;
  const setStatus = (status: "ACTIVE" | "INACTIVE") =>
    db().$client.query("UPDATE integrations SET status = $1 WHERE id = $2", [status, integration.id]);

  console.log(`(a) backlog drain — ours, round ${round}`);
  // Build the backlog with no worker running, park it (integration stopped), start the worker, then
  // start the integration: the clock runs from there to the last arrival.
  const ids = await backlog(BACKLOG, ingest);
  await setStatus("INACTIVE");
  await checkpoint();
  const worker = await startOurWorker();
  const rss = watchRss(worker.pid!);
  const meter = windowMeter(
    bench.probe,
    { worker: worker.pid!, receiver: bench.receiver.pid! },
    bench.dbName,
  );
  const drained = await drain(ids, bench.arrivals, async () => void (await setStatus("ACTIVE")), meter);
  console.log(`(b) steady load through ingestInbound — ours, round ${round}`);
  const steadyResults = await steadyRates(ingest, bench.arrivals, meter);
  const workerPeakRssBytes = rss.stop();
  await stopChild(worker);
  // Whatever did not arrive stays parked: it is not the next round's work.
  await setStatus("INACTIVE");
  bench.arrivals.clear();
  return { drain: drained, steady: steadyResults, workerPeakRssBytes };
}

/** graphile-worker, on a connection and integration of the round's own and a fresh worker process. */
async function graphileRound(bench: Bench, round: number): Promise<SystemRound> {
  await vacuum();
  const connection = await createTestConnection(bench.accountId);
  const { integration } = await createTestIntegration(bench.accountId, {
    url: bench.url,
    signingSecret: bench.secret,
    status: "INACTIVE",
  });
  const ingest = graphileIngest(bench.accountId, connection.id, integration.id);
  console.log(`(d) backlog drain — graphile-worker, round ${round}`);
  const gw = await startGraphileWorker(integration.id);
  const rss = watchRss(gw.pid!);
  const ids = await backlog(BACKLOG, ingest);
  await checkpoint();
  const meter = windowMeter(bench.probe, { worker: gw.pid!, receiver: bench.receiver.pid! }, bench.dbName);
  const go = async () => {
    const started = reply<{ started: true }>(gw, "started");
    gw.send({ go: true });
    await started;
  };
  const drained = await drain(ids, bench.arrivals, go, meter);
  console.log(`(d) steady load — graphile-worker, round ${round}`);
  const steadyResults = await steadyRates(ingest, bench.arrivals, meter);
  const workerPeakRssBytes = rss.stop();
  gw.send({ stop: true });
  await new Promise((r) => gw.once("exit", r));
  // Jobs that did not run are not the next round's work.
  await db().$client.query("DELETE FROM graphile_worker._private_jobs");
  bench.arrivals.clear();
  return { drain: drained, steady: steadyResults, workerPeakRssBytes };
}

/** The rounds, each ours then graphile-worker (then the HTTP route), so that noise falls on both alike. */
async function runRounds(bench: Bench): Promise<Round[]> {
  const http = args.includes("--skip-http") ? undefined : await httpTarget(bench.accountId);
  const rounds: Round[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    console.log(`\n=== round ${round} of ${ROUNDS}`);
    const r: Round = { round };
    if (!ONLY_HTTP) r.ours = await oursRound(bench, round);
    if (!ONLY_HTTP && !args.includes("--skip-graphile")) r.graphile = await graphileRound(bench, round);
    if (http) r.http = await httpRound(http, bench.dbName, round);
    rounds.push(r);
  }
  if (http) {
    const { rows } = await db().$client.query<{ n: string }>(
      "SELECT count(*) AS n FROM messages m JOIN chats c ON c.id = m.chat_id WHERE c.connection_id = $1",
      [http.connectionId],
    );
    console.log(`    ${rows[0]!.n} messages stored by (c) (every 202 is a committed message)`);
  }
  return rounds;
}

// ------------------------------------------------------------------ main

function sustained(results: SteadyResult[]): number {
  return Math.max(0, ...results.filter((r) => r.keptUp && r.p99 <= P99_TARGET_MS).map((r) => r.rate));
}

async function setUp(databaseUrl: string): Promise<Bench> {
  await migrateDatabase(databaseUrl);
  const { runMigrations } = await import("graphile-worker");
  await runMigrations({ connectionString: databaseUrl, logger: undefined });
  const secret = generateSigningSecret();
  const receiver = await startReceiver(secret);
  const { accountId } = await createTestAccount("Bench");
  return {
    accountId,
    secret,
    url: `http://127.0.0.1:${RECEIVER_PORT}/hook`,
    dbName: new URL(databaseUrl).pathname.slice(1),
    receiver,
    arrivals: new Arrivals(receiver),
    probe: await CommitProbe.start(),
  };
}

async function main() {
  ensureLocalSecrets();
  process.env.WEBHOOK_ALLOW_PRIVATE_NETWORKS = "true";
  process.env.WEBHOOK_ALLOW_INSECURE_URLS = "true";
  process.env.LOG_LEVEL ??= "warn";
  const server = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const database = await createTestDatabase(server);
  process.env.DATABASE_URL = database.url;
  console.log(`Benchmark database: ${new URL(database.url).pathname.slice(1)} (dropped at the end)`);
  const report: Record<string, unknown> = {
    startedAt: new Date().toISOString(),
    quick: QUICK,
    roundCount: ROUNDS,
  };
  try {
    const bench = await setUp(database.url);
    const fairnessOf = () => {
      console.log("\n(e) fairness across accounts and endpoints — ours");
      return fairness(bench.secret, bench.arrivals, bench.dbName, bench.receiver.pid!, bench.probe);
    };
    if (args.includes("--only-fairness")) {
      const fair = await fairnessOf();
      Object.assign(report, { fairness: fair });
      console.log("\n" + formatRows([["", "ours"], ...fairnessRows(fair)]));
    } else {
      const rounds = await runRounds(bench);
      const fair = ONLY_HTTP || args.includes("--skip-fairness") ? undefined : await fairnessOf();
      const { arrivals } = bench;
      if (arrivals.rejected > 0)
        console.log(`!! ${arrivals.rejected} requests failed signature verification`);
      Object.assign(report, {
        rounds,
        fairness: fair,
        duplicates: arrivals.duplicates,
        rejected: arrivals.rejected,
      });
      printTable(rounds, fair);
    }
    mkdirSync("bench/results", { recursive: true });
    const file = path.join("bench/results", `${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
    writeFileSync(file, JSON.stringify(report, null, 2));
    console.log(`\nRaw figures: ${file}`);
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    await closeDb();
    await database.drop().catch(() => {});
  }
}

// ------------------------------------------------------------------ the table

function formatRows(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join(" | ")).join("\n");
}

/** `p50 … p99 …` of two figures of each round. */
function latencyPair(p50s: number[], p99s: number[]): string {
  return `p50 ${ms(p50s)} p99 ${ms(p99s)}`;
}

type Cell = (system: SystemRound[]) => string;

/** Rows of ours and graphile-worker side by side (graphile-worker's "—" when it did not run). */
function sideBySide(ours: SystemRound[], graphile: SystemRound[]) {
  return (label: string, cell: Cell) => [label, cell(ours), graphile.length ? cell(graphile) : "—"];
}

/** The window's commit latency and WAL rows. */
function windowRows(row: ReturnType<typeof sideBySide>, windows: (s: SystemRound[]) => WindowFigures[]) {
  return [
    row("    DB commit (fsync) meanwhile", (s) =>
      latencyPair(
        windows(s).map((w) => w.commit.p50),
        windows(s).map((w) => w.commit.p99),
      ),
    ),
    row("    WAL per event", (s) =>
      figure(
        windows(s).map((w) => w.walBytesPerEvent),
        { unit: " B" },
      ),
    ),
  ];
}

function systemRows(ours: SystemRound[], graphile: SystemRound[]): string[][] {
  const row = sideBySide(ours, graphile);
  const drains = (s: SystemRound[]) => s.map((r) => r.drain);
  const rows = [
    row(`(a) drain of a ${BACKLOG.toLocaleString("en")} backlog`, (s) =>
      figure(
        drains(s).map((d) => d.perSecond),
        { unit: "/s" },
      ),
    ),
    ...windowRows(row, drains),
  ];
  RATES.forEach((rate, i) => {
    const at = (s: SystemRound[]) => s.map((r) => r.steady[i]!);
    const pair = (p50: keyof SteadyResult, p99: keyof SteadyResult) => (s: SystemRound[]) =>
      latencyPair(
        at(s).map((r) => r[p50] as number),
        at(s).map((r) => r[p99] as number),
      );
    rows.push(
      row(`(b) ${rate.toLocaleString("en")}/s: accept → received`, pair("p50", "p99")),
      row("    accept (commit)", pair("acceptP50", "acceptP99")),
      row("    delivery (commit → received)", pair("afterAcceptP50", "afterAcceptP99")),
      row("    kept up", (s) => count(at(s).map((r) => r.keptUp))),
      ...windowRows(row, at),
    );
  });
  const windows = (s: SystemRound[]) => s.flatMap((r) => [r.drain, ...r.steady]);
  rows.push(
    row(`highest rate with p99 ≤ ${P99_TARGET_MS} ms`, (s) =>
      figure(
        s.map((r) => sustained(r.steady)),
        { unit: "/s" },
      ),
    ),
    row("other load (cores busy outside the bench)", (s) =>
      figure(
        windows(s).map((w) => w.cpuUsPerEvent.otherCores ?? 0),
        { digits: 2 },
      ),
    ),
    row("worker peak RSS", (s) =>
      figure(
        s.map((r) => r.workerPeakRssBytes / 1e6),
        { unit: " MB" },
      ),
    ),
  );
  return rows;
}

const CPU_PARTS = ["worker", "receiver", "driver", "postgres"];

/** CPU µs per event of each part and in all, per window and system. */
function cpuRows(ours: SystemRound[], graphile: SystemRound[]): string[][] {
  const rows = [["CPU µs/event", ...CPU_PARTS, "total"]];
  const windows: [string, (r: SystemRound) => WindowFigures][] = [
    ["(a) drain", (r) => r.drain],
    ...RATES.map((rate, i): [string, (r: SystemRound) => WindowFigures] => [
      `(b) ${rate.toLocaleString("en")}/s`,
      (r) => r.steady[i]!,
    ]),
  ];
  for (const [label, pick] of windows) {
    for (const [name, system] of [
      ["ours", ours],
      ["graphile-worker", graphile],
    ] as const) {
      if (system.length === 0) continue;
      const cpu = system.map((r) => pick(r).cpuUsPerEvent);
      const part = (name: string) => cpu.map((c) => c[name] ?? 0);
      const total = cpu.map((c) => CPU_PARTS.reduce((sum, name) => sum + (c[name] ?? 0), 0));
      rows.push([`${label}, ${name}`, ...CPU_PARTS.map((p) => figure(part(p))), figure(total)]);
    }
  }
  return rows;
}

function httpRows(http: HttpRound[]): string[][] {
  const of = (pick: (r: HttpRound) => number) => http.map(pick);
  const accepts = of((r) => r.limited.acceptsPerSecond);
  const shares = ratios(
    accepts,
    of((r) => r.withoutLimit),
  ).map((x) => x * 100);
  return [
    [
      "(c) HTTP inbound route",
      `${figure(accepts, { unit: " accepts/s" })}, ${latencyPair(
        of((r) => r.limited.p50),
        of((r) => r.limited.p99),
      )}`,
      "",
    ],
    [
      "    GET /api/health, same load (ceiling)",
      figure(
        of((r) => r.limited.healthPerSecond),
        { unit: "/s" },
      ),
      "",
    ],
    [
      "    the same route without the key's limit",
      `${figure(
        of((r) => r.withoutLimit),
        { unit: " accepts/s" },
      )} (with it: ${figure(shares, { unit: " %" })})`,
      "",
    ],
  ];
}

function fairnessRows(fair: FairnessResult): string[][] {
  const line = (r: SteadyResult) => `accept → received ${latencyPair([r.p50], [r.p99])}`;
  const met = fair.quiet.p99 <= FAIRNESS_TARGET_P99_MS ? "met" : "MISSED";
  return [
    [
      `(e) quiet account ${QUIET_RATE}/s, noisy backlog draining`,
      `${line(fair.quiet)} (target p99 ≤ ${FAIRNESS_TARGET_P99_MS} ms: ${met})`,
    ],
    [
      `    noisy backlog ${NOISY_BACKLOG.toLocaleString("en")}`,
      `${fair.noisyDrainPerSecond.toFixed(0)}/s (${fair.noisyDeliveredDuringWindow.toLocaleString("en")} during the quiet window)`,
    ],
    [`(e) healthy ${HEALTHY_RATE}/s beside 2 slow endpoints`, line(fair.healthy)],
  ];
}

/** Ours against graphile-worker, round by round: the drain's ratio, the delivery leg, sustained rates. */
function comparison(ours: SystemRound[], graphile: SystemRound[]): string[] {
  const drainRatios = ratios(
    ours.map((r) => r.drain.perSecond),
    graphile.map((r) => r.drain.perSecond),
  );
  const lines = [
    `Drain, ours / graphile-worker (median of the per-round ratios): ${figure(drainRatios, { digits: 2, unit: "×" })}`,
    "Delivery leg (commit → received) p99, medians:",
  ];
  RATES.forEach((rate, i) => {
    const o = ours.map((r) => r.steady[i]!.afterAcceptP99);
    const g = graphile.map((r) => r.steady[i]!.afterAcceptP99);
    const below = median(o) < median(g);
    lines.push(
      `  ${rate.toLocaleString("en")}/s: ours ${ms([median(o)])}, graphile-worker ${ms([median(g)])}: ours ${below ? "below" : "NOT below"} (below in ${count(o.map((v, k) => v < g[k]!))})`,
    );
  });
  const [oursBest, gBest] = [ours, graphile].map((s) => median(s.map((r) => sustained(r.steady))));
  const ratio = gBest! > 0 ? `${(oursBest! / gBest!).toFixed(1)}×` : oursBest! > 0 ? "∞" : "—";
  lines.push(
    `Highest rate with p99 ≤ ${P99_TARGET_MS} ms (medians): ours ${oursBest}/s, graphile-worker ${gBest}/s: ${ratio}`,
  );
  return lines;
}

function printTable(rounds: Round[], fair: FairnessResult | undefined) {
  const ours = rounds.flatMap((r) => (r.ours ? [r.ours] : []));
  const graphile = rounds.flatMap((r) => (r.graphile ? [r.graphile] : []));
  const http = rounds.flatMap((r) => (r.http ? [r.http] : []));
  const rows: string[][] = [
    [`median (min–max) of ${roundsLabel(rounds.length)}`, "ours (outbox)", "graphile-worker (batched)"],
  ];
  if (ours.length) rows.push(...systemRows(ours, graphile));
  if (http.length) rows.push(...httpRows(http));
  if (fair) rows.push(...fairnessRows(fair).map((r) => [...r, ""]));
  console.log("\n" + formatRows(rows));
  if (ours.length) console.log("\n" + formatRows(cpuRows(ours, graphile)));
  if (ours.length && graphile.length) console.log("\n" + comparison(ours, graphile).join("\n"));
}

main().catch((err) => {
  console.error(err);
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  process.exit(1);
});
