// A retention run at the month's size: the clock (runRetention's `now`) is set so that the oldest day
// holding data has expired, and the run is measured —
//  - how long expiring that day takes (runRetention's own stats say what it did);
//  - the locks it held: a poller watches pg_locks of the backend holding retention's advisory lock
//    every ~10 ms (the longest stretch each (relation, mode) was seen held, and whether anyone waited
//    on it), and a probe connection does a tiny write + read on delivery_queue / deliveries /
//    delivery_attempts every ~20 ms with a lock_timeout and records its own latency;
//  - a small ingest → claim → complete loop (its own account) during the run, against the same loop
//    without it, alternating, each ≥ 3 times: p99s and their medians.
// Every run drops a day of data for good (a reused database loses its oldest day each time).
import { Client } from "pg";

import { createTestAccount } from "@/lib/testing/accounts";
import { createTestConnection, createTestIntegration } from "@/lib/testing/integrations";
import { claimDue, loadIntegrations } from "@/lib/webhooks/claim";
import { completeDeliveries } from "@/lib/webhooks/complete";
import { ingestInbound } from "@/lib/webhooks/ingest";
import { partitionName, utcDay } from "@/lib/webhooks/partitions";
import { runRetention, type RetentionStats } from "@/lib/webhooks/retention";

import { completionFor } from "./hotpath";
import { median, ms, sleep, summarize, table, type Summary } from "./stats";

const RETENTION_LOCK = 72_410_003;
const HOT_TABLES =
  /^(deliveries|delivery_attempts|messages|chats|inbound_message_ids|delivery_queue|accounts|integrations)(_p\d{8})?$/;

// ------------------------------------------------------------------ the loop

interface Loop {
  stop(): Promise<{ iterations: number[]; errors: number }>;
}

