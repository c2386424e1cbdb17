import { randomUUID } from "node:crypto";

import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";

import { sharedLimiter, windowFor } from "./rate-limit";

// These machines run Redis at 127.0.0.1:6379; REDIS_TEST_URL points the test elsewhere.
const redis = new Redis(process.env.REDIS_TEST_URL ?? "redis://127.0.0.1:6379", { lazyConnect: true });
afterAll(() => redis.disconnect());

const stores = [
  ["PostgreSQL", () => null],
  ["Redis", () => redis],
] as const;

describe.each(stores)("a shared limit in %s", (_store, client) => {
  // A name of its own per test: counts in the shared store outlive a test run.
  const limit = (points: number, durationSeconds: number) => {
    const name = `test_${randomUUID().slice(0, 8)}`;
    // Two limiters of one name, as two processes would hold them: nothing shared but the store.
    return [0, 1].map(() => sharedLimiter({ name, points, durationSeconds }, client()));
  };

  it("is one count across processes, refused with Retry-After past it", async () => {
    const [a, b] = limit(10, 60);
    for (let i = 0; i < 10; i++) expect((await (i % 2 ? a : b)!.take("key")).allowed).toBe(true);
    const refused = await a!.take("key");
    expect(refused.allowed).toBe(false);
    expect(refused).toMatchObject({ retryAfterSeconds: expect.any(Number) as unknown });
    expect(!refused.allowed && refused.retryAfterSeconds).toBeGreaterThan(50);
    expect((await b!.take("key")).allowed).toBe(false);
  });

  it("keeps keys apart, and lets a key go again once its window is over", async () => {
    const [a] = limit(2, 1);
    expect((await a!.take("x")).allowed).toBe(true);
    expect((await a!.take("x")).allowed).toBe(true);
    expect((await a!.take("x")).allowed).toBe(false);
    expect((await a!.take("y")).allowed).toBe(true);
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await a!.take("x")).allowed).toBe(true);
  });

  it("holds under concurrent requests: exactly its points are allowed", async () => {
    const [a, b] = limit(25, 60);
    const decisions = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b)!.take("burst")));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(25);
  });
});

describe("a shared limit whose Redis cannot be reached", () => {
  it("answers UNAVAILABLE with Retry-After (a 503), not an error", async () => {
    // A port nothing listens on (loopback only).
    const down = new Redis("redis://127.0.0.1:1", { maxRetriesPerRequest: 1, commandTimeout: 500 });
    down.on("error", () => {});
    try {
      const limiter = sharedLimiter({ name: "test_down", points: 5, durationSeconds: 60 }, down);
      await expect(limiter.take("key")).rejects.toMatchObject({ code: "UNAVAILABLE", retryAfterSeconds: 5 });
    } finally {
      down.disconnect();
    }
  });
});

describe("a token bucket's rate and burst as a window", () => {
  it("allows the burst per the time the rate takes to make it", () => {
    expect(windowFor(50, 100)).toEqual({ points: 100, durationSeconds: 2 });
    expect(windowFor(1000, 10)).toEqual({ points: 10, durationSeconds: 1 });
  });
});
