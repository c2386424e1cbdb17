import { describe, expect, it } from "vitest";

import { RateLimiter } from "./rate-limit";

describe("RateLimiter", () => {
  it("allows a burst, then refuses with Retry-After, then refills at the rate", () => {
    let now = 0;
    const limiter = new RateLimiter({ ratePerSecond: 50, burst: 100, now: () => now });
    for (let i = 0; i < 100; i++) expect(limiter.take("k").allowed).toBe(true);
    expect(limiter.take("k")).toEqual({ allowed: false, retryAfterSeconds: 1 });
    now += 100; // 0.1 s → 5 tokens
    for (let i = 0; i < 5; i++) expect(limiter.take("k").allowed).toBe(true);
    expect(limiter.take("k").allowed).toBe(false);
  });

  it("keeps keys apart", () => {
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 1, now: () => 0 });
    expect(limiter.take("a").allowed).toBe(true);
    expect(limiter.take("a").allowed).toBe(false);
    expect(limiter.take("b").allowed).toBe(true);
  });
});