/** ingest 5 → claim (its account only) → complete, back to back (10 ms apart), until stopped. */
export async function startLoop(setup: LoopSetup): Promise<Loop> {
  let stopped = false;
  const iterations: number[] = [];
  let errors = 0;
  let k = 0;
  const integrations = await loadIntegrations([setup.integrationId]);
  const integration = integrations.get(setup.integrationId)!;
  const running = (async () => {
    while (!stopped) {
      const t0 = performance.now();
      try {
        await Promise.all(
          Array.from({ length: 5 }, () =>
            ingestInbound({
              connectionId: setup.connectionId,
              from: `+1666${String(k++ % 500).padStart(7, "0")}`,
              text: "loop message",
            }),
          ),
        );
        const { deliveries } = await claimDue({
          workerId: "bench-loop",
          limit: 50,
          leaseMs: 30_000,
          accountIds: [setup.accountId],
        });
        if (deliveries.length)
          await completeDeliveries(deliveries.map((d) => completionFor(d, integration, false, "bench-loop")));
        iterations.push(performance.now() - t0);
      } catch {
        errors++;
      }
      await sleep(10);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await running;
      return { iterations, errors };
    },
  };
}

export interface LoopSetup {
  accountId: string;
  connectionId: string;
  integrationId: string;
}

export async function loopSetup(): Promise<LoopSetup> {
  const { accountId } = await createTestAccount("Loop");
  const connection = await createTestConnection(accountId, "SMS");
  const { integration } = await createTestIntegration(accountId, {
    url: "http://127.0.0.1:9/loop",
    alias: "Loop hook",
    connectionIds: [connection.id],
  });
  return { accountId, connectionId: connection.id, integrationId: integration.id };
}

// ------------------------------------------------------------------ probe and lock poller

interface ProbeTarget {
  deliveryId: string;
  expiresOn: string;
  integrationId: string;
}

async function probeTarget(c: Client): Promise<ProbeTarget> {
  const { rows } = await c.query<ProbeTarget>(
    `SELECT q.delivery_id AS "deliveryId", q.expires_on::text AS "expiresOn", q.integration_id AS "integrationId"
     FROM delivery_queue q WHERE q.attempts > 0 AND q.next_attempt_at < 'infinity' ORDER BY q.expires_on DESC LIMIT 1`,
  );
  if (!rows[0]) throw new Error("no queued delivery to probe");
  return rows[0];
}

/** Every ~20 ms: a tiny write + read on the hot tables (lock_timeout 5 s); its latencies. */
async function startProbe(url: string, target: ProbeTarget) {
  const c = new Client({ connectionString: url, options: "-c lock_timeout=5000" });
  await c.connect();
  let stopped = false;
  const latencies: number[] = [];
  let timeouts = 0;
  const running = (async () => {
    while (!stopped) {
      const t0 = performance.now();
      try {
        await c.query("BEGIN");
        await c.query("UPDATE delivery_queue SET leased_by = leased_by WHERE delivery_id = $1", [
          target.deliveryId,
        ]);
        await c.query(
          "UPDATE deliveries SET last_latency_ms = last_latency_ms WHERE id = $1 AND expires_on = $2",
          [target.deliveryId, target.expiresOn],
        );
        await c.query(
          "UPDATE delivery_attempts SET duration_ms = duration_ms WHERE delivery_id = $1 AND expires_on = $2 AND attempt_number = 1",
          [target.deliveryId, target.expiresOn],
        );
        await c.query(
          "SELECT id FROM deliveries WHERE integration_id = $1 ORDER BY created_at DESC LIMIT 5",
          [target.integrationId],
        );
        await c.query("COMMIT");
      } catch {
        timeouts++;
        await c.query("ROLLBACK").catch(() => {});
      }
      latencies.push(performance.now() - t0);
      await sleep(Math.max(0, 20 - (performance.now() - t0)));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await running;
      await c.end();
      return { latencies, timeouts };
    },
  };
}

interface HeldLock {
  relation: string;
  mode: string;
  ms: number;
  /** Most backends seen waiting on the retention backend meanwhile. */
  blocked: number;
}

/** Every ~10 ms: the relation locks of the backend holding retention's advisory lock. */
async function startLockPoller(url: string) {
  const c = new Client({ connectionString: url });
  await c.connect();
  let stopped = false;
  const open = new Map<string, { first: number; last: number; blocked: number }>();
  const longest = new Map<string, HeldLock>();
  let samples = 0;
  let maxBlocked = 0;
  const close = (key: string) => {
    const o = open.get(key)!;
    const [relation, mode] = key.split(" ") as [string, string];
    const held = o.last - o.first;
    const prev = longest.get(key);
    if (!prev || held > prev.ms) longest.set(key, { relation, mode, ms: held, blocked: o.blocked });
    open.delete(key);
  };
  const running = (async () => {
    while (!stopped) {
      const t = performance.now();
      const { rows } = await c.query<{ rel: string; mode: string; blocked: number }>(
        `WITH r AS (SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND granted LIMIT 1)
         SELECT l.relation::regclass::text AS rel, l.mode,
                (SELECT count(*) FROM pg_stat_activity a WHERE a.pid <> l.pid AND l.pid = ANY(pg_blocking_pids(a.pid)))::int AS blocked
         FROM pg_locks l WHERE l.locktype = 'relation' AND l.granted AND l.pid = (SELECT pid FROM r)`,
        [RETENTION_LOCK],
      );
      samples++;
      const seen = new Set<string>();
      for (const r of rows) {
        if (!HOT_TABLES.test(r.rel)) continue;
        const key = `${r.rel} ${r.mode}`;
        seen.add(key);
        const o = open.get(key) ?? { first: t, last: t, blocked: 0 };
        o.last = performance.now();
        o.blocked = Math.max(o.blocked, r.blocked);
        maxBlocked = Math.max(maxBlocked, r.blocked);
        open.set(key, o);
      }
      for (const key of [...open.keys()]) if (!seen.has(key)) close(key);
      await sleep(Math.max(0, 10 - (performance.now() - t)));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await running;
      for (const key of [...open.keys()]) close(key);
      await c.end();
      const locks = [...longest.values()].sort((a, b) => b.ms - a.ms);
      return { locks, samples, maxBlocked };
    },
  };
}

// ------------------------------------------------------------------ the phase

/** The oldest day whose deliveries or messages partition holds a row. */
async function oldestDataDay(c: Client): Promise<string | null> {
  const { rows } = await c.query<{ day: string }>(
    `SELECT DISTINCT to_char(to_date(right(k.relname, 8), 'YYYYMMDD'), 'YYYY-MM-DD') AS day
     FROM pg_inherits i JOIN pg_class k ON k.oid = i.inhrelid
     WHERE i.inhparent IN ('deliveries'::regclass, 'messages'::regclass) ORDER BY day`,
  );
  for (const { day } of rows) {
    // A day whose deliveries wait for unfinished ones has lost its messages' partition already.
    for (const table of ["deliveries", "messages"] as const) {
      const part = partitionName(table, day);
      const exists = await c.query<{ e: boolean }>("SELECT to_regclass($1) IS NOT NULL AS e", [part]);
      if (exists.rows[0]!.e && (await c.query(`SELECT 1 FROM ${part} LIMIT 1`)).rowCount) return day;
    }
  }
  return null;
}

const dayAfter = (day: string, minutes = 30) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000 + minutes * 60_000);

export interface RetentionRun {
  day: string;
  ms: number;
  stats: RetentionStats;
  locks: HeldLock[];
  lockSamples: number;
  maxBlocked: number;
  probe: Summary & { timeouts: number };
  loop: Summary & { errors: number };
  baseline: Summary & { errors: number };
}

export async function retentionPhase(url: string, runs: number, log = console.log) {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const setup = await loopSetup();
    const target = await probeTarget(c);
    const first = await oldestDataDay(c);
    if (!first) throw new Error("no data to expire");
    // Empty days before the first one with data go first, unmeasured.
    const pre = await runRetention({ now: new Date(Date.parse(`${first}T00:30:00Z`)) });
    log(
      `    before: dropped ${pre.daysDropped.length} empty day(s) before ${first}; partitions made ${pre.partitionsMade}`,
    );
    const results: RetentionRun[] = [];
    let window = 5_000;
    for (let r = 0; r < runs; r++) {
      const day = await oldestDataDay(c);
      if (!day) break;
      // Baseline: the loop alone for as long as the last retention run took (≥ 3 s).
      const base = await startLoop(setup);
      await sleep(window);
      const baseline = await base.stop();
      // The run, with the loop, the probe and the poller alongside.
      const loop = await startLoop(setup);
      const probe = await startProbe(url, target);
      const poller = await startLockPoller(url);
      await sleep(300);
      const t0 = performance.now();
      const stats = await runRetention({ now: dayAfter(day) });
      const took = performance.now() - t0;
      await sleep(Math.max(300, 3_000 - took));
      const locks = await poller.stop();
      const probed = await probe.stop();
      const looped = await loop.stop();
      window = Math.max(3_000, took);
      const run: RetentionRun = {
        day,
        ms: took,
        stats,
        locks: locks.locks.slice(0, 8),
        lockSamples: locks.samples,
        maxBlocked: locks.maxBlocked,
        probe: { ...summarize(probed.latencies), timeouts: probed.timeouts },
        loop: { ...summarize(looped.iterations), errors: looped.errors },
        baseline: { ...summarize(baseline.iterations), errors: baseline.errors },
      };
      results.push(run);
      const top = run.locks[0];
      log(
        `    day ${day} (now=${utcDay(dayAfter(day))}): ${ms(took)}; dropped [${stats.daysDropped.join(", ")}], deleted ${JSON.stringify(stats.deleted)}${stats.unfinished ? ", UNFINISHED" : ""}` +
          `\n      longest lock: ${top ? `${top.mode} on ${top.relation} ${ms(top.ms)}` : "—"}; others blocked by it at most ${locks.maxBlocked}` +
          `\n      probe p99 ${ms(run.probe.p99)} max ${ms(run.probe.max)} (lock timeouts ${probed.timeouts}); loop p99 ${ms(run.loop.p99)} vs ${ms(run.baseline.p99)} without`,
      );
    }
    return results;
  } finally {
    await c.end();
  }
}

export function retentionTable(runs: RetentionRun[]): string {
  const med = (f: (r: RetentionRun) => number) => median(runs.map(f));
  const strongest = runs
    .flatMap((r) => r.locks)
    .filter((l) => !/^(AccessShareLock|RowShareLock|RowExclusiveLock)$/.test(l.mode));
  strongest.sort((a, b) => b.ms - a.ms);
  const worst = strongest[0];
  const anyLock = runs.flatMap((r) => r.locks).sort((a, b) => b.ms - a.ms)[0];
  return table(
    ["retention (one day expired per run)", "median", "runs"],
    [
      ["time to expire one day", ms(med((r) => r.ms)), runs.map((r) => ms(r.ms)).join(", ")],
      [
        "days dropped per run",
        String(med((r) => r.stats.daysDropped.length)),
        runs.map((r) => r.stats.daysDropped.length).join(", "),
      ],
      [
        "longest lock held (any mode, hot tables)",
        anyLock ? `${ms(anyLock.ms)} ${anyLock.mode} on ${anyLock.relation}` : "—",
        runs.map((r) => (r.locks[0] ? ms(r.locks[0].ms) : "—")).join(", "),
      ],
      [
        "longest lock stronger than RowExclusive",
        worst ? `${ms(worst.ms)} ${worst.mode} on ${worst.relation}` : "—",
        "",
      ],
      ["backends blocked by it (max)", String(Math.max(0, ...runs.map((r) => r.maxBlocked))), ""],
      [
        "probe write+read p99 / max",
        `${ms(med((r) => r.probe.p99))} / ${ms(med((r) => r.probe.max))}`,
        runs.map((r) => `${ms(r.probe.p99)}/${ms(r.probe.max)}`).join(", "),
      ],
      ["loop p99 during retention", ms(med((r) => r.loop.p99)), runs.map((r) => ms(r.loop.p99)).join(", ")],
      ["loop p99 without", ms(med((r) => r.baseline.p99)), runs.map((r) => ms(r.baseline.p99)).join(", ")],
      ["loop p50 during / without", `${ms(med((r) => r.loop.p50))} / ${ms(med((r) => r.baseline.p50))}`, ""],
    ],
  );
}
