import { Redis } from "ioredis";
import {
  RateLimiterPostgres,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from "rate-limiter-flexible";

import { enginePool } from "@/db";
import { env } from "@/lib/env";
import {
  AppError,
  describeError,
  isDatabaseUnavailable,
  UNAVAILABLE_RETRY_AFTER_SECONDS,
} from "@/lib/errors";
import { log } from "@/lib/log";

// Limits shared by every web server and worker process: the counters live in a store they all reach —
// the app's PostgreSQL (an UNLOGGED table, migration 0018: counters need no crash safety, and a write to
// it costs no WAL flush), or Redis when REDIS_URL is set. rate-limiter-flexible does the counting: a
// fixed window of `points` per `durationSeconds` per key, in one atomic statement per request.

/** A limit: `points` requests per `durationSeconds` per key. */
export interface LimitOptions {
  /** Keeps limits apart in the shared store (a key prefix). */
  name: string;
  points: number;
  durationSeconds: number;
}

export type RateDecision =
  { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

/** A token bucket's rate and burst as a window: `burst` requests per the time `rate` takes to refill it. */
export const windowFor = (ratePerSecond: number, burst: number) => ({
  points: burst,
  durationSeconds: Math.max(1, Math.round(burst / ratePerSecond)),
});

export class SharedLimiter {
  constructor(private readonly limiter: RateLimiterAbstract) {}

  /**
   * Counts one request for `key`. A store that cannot be reached throws: PostgreSQL's own errors as they
   * are (the routes answer 503 for them), anything else (Redis down, a timeout) as UNAVAILABLE.
   */
  async take(key: string): Promise<RateDecision> {
    try {
      const res = await this.limiter.consume(key);
      return { allowed: true, remaining: res.remainingPoints };
    } catch (err) {
      if (err instanceof RateLimiterRes)
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(err.msBeforeNext / 1000)) };
      if (isDatabaseUnavailable(err) || !(this.limiter instanceof RateLimiterRedis)) throw err;
      log().warn({ err: describeError(err) }, "the rate limit store (Redis) cannot be reached");
      throw new AppError(
        "UNAVAILABLE",
        "The service is busy; try again shortly",
        undefined,
        UNAVAILABLE_RETRY_AFTER_SECONDS,
      );
    }
  }
}

/** A limiter in the process's shared store (Redis when REDIS_URL is set, else PostgreSQL). */
export function sharedLimiter(
  { name, points, durationSeconds }: LimitOptions,
  redis: Redis | null = redisClient(),
): SharedLimiter {
  const options = { keyPrefix: name, points, duration: durationSeconds };
  if (redis) return new SharedLimiter(new RateLimiterRedis({ ...options, storeClient: redis }));
  return new SharedLimiter(
    new RateLimiterPostgres({
      ...options,
      storeClient: enginePool(),
      storeType: "pool",
      tableName: "rate_limits",
      tableCreated: true,
      // The library's own hourly sweep of expired rows (each process runs one; they do not conflict).
      clearExpiredByTimeout: true,
    }),
  );
}

// One Redis connection per process (Next may bundle modules apart, hence globalThis). A command waits at
// most 2 s (one retry): a Redis that is down makes a request fail (503), not hang.
const store = globalThis as { rateLimitRedis?: Redis | null };
function redisClient(): Redis | null {
  if (store.rateLimitRedis !== undefined) return store.rateLimitRedis;
  const url = env().REDIS_URL;
  if (!url) return (store.rateLimitRedis = null);
  const redis = new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: 2_000 });
  // Reconnects on its own; each failed request says so (above). Without a listener, every reconnect
  // attempt would print an unhandled error event.
  redis.on("error", () => {});
  return (store.rateLimitRedis = redis);
}
