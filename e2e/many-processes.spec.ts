// The promises of "Running several processes", kept by real processes: 2 web servers (the built app's
// server, as `npm start` runs it, without an in-process worker) and 3 worker processes (`npm run worker`'s
// program) on one database of this test's own. No browser: HTTP calls and webhook receivers on 127.0.0.1.
//  1. One API key's limit holds across both servers (a shared counter, not one per server).
//  2. Every accepted event reaches its webhook under its webhook-id; a repeat is only ever a retry.
//  3. A chat's messages arrive in the order they were sent, whichever server took them.
//  4. A paced endpoint gets its maximum rate from the 3 workers together (±10 %).
//  5. Meanwhile another endpoint's fresh events arrive promptly (beside a noisy backlog too).
import { monitorEventLoopDelay } from "node:perf_hooks";

import { expect, test } from "@playwright/test";
import { and, count, eq, inArray, sql } from "drizzle-orm";

import { db } from "@/db";
import { deliveries, deliveryAttempts } from "@/db/schema";
import { createApiKey } from "@/lib/data/api-keys";
import { windowFor } from "@/lib/api/rate-limit";
import { createTestAccount } from "@/lib/testing/accounts";
import { createTestConnection, createTestIntegration } from "@/lib/testing/integrations";
import { ownTestDatabase } from "@/lib/testing/own-database";
import { startReceiver, type ReceivedRequest } from "@/lib/testing/receiver";
import { waitUntil } from "@/lib/testing/wait";
import { spawnWebServer, type WebServerProcess } from "@/lib/testing/web-server-process";
import { spawnWorkerProcess, type WorkerProcess } from "@/lib/testing/worker-process";
import { ingestInbound } from "@/lib/webhooks/ingest";
import { PACE_BURST_SECONDS } from "@/lib/webhooks/pace";
import { generateSigningSecret } from "@/lib/webhooks/sign";

const PORTS = [3341, 3342];
// Each worker serves its metrics here: what it sent, to tell that all three took part.
const WORKER_METRICS_PORTS = [3343, 3344, 3345];

// The web servers' limit per API key: a fixed window of BURST requests per BURST / RATE seconds
// (lib/api/rate-limit.ts windowFor: 5 s), which starts at the key's first request, counted in PostgreSQL.
// The window is long enough for the burst to fit in it even on a busy machine.
const API_RATE = 10;
const API_BURST = 50;
const LIMIT_WINDOW = windowFor(API_RATE, API_BURST);
const BURST_REQUESTS = 200;

const ORDER_CHATS = 8;
const ORDER_MESSAGES = 5; // per chat: 40 requests in all, within the key's burst

const PACE_RATE = 10;
const PACED_BACKLOG = 150; // 15 s of the rate
const NOISY_BACKLOG = 4_000;
// Quiet events through two keys (at most 40 per key's window in all).
const QUIET_PHASE_1 = { events: 40, everyMs: 100 };
const QUIET_PHASE_2 = { events: 40, everyMs: 50 };
// Quiet events, stored → received (the receiver is this process) at the 99th percentile: beside the paced
// backlog (measured 48–106 ms on a busy 2-core machine; waiting for that backlog would take seconds)…
const QUIET_P99_BOUND_MS = 500;
// …and beside the noisy one too: how many noisy deliveries arrive while one waits (measured at most
// 190–350: those in flight and in the claims under way; oldest-first claims would make the first ones
// wait for nearly all 4,000), and the time (measured p99 0.33–0.58 s while it drained at 470–740/s).
const NOISY_OVERTAKING_BOUND = NOISY_BACKLOG / 4;
const QUIET_BESIDE_NOISY_P99_BOUND_MS = 3_000;

const SERVER_ENV = {
  WORKER_IN_PROCESS: "false",
  API_RATE_LIMIT_PER_SECOND: String(API_RATE),
  API_RATE_LIMIT_BURST: String(API_BURST),
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true",
  WEBHOOK_ALLOW_INSECURE_URLS: "true",
  LOG_LEVEL: "warn",
};

interface Accepted {
  chatId: string;
  messageId: string;
  deliveryIds: string[];
}

interface Answer {
  status: number;
  retryAfter: string | null;
  body: unknown;
  sentAt: number;
  answeredAt: number;
}

const cleanups: (() => Promise<unknown>)[] = [];
let lastOutput = "";

