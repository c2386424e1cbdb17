import { randomBytes } from "node:crypto";
import { hostname } from "node:os";

import { Client } from "pg";

import { env } from "@/lib/env";
import { log } from "@/lib/log";

import { attempt } from "./attempt";
import { claimDue, loadIntegrations, type ClaimedDelivery, type IntegrationForDelivery } from "./claim";
import { closeIdleChats } from "./close";
import { vacuumQueueIfNeeded } from "./queue-vacuum";
import { maybeCompactPartitions } from "./compaction";
import { maybeRunRetention } from "./retention";
import { foldRollups } from "./rollups";
import { completeDeliveries, releaseLeases, type Completion } from "./complete";
import { GroupCommit } from "./group-commit";
import { DEFAULT_RETRY_SCHEDULE_MS, nextAttemptAt } from "./retry";
import type { Resolver } from "./ssrf";
import { WAKE_CHANNEL } from "./sql";
import {
  circuitSettings,
  DEFAULT_THROTTLE_HOLD_MS,
  recordHealth,
  type CircuitSettings,
  type EndpointSignal,
} from "./health";
import { FAST_ANSWER_MS, IntegrationSlots, type SlotOutcome } from "./slots";
import { RELEASE_NOTIFICATION, releasePending } from "./waiting";

export interface WorkerOptions {
  /** Names this worker in leases and logs (Default: host:pid:random). */
  workerId?: string;
  /** Requests in flight at once (Default: WORKER_CONCURRENCY, 200). */
  concurrency?: number;
  /**
   * Most requests in flight at once to one integration (Default: half of `concurrency`, at least 8). Each
   * integration's share grows to this from a few while its receiver answers fast, and halves for each
   * request that times out (lib/webhooks/slots.ts): slow receivers cannot hold up everyone else's.
   */
  perIntegrationConcurrency?: number;
  /** Most deliveries taken by one claim (Default: 200). */
  batchSize?: number;
  /**
   * After a claim that found less than it could take, wait this long before the next one, so that
   * under a steady stream each claim takes several events instead of one (Default: 2 ms).
   */
  claimCoalesceMs?: number;
  /** How long a claimed delivery stays ours; after that another worker may take it (Default: 60 s). */
  leaseMs?: number;
  /** Fallback poll when no notification arrives (Default: WORKER_POLL_MS, 2 s). */
  pollIntervalMs?: number;
  /** Request deadline (Default: WEBHOOK_TIMEOUT_MS, 15 s). */
  timeoutMs?: number;
  /** Backoff schedule, see DEFAULT_RETRY_SCHEDULE_MS (tests shorten it). */
  retrySchedule?: readonly number[];
  /** Default: WEBHOOK_ALLOW_PRIVATE_NETWORKS. */
  allowPrivateNetworks?: boolean;
  /** Default: WEBHOOK_ALLOW_INSECURE_URLS. */
  allowInsecureUrls?: boolean;
  /** Host name resolution (tests fake DNS answers with it). */
  resolver?: Resolver;
  /** Wake on LISTEN/NOTIFY (Default: true). The drain route polls only. */
  listen?: boolean;
  /** Close chats idle this long, sweeping every `sweepIntervalMs` (Default: CHAT_IDLE_TIMEOUT_MINUTES; null: never). */
  chatIdleTimeoutMs?: number | null;
  /** Default: 30 s. */
  sweepIntervalMs?: number;
  /** The circuit breaker (Default: CIRCUIT_BREAKER_FAILURES, CIRCUIT_BREAKER_MINUTES; tests shorten the pauses). */
  circuit?: Partial<CircuitSettings>;
  /** Only these accounts' deliveries and chats — for tests that share one database. */
  accountIds?: string[];
  /**
   * Run the database-wide maintenance in the sweep: the retention (lib/webhooks/retention.ts) and the
   * index compaction (lib/webhooks/compaction.ts), each at most every 10 minutes, and the queue's VACUUM where autovacuum has not done it (Default: true, but false
   * when `accountIds` limits the worker).
   */
  retention?: boolean;
}

export interface WorkerStats {
  claimed: number;
  succeeded: number;
  retrying: number;
  failed: number;
}

