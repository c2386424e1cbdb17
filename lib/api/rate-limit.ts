/** Options of a token bucket. */
export interface RateLimitOptions {
  /** Tokens added per second (Default: 50). */
  ratePerSecond?: number;
  /** Bucket size: how many requests may arrive at once (Default: 100). */
  burst?: number;
  /** Clock in ms, replaceable in tests (Default: Date.now). */
  now?: () => number;
}

export type RateDecision =
  { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

/**
 * A token bucket per key (an API key id). It lives in this process: with several web instances each
 * enforces the limit on its own share of traffic, which bounds abuse without a round trip per request.
 */
export class RateLimiter {
  private readonly rate: number;
  private readonly burst: number;
  private readonly now: () => number;
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor({ ratePerSecond = 50, burst = 100, now = Date.now }: RateLimitOptions = {}) {
    this.rate = ratePerSecond;
    this.burst = burst;
    this.now = now;
  }

  take(key: string): RateDecision {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.rate);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 10_000) this.evictFull(now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, remaining: Math.floor(bucket.tokens) };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.rate)) };
  }

  // Buckets that have refilled completely carry no information: drop them to bound memory.
  private evictFull(now: number): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.rate >= this.burst) this.buckets.delete(key);
    }
  }
}
