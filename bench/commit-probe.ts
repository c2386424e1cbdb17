// Commit-latency probe (a child process of bench/run.ts): on a pg connection of its own, during each
// measured window, it commits one tiny row every ~20 ms (autocommit, synchronous_commit on) and times
// each commit: the database's commit (WAL flush, fsync) latency as anyone else sees it at that moment,
// on its own event loop so the load driver's backlog of callbacks does not count. It also reads the WAL
// position at the start and end of the window. Runs in its own process; the parent leaves its CPU (and
// its backend's) out of every figure.
import { Client } from "pg";

const INTERVAL_MS = 20;
const INSERT = "INSERT INTO bench_commit_probe (at) VALUES (now())";

const client = new Client({ connectionString: process.env.DATABASE_URL, application_name: "bench-probe" });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let running: Promise<void> | undefined;
let stopping = false;
let commits: number[] = [];

async function loop() {
  while (!stopping) {
    const t0 = performance.now();
    await client.query(INSERT);
    const took = performance.now() - t0;
    commits.push(took);
    await sleep(Math.max(0, INTERVAL_MS - took));
  }
}

async function walLsn(): Promise<string> {
  const { rows } = await client.query<{ lsn: string }>("SELECT pg_current_wal_lsn()::text AS lsn");
  return rows[0]!.lsn;
}

let startLsn = "0/0";

async function start() {
  commits = [];
  stopping = false;
  startLsn = await walLsn();
  running = loop();
  process.send!({ started: true });
}

async function stop() {
  stopping = true;
  await running;
  const { rows } = await client.query<{ bytes: string }>(
    "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::text AS bytes",
    [startLsn],
  );
  process.send!({ commits, walBytes: Number(rows[0]!.bytes) });
}

async function main() {
  await client.connect();
  await client.query("SET synchronous_commit = on");
  const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
  process.on("message", (m: { start?: boolean; stop?: boolean }) => {
    if (m.start) void start();
    if (m.stop) void stop();
  });
  process.on("disconnect", () => void client.end().finally(() => process.exit(0)));
  process.send!({ ready: true, backendPid: rows[0]!.pid });
}

void main();