type Resolved = Required<
  Omit<WorkerOptions, "resolver" | "accountIds" | "chatIdleTimeoutMs" | "retention" | "circuit">
> & { retention: boolean; circuit: CircuitSettings } & Pick<WorkerOptions, "resolver" | "accountIds"> & {
    chatIdleTimeoutMs: number | null;
  };

/** The worker's settings from the environment, with `overrides` on top. */
export function resolveWorkerOptions(overrides: WorkerOptions = {}): Resolved {
  const e = env();
  return {
    workerId: `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`,
    concurrency: e.WORKER_CONCURRENCY,
    perIntegrationConcurrency: Math.max(8, Math.floor((overrides.concurrency ?? e.WORKER_CONCURRENCY) / 2)),
    batchSize: 200,
    claimCoalesceMs: 2,
    leaseMs: 60_000,
    pollIntervalMs: e.WORKER_POLL_MS,
    timeoutMs: e.WEBHOOK_TIMEOUT_MS,
    retrySchedule: DEFAULT_RETRY_SCHEDULE_MS,
    allowPrivateNetworks: e.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
    allowInsecureUrls: e.WEBHOOK_ALLOW_INSECURE_URLS,
    listen: true,
    chatIdleTimeoutMs: e.CHAT_IDLE_TIMEOUT_MINUTES > 0 ? e.CHAT_IDLE_TIMEOUT_MINUTES * 60_000 : null,
    sweepIntervalMs: 30_000,
    ...overrides,
    circuit: circuitSettings(overrides.circuit),
    retention: overrides.retention ?? !overrides.accountIds,
  };
}