test.afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch((err) => console.error(err));
});

/** Stops a child process gracefully, or kills it when it takes longer than `ms`. */
async function stopWithin(proc: WebServerProcess | WorkerProcess, ms = 15_000): Promise<void> {
  const timer = setTimeout(() => proc.child.kill("SIGKILL"), ms);
  await proc.stop().finally(() => clearTimeout(timer));
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** The first arrival of each delivery id, in arrival order. */
function firstArrivals(requests: ReceivedRequest[]): Map<string, { index: number; at: number }> {
  const first = new Map<string, { index: number; at: number }>();
  requests.forEach((r, index) => {
    if (!first.has(r.deliveryId)) first.set(r.deliveryId, { index, at: r.receivedAt });
  });
  return first;
}

test("2 web servers and 3 workers on one database keep the API limit, delivery, order, pace and fairness", async () => {
  test.setTimeout(150_000);
  const started = Date.now();
  const figures: Record<string, unknown> = {};

  // --- A database of its own (the e2e one has the e2e web server's in-process worker on it).
  cleanups.push(await ownTestDatabase());
  const [{ name }] = (await db().execute<{ name: string }>(sql`SELECT current_database() AS name`)).rows as [
    { name: string },
  ];
  expect(process.env.DATABASE_URL).toContain(`/${name}`);

  const { accountId } = await createTestAccount("Processes");
  const hook = async (label: string, maxRatePerSecond?: number) => {
    const signingSecret = generateSigningSecret();
    const receiver = await startReceiver({ secrets: [signingSecret] });
    cleanups.push(() => receiver.close());
    const connection = await createTestConnection(accountId);
    await createTestIntegration(accountId, {
      alias: label,
      url: `${receiver.url}/${label}`,
      signingSecret,
      connectionIds: [connection.id],
      maxRatePerSecond,
    });
    return { label, connectionId: connection.id, receiver, expected: new Set<string>() };
  };
  const burst = await hook("burst");
  const order = await hook("order");
  const paced = await hook("paced", PACE_RATE);
  const noisy = await hook("noisy");
  const quiet = await hook("quiet");
  const hooks = [burst, order, paced, noisy, quiet];
  // One key per kind of traffic: the limit is per key, so each part sees only its own requests.
  const keys = {
    warmUp: (await createApiKey(accountId, "warm-up")).key,
    burst: (await createApiKey(accountId, "burst")).key,
    order: (await createApiKey(accountId, "order")).key,
    quiet: [(await createApiKey(accountId, "quiet 1")).key, (await createApiKey(accountId, "quiet 2")).key],
  };

  // --- 2 web servers without in-process workers, 3 worker processes for this account.
  const servers: WebServerProcess[] = [];
  const workers: WorkerProcess[] = [];
  cleanups.push(() => Promise.all([...servers, ...workers].filter(Boolean).map((p) => stopWithin(p))));
  const processesStarted = Date.now();
  await Promise.all([
    ...PORTS.map(async (port, i) => {
      servers[i] = await spawnWebServer({ port, env: SERVER_ENV });
    }),
    ...WORKER_METRICS_PORTS.map(async (port, i) => {
      workers[i] = await spawnWorkerProcess({
        accountIds: [accountId],
        env: { WORKER_METRICS_PORT: String(port) },
      });
    }),
  ]);
  figures.processesStartMs = Date.now() - processesStarted;

  const post = async (server: WebServerProcess, key: string, connectionId: string, body: object) => {
    const sentAt = Date.now();
    const res = await fetch(`${server.url}/api/v1/connections/${connectionId}/inbound`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      retryAfter: res.headers.get("retry-after"),
      body: text ? (JSON.parse(text) as unknown) : undefined,
      sentAt,
      answeredAt: Date.now(),
    } satisfies Answer;
  };
  /** Posts until accepted: a 429 waits its Retry-After (these parts stay under their key's limit anyway). */
  const deliver = async (server: WebServerProcess, key: string, connectionId: string, body: object) => {
    for (;;) {
      const answer = await post(server, key, connectionId, body);
      if (answer.status === 202) return { ...answer, accepted: answer.body as Accepted };
      if (answer.status !== 429) throw new Error(`${answer.status}: ${JSON.stringify(answer.body)}`);
      await new Promise((r) => setTimeout(r, Number(answer.retryAfter ?? 1) * 1000));
    }
  };

  // Warm-up of each server's route, key check and database pools, with a key of its own: a cold first
  // request takes a while, and the burst should measure the limit, not a start-up.
  const warmUp = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      deliver(servers[i % 2]!, keys.warmUp, burst.connectionId, {
        from: `+1555500${String(i).padStart(4, "0")}`,
        text: `warm-up ${i}`,
      }),
    ),
  );
  for (const { accepted } of warmUp) for (const id of accepted.deliveryIds) burst.expected.add(id);

  // --- 1. A burst with one key, split across both servers.
  const burstAnswers = await Promise.all(
    Array.from({ length: BURST_REQUESTS }, (_, i) =>
      post(servers[i % 2]!, keys.burst, burst.connectionId, {
        from: `+1555600${String(i).padStart(4, "0")}`,
        text: `burst ${i}`,
      }),
    ),
  );
  const burstSentAt = Math.min(...burstAnswers.map((a) => a.sentAt));
  const burstSpanMs = Math.max(...burstAnswers.map((a) => a.answeredAt)) - burstSentAt;
  const windowMs = LIMIT_WINDOW.durationSeconds * 1000;
  // The key's first window starts with the first request counted, after burstSentAt: whatever was
  // answered before burstSentAt + windowMs was counted in that window.
  const inFirstWindow = burstAnswers.filter((a) => a.answeredAt < burstSentAt + windowMs);
  const acceptedInFirstWindow = inFirstWindow.filter((a) => a.status === 202).length;
  const acceptedInBurst = burstAnswers.filter((a) => a.status === 202);
  const limited = burstAnswers.filter((a) => a.status === 429);
  for (const a of acceptedInBurst) for (const id of (a.body as Accepted).deliveryIds) burst.expected.add(id);
  // Every request was counted between the first one's sending and the last one's answer: that span
  // meets at most this many of the key's windows, each of which lets API_BURST through.
  const windowsMet = Math.floor(burstSpanMs / windowMs) + 1;
  const latencies = (status: number) =>
    burstAnswers
      .filter((a) => a.status === status)
      .map((a) => a.answeredAt - a.sentAt)
      .sort((a, b) => a - b);
  Object.assign(figures, {
    burstSpanMs,
    burstAccepted: acceptedInBurst.length,
    burstAllowed: API_BURST * windowsMet,
    burstLimited: limited.length,
    burstAnsweredInFirstWindow: inFirstWindow.length,
    burstAcceptedInFirstWindow: acceptedInFirstWindow,
    burst202Ms: [percentile(latencies(202), 50), latencies(202).at(-1)],
    burst429Ms: [percentile(latencies(429), 50), latencies(429).at(-1)],
    acceptedPerServer: PORTS.map(
      (_, s) => burstAnswers.filter((a, i) => i % 2 === s && a.status === 202).length,
    ),
  });

  // --- 2–5. A paced backlog; while it drains, ordered chats and a quiet stream (phase 1), then a noisy
  // backlog beside it and a second quiet stream (phase 2).
  const ingest = async (target: typeof paced, count: number, prefix: string) => {
    const accepted = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        ingestInbound({
          connectionId: target.connectionId,
          from: `${prefix}${String(i).padStart(4, "0")}`,
          text: "b",
        }),
      ),
    );
    for (const a of accepted) for (const id of a.deliveryIds) target.expected.add(id);
  };
  // A quiet endpoint's events, `count` of them `everyMs` apart, each from a contact of its own, every
  // other one through the other server and, in pairs, the other key.
  const quietSent = new Map<string, { phase: 1 | 2; sentAt: number; answeredAt: number }>();
  const quietStream = async (phase: 1 | 2, count: number, everyMs: number) => {
    const pending: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      pending.push(
        deliver(servers[i % 2]!, keys.quiet[Math.floor(i / 2) % 2]!, quiet.connectionId, {
          from: `+155590${phase}${String(i).padStart(4, "0")}`,
          text: `quiet ${phase}.${i}`,
        }).then(({ accepted, sentAt, answeredAt }) => {
          for (const id of accepted.deliveryIds) {
            quietSent.set(id, { phase, sentAt, answeredAt });
            quiet.expected.add(id);
          }
        }),
      );
      await new Promise((r) => setTimeout(r, everyMs));
    }
    await Promise.all(pending);
  };
  // This process receives the webhooks: how late its timers ran tells how late it may have seen them.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });

  const pacedIngested = Date.now();
  await ingest(paced, PACED_BACKLOG, "+1555700");
  figures.pacedIngestMs = Date.now() - pacedIngested;
  await paced.receiver.waitFor((r) => r.length > 0, 10_000);

  // Phase 1. Each chat's messages one after another, every other one through the other server; chats
  // side by side. And the first quiet stream.
  const sentInOrder = new Map<string, string[]>();
  const orderDone = Promise.all(
    Array.from({ length: ORDER_CHATS }, async (_, c) => {
      const from = `+1555800${String(c).padStart(4, "0")}`;
      for (let m = 0; m < ORDER_MESSAGES; m++) {
        const { accepted } = await deliver(servers[(c + m) % 2]!, keys.order, order.connectionId, {
          from,
          text: `chat ${c} message ${m}`,
        });
        const ids = sentInOrder.get(accepted.chatId) ?? [];
        ids.push(...accepted.deliveryIds);
        sentInOrder.set(accepted.chatId, ids);
        for (const id of accepted.deliveryIds) order.expected.add(id);
      }
    }),
  );
  loopDelay.enable();
  await Promise.all([orderDone, quietStream(1, QUIET_PHASE_1.events, QUIET_PHASE_1.everyMs)]);

  // Phase 2. The noisy backlog, and the second quiet stream right away.
  const noisyIngested = Date.now();
  await ingest(noisy, NOISY_BACKLOG, "+1555710");
  figures.noisyIngestMs = Date.now() - noisyIngested;
  await quietStream(2, QUIET_PHASE_2.events, QUIET_PHASE_2.everyMs);
  loopDelay.disable();

  // Everything accepted arrives (the paced backlog last, at its rate).
  for (const h of hooks) {
    await waitUntil(
      () => {
        const received = new Set(h.receiver.requests.map((r) => r.deliveryId));
        return [...h.expected].every((id) => received.has(id));
      },
      {
        timeoutMs: 40_000,
        intervalMs: 100,
        what: `every ${h.label} delivery to arrive (${h.receiver.requests.length} of ${h.expected.size})`,
      },
    ).catch((err: Error) => {
      lastOutput = [...workers.flatMap((w) => w.output), ...servers.flatMap((s) => s.output)]
        .join("")
        .slice(-5_000);
      throw err;
    });
  }

  // Every delivery is recorded Succeeded, and the workers' own counts of what they sent add up to what
  // the receivers got (each answered every request 200).
  const receivedInAll = hooks.reduce((n, h) => n + h.receiver.requests.length, 0);
  const sentByWorker = async () =>
    Promise.all(
      WORKER_METRICS_PORTS.map(async (port) => {
        const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        return [...text.matchAll(/^webhook_delivery_attempts_total\{[^}]*\} (\d+)/gm)].reduce(
          (n, m) => n + Number(m[1]),
          0,
        );
      }),
    );
  const statuses = async () =>
    db()
      .select({ status: deliveries.status, n: count() })
      .from(deliveries)
      .where(eq(deliveries.accountId, accountId))
      .groupBy(deliveries.status);
  await waitUntil(
    async () => {
      const s = await statuses();
      const sent = await sentByWorker();
      return (
        s.length === 1 && s[0]!.status === "SUCCEEDED" && sent.reduce((a, b) => a + b, 0) === receivedInAll
      );
    },
    { timeoutMs: 10_000, intervalMs: 100, what: "every delivery recorded Succeeded by the workers" },
  ).catch(() => {});
  figures.statuses = Object.fromEntries((await statuses()).map((r) => [r.status, r.n]));
  figures.sentByWorker = await sentByWorker();

  // The figures first, all of them, then the checks (soft: one run reports every broken promise).
  const pacedTimes = [...firstArrivals(paced.receiver.requests).values()]
    .map((a) => a.at)
    .sort((a, b) => a - b);
  const firstPaced = pacedTimes[0]!;
  const bucket = Math.max(1, Math.floor(PACE_RATE * PACE_BURST_SECONDS));
  // A window of several seconds that starts after the first bucket and ends well before the backlog does.
  const paceWindowMs = Math.floor(((PACED_BACKLOG - bucket) / PACE_RATE - 2.5) * 1000);
  const inWindow = pacedTimes.filter(
    (t) => t >= firstPaced + 1_000 && t < firstPaced + 1_000 + paceWindowMs,
  ).length;
  const expectedInWindow = (PACE_RATE * paceWindowMs) / 1000;
  figures.pace = {
    windowMs: paceWindowMs,
    inWindow,
    expectedInWindow,
    ratePerSecond: Number(((inWindow * 1000) / paceWindowMs).toFixed(2)),
    drainMs: pacedTimes.at(-1)! - firstPaced,
  };

  // Accepted = stored: the delivery's row is written in the transaction that stores the message.
  const quietArrivals = firstArrivals(quiet.receiver.requests);
  const storedAt = new Map(
    (
      await db()
        .select({ id: deliveries.id, createdAt: deliveries.createdAt })
        .from(deliveries)
        .where(inArray(deliveries.id, [...quietSent.keys()]))
    ).map((d) => [d.id, d.createdAt.getTime()]),
  );
  // When a worker started the request (its own clock, as it recorded the attempt).
  const attemptAt = new Map(
    (
      await db()
        .select({ id: deliveryAttempts.deliveryId, startedAt: deliveryAttempts.startedAt })
        .from(deliveryAttempts)
        .where(
          and(
            inArray(deliveryAttempts.deliveryId, [...quietSent.keys()]),
            eq(deliveryAttempts.attemptNumber, 1),
          ),
        )
    ).map((a) => [a.id, a.startedAt.getTime()]),
  );
  const quietEvents = [...quietSent].map(([id, s]) => ({
    ...s,
    storedAt: storedAt.get(id)!,
    attemptAt: attemptAt.get(id)!,
    receivedAt: quietArrivals.get(id)!.at,
  }));
  const noisyTimes = [...firstArrivals(noisy.receiver.requests).values()].map((a) => a.at);
  const noisyLast = Math.max(...noisyTimes);
  const pacedLast = pacedTimes.at(-1)!;
  // Phase 1: beside the paced backlog alone (all of it still to drain when it ends: checked below).
  // Phase 2: those stored before the noisy backlog's last delivery arrived.
  const pacedOnly = quietEvents.filter((e) => e.phase === 1);
  const duringNoisy = quietEvents.filter((e) => e.phase === 2 && e.storedAt < noisyLast);
  const latency = (
    events: typeof quietEvents,
    from: "storedAt" | "sentAt" | "answeredAt",
    to: "receivedAt" | "attemptAt" = "receivedAt",
  ) => events.map((e) => e[to] - e[from]).sort((a, b) => a - b);
  // How many of the noisy backlog's deliveries arrived while each quiet event waited: oldest-first
  // claims would make the first ones wait for nearly all of it.
  const overtaken = duringNoisy
    .map((e) => noisyTimes.filter((t) => t > e.storedAt && t < e.receivedAt).length)
    .sort((a, b) => a - b);
  const summary = (sorted: number[]) => ({
    n: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1),
  });
  figures.noisyDrainMs = noisyLast - noisyIngested;
  figures.quiet = {
    storedToReceived: summary(latency(quietEvents, "storedAt")),
    sentToReceived: summary(latency(quietEvents, "sentAt")),
    answeredToReceived: summary(latency(quietEvents, "answeredAt")),
    storedToAttempt: summary(latency(quietEvents, "storedAt", "attemptAt")),
    duringNoisy: summary(latency(duringNoisy, "storedAt")),
    duringNoisyStoredToAttempt: summary(latency(duringNoisy, "storedAt", "attemptAt")),
    noisyOvertaking: summary(overtaken),
    pacedOnly: summary(latency(pacedOnly, "storedAt")),
  };
  figures.testProcessEventLoopDelayMs = {
    p99: Math.round(loopDelay.percentile(99) / 1e6),
    max: Math.round(loopDelay.max / 1e6),
  };
  let repeats = 0;
  for (const h of hooks)
    repeats += h.receiver.requests.length - new Set(h.receiver.requests.map((r) => r.deliveryId)).size;
  figures.delivered = hooks.reduce((n, h) => n + h.expected.size, 0);
  figures.repeats = repeats;
  figures.totalMs = Date.now() - started;
  console.log(`many-processes: ${JSON.stringify(figures)}`);
  test.info().annotations.push({ type: "figures", description: JSON.stringify(figures) });

  // All 5 processes lived through it, the 3 workers each sent a share, and nothing is left undelivered.
  expect
    .soft([...servers, ...workers].map((p) => p.child.exitCode ?? p.child.signalCode))
    .toEqual(Array(servers.length + workers.length).fill(null));
  expect.soft(figures.statuses).toEqual({ SUCCEEDED: figures.delivered });
  expect.soft((figures.sentByWorker as number[]).reduce((a, b) => a + b, 0)).toBe(receivedInAll);
  for (const sent of figures.sentByWorker as number[]) expect.soft(sent).toBeGreaterThan(0);

  // --- 1. The key's limit, counted once for both servers.
  expect.soft(burstAnswers.filter((a) => a.status !== 202 && a.status !== 429)).toEqual([]);
  expect.soft(acceptedInBurst.length).toBeGreaterThanOrEqual(API_BURST);
  expect.soft(acceptedInBurst.length).toBeLessThanOrEqual(API_BURST * windowsMet);
  expect.soft(acceptedInFirstWindow).toBeLessThanOrEqual(API_BURST);
  // Were each server counting on its own, each would have let up to API_BURST of these through.
  expect
    .soft(inFirstWindow.length, "answers within the first window: more than one server's allowance")
    .toBeGreaterThan(API_BURST);
  expect.soft(limited.length).toBeGreaterThan(0);
  for (const a of limited) {
    expect.soft(a.body).toMatchObject({ error: { code: "RATE_LIMITED" } });
    expect.soft(Number(a.retryAfter)).toBeGreaterThanOrEqual(1);
    expect.soft(Number(a.retryAfter)).toBeLessThanOrEqual(LIMIT_WINDOW.durationSeconds);
  }

  // --- 2. Once per webhook-id: what arrived is exactly what was accepted; a repeat only of the same id.
  for (const h of hooks) {
    expect.soft(h.receiver.rejected, `${h.label}: requests whose signature did not verify`).toEqual([]);
    const received = new Set(h.receiver.requests.map((r) => r.deliveryId));
    expect
      .soft(
        [...received].filter((id) => !h.expected.has(id)),
        `${h.label}: unknown webhook-ids`,
      )
      .toEqual([]);
    expect
      .soft(
        [...h.expected].filter((id) => !received.has(id)),
        `${h.label}: missing webhook-ids`,
      )
      .toEqual([]);
  }

  // --- 3. Per-chat order: each chat's first arrivals in the order its messages were accepted.
  const orderArrivals = firstArrivals(order.receiver.requests);
  expect.soft(sentInOrder.size).toBe(ORDER_CHATS);
  for (const [chatId, ids] of sentInOrder) {
    const arrived = [...ids].sort((a, b) => orderArrivals.get(a)!.index - orderArrivals.get(b)!.index);
    expect.soft(arrived, `chat ${chatId}: arrival order`).toEqual(ids);
  }

  // --- 4. The pace: after the first bucketful, PACE_RATE a second from the 3 workers together.
  expect.soft(inWindow).toBeGreaterThanOrEqual(expectedInWindow * 0.9);
  expect.soft(inWindow).toBeLessThanOrEqual(expectedInWindow * 1.1);

  // --- 5. Beside the paced backlog, a quiet event goes as if there were none.
  expect
    .soft(Math.max(...pacedOnly.map((e) => e.receivedAt)), "phase 1 ended while the paced backlog drained")
    .toBeLessThan(pacedLast);
  expect.soft(percentile(latency(pacedOnly, "storedAt"), 99)).toBeLessThan(QUIET_P99_BOUND_MS);
  // Beside a noisy backlog, a quiet event waits for the requests in flight and the next claims only.
  expect.soft(duringNoisy.length, "quiet events while the noisy backlog drained").toBeGreaterThanOrEqual(10);
  expect.soft(overtaken.at(-1) ?? 0).toBeLessThan(NOISY_OVERTAKING_BOUND);
  expect.soft(percentile(latency(duringNoisy, "storedAt"), 99)).toBeLessThan(QUIET_BESIDE_NOISY_P99_BOUND_MS);
});

test.afterEach(() => {
  if (lastOutput) console.log(`last output of the processes:\n${lastOutput}`);
});