// Outcomes waiting to be written past which no more is claimed.
const MAX_UNWRITTEN = 5_000;
// Claims one worker runs at once: a second one goes while the first waits on the database.
const CLAIM_LANES = 2;
// How long after a delivery's due time the worker wakes to claim it.
const DUE_WAKE_MARGIN_MS = 2;
// After a claim that found more due than it could take, claims go round robin across integrations for
// this long (see lib/webhooks/claim.ts): a backlog then shares the worker with everyone else's events.
const ROUND_ROBIN_FOR_MS = 1_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A delivery worker: claims due deliveries in batches under a lease, sends each (many in flight, one
 * per chat at a time), and writes the outcomes in batches. It wakes on NOTIFY from new deliveries, on
 * its own completions (a chat's next event may now go), when the next retry falls due, and on a
 * fallback poll. Any number of workers, in any processes, can share one database.
 */
export class DeliveryWorker {
  readonly options: Resolved;
  readonly stats: WorkerStats = { claimed: 0, succeeded: 0, retrying: 0, failed: 0 };
  private running = false;
  private wanted = false;
  // Claims under way (a worker runs up to CLAIM_LANES at once) and the rows they asked for.
  private readonly claims = new Set<Promise<void>>();
  private reserved = 0;
  private caughtUpAt = -Infinity;
  private pacer: NodeJS.Timeout | undefined;
  // Deliveries whose request is being sent, and outcomes being written: a sent delivery frees its
  // sending slot at once, so slow database writes do not hold back requests to receivers.
  private readonly sending = new Map<string, Promise<void>>();
  private readonly writing = new Set<Promise<void>>();
  private readonly completer = new GroupCommit<Completion, number>(
    async (batch) => {
      await completeDeliveries(batch);
      // Advisory: an endpoint's health that could not be written is written by its next failures.
      await recordHealth(batch, this.options.circuit).catch((err: unknown) =>
        log().warn({ err: errorText(err) }, "recording endpoint health failed"),
      );
      return batch.map(() => 1);
    },
    { maxBatch: 500, maxInFlight: 2 },
  );
  private listener: Client | null = null;
  private timers: NodeJS.Timeout[] = [];
  private claimFailures = 0;
  private idleWaiters: (() => void)[] = [];

  // Requests in flight per integration, and how many each may have (adaptive).
  private readonly slots: IntegrationSlots;
  private roundRobinUntil = -Infinity;

  constructor(options: WorkerOptions = {}) {
    this.options = resolveWorkerOptions(options);
    this.slots = new IntegrationSlots(this.options.perIntegrationConcurrency, this.options.concurrency);
  }

  /** Starts claiming; resolves once the first LISTEN is in place (or failed, then polling covers). */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const { pollIntervalMs, chatIdleTimeoutMs, sweepIntervalMs, workerId } = this.options;
    this.timers.push(
      setInterval(() => {
        this.kick();
        void this.release();
      }, pollIntervalMs),
    );
    if (chatIdleTimeoutMs !== null || this.options.retention)
      this.timers.push(setInterval(() => void this.sweep(), sweepIntervalMs));
    if (this.options.listen) await this.listen();
    log().info({ workerId, concurrency: this.options.concurrency }, "delivery worker started");
    this.kick();
    void this.release();
  }

  /**
   * Graceful stop: no more claims, in-flight requests finish (each is bounded by the request timeout)
   * and their outcomes are written; past `graceMs`, deliveries still unfinished are given back.
   */
  async stop({ graceMs = this.options.timeoutMs + 5_000 } = {}): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    clearTimeout(this.pacer);
    clearTimeout(this.dueTimer);
    this.dueTimer = undefined;
    await Promise.all(this.claims);
    await this.releasing;
    const sent = Promise.all(this.sending.values());
    const timedOut = await Promise.race([sent.then(() => false), sleep(graceMs).then(() => true)]);
    if (timedOut) {
      const released = await releaseLeases(this.options.workerId, [...this.sending.keys()]).catch(() => 0);
      log().warn({ released }, "delivery worker stopped before all requests finished; leases released");
    }
    await Promise.all(this.writing);
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => {});
    log().info({ workerId: this.options.workerId, ...this.stats }, "delivery worker stopped");
  }

  /** Deliveries being sent right now. */
  get busy(): number {
    return this.sending.size;
  }

  /** Asks for a claim as soon as possible (coalesces: many kicks, few claims). */
  kick(): void {
    this.wanted = true;
    // Caught up a moment ago: let a few more events gather rather than claim them one by one.
    const wait = this.caughtUpAt + this.options.claimCoalesceMs - performance.now();
    if (wait > 0 && this.running) {
      this.pacer ??= setTimeout(() => {
        this.pacer = undefined;
        this.kick();
      }, wait);
      return;
    }
    while (this.running && this.wanted && this.claims.size < CLAIM_LANES && this.room() > 0) {
      const claim = this.claimOnce().finally(() => {
        this.claims.delete(claim);
        if (this.wanted) this.kick();
        this.checkIdle();
      });
      this.claims.add(claim);
    }
  }

  /** How many more deliveries to take now — none while outcomes pile up unwritten (database slow). */
  private room(): number {
    if (this.writing.size > MAX_UNWRITTEN) return 0;
    return Math.min(this.options.batchSize, this.options.concurrency - this.sending.size - this.reserved);
  }

  /** Resolves when nothing is in flight and the last claim found nothing (drain mode, tests). */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return !this.wanted && this.claims.size === 0 && this.sending.size === 0 && this.writing.size === 0;
  }

  private checkIdle(): void {
    if (!this.isIdle()) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private async claimOnce(): Promise<void> {
    const { leaseMs, workerId, accountIds } = this.options;
    const limit = this.room();
    if (limit <= 0) return; // a finishing delivery kicks again
    this.wanted = false;
    this.reserved += limit;
    let claimed: ClaimedDelivery[];
    let integrations: Map<string, IntegrationForDelivery>;
    try {
      const full = this.slots.full();
      const roundRobin = full.length > 0 || performance.now() < this.roundRobinUntil;
      const claim = await claimDue({
        workerId,
        limit,
        leaseMs,
        accountIds,
        skipIntegrationIds: full,
        order: roundRobin ? "roundRobin" : "oldestDueFirst",
        rooms: roundRobin ? this.slots.rooms() : undefined,
      });
      // Held or paced endpoints' due deliveries are stepped over cheaply only by the round robin, and only
      // the round robin takes a paced endpoint's: when oldest-first left them, claim again that way now.
      if (claim.anyHeld) {
        this.roundRobinUntil = performance.now() + ROUND_ROBIN_FOR_MS;
        if (!roundRobin) this.wanted = true;
      }
      this.wakeIn(claim.nextDueInMs);
      claimed = await this.keepWithinIntegrationLimits(claim.deliveries);
      // More was due than this claim could take, or some integration is at its limit: be fair for a while.
      if (full.length > 0 || claim.deliveries.length === limit || claimed.length < claim.deliveries.length)
        this.roundRobinUntil = performance.now() + ROUND_ROBIN_FOR_MS;
      integrations = await this.integrationsFor(claimed);
      this.claimFailures = 0;
    } catch (err) {
      // Database unreachable: try again after a growing pause (the poll timer also kicks).
      this.claimFailures++;
      log().warn({ err: errorText(err), failures: this.claimFailures }, "claim failed");
      await sleep(Math.min(5_000, 100 * 2 ** this.claimFailures));
      this.wanted = true;
      return;
    } finally {
      this.reserved -= limit;
    }
    this.stats.claimed += claimed.length;
    for (const delivery of claimed) this.dispatch(delivery, integrations.get(delivery.integrationId));
    // A full batch suggests more is due.
    if (claimed.length === limit) this.wanted = true;
    else this.caughtUpAt = performance.now();
  }

  // A retry (or an event held behind one) falls due at a time no notification announces: each claim says
  // when the earliest delivery not yet due becomes due — whichever worker scheduled it, so one that
  // died leaves no retry waiting for the fallback poll — and a timer wakes the worker right then.
  private dueTimer: NodeJS.Timeout | undefined;
  private dueAt = Infinity;

  private wakeIn(ms: number | null): void {
    if (ms === null || !this.running) return;
    // A little past the due time, so the claim's now() has passed it; setTimeout takes at most ~24.8 days.
    const delay = Math.min(Math.max(0, ms) + DUE_WAKE_MARGIN_MS, 2 ** 31 - 1);
    const at = performance.now() + delay;
    if (this.dueTimer && this.dueAt <= at) return; // an earlier wake-up is set; it will look again
    clearTimeout(this.dueTimer);
    this.dueAt = at;
    this.dueTimer = setTimeout(() => {
      this.dueTimer = undefined;
      this.dueAt = Infinity;
      this.kick();
    }, delay);
  }

  // Releases the deliveries that waited for integrations just started (see waiting.ts): on their
  // Start's notification, on the poll (a release cut short by a crash is finished by any worker).
  private releasing: Promise<void> | undefined;
  private releaseAgain = false;

  /** Releases what waited for integrations just started (one pass at a time; asked during one, once more). */
  release(): Promise<void> {
    if (!this.running) return Promise.resolve();
    if (this.releasing) {
      this.releaseAgain = true;
      return this.releasing;
    }
    this.releasing = releasePending({ accountIds: this.options.accountIds })
      .then((released) => {
        if (released > 0) this.kick();
      })
      .catch((err: unknown) => log().warn({ err: errorText(err) }, "releasing waiting deliveries failed"))
      .finally(() => {
        this.releasing = undefined;
        if (this.releaseAgain) {
          this.releaseAgain = false;
          void this.release();
        }
      });
    return this.releasing;
  }

  // A claim may bring more of one integration's deliveries than it may have in flight (a big backlog
  // of one receiver): those go straight back to the queue, due now, for when it has room again.
  private async keepWithinIntegrationLimits(claimed: ClaimedDelivery[]): Promise<ClaimedDelivery[]> {
    const keep: ClaimedDelivery[] = [];
    const back: string[] = [];
    for (const d of claimed) {
      if (this.slots.room(d.integrationId) > 0) {
        this.slots.take(d.integrationId); // its slot, from now until its request is over (dispatch)
        keep.push(d);
      } else back.push(d.id);
    }
    try {
      if (back.length > 0) await releaseLeases(this.options.workerId, back);
    } catch (err) {
      // Nothing is sent from this claim (the leases run out): the slots are free again.
      for (const d of keep) this.slots.release(d.integrationId, null);
      throw err;
    }
    return keep;
  }

  // Integrations' configurations (secrets still encrypted), reloaded when their updated_at moves.
  private readonly integrations = new Map<string, IntegrationForDelivery>();

  private async integrationsFor(claimed: ClaimedDelivery[]): Promise<Map<string, IntegrationForDelivery>> {
    const stale = new Set<string>();
    for (const d of claimed) {
      const cached = this.integrations.get(d.integrationId);
      if (!cached || cached.updatedAt.getTime() !== d.integrationVersion.getTime())
        stale.add(d.integrationId);
    }
    if (stale.size > 0) {
      if (this.integrations.size > 10_000) this.integrations.clear();
      for (const [id, integration] of await loadIntegrations([...stale]))
        this.integrations.set(id, integration);
    }
    return this.integrations;
  }

  private dispatch(delivery: ClaimedDelivery, integration: IntegrationForDelivery | undefined): void {
    const work = this.process(delivery, integration).then((completion) => {
      this.sending.delete(delivery.id);
      this.slots.release(delivery.integrationId, completion && slotOutcome(completion));
      if (completion) {
        const write = this.writeCompletion(completion).finally(() => {
          this.writing.delete(write);
          // This chat's next event may now go.
          if (this.running) this.kick();
          this.checkIdle();
        });
        this.writing.add(write);
      }
      // Room for another request.
      if (this.running) this.kick();
      this.checkIdle();
    });
    this.sending.set(delivery.id, work);
  }

  /** Sends one delivery and decides what becomes of it (null: nothing to record). */
  private async process(
    delivery: ClaimedDelivery,
    integration: IntegrationForDelivery | undefined,
  ): Promise<Completion | null> {
    // Deleted between claim and load: its rows are gone too (cascade), nothing to do.
    if (!integration) return null;
    const o = this.options;
    const { record, verdict } = await attempt(delivery, integration, {
      timeoutMs: o.timeoutMs,
      allowPrivateNetworks: o.allowPrivateNetworks,
      allowInsecureUrls: o.allowInsecureUrls,
      resolver: o.resolver,
    });
    let status: Completion["status"] = "FAILED";
    let next: Date | null = null;
    const signal: EndpointSignal =
      verdict.kind !== "RETRY"
        ? { kind: "answered" }
        : record.responseStatus === 429
          ? { kind: "throttled", holdMs: verdict.retryAfterMs ?? DEFAULT_THROTTLE_HOLD_MS }
          : { kind: "failed" };
    // A probe of a Failing endpoint that failed: it waits with the endpoint (the next probe's time), and
    // the attempt does not count against its budget.
    const failedProbe = delivery.probe && verdict.kind === "RETRY";
    if (verdict.kind === "SUCCEEDED") status = "SUCCEEDED";
    if (failedProbe) {
      status = "RETRYING";
      next = new Date();
    } else if (verdict.kind === "RETRY") {
      next = nextAttemptAt(
        {
          attemptsInWindow: delivery.attempts - delivery.attemptsBeforeWindow,
          windowStartedAt: delivery.windowStartedAt,
          maxAttempts: integration.maxAttempts,
          maxAgeSeconds: integration.maxAgeSeconds,
        },
        verdict.retryAfterMs,
        { schedule: o.retrySchedule },
      );
      if (next) status = "RETRYING";
      else record.errorMessage = `${record.errorMessage} — gave up (max attempts or max age reached)`;
    }
    const completion: Completion = {
      deliveryId: delivery.id,
      accountId: delivery.accountId,
      integrationId: delivery.integrationId,
      seq: delivery.seq,
      expiresOn: delivery.expiresOn,
      workerId: o.workerId,
      attemptNumber: delivery.attempts,
      status,
      nextAttemptAt: next,
      record,
      payload: delivery.payload,
      signal,
      unhealthy: delivery.unhealthy,
      outsideBudget: failedProbe,
      disableReason:
        verdict.kind === "GONE"
          ? `The receiver answered 410 Gone on ${record.startedAt.toISOString()}: deliveries stopped until the integration is started again`
          : null,
    };
    this.stats[status === "SUCCEEDED" ? "succeeded" : status === "RETRYING" ? "retrying" : "failed"]++;
    if (status === "FAILED") {
      log().info(
        { deliveryId: delivery.id, integrationId: delivery.integrationId, error: record.errorMessage },
        "delivery failed",
      );
    }
    return completion;
  }

  // The outcome must reach the database; while it cannot, keep trying (the lease protects the row,
  // and should it expire first another worker sends again — at-least-once).
  private async writeCompletion(completion: Completion): Promise<void> {
    for (let failures = 0; ; failures++) {
      try {
        await this.completer.submit(completion);
        return;
      } catch (err) {
        if (!this.running && failures >= 3) {
          log().error({ deliveryId: completion.deliveryId, err: errorText(err) }, "outcome not written");
          return;
        }
        log().warn({ err: errorText(err), failures }, "writing outcomes failed; retrying");
        await sleep(Math.min(5_000, 100 * 2 ** failures));
      }
    }
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: env().DATABASE_URL });
    client.on("notification", (message) => {
      if (message.payload === RELEASE_NOTIFICATION) void this.release();
      this.kick();
    });
    client.on("error", (err) => {
      log().warn({ err: errorText(err) }, "LISTEN connection lost; reconnecting");
      void client.end().catch(() => {});
      if (this.listener === client) this.listener = null;
      this.reconnectListener();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${WAKE_CHANNEL}`);
      if (!this.running) {
        await client.end();
        return;
      }
      this.listener = client;
      // Whatever was notified while we were not listening.
      this.kick();
    } catch (err) {
      log().warn({ err: errorText(err) }, "LISTEN failed; polling until it works");
      void client.end().catch(() => {});
      this.reconnectListener();
    }
  }

  private reconnectListener(): void {
    if (!this.running) return;
    const timer = setTimeout(() => {
      this.timers = this.timers.filter((t) => t !== timer);
      if (this.running && !this.listener) void this.listen();
    }, 1_000);
    this.timers.push(timer);
  }

  private sweeping = false;
  /**
   * Closes idle chats, folds the chart's rollups, vacuums the queue if autovacuum has not, then runs the
   * retention and the index compaction (lib/webhooks/compaction.ts) when due (the timer calls this; so does the drain route).
   */
  async sweep(): Promise<void> {
    const idleMs = this.options.chatIdleTimeoutMs;
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      for (; idleMs !== null;) {
        const closed = await closeIdleChats({ idleMs, accountIds: this.options.accountIds });
        if (closed.length > 0) log().info({ closed: closed.length }, "closed idle chats");
        if (closed.length < 500) break;
      }
    } catch (err) {
      log().warn({ err: errorText(err) }, "idle chat sweep failed");
    }
    try {
      await foldRollups();
    } catch (err) {
      log().warn({ err: errorText(err) }, "chart rollup fold failed");
    }
    try {
      if (this.options.retention) await vacuumQueueIfNeeded();
    } catch (err) {
      log().warn({ err: errorText(err) }, "queue vacuum failed");
    }
    try {
      if (this.options.retention) {
        const stats = await maybeRunRetention();
        if (stats?.daysDropped.length) log().info({ days: stats.daysDropped }, "expired days dropped");
        void maybeCompactPartitions();
      }
    } finally {
      this.sweeping = false;
    }
  }
}

const slotOutcome = ({ record, signal }: Completion): SlotOutcome =>
  record.errorClass === "TIMEOUT"
    ? "timedOut"
    : signal?.kind === "throttled"
      ? "throttled"
      : record.durationMs < FAST_ANSWER_MS
        ? "fast"
        : "slow";

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Creates and starts a worker. */
export async function startWorker(options: WorkerOptions = {}): Promise<DeliveryWorker> {
  const worker = new DeliveryWorker(options);
  await worker.start();
  return worker;
}

/**
 * Sends what is due now, for at most `maxMs` of claiming (then waits for the requests in flight), and
 * closes idle chats first: the cron-driven mode (POST /api/internal/deliveries/run), no LISTEN needed.
 */
export async function drainDeliveries({
  maxMs = 25_000,
  ...options
}: WorkerOptions & { maxMs?: number } = {}): Promise<WorkerStats> {
  const worker = new DeliveryWorker({ pollIntervalMs: 250, ...options, listen: false });
  await worker.sweep();
  await worker.start();
  await worker.release();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([worker.whenIdle(), new Promise((resolve) => (timer = setTimeout(resolve, maxMs)))]);
  clearTimeout(timer);
  await worker.stop();
  return worker.stats;
}
